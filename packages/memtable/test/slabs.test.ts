import { ErrorCodes } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_SLAB_RECORD_BYTES,
  RecordSlabs,
  recordBody,
  SLAB_MAX_BYTES,
  singleRecordAddress,
  singleRecordSlab,
} from '../src/slabs.js';

describe('RecordSlabs', () => {
  it('gives back every body appended, at its address, however the slabs fill', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            { weight: 8, arbitrary: fc.integer({ min: 0, max: 300 }) },
            { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_SLAB_RECORD_BYTES }) },
          ),
          { minLength: 1, maxLength: 60 },
        ),
        fc.integer(),
        (lengths, seed) => {
          const slabs = new RecordSlabs();
          const bodies = lengths.map((length, i) => new Uint8Array(length).fill((seed + i) & 0xff));
          const addresses = bodies.map((body) => slabs.append(body));
          for (const [i, address] of addresses.entries()) {
            expect(Buffer.from(slabs.body(address)).equals(bodies[i]!)).toBe(true);
          }
          expect(slabs.bytes).toBe(lengths.reduce((sum, n) => sum + 4 + n, 0));
          expect(slabs.all.every((slab) => slab.buffer instanceof SharedArrayBuffer)).toBe(true);
          expect(slabs.all.every((slab) => slab.length <= SLAB_MAX_BYTES)).toBe(true);
          // Addresses are small integers for a memtable's first slabs: what the B+tree keeps.
          expect(addresses.every((a) => Number.isSafeInteger(a) && a >= 0)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('starts with a small slab and grows them to SLAB_MAX_BYTES', () => {
    const slabs = new RecordSlabs();
    slabs.append(Uint8Array.of(1));
    expect(slabs.all[0]!.length).toBe(4096);
    for (let i = 0; i < 40; i++) slabs.append(new Uint8Array(60_000));
    expect(slabs.all.at(-1)!.length).toBe(SLAB_MAX_BYTES);
  });

  it('refuses a body larger than a record may be, and an address that holds none', () => {
    const slabs = new RecordSlabs();
    const code = { code: ErrorCodes.INVALID_ARGUMENT };
    expect(() => slabs.append(new Uint8Array(MAX_SLAB_RECORD_BYTES + 1))).toThrow(expect.objectContaining(code));
    const address = slabs.append(Uint8Array.of(1, 2, 3));
    expect(() => slabs.body(address + 2 ** 20)).toThrow(expect.objectContaining(code));
    expect(() => slabs.body(4093)).toThrow(expect.objectContaining(code));
  });

  it('puts a record of any size in a slab of its own', () => {
    const large = new Uint8Array(3 * SLAB_MAX_BYTES).fill(9);
    const slabs = [new Uint8Array(new SharedArrayBuffer(8)), singleRecordSlab(large)];
    expect(Buffer.from(recordBody(slabs, singleRecordAddress(1))).equals(large)).toBe(true);
  });
});
