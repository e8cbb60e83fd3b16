import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { discoveryDocument, SigningKeyService } from '@tally/oidc';

@Injectable()
export class WellKnownService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: SigningKeyService,
  ) {}

  discovery(): Record<string, unknown> {
    return discoveryDocument(this.config.OIDC_ISSUER_URL);
  }

  jwks() {
    return this.keys.jwks();
  }
}
