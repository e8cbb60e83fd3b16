import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService } from '@tally/db';
import { displayPrefix, hashApiKey } from './api-key';
import { ApiKeysRepository } from './api-keys.repository';
import { AuditLog } from './audit.service';

/** The name the bootstrap key is stored under. */
export const BOOTSTRAP_KEY_NAME = 'bootstrap (ADMIN_API_KEY)';

/**
 * Stores ADMIN_API_KEY (hashed) as an admin key at start. Idempotent; when the variable changes,
 * the previous bootstrap key is revoked so rotating the variable really rotates the key.
 */
@Injectable()
export class AdminKeyBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminKeyBootstrap.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeysRepository,
    private readonly prisma: PrismaService,
    private readonly audit: AuditLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const key = this.config.ADMIN_API_KEY;
    if (!key) return;
    const hash = hashApiKey(key);
    const { key: stored, created } = await this.keys.ensureAdmin({
      name: BOOTSTRAP_KEY_NAME,
      prefix: displayPrefix(key),
      hash,
    });
    const { count } = await this.prisma.apiKey.updateMany({
      where: { role: 'admin', name: BOOTSTRAP_KEY_NAME, revokedAt: null, NOT: { hash } },
      data: { revokedAt: new Date() },
    });
    if (created)
      await this.audit.record(null, {
        action: 'api_key.bootstrap',
        targetType: 'api_key',
        targetId: stored.id,
      });
    if (count) this.logger.log(`revoked ${count} previous bootstrap admin key(s)`);
    if (stored.revokedAt) this.logger.warn('ADMIN_API_KEY names a revoked key; it will not authenticate');
  }
}
