// Temporary credentials STS issued: the SigV4 verifier looks them up by access key id.
import { randomBytes } from 'node:crypto';

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  accountId: string;
  roleArn: string;
  roleName: string;
  roleId: string;
  sessionName: string;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  principalArn: string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Issues and remembers session credentials; expired ones are swept as new ones are issued. */
export class CredentialsStore {
  private readonly byKey = new Map<string, IssuedCredentials>();
  private issuedSinceSweep = 0;

  /** Creates credentials for an assumed role session valid for `lifetimeSeconds`. */
  issue(
    session: Omit<IssuedCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'expiration'>,
    lifetimeSeconds: number,
  ): IssuedCredentials {
    this.maybeSweep();
    const creds: IssuedCredentials = {
      ...session,
      accessKeyId: `ASIA${randomBase32(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(120).toString('base64')}`,
      expiration: new Date(Math.floor(Date.now() / 1000 + lifetimeSeconds) * 1000),
    };
    this.byKey.set(creds.accessKeyId, creds);
    return creds;
  }

  get(accessKeyId: string): IssuedCredentials | undefined {
    return this.byKey.get(accessKeyId);
  }

  reset(): void {
    this.byKey.clear();
  }

  private maybeSweep(): void {
    if (++this.issuedSinceSweep < 1000) return;
    this.issuedSinceSweep = 0;
    // Keep expired credentials an hour so callers still get ExpiredToken rather than "unknown key".
    const cutoff = Date.now() - 3600_000;
    for (const [k, c] of this.byKey) if (c.expiration.getTime() < cutoff) this.byKey.delete(k);
  }
}

function randomBase32(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += BASE32[bytes[i] & 31];
  return s;
}
