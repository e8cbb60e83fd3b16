import { Module } from '@nestjs/common';
import { TenancyModule } from '@tally/tenancy';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';

@Module({ imports: [TenancyModule], controllers: [ApiKeysController], providers: [ApiKeysService] })
export class ApiKeysModule {}
