import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { PrismaService, type PrismaClient } from '@tally/db';
import { rotateSigningKeysIfDue } from '@tally/oidc';

/** How often each worker checks whether the active key is due (rotation itself is every SIGNING_KEY_ROTATION_DAYS). */
const ROTATION_CHECK_INTERVAL_MS = 60 * 60_000;

/**
 * Rotates the OIDC signing keys when the active one is older than SIGNING_KEY_ROTATION_DAYS.
 * Every replica checks; the advisory lock and the re-check inside it make exactly one rotate.
 * Checking hourly (instead of one long timer) survives restarts and needs no state.
 */
@Injectable()
export class SigningKeyRotationJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(SigningKeyRotationJob.name);
  /** The check started at boot (tests await it). */
  bootCheck: Promise<boolean> = Promise.resolve(false);

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: a slow database must not hold up the worker's start.
    this.bootCheck = this.rotateIfDue();
  }

  @Interval('signing-key-rotation', ROTATION_CHECK_INTERVAL_MS)
  async rotateIfDue(): Promise<boolean> {
    try {
      const rotated = await rotateSigningKeysIfDue(this.prisma, this.config);
      if (rotated) this.logger.log('rotated the OIDC signing keys');
      return rotated;
    } catch (err) {
      this.logger.error(`signing key rotation check failed: ${(err as Error).message}`);
      return false;
    }
  }
}
