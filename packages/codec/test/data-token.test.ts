import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initChecksums, xxhash64 } from '../src/checksum.js';
import { keyOfPosition, partitionPosition, tokenOf, tokenOfPosition, tokenPrefix } from '../src/data/token.js';

/** The position spelled out: the token's 8 big-endian bytes, then the key's, one char per byte. */
function referencePosition(key: Uint8Array): string {
  const token = xxhash64(key);
  let s = '';
  for (let shift = 56n; shift >= 0n; shift -= 8n) s += String.fromCharCode(Number((token >> shift) & 0xffn));
  for (const byte of key) s += String.fromCharCode(byte);
  return s;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

describe('partition positions', () => {
  beforeAll(() => initChecksums());

  const keyArb = fc.oneof(
    { weight: 20, arbitrary: fc.uint8Array({ maxLength: 40 }) },
    // Past the 4088 bytes built in one call.
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 4080, max: 9000 })
        .map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff)),
    },
  );

  it('are the token bytes then the key bytes, and give both back', () => {
    fc.assert(
      fc.property(keyArb, (key) => {
        const position = partitionPosition(key);
        expect(position).toBe(referencePosition(key));
        expect(position.startsWith(tokenPrefix(tokenOf(key)))).toBe(true);
        expect(tokenOfPosition(position)).toBe(tokenOf(key));
        expect(Buffer.from(keyOfPosition(position)).equals(key)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('sort by token, then by key bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6 }), fc.uint8Array({ maxLength: 6 }), (a, b) => {
        const pa = partitionPosition(a);
        const pb = partitionPosition(b);
        const ta = tokenOf(a);
        const tb = tokenOf(b);
        const expected = ta !== tb ? (ta < tb ? -1 : 1) : Math.sign(compareBytes(a, b));
        expect(pa < pb ? -1 : pa > pb ? 1 : 0).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
