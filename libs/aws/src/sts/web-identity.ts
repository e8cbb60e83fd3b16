import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { AppConfig } from '@tally/config';
import { instrumentAwsClient, metrics } from '@tally/metrics';
import { awsClientDefaults } from '../credentials/aws-client-defaults';
import { classifyAwsError, type AwsErrorContext } from './aws-error.classifier';

/** Session credentials as STS returned them, with the Expiration AWS set. */
export interface SessionCredentials extends AwsCredentialIdentity {
  expiration: Date;
}

export interface WebIdentityRequest {
  roleArn: string;
  roleSessionName: string;
  webIdentityToken: string;
  durationSeconds: number;
}

/** `arn:aws:iam::<account>:role/<name>` in the account's partition. */
export function roleArnFor(accountId: string, roleName: string, region = 'us-east-1'): string {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

/** An STS client for the configured region / endpoint (AssumeRoleWithWebIdentity needs no credentials). */
export function createStsClient(config: AppConfig, credentials?: AwsCredentialIdentity): STSClient {
  return instrumentAwsClient(
    new STSClient({ ...awsClientDefaults(config, 'sts'), ...(credentials ? { credentials } : {}) }),
  );
}

/** Calls AssumeRoleWithWebIdentity; failures come back classified (AwsCallError), never with the token. */
export async function assumeRoleWithWebIdentity(
  client: STSClient,
  request: WebIdentityRequest,
  context: AwsErrorContext = {},
): Promise<SessionCredentials> {
  try {
    const out = await client.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.roleSessionName,
        WebIdentityToken: request.webIdentityToken,
        DurationSeconds: request.durationSeconds,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new Error('STS answered AssumeRoleWithWebIdentity without complete credentials');
    }
    metrics.stsAssume('ok');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: new Date(c.Expiration),
    };
  } catch (err) {
    const classified = classifyAwsError(err, {
      operation: 'AssumeRoleWithWebIdentity',
      roleArn: request.roleArn,
      ...context,
    });
    metrics.stsAssume(classified.reason);
    throw classified;
  }
}

/** STS GetCallerIdentity with session credentials: the harmless read that proves they work. */
export async function getCallerIdentity(
  config: AppConfig,
  credentials: AwsCredentialIdentity,
  context: AwsErrorContext = {},
): Promise<{ account: string; arn: string }> {
  const client = createStsClient(config, credentials);
  try {
    const out = await client.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  } catch (err) {
    throw classifyAwsError(err, { operation: 'GetCallerIdentity', ...context });
  } finally {
    client.destroy();
  }
}
