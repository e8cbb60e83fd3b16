import {
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  type STSClient,
} from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { AwsClients } from '../clients/aws-clients';
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
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: new Date(c.Expiration),
    };
  } catch (err) {
    throw classifyAwsError(err, {
      operation: 'AssumeRoleWithWebIdentity',
      roleArn: request.roleArn,
      ...context,
    });
  }
}

/** STS GetCallerIdentity with session credentials: the harmless read that proves they work. */
export async function getCallerIdentity(
  clients: AwsClients,
  credentials: AwsCredentialIdentity,
  context: AwsErrorContext = {},
): Promise<{ account: string; arn: string }> {
  const client = clients.sts(credentials);
  try {
    const out = await client.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  } catch (err) {
    throw classifyAwsError(err, { operation: 'GetCallerIdentity', ...context });
  } finally {
    client.destroy();
  }
}
