// Small deterministic hashing and pseudo-random helpers: everything the sandbox generates is a pure
// function of (seed, account, region, type, index), so nothing large has to be kept in memory.

/** 32-bit FNV-1a over a string, with a final avalanche so nearby keys spread well. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return avalanche(h);
}

/** Murmur3's finalizer: mixes the bits of a 32-bit integer. */
export function avalanche(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A seeded PRNG (mulberry32) returning floats in [0, 1). */
export type Rng = () => number;

/** Creates a mulberry32 generator from a 32-bit seed. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks one element of a non-empty array. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** An integer in [min, max]. */
export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** `length` lowercase hex digits. */
export function hexString(rng: Rng, length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(rng() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

const SCRAMBLE_MUL = 0x2c1b3c6d; // odd, so invertible modulo 2^32
const SCRAMBLE_INV = inverseOdd(SCRAMBLE_MUL);

function inverseOdd(a: number): number {
  let x = a; // Newton iteration: each step doubles the number of correct low bits
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x >>> 0;
}

/** A bijection on 32-bit integers keyed by `salt`: turns sequential indexes into random-looking ids. */
export function scramble(index: number, salt: number): number {
  return ((Math.imul((index ^ salt) >>> 0, SCRAMBLE_MUL) >>> 0) ^ (salt >>> 3)) >>> 0;
}

/** Inverse of `scramble` for the same salt. */
export function unscramble(value: number, salt: number): number {
  return ((Math.imul((value ^ (salt >>> 3)) >>> 0, SCRAMBLE_INV) >>> 0) ^ salt) >>> 0;
}
