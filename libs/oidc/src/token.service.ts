import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '@tally/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService, type PrismaClient } from '@tally/db';
import { SigningKeyService } from './signing-key.service';
import { buildTokenClaims, destinationSubjectFor, signJwt, subjectFor } from './token.claims';

export interface ConnectionRef {
  tenantId: string;
  connectionId: string;
}

export interface MintOptions {
  /** Lifetime in seconds, at most 600 (default 300). */
  ttlSeconds?: number;
}

/** Mints the web-identity tokens AWS accepts from us. */
@Injectable()
export class TokenService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SigningKeyService) private readonly keys: SigningKeyService,
  ) {}

  /**
   * A token whose subject is a stored connection. The pair is checked against the database, so a
   * subject can only ever name a connection that exists in that tenant.
   */
  async mintToken(ref: ConnectionRef, options: MintOptions = {}): Promise<string> {
    const subject = subjectFor(ref.tenantId, ref.connectionId);
    const found = await this.prisma.connection.findFirst({
      where: { id: ref.connectionId, tenantId: ref.tenantId },
      select: { id: true },
    });
    if (!found) throw new NotFoundError('Connection');
    return this.sign(subject, options);
  }

  /** A token whose subject is a stored destination (its SQS delivery role trusts only that subject). */
  async mintDestinationToken(
    ref: { tenantId: string; destinationId: string },
    options: MintOptions = {},
  ): Promise<string> {
    const subject = destinationSubjectFor(ref.tenantId, ref.destinationId);
    const found = await this.prisma.destination.findFirst({
      where: { id: ref.destinationId, tenantId: ref.tenantId },
      select: { id: true },
    });
    if (!found) throw new NotFoundError('Destination');
    return this.sign(subject, options);
  }

  /**
   * A token for a subject that belongs to no connection of any tenant (checked), for the
   * confused-deputy canary: a trust policy that accepts it accepts anybody's tokens.
   */
  async mintCanaryToken(options: MintOptions = {}): Promise<{ token: string; subject: string }> {
    for (;;) {
      const tenantId = randomUUID();
      const connectionId = randomUUID();
      const taken = await this.prisma.connection.count({
        where: { OR: [{ id: connectionId }, { tenantId }] },
      });
      if (taken) continue; // astronomically unlikely, but the claim is "verified absent"
      const subject = subjectFor(tenantId, connectionId);
      return { token: await this.sign(subject, options), subject };
    }
  }

  private async sign(subject: string, options: MintOptions): Promise<string> {
    const claims = buildTokenClaims({
      issuer: this.config.OIDC_ISSUER_URL,
      audience: this.config.OIDC_AUDIENCE,
      subject,
      ttlSeconds: options.ttlSeconds,
    });
    return signJwt(claims, await this.keys.activeKey());
  }
}
