// Test helper: a role trusting the test issuer, assumed through STS over HTTP, so SDK clients call the
// sandbox with real SigV4 credentials.
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Sandbox } from '../sandbox';
import type { TestIssuer } from './test-issuer';

export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

const AUD = 'sts.amazonaws.com';

/**
 * Creates (or replaces) `roleName` in `accountId` trusting `issuer` for subject `sub`, with the given
 * identity policy statements (none = a role without policies, which the sandbox lets do anything),
 * and returns credentials for it.
 */
export async function assumeTestRole(
  sandbox: Sandbox,
  issuer: TestIssuer,
  accountId: string,
  roleName: string,
  statements?: object[],
  sub = `test:${roleName}`,
): Promise<TestCredentials> {
  if (!sandbox.iam.findOidcProvider(accountId, issuer.host))
    sandbox.iam.createOidcProvider(accountId, { url: issuer.url, clientIdList: [AUD] });
  sandbox.iam.putRole(accountId, {
    roleName,
    assumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${issuer.host}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${issuer.host}:aud`]: AUD, [`${issuer.host}:sub`]: sub } },
        },
      ],
    },
    policies: statements
      ? [{ policyName: 'test', policyDocument: { Version: '2012-10-17', Statement: statements } }]
      : [],
  });
  const sts = new STSClient({ endpoint: sandbox.url, region: 'us-east-1' });
  try {
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
        RoleSessionName: 'test',
        WebIdentityToken: issuer.mint({ sub, aud: AUD }),
      }),
    );
    const c = out.Credentials!;
    return {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
  } finally {
    sts.destroy();
  }
}
