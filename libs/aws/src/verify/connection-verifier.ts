import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { Inject, Injectable } from '@nestjs/common';
import { TokenService } from '@tally/oidc';
import { AwsClients } from '../clients/aws-clients';
import { AwsCredentialsService } from '../credentials/aws-credentials.service';
import { roleArnFor } from '../partition/partition';
import { classifyAwsError, type AwsCallError } from '../sts/aws-error.classifier';
import { getCallerIdentity, type SessionCredentials } from '../sts/web-identity';
import { runCanary, type CanaryResult } from './canary';

export interface VerificationCheck {
  name: 'assume_role' | 'read_access' | 'list_accounts' | 'trust_policy_scope';
  ok: boolean;
  message: string;
  /** What the customer should do; null when the check passed. */
  remediation: string | null;
  /** The AWS error code behind a failed check, when there is one. */
  awsCode?: string;
}

export interface VerificationResult {
  status: 'active' | 'error' | 'insecure';
  checks: VerificationCheck[];
}

/** The stored connection fields verification needs. */
export interface VerifiableConnection {
  id: string;
  tenantId: string;
  accountId: string;
  roleName: string;
  mode: 'account' | 'organization';
}

const failed = (name: VerificationCheck['name'], err: AwsCallError): VerificationCheck => ({
  name,
  ok: false,
  message: err.message,
  remediation:
    err.remediation ??
    (err.transient ? 'Retry the verification in a few minutes.' : 'Contact Tally support.'),
  awsCode: err.awsCode,
});

/** Checks that a customer's stack works and is safe. Reads AWS only; never writes to the database. */
@Injectable()
export class ConnectionVerifier {
  constructor(
    @Inject(AwsClients) private readonly clients: AwsClients,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(AwsCredentialsService) private readonly credentials: AwsCredentialsService,
  ) {}

  /** Assume the role, read something harmless, list accounts (organizations), then run the canary. */
  async verify(connection: VerifiableConnection): Promise<VerificationResult> {
    const checks: VerificationCheck[] = [];
    const session = await this.assumeCheck(connection, checks);
    if (!session) return { status: 'error', checks };
    if (!(await this.readCheck(connection, session, checks))) return { status: 'error', checks };
    if (connection.mode === 'organization' && !(await this.listAccountsCheck(connection, session, checks))) {
      return { status: 'error', checks };
    }
    const canary = await this.runCanary(connection);
    checks.push(canaryCheck(canary));
    const status =
      canary.outcome === 'accepted' ? 'insecure' : canary.outcome === 'rejected' ? 'active' : 'error';
    return { status, checks };
  }

  /** The confused-deputy canary against this connection's role. */
  runCanary(target: { accountId: string; roleName: string }): Promise<CanaryResult> {
    return runCanary({ clients: this.clients, tokens: this.tokens }, target);
  }

  private async assumeCheck(
    c: VerifiableConnection,
    checks: VerificationCheck[],
  ): Promise<SessionCredentials | undefined> {
    const target = { tenantId: c.tenantId, connectionId: c.id, accountId: c.accountId, roleName: c.roleName };
    try {
      const session = await this.credentials.assumeFresh(target);
      this.credentials.invalidate(target); // the stack may have changed: syncs start from a fresh session too
      checks.push({
        name: 'assume_role',
        ok: true,
        message: `Tally assumed ${this.roleArn(c)} with its web identity`,
        remediation: null,
      });
      return session;
    } catch (err) {
      checks.push(failed('assume_role', classifyAwsError(err)));
      return undefined;
    }
  }

  private async readCheck(
    c: VerifiableConnection,
    session: SessionCredentials,
    checks: VerificationCheck[],
  ): Promise<boolean> {
    try {
      const who = await getCallerIdentity(this.clients, session, {
        accountId: c.accountId,
        roleArn: this.roleArn(c),
      });
      if (who.account !== c.accountId) {
        checks.push({
          name: 'read_access',
          ok: false,
          message: `The role belongs to account ${who.account}, not ${c.accountId}`,
          remediation: `Deploy the Tally stack in account ${c.accountId}.`,
        });
        return false;
      }
      checks.push({
        name: 'read_access',
        ok: true,
        message: `The session works (acting as ${who.arn})`,
        remediation: null,
      });
      return true;
    } catch (err) {
      checks.push(failed('read_access', classifyAwsError(err)));
      return false;
    }
  }

  private async listAccountsCheck(
    c: VerifiableConnection,
    session: SessionCredentials,
    checks: VerificationCheck[],
  ): Promise<boolean> {
    const client = this.clients.organizations(session);
    try {
      const out = await client.send(new ListAccountsCommand({}));
      const n = out.Accounts?.length ?? 0;
      checks.push({
        name: 'list_accounts',
        ok: true,
        message: `Listed ${n}${out.NextToken ? '+' : ''} accounts of the organization`,
        remediation: null,
      });
      return true;
    } catch (err) {
      const error = classifyAwsError(err, {
        operation: 'ListAccounts',
        accountId: c.accountId,
        roleArn: this.roleArn(c),
      });
      checks.push(failed('list_accounts', error));
      return false;
    } finally {
      client.destroy();
    }
  }

  private roleArn(c: VerifiableConnection): string {
    return roleArnFor(c.accountId, c.roleName, this.clients.config.AWS_REGION);
  }
}

function canaryCheck(canary: CanaryResult): VerificationCheck {
  if (canary.outcome === 'rejected') {
    return {
      name: 'trust_policy_scope',
      ok: true,
      message: 'The role refuses tokens issued for other connections',
      remediation: null,
    };
  }
  if (canary.outcome === 'accepted') {
    return {
      name: 'trust_policy_scope',
      ok: false,
      message:
        'The role accepted a Tally token issued for a subject that is not this connection: any Tally customer could assume it (confused deputy)',
      remediation:
        'Restrict the trust policy condition on the provider\'s ":sub" key to exactly this connection\'s subject with StringEquals (redeploy the Tally stack unmodified), then verify again.',
    };
  }
  return {
    name: 'trust_policy_scope',
    ok: false,
    message: `Could not check the trust policy's subject restriction: ${canary.error?.message ?? 'unknown error'}`,
    remediation: canary.error?.remediation ?? 'Retry the verification in a few minutes.',
    awsCode: canary.error?.awsCode,
  };
}
