// Verifies AWS Signature Version 4 (Authorization header form) against the credentials STS issued.
// Derived signing keys are cached per (key, date, region, service), so a call costs two SHA-256
// digests and two HMACs.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { CredentialsStore, IssuedCredentials } from '../sts/credentials.store';

export interface SignedRequest {
  method: string;
  /** The raw path (as sent, without the query). */
  path: string;
  /** The raw query string without `?` ('' if none). */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface VerifiedCaller {
  credentials: IssuedCredentials;
  region: string;
  service: string;
}

export type AuthFailureKind =
  | 'missing' // no Authorization header
  | 'malformed' // the header or date cannot be parsed
  | 'unknownKey' // access key not issued here, or session token mismatch
  | 'expired' // credentials expired
  | 'skew' // X-Amz-Date more than 15 minutes off
  | 'wrongService' // credential scope names another service
  | 'badSignature';

/** A failed authentication; the protocol layer maps the kind to its own error code. */
export class AuthFailure extends Error {
  constructor(
    readonly kind: AuthFailureKind,
    message: string,
  ) {
    super(message);
  }
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;
const SKEW_MS = 15 * 60_000;

/** Checks signatures of requests signed with STS-issued credentials. */
export class SigV4Verifier {
  private readonly signingKeys = new Map<string, Buffer>();

  constructor(private readonly credentials: CredentialsStore) {}

  /** Returns the caller or throws AuthFailure. `expectedService` is the service's signing name. */
  verify(req: SignedRequest, expectedService: string, now = Date.now()): VerifiedCaller {
    const header = req.headers.authorization;
    if (!header) throw new AuthFailure('missing', 'Missing Authentication Token');
    const m = AUTH_RE.exec(header);
    if (!m)
      throw new AuthFailure(
        'malformed',
        `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${header.split(' ')[0]}`,
      );
    const [, credential, signedHeadersText, signature] = m;
    const scope = credential.split('/');
    if (scope.length !== 5 || scope[4] !== 'aws4_request')
      throw new AuthFailure('malformed', `Credential should be scoped to a valid region. `);
    const [accessKeyId, date, region, service] = scope;

    const creds = this.credentials.get(accessKeyId);
    const token = header1(req.headers['x-amz-security-token']);
    if (!creds || token !== creds.sessionToken)
      throw new AuthFailure('unknownKey', 'The security token included in the request is invalid.');
    if (creds.expiration.getTime() <= now)
      throw new AuthFailure('expired', 'The security token included in the request is expired');

    const amzDate = header1(req.headers['x-amz-date']);
    const signedAt = amzDate ? parseAmzDate(amzDate) : NaN;
    if (!amzDate || Number.isNaN(signedAt))
      throw new AuthFailure(
        'malformed',
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    if (Math.abs(now - signedAt) > SKEW_MS) {
      throw new AuthFailure(
        'skew',
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - SKEW_MS)} (${formatAmzDate(now)} - 15 min.)`,
      );
    }
    if (amzDate.slice(0, 8) !== date)
      throw new AuthFailure(
        'badSignature',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      );
    if (service !== expectedService)
      throw new AuthFailure(
        'wrongService',
        `Credential should be scoped to correct service: '${expectedService}'. `,
      );

    const signedHeaders = signedHeadersText.split(';');
    const canonical = canonicalRequest(req, signedHeaders);
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${date}/${region}/${service}/aws4_request\n${sha256(canonical)}`;
    const expected = createHmac('sha256', this.signingKey(creds, date, region, service))
      .update(stringToSign)
      .digest();
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
      throw new AuthFailure(
        'badSignature',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
    return { credentials: creds, region, service };
  }

  private signingKey(creds: IssuedCredentials, date: string, region: string, service: string): Buffer {
    const cacheKey = `${creds.accessKeyId}/${date}/${region}/${service}`;
    let key = this.signingKeys.get(cacheKey);
    if (!key) {
      const kDate = hmac(`AWS4${creds.secretAccessKey}`, date);
      key = hmac(hmac(hmac(kDate, region), service), 'aws4_request');
      if (this.signingKeys.size >= 10_000) this.signingKeys.clear();
      this.signingKeys.set(cacheKey, key);
    }
    return key;
  }
}

/** The SigV4 canonical request for the headers the client signed. */
function canonicalRequest(req: SignedRequest, signedHeaders: string[]): string {
  const headers = signedHeaders.map((h) => `${h}:${canonicalHeaderValue(req.headers[h])}\n`).join('');
  const payloadHash = header1(req.headers['x-amz-content-sha256']) ?? sha256(req.body);
  return `${req.method}\n${canonicalPath(req.path)}\n${canonicalQuery(req.rawQuery)}\n${headers}\n${signedHeaders.join(';')}\n${payloadHash}`;
}

function canonicalPath(path: string): string {
  // Non-S3 services sign the path as sent, URI-encoded once more ("double encoding").
  if (!path || path === '/') return '/';
  return rfc3986(path).replace(/%2F/g, '/');
}

function canonicalQuery(raw: string): string {
  if (!raw) return '';
  return raw
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      const k = safeDecode((i < 0 ? pair : pair.slice(0, i)).replace(/\+/g, ' '));
      const v = i < 0 ? '' : safeDecode(pair.slice(i + 1).replace(/\+/g, ' '));
      return [rfc3986(k), rfc3986(v)] as const;
    })
    .filter(([k]) => k !== 'X-Amz-Signature')
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function canonicalHeaderValue(v: string | string[] | undefined): string {
  const s = Array.isArray(v) ? v.join(',') : (v ?? '');
  return s.trim().replace(/\s+/g, ' ');
}

function header1(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
