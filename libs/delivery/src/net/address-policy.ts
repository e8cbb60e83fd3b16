import { isIP } from 'node:net';

/** Why an address may not be a destination, or null when it is a public unicast address. */
export type AddressRefusal =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'invalid';

/** Refusals that stay even when private networks are allowed: nothing useful listens there. */
const ALWAYS_REFUSED = new Set<AddressRefusal>(['unspecified', 'multicast', 'invalid']);

// [first address, prefix length, why]. Special-purpose registries (IANA, RFC 6890 and successors).
const V4_RANGES: Array<[string, number, AddressRefusal]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'], // carrier-grade NAT
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // cloud metadata (169.254.169.254) lives here
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes 255.255.255.255
];

const V6_RANGES: Array<[string, number, AddressRefusal]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'reserved'], // deprecated IPv4-compatible
  ['100::', 64, 'reserved'], // discard
  ['2001::', 23, 'reserved'], // IETF protocol assignments (Teredo etc.)
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'private'], // unique local
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'], // site-local (deprecated)
  ['ff00::', 8, 'multicast'],
];

/** Classifies an IP address (v4 or v6, IPv4 embedded in v6 included); null = public unicast. */
export function classifyAddress(address: string): AddressRefusal | null {
  const family = isIP(address);
  if (family === 4) return matchRanges(v4Bytes(address), V4_RANGES, 32);
  if (family !== 6) return 'invalid';
  const bytes = v6Bytes(address);
  const embedded = embeddedV4(bytes);
  if (embedded) return matchRanges(embedded, V4_RANGES, 32);
  return matchRanges(bytes, V6_RANGES, 128);
}

/** Whether a connection to `address` is allowed under the private-networks setting. */
export function addressAllowed(address: string, allowPrivate: boolean): AddressRefusal | null {
  const refusal = classifyAddress(address);
  if (!refusal) return null;
  return allowPrivate && !ALWAYS_REFUSED.has(refusal) ? null : refusal;
}

/** IPv4 carried inside IPv6: mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16). */
function embeddedV4(b: number[]): number[] | null {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return b.slice(12);
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6);
  return null;
}

function matchRanges(
  bytes: number[],
  ranges: Array<[string, number, AddressRefusal]>,
  bits: number,
): AddressRefusal | null {
  for (const [base, prefix, why] of ranges) {
    const baseBytes = bits === 32 ? v4Bytes(base) : v6Bytes(base);
    if (prefixMatches(bytes, baseBytes, prefix)) return why;
  }
  return null;
}

function prefixMatches(a: number[], b: number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const take = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((a[bit / 8] & mask) !== (b[bit / 8] & mask)) return false;
  }
  return true;
}

function v4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** The 16 bytes of a valid IPv6 address (zone id dropped, embedded dotted quad handled). */
function v6Bytes(address: string): number[] {
  let text = address.split('%')[0].toLowerCase();
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = v4Bytes(quad[1]);
    text = text.slice(0, -quad[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = [...headGroups, ...fill, ...tailGroups].map((g) => parseInt(g || '0', 16));
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}
