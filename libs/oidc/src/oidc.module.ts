import { Module } from '@nestjs/common';
import { SigningKeyService } from './signing-key.service';
import { TokenService } from './token.service';

/** Signing keys and token minting. Needs ConfigModule and DbModule (both global) in the app. */
@Module({ providers: [SigningKeyService, TokenService], exports: [SigningKeyService, TokenService] })
export class OidcModule {}
