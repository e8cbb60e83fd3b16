import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { APP_CONFIG, type AppConfig } from '@tally/config';
import { TokenService } from '@tally/oidc';
import {
  assumeRoleWithWebIdentity,
  createStsClient,
  roleArnFor,
  type SessionCredentials,
} from '../sts/web-identity';
import { CredentialCache } from './credential-cache';
import { roleSessionName } from './role-session-name';

/** Whose role to assume: ids come from stored rows, never from request input. */
export interface AssumeTarget {
  tenantId: string;
  connectionId: string;
  accountId: string;
  roleName: string;
  /** Put into the RoleSessionName so CloudTrail entries lead back to the run. */
  runId?: string;
}

/** Web-identity session credentials per (connection, account, role), cached in memory until shortly before expiry. */
@Injectable()
export class AwsCredentialsService implements OnModuleDestroy {
  private readonly cache = new CredentialCache();
  private sts?: STSClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TokenService) private readonly tokens: TokenService,
  ) {}

  /** A credentials provider for SDK clients; every call answers from the cache or one shared refresh. */
  forAccount(target: AssumeTarget): AwsCredentialIdentityProvider {
    const key = cacheKey(target);
    return () => this.cache.get(key, () => this.assume(target));
  }

  /**
   * Credentials of an SQS destination's delivery role, assumed with a token whose subject is
   * `tenant:<t>:destination:<d>` (the only subject that role trusts), cached like an account's.
   */
  forDestination(target: {
    tenantId: string;
    destinationId: string;
    roleArn: string;
  }): AwsCredentialIdentityProvider {
    const key = `destination/${target.tenantId}/${target.destinationId}/${target.roleArn}`;
    return () =>
      this.cache.get(key, async () => {
        const token = await this.tokens.mintDestinationToken(target);
        this.sts ??= createStsClient(this.config);
        return assumeRoleWithWebIdentity(
          this.sts,
          {
            roleArn: target.roleArn,
            roleSessionName: `tally-dest-${target.destinationId}`.slice(0, 64),
            webIdentityToken: token,
            durationSeconds: this.config.STS_DURATION_SECONDS,
          },
          this.errorContext(target.roleArn.split(':')[4] ?? ''),
        );
      });
  }

  /** Assumes the role now, bypassing (and not filling) the cache: verification wants a fresh answer. */
  async assumeFresh(target: AssumeTarget): Promise<SessionCredentials> {
    return this.assume(target);
  }

  /** Drops cached credentials of a target (e.g. after the customer redeployed the stack). */
  invalidate(target: Pick<AssumeTarget, 'tenantId' | 'connectionId' | 'accountId' | 'roleName'>): void {
    this.cache.delete(cacheKey(target));
  }

  onModuleDestroy(): void {
    this.sts?.destroy();
    this.cache.clear();
  }

  private async assume(target: AssumeTarget): Promise<SessionCredentials> {
    const token = await this.tokens.mintToken({
      tenantId: target.tenantId,
      connectionId: target.connectionId,
    });
    this.sts ??= createStsClient(this.config);
    return assumeRoleWithWebIdentity(
      this.sts,
      {
        roleArn: roleArnFor(target.accountId, target.roleName, this.config.AWS_REGION),
        roleSessionName: roleSessionName(target),
        webIdentityToken: token,
        durationSeconds: this.config.STS_DURATION_SECONDS,
      },
      this.errorContext(target.accountId),
    );
  }

  private errorContext(accountId: string) {
    return {
      accountId,
      issuer: this.config.OIDC_ISSUER_URL,
      audience: this.config.OIDC_AUDIENCE,
      region: this.config.AWS_REGION,
    };
  }
}

function cacheKey(t: Pick<AssumeTarget, 'tenantId' | 'connectionId' | 'accountId' | 'roleName'>): string {
  return `${t.tenantId}/${t.connectionId}/${t.accountId}/${t.roleName.toLowerCase()}`;
}
