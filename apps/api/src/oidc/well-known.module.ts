import { Module } from '@nestjs/common';
import { OidcModule } from '@tally/oidc';
import { WellKnownController } from './well-known.controller';
import { WellKnownService } from './well-known.service';

/** Serves `/.well-known/openid-configuration` and `/.well-known/jwks.json`. */
@Module({ imports: [OidcModule], controllers: [WellKnownController], providers: [WellKnownService] })
export class WellKnownModule {}
