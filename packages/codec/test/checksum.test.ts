import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import xxhash from 'xxhash-wasm';
import { initChecksums, xxhash32, xxhash32OfUint32, xxhash32Range } from '../src/checksum.js';

type Hasher = Awaited<ReturnType<typeof xxhash>>;

describe('xxhash32', () => {
  let wasm: Hasher;
  beforeAll(async () => {
    await initChecksums();
    wasm = await xxhash();
  });

  it('matches the reference vectors', () => {
    expect(xxhash32(new Uint8Array(0))).toBe(0x02cc5d05);
    expect(xxhash32(new TextEncoder().encode('a'))).toBe(0x550d7456);
    expect(xxhash32(new TextEncoder().encode('abc'))).toBe(0x32d153ff);
    expect(xxhash32(new TextEncoder().encode('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });

  it('gives the same answer as xxhash-wasm for every length, range and seed', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2048 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffffffff }),
        (bytes, a, b, seed) => {
          const start = bytes.length === 0 ? 0 : a % bytes.length;
          const end = start + (bytes.length === start ? 0 : b % (bytes.length - start + 1));
          expect(xxhash32Range(bytes, start, end, seed)).toBe(wasm.h32Raw(bytes.slice(start, end), seed) >>> 0);
          expect(xxhash32(bytes, seed)).toBe(wasm.h32Raw(bytes, seed) >>> 0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('hashes a big-endian length field without a buffer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (value, seed) => {
        const bytes = new Uint8Array(4);
        new DataView(bytes.buffer).setUint32(0, value);
        expect(xxhash32OfUint32(value, seed)).toBe(wasm.h32Raw(bytes, seed) >>> 0);
      }),
      { numRuns: 2000 },
    );
  });
});
