import type { STSClient } from '@aws-sdk/client-sts';
import type { TokenService } from '@tally/oidc';
import type { AwsClients } from '../clients/aws-clients';
import { roleArnFor } from '../partition/partition';
import { AwsCallError, classifyAwsError } from '../sts/aws-error.classifier';
import { assumeRoleWithWebIdentity } from '../sts/web-identity';

export interface CanaryResult {
  /** `accepted`: STS let a stranger's subject in (trust policy too loose); `rejected`: as it should be. */
  outcome: 'accepted' | 'rejected' | 'inconclusive';
  /** The made-up subject the canary token carried. */
  subject: string;
  error?: AwsCallError;
}

export interface CanaryDeps {
  clients: AwsClients;
  tokens: TokenService;
  sts?: STSClient;
}

/**
 * The confused-deputy canary: presents a valid token of ours whose subject belongs to no
 * connection to the role. A correct trust policy (pinned to the connection's subject) refuses it.
 */
export async function runCanary(
  deps: CanaryDeps,
  target: { accountId: string; roleName: string },
): Promise<CanaryResult> {
  const { token, subject } = await deps.tokens.mintCanaryToken();
  const sts = deps.sts ?? deps.clients.sts();
  try {
    // The session it may yield is dropped on the floor: we only want to know whether STS said yes.
    await assumeRoleWithWebIdentity(sts, {
      roleArn: roleArnFor(target.accountId, target.roleName, deps.clients.config.AWS_REGION),
      roleSessionName: 'tally-canary',
      webIdentityToken: token,
      durationSeconds: 900,
    });
    return { outcome: 'accepted', subject };
  } catch (err) {
    const error = classifyAwsError(err);
    return {
      outcome: error.reason === 'trust_policy_rejected' ? 'rejected' : 'inconclusive',
      subject,
      error,
    };
  } finally {
    if (!deps.sts) sts.destroy();
  }
}
