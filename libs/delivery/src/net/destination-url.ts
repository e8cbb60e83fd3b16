import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { addressAllowed } from './address-policy';

/** The network rules for customer URLs: from DESTINATIONS_ALLOW_PRIVATE_NETWORKS and NODE_ENV. */
export interface NetworkPolicy {
  allowPrivate: boolean;
  /** Plain http is refused in production. */
  requireHttps: boolean;
}

/** A customer URL Tally will not call; the message says why, in words the customer can act on. */
export class DestinationRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationRefusedError';
  }
}

/** Checks a destination URL before any connection: scheme, credentials, literal addresses. */
export function checkDestinationUrl(raw: string, policy: NetworkPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationRefusedError('is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new DestinationRefusedError('must be an https URL');
  }
  if (url.protocol === 'http:' && policy.requireHttps) {
    throw new DestinationRefusedError('must use https (plain http is refused in production)');
  }
  if (url.username || url.password) {
    throw new DestinationRefusedError('must not carry credentials; use headers or the signing secret');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) refuseAddress(host, policy.allowPrivate);
  return url;
}

function refuseAddress(address: string, allowPrivate: boolean): void {
  const refusal = addressAllowed(address, allowPrivate);
  if (refusal) {
    throw new DestinationRefusedError(
      `resolves to ${address}, a ${refusal} address: destinations must be reachable on the public internet`,
    );
  }
}

/**
 * A DNS lookup for the http agent that refuses what the policy forbids, on the very address the
 * socket connects to: a name that resolved to a public address when saved and to 127.0.0.1 now
 * (DNS rebinding) is still refused.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (...args: never[]) => void) => {
    const cb = callback as unknown as (
      err: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void;
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return cb(err, '', 0);
      const allowed = addresses.filter((a) => !addressAllowed(a.address, allowPrivate));
      if (!allowed.length) {
        const first = addresses[0]?.address ?? hostname;
        const why = addressAllowed(first, allowPrivate);
        return cb(
          new DestinationRefusedError(
            `${hostname} resolves to ${first}, a ${why} address: destinations must be reachable on the public internet`,
          ),
          '',
          0,
        );
      }
      if (options.all) return cb(null, allowed);
      cb(null, allowed[0].address, allowed[0].family);
    });
  };
}
