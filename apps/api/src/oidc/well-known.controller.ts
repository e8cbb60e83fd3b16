import { Controller, Get, Header } from '@nestjs/common';
import { WELL_KNOWN_CACHE_CONTROL } from '@tally/oidc';
import { WellKnownService } from './well-known.service';

/** The issuer's public documents AWS STS fetches: no auth, cacheable, public keys only. */
@Controller('.well-known')
export class WellKnownController {
  constructor(private readonly wellKnown: WellKnownService) {}

  @Get('openid-configuration')
  @Header('Cache-Control', WELL_KNOWN_CACHE_CONTROL)
  @Header('Content-Type', 'application/json')
  discovery() {
    return this.wellKnown.discovery();
  }

  @Get('jwks.json')
  @Header('Cache-Control', WELL_KNOWN_CACHE_CONTROL)
  @Header('Content-Type', 'application/json')
  jwks() {
    return this.wellKnown.jwks();
  }
}
