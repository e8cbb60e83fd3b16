import type { KeyObject } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService, type PrismaClient } from '@tally/db';
import { loadPrivateKey, type PublicJwk } from './signing-key.crypto';
import {
  ensureSigningKeys,
  publishedSigningKeys,
  rotateSigningKeys,
  signingKeyGeneration,
} from './signing-key.store';

/** How long a replica signs with its cached active key before re-reading the database. */
const ACTIVE_KEY_CACHE_MS = 60_000;

export interface ActiveSigningKey {
  kid: string;
  privateKey: KeyObject;
}

interface Cached {
  key: ActiveSigningKey;
  loadedAt: number;
  generation: number;
}

/** Signing keys as the rest of the process sees them; the database is the source of truth. */
@Injectable()
export class SigningKeyService implements OnModuleInit {
  private cached?: Cached;
  private loading?: Promise<ActiveSigningKey>;

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureSigningKeys(this.prisma, this.config);
  }

  /** The key to sign with now (cached briefly; one database read in flight at a time). */
  async activeKey(): Promise<ActiveSigningKey> {
    const c = this.cached;
    if (c && Date.now() - c.loadedAt < ACTIVE_KEY_CACHE_MS && c.generation === signingKeyGeneration())
      return c.key;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** The public JWKS document: active, next and recently retired keys. Never private material. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    return { keys: await publishedSigningKeys(this.prisma) };
  }

  /** Rotates now and drops the cached key. */
  async rotate(): Promise<{ activeKid: string }> {
    const result = await rotateSigningKeys(this.prisma, this.config);
    this.invalidate();
    return result;
  }

  /** Forgets the cached active key: the next signature re-reads the database. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async load(): Promise<ActiveSigningKey> {
    const generation = signingKeyGeneration();
    let row = await this.prisma.signingKey.findFirst({
      where: { status: 'active' },
      orderBy: { activatedAt: 'desc' },
    });
    if (!row) {
      await ensureSigningKeys(this.prisma, this.config);
      row = await this.prisma.signingKey.findFirstOrThrow({ where: { status: 'active' } });
    }
    // Same kid as before: keep the decrypted key instead of decrypting again.
    const key =
      this.cached?.key.kid === row.kid
        ? this.cached.key
        : {
            kid: row.kid,
            privateKey: loadPrivateKey(row.privateKeyCipher, this.config.keyEncryptionKey, row.kid),
          };
    this.cached = { key, loadedAt: Date.now(), generation };
    return key;
  }
}
