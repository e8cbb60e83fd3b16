// AssumeRoleWithWebIdentity as AWS does it: find the account's OIDC provider for the token's
// issuer, verify the token against the issuer's published keys, check audience and expiry, then
// evaluate the role's trust policy and issue session credentials.
import { stsRegionDisabledError } from '../auth/auth-errors';
import { IamStore, OidcProvider, Role, providerUrlWithoutScheme } from '../iam/iam.store';
import type { SettingsStore } from '../server/settings';
import { CredentialsStore, IssuedCredentials } from './credentials.store';
import type { IdpKeyCache } from './idp-keys.cache';
import { ParsedJwt, parseJwt, verifyRs256 } from './jwt';
import { stsErrors } from './sts.errors';
import { trustPolicyAllows } from './trust-policy';

export interface WebIdentityInput {
  RoleArn?: string;
  RoleSessionName?: string;
  WebIdentityToken?: string;
  DurationSeconds?: string;
}

export interface WebIdentityResult {
  credentials: IssuedCredentials;
  subject: string;
  audience: string;
  providerArn: string;
  role: Role;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const CLOCK_SKEW_S = 300;

/** The web-identity half of STS. */
export class WebIdentityService {
  constructor(
    private readonly iam: IamStore,
    private readonly credentials: CredentialsStore,
    private readonly settings: SettingsStore,
    private readonly keys: IdpKeyCache,
  ) {}

  /** Verifies the token and trust, then issues credentials; throws STS's AwsErrors. */
  async assume(input: WebIdentityInput): Promise<WebIdentityResult> {
    const { accountId, roleName, sessionName, duration } = validate(input);
    if (this.settings.isRegionDisabled(accountId, this.settings.get().stsRegion))
      throw stsRegionDisabledError(accountId);
    const jwt = parseJwt(input.WebIdentityToken!);
    const iss = jwt.payload.iss;
    if (typeof iss !== 'string' || !iss) throw stsErrors.invalidToken('Missing a required claim: iss');
    const provider = this.iam.findOidcProvider(accountId, providerUrlWithoutScheme(iss));
    if (!provider) throw stsErrors.invalidToken(`No OpenIDConnect provider found in your account for ${iss}`);
    await this.verifySignature(jwt, iss);
    const { sub, audience } = checkClaims(jwt, provider);

    const role = this.iam.getRole(accountId, roleName);
    if (!role || role.arn !== input.RoleArn) throw stsErrors.accessDenied();
    const trusted = trustPolicyAllows(role.trustPolicy, {
      providerArn: provider.arn,
      providerUrl: provider.url,
      aud: [audience],
      sub,
    });
    if (!trusted) throw stsErrors.accessDenied();
    if (duration > role.maxSessionDuration) {
      throw stsErrors.validation(
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    }
    const cap = this.settings.get().credentialLifetimeSeconds;
    const credentials = this.credentials.issue(
      {
        accountId,
        roleArn: role.arn,
        roleName: role.roleName,
        roleId: role.roleId,
        sessionName,
        principalArn: `arn:aws:sts::${accountId}:assumed-role/${role.roleName}/${sessionName}`,
      },
      cap ? Math.min(cap, duration) : duration,
    );
    return { credentials, subject: sub, audience, providerArn: provider.arn, role };
  }

  private async verifySignature(jwt: ParsedJwt, iss: string): Promise<void> {
    if (jwt.header.alg !== 'RS256')
      throw stsErrors.invalidToken(`Unsupported token signing algorithm: ${String(jwt.header.alg)}`);
    const key = await this.keys.getKey(iss, jwt.header.kid);
    if (!verifyRs256(jwt, key)) {
      throw stsErrors.invalidToken(
        'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
      );
    }
  }
}

function validate(input: WebIdentityInput): {
  accountId: string;
  roleName: string;
  sessionName: string;
  duration: number;
} {
  const errors: string[] = [];
  if (!input.RoleArn)
    errors.push("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!input.RoleSessionName)
    errors.push("Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  else if (!SESSION_NAME.test(input.RoleSessionName)) {
    errors.push(
      `Value '${input.RoleSessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64`,
    );
  }
  const token = input.WebIdentityToken;
  if (!token)
    errors.push("Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null");
  else if (token.length < 4 || token.length > 20000)
    errors.push(
      "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length between 4 and 20000",
    );
  const duration = input.DurationSeconds === undefined ? 3600 : Number(input.DurationSeconds);
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    errors.push(
      `Value '${input.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
    );
  }
  if (errors.length)
    throw stsErrors.validation(
      `${errors.length} validation error${errors.length > 1 ? 's' : ''} detected: ${errors.join('; ')}`,
    );
  const m = ROLE_ARN.exec(input.RoleArn!);
  if (!m) throw stsErrors.validation(`${input.RoleArn} is invalid`);
  return { accountId: m[1], roleName: m[2], sessionName: input.RoleSessionName!, duration };
}

function checkClaims(jwt: ParsedJwt, provider: OidcProvider): { sub: string; audience: string } {
  const { aud, exp, nbf, sub } = jwt.payload;
  const audiences =
    typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a) => typeof a === 'string') : [];
  const audience = audiences.find((a) => provider.clientIdList.includes(a));
  if (!audience) throw stsErrors.invalidToken('Incorrect token audience');
  const now = Date.now();
  if (typeof exp !== 'number') throw stsErrors.invalidToken('Missing a required claim: exp');
  if (now > (exp + CLOCK_SKEW_S) * 1000) throw stsErrors.expired(new Date(now), new Date(exp * 1000));
  if (typeof nbf === 'number' && now < (nbf - CLOCK_SKEW_S) * 1000)
    throw stsErrors.invalidToken('Token is not yet valid (nbf)');
  if (typeof sub !== 'string' || !sub) throw stsErrors.invalidToken('Missing a required claim: sub');
  return { sub, audience };
}
