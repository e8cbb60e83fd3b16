// STS over the query protocol: form-encoded `Action=…&Version=2011-06-15` in, XML out.
import { AwsError } from '../contract';
import { toXml, xmlEscape } from '../protocol/xml';
import type { VerifiedCaller } from '../auth/sigv4.verifier';
import type { WebIdentityService } from './web-identity.service';

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** What a served STS call produced, for the response and the call log. */
export interface StsOutcome {
  xml: string;
  accountId: string | null;
  principal: string | null;
}

/** Actions callable without a signature. */
export const UNSIGNED_STS_ACTIONS = new Set(['AssumeRoleWithWebIdentity']);

/** Serves STS actions. */
export class StsService {
  constructor(private readonly webIdentity: WebIdentityService) {}

  /** Runs `action`; `caller` is set for signed actions (the server verified the signature). */
  async handle(
    action: string,
    params: URLSearchParams,
    requestId: string,
    caller: VerifiedCaller | null,
  ): Promise<StsOutcome> {
    if (action === 'AssumeRoleWithWebIdentity') return this.assumeRoleWithWebIdentity(params, requestId);
    if (action === 'GetCallerIdentity' && caller) return getCallerIdentity(caller, requestId);
    throw new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`, 400);
  }

  private async assumeRoleWithWebIdentity(params: URLSearchParams, requestId: string): Promise<StsOutcome> {
    const r = await this.webIdentity.assume({
      RoleArn: params.get('RoleArn') ?? undefined,
      RoleSessionName: params.get('RoleSessionName') ?? undefined,
      WebIdentityToken: params.get('WebIdentityToken') ?? undefined,
      DurationSeconds: params.get('DurationSeconds') ?? undefined,
    });
    const c = r.credentials;
    const result = toXml({
      Credentials: {
        AccessKeyId: c.accessKeyId,
        SecretAccessKey: c.secretAccessKey,
        SessionToken: c.sessionToken,
        Expiration: c.expiration,
      },
      SubjectFromWebIdentityToken: r.subject,
      AssumedRoleUser: { AssumedRoleId: `${c.roleId}:${c.sessionName}`, Arn: c.principalArn },
      Provider: r.providerArn,
      Audience: r.audience,
    });
    return {
      xml: envelope('AssumeRoleWithWebIdentity', result, requestId),
      accountId: c.accountId,
      principal: c.principalArn,
    };
  }
}

function getCallerIdentity(caller: VerifiedCaller, requestId: string): StsOutcome {
  const c = caller.credentials;
  const result = toXml({ UserId: `${c.roleId}:${c.sessionName}`, Account: c.accountId, Arn: c.principalArn });
  return {
    xml: envelope('GetCallerIdentity', result, requestId),
    accountId: c.accountId,
    principal: c.principalArn,
  };
}

function envelope(action: string, resultXml: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${STS_NAMESPACE}"><${action}Result>${resultXml}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** AWS's query-protocol error document. */
export function queryErrorXml(err: AwsError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${STS_NAMESPACE}"><Error><Type>${err.fault}</Type><Code>${xmlEscape(err.code)}</Code>` +
    `<Message>${xmlEscape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
