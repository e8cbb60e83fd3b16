import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, propertiesHash } from './properties-hash';

/** The implementation every stored properties_hash was computed with (before the one-pass rewrite). */
function canonicalJsonBefore(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJsonBefore).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJsonBefore((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const SAMPLES: [Record<string, unknown>, string][] = [
  [
    {
      InstanceId: 'i-1',
      Tags: [
        { Key: 'b', Value: 'x' },
        { Value: 'y', Key: 'a' },
      ],
      Nested: { z: 1, a: [1, 2, { c: null, b: true }] },
    },
    '7d84bdc55b192fe44fda647c0a09145043f193ef5af29f6567d074ae895a4d2e',
  ],
  [
    { ünï: 'çødé \u2028 "q" \\ </script>', n: -0.5e-7, big: 12345678901234567890, e: [], o: {} },
    '2f3ad59a971a89fd42e9861a739127daa9725266d44dc7fb7ff84e93656cc78b',
  ],
  [
    { a: undefined, b: [undefined, null, 1], c: 'x' },
    '2a8956955a9e8525294cf3231017a60611221d9f013e1921f3072ce310e6768f',
  ],
  [{}, '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'],
];

/** A deterministic pseudo-random JSON-like value (with undefined members and holes, which JSON lacks). */
function randomValue(next: () => number, depth: number): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 6 : 9));
  const text = () =>
    Array.from({ length: Math.floor(next() * 8) }, () =>
      String.fromCharCode(
        [0x41, 0x7a, 0x22, 0x5c, 0xe9, 0x2028, 0x1f600 & 0xffff, 0x0a][Math.floor(next() * 8)],
      ),
    ).join('');
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return Math.round((next() - 0.5) * 1e6) / 100;
    case 3:
      return text();
    case 4:
      return undefined;
    case 5:
      return Math.floor(next() * 1e12);
    case 6: {
      const a = Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth + 1));
      if (a.length > 2 && next() < 0.2) delete a[1];
      return a;
    }
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 6) }, () => [text(), randomValue(next, depth + 1)]),
      );
  }
}

describe('propertiesHash', () => {
  it('keeps every hash already stored: the same values as before for fixed models', () => {
    for (const [model, hash] of SAMPLES) assert.equal(propertiesHash(model), hash);
  });

  it('writes exactly what the previous implementation wrote, for 2,000 generated values', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(next, 0);
      assert.equal(canonicalJson(value), canonicalJsonBefore(value), JSON.stringify(value));
    }
  });

  it('ignores key order at every depth and keeps array order', () => {
    assert.equal(propertiesHash({ a: 1, b: { c: 2, d: 3 } }), propertiesHash({ b: { d: 3, c: 2 }, a: 1 }));
    assert.notEqual(propertiesHash({ a: [1, 2] }), propertiesHash({ a: [2, 1] }));
  });
});
