import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryReader, BinaryWriter } from '../src/data/binary.js';
import { cellTombstone, expiringCell, liveCell } from '../src/data/cell.js';
import {
  decodeMutation,
  encodeMutation,
  encodeMutationInto,
  MUTATION_FORMAT_VERSION,
  writePartitionBody,
} from '../src/data/mutation-codec.js';
import type { Mutation, PartitionUpdate } from '../src/data/partition-update.js';
import { emptyRow, type Row } from '../src/data/row.js';
import { ErrorCodes, isRingtailError, RingtailError } from '../src/errors.js';
import { mutationArb, SMALL_DOMAIN, WIDE_DOMAIN } from './data-arbitraries.js';

const hex = (bytes: Uint8Array) =>
  Buffer.from(bytes)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
const fromHex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/ /g, ''), 'hex'));

function update(fields: Partial<PartitionUpdate>): PartitionUpdate {
  return {
    tableId: 't',
    key: Uint8Array.of(1),
    deletion: undefined,
    staticRow: undefined,
    rows: [],
    rangeTombstones: [],
    ...fields,
  };
}

/** Runs `body` without capturing stack traces: most of a fuzzing loop's time would go to the errors' stacks. */
function withoutStacks(body: () => void): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    body();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** decodeMutation(bytes), or the error it threw, which must be a RingtailError. */
function decodeOrError(bytes: Uint8Array): Mutation | RingtailError {
  try {
    return decodeMutation(bytes);
  } catch (error) {
    if (!(error instanceof RingtailError))
      throw new Error(`decode threw a non-Ringtail error: ${error}`, { cause: error });
    return error;
  }
}

function expectRefused(bytes: Uint8Array, message: RegExp): void {
  const result = decodeOrError(bytes);
  expect(result).toBeInstanceOf(RingtailError);
  expect((result as RingtailError).message).toMatch(message);
}

// The worked examples of docs/formats/mutation.md.
const EXAMPLE_1: Mutation = {
  updates: [update({ rows: [{ ...emptyRow(''), cells: [liveCell('v', undefined, 1, Uint8Array.of(0x2a))] }] })],
};
const EXAMPLE_1_HEX = '01 01 01 74 01 01 00 01 00 00 00 01 00 01 76 02 01 2a 00';
const EXAMPLE_2: Mutation = {
  updates: [
    update({
      deletion: { markedForDeleteAtMicros: 3, localDeletionTimeSec: 100 },
      rows: [
        {
          clustering: '\x40a',
          liveness: { timestampMicros: 5, ttlSec: 10, localExpirationTimeSec: 110 },
          deletion: undefined,
          complexDeletions: [{ column: 'm', deletion: { markedForDeleteAtMicros: 4, localDeletionTimeSec: 100 } }],
          cells: [
            liveCell('m', '\x01', 5, Uint8Array.of()),
            cellTombstone('v', undefined, -2, 100),
            expiringCell('w', undefined, 5, Uint8Array.of(7), 10, 100),
          ],
        },
      ],
      rangeTombstones: [
        { start: '\x40b', end: '\x40b\x41', deletion: { markedForDeleteAtMicros: 6, localDeletionTimeSec: 100 } },
      ],
    }),
  ],
};
const EXAMPLE_2_HEX =
  '01 01 01 74 01 01 01 06 65 01 02 40 61 01 0a 0a 6f 01 01 6d 08 65 03 01 01 6d 01 01 0a 00 ' +
  '02 01 76 03 65 04 01 77 0a 0a 6f 01 07 01 02 40 62 03 40 62 41 0c 65';

describe('mutation codec', () => {
  it('writes the byte layout of docs/formats/mutation.md', () => {
    expect(hex(encodeMutation(EXAMPLE_1))).toBe(EXAMPLE_1_HEX);
    expect(hex(encodeMutation(EXAMPLE_2))).toBe(EXAMPLE_2_HEX);
    expect(decodeMutation(fromHex(EXAMPLE_2_HEX))).toEqual(EXAMPLE_2);
  });

  it('encodes into a reused scratch writer the same bytes as into a fresh buffer', () => {
    const scratch = new BinaryWriter(8);
    expect(hex(encodeMutationInto(scratch, EXAMPLE_2))).toBe(EXAMPLE_2_HEX);
    expect(hex(encodeMutationInto(scratch, EXAMPLE_1))).toBe(EXAMPLE_1_HEX);
    expect(hex(encodeMutationInto(scratch, EXAMPLE_2))).toBe(EXAMPLE_2_HEX);
  });

  it("says where each update's partition body lies in the record", () => {
    const scratch = new BinaryWriter(8);
    const bounds: number[] = [7, 7, 7, 7, 7, 7, 7, 7];
    fc.assert(
      fc.property(fc.oneof(mutationArb(WIDE_DOMAIN), mutationArb(SMALL_DOMAIN)), (mutation) => {
        const record = encodeMutationInto(scratch, mutation, bounds);
        expect(bounds.length).toBe(2 * mutation.updates.length);
        for (const [i, update] of mutation.updates.entries()) {
          const body = new BinaryWriter();
          writePartitionBody(body, update);
          expect(hex(record.subarray(bounds[2 * i], bounds[2 * i + 1]))).toBe(hex(body.finish()));
        }
        expect(hex(record)).toBe(hex(encodeMutation(mutation)));
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips random mutations', () => {
    fc.assert(
      fc.property(fc.oneof(mutationArb(WIDE_DOMAIN), mutationArb(SMALL_DOMAIN)), (mutation) => {
        const bytes = encodeMutation(mutation);
        const decoded = decodeMutation(bytes);
        expect(decoded).toEqual(mutation);
        expect(Buffer.from(encodeMutation(decoded)).equals(bytes)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses other format versions with RT_UNSUPPORTED_VERSION', () => {
    const bytes = encodeMutation(EXAMPLE_1);
    for (const version of [0, MUTATION_FORMAT_VERSION + 1, 0xff]) {
      bytes[0] = version;
      expect(() => decodeMutation(bytes)).toThrow(expect.objectContaining({ code: ErrorCodes.UNSUPPORTED_VERSION }));
    }
  });

  // Cost grows with the square of the encoding's length: small mutations, many of them.
  const smallMutation = fc.oneof(
    mutationArb(SMALL_DOMAIN, { maxUpdates: 2 }),
    mutationArb(WIDE_DOMAIN, { maxUpdates: 1 }),
  );

  it('refuses every truncation of a valid encoding', () => {
    fc.assert(
      fc.property(smallMutation, (mutation) => {
        const bytes = encodeMutation(mutation);
        withoutStacks(() => {
          for (let length = 0; length < bytes.length; length++) {
            if (!(decodeOrError(bytes.subarray(0, length)) instanceof RingtailError)) {
              expect.fail(`a ${length}-byte prefix of ${hex(bytes)} decoded`);
            }
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  it('turns every single bit flip into an error or a well-formed mutation', () => {
    fc.assert(
      fc.property(smallMutation, (mutation) => {
        const bytes = encodeMutation(mutation);
        const flipped = new Uint8Array(bytes.length);
        withoutStacks(() => {
          for (let bit = 0; bit < bytes.length * 8; bit++) {
            flipped.set(bytes);
            flipped[bit >>> 3]! ^= 1 << (bit & 7);
            const result = decodeOrError(flipped);
            if (result instanceof RingtailError) continue;
            // What decodes is well-formed: it encodes again, and that encoding decodes to the same.
            const again = encodeMutation(result);
            if (!Buffer.from(encodeMutation(decodeMutation(again))).equals(again)) {
              expect.fail(`flipping bit ${bit} of ${hex(bytes)} decoded to a mutation that does not round-trip`);
            }
          }
        });
      }),
      { numRuns: 25 },
    );
  });

  it('refuses random bytes with a RingtailError, never another exception', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // Start like a mutation, so that decoding gets past the version and the count.
      fc.uint8Array({ maxLength: 64 }).map((b) => Uint8Array.of(MUTATION_FORMAT_VERSION, 1, ...b)),
    );
    fc.assert(
      fc.property(bytes, (input) => {
        withoutStacks(() => decodeOrError(input));
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses a count that cannot fit in the input, before allocating for it', () => {
    expectRefused(fromHex('01 ff ff ff ff ff ff ff 0f'), /count .* cannot fit/);
  });

  it('refuses trailing bytes', () => {
    expectRefused(Uint8Array.of(...encodeMutation(EXAMPLE_1), 0), /trailing bytes/);
  });

  const row = (clustering: string, cells = [liveCell('a', undefined, 1, Uint8Array.of(1))]): Row => ({
    ...emptyRow(clustering),
    cells,
  });

  it('refuses rows out of order or repeated', () => {
    expectRefused(encodeMutation({ updates: [update({ rows: [row('\x40b'), row('\x40a')] })] }), /rows out of order/);
    expectRefused(encodeMutation({ updates: [update({ rows: [row('\x40a'), row('\x40a')] })] }), /rows out of order/);
  });

  it('refuses cells out of order or repeated, and collection deletions out of order', () => {
    const a = liveCell('a', undefined, 1, Uint8Array.of(1));
    const b = liveCell('b', undefined, 1, Uint8Array.of(1));
    const element = liveCell('a', '\x01', 1, Uint8Array.of(1));
    for (const cells of [
      [b, a],
      [a, a],
      [element, a],
    ]) {
      expectRefused(encodeMutation({ updates: [update({ rows: [row('', cells)] })] }), /cells out of order/);
    }
    const deletion = { markedForDeleteAtMicros: 1, localDeletionTimeSec: 1 };
    const complexDeletions = [
      { column: 'n', deletion },
      { column: 'm', deletion },
    ];
    expectRefused(
      encodeMutation({ updates: [update({ rows: [{ ...row(''), complexDeletions }] })] }),
      /collection deletions out of order/,
    );
  });

  it('refuses empty range tombstones and bad flags', () => {
    const deletion = { markedForDeleteAtMicros: 1, localDeletionTimeSec: 1 };
    expectRefused(
      encodeMutation({ updates: [update({ rangeTombstones: [{ start: '\x40b', end: '\x40a', deletion }] })] }),
      /empty range tombstone/,
    );
    // Example 1 with the cell's flags (byte 12) set to tombstone + expiring, then to an unknown bit.
    for (const flags of [0x06, 0x08]) {
      const bytes = fromHex(EXAMPLE_1_HEX);
      bytes[12] = flags;
      expectRefused(bytes, /bad cell flags/);
    }
  });
});

describe('varints', () => {
  const encoded = (write: (w: BinaryWriter) => void) => {
    const w = new BinaryWriter(1);
    write(w);
    return hex(w.finish());
  };

  it.each([
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [63, '7e'],
    [-64, '7f'],
    [64, '80 01'],
    [-65, '81 01'],
    [1_700_000_000_000_000, '80 80 f2 81 83 89 85 06'],
    [Number.MAX_SAFE_INTEGER, 'fe ff ff ff ff ff ff 1f'],
    [Number.MIN_SAFE_INTEGER, 'fd ff ff ff ff ff ff 1f'],
  ])('zigzag-encodes %d as %s', (value, bytes) => {
    expect(encoded((w) => w.varint(value))).toBe(bytes);
    expect(new BinaryReader(fromHex(bytes), 'test').varint()).toBe(value);
  });

  it('round-trips every safe integer, as the LEB128 of its zigzag value', () => {
    const zigzagLeb128 = (value: number) => {
      let z = value >= 0 ? BigInt(value) * 2n : BigInt(-value) * 2n - 1n;
      const out: number[] = [];
      while (z >= 0x80n) {
        out.push(Number(z & 0x7fn) | 0x80);
        z >>= 7n;
      }
      out.push(Number(z));
      return hex(Uint8Array.from(out));
    };
    fc.assert(
      fc.property(fc.oneof(fc.maxSafeInteger(), fc.integer()), (value) => {
        const bytes = encoded((w) => w.varint(value));
        expect(bytes).toBe(zigzagLeb128(value));
        const reader = new BinaryReader(fromHex(bytes), 'test');
        expect(reader.varint()).toBe(value);
        expect(reader.done).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses, on reading, a value past the safe integers and a varint over 8 bytes', () => {
    for (const bytes of ['ff ff ff ff ff ff ff 1f', 'fe ff ff ff ff ff ff 7f', 'ff ff ff ff ff ff ff ff 01']) {
      expect(() => new BinaryReader(fromHex(bytes), 'test').varint()).toThrow(RingtailError);
    }
    expect(() => new BinaryReader(fromHex('80 80 80 80 80 80 80 80 01'), 'test').uvarint()).toThrow(/too long/);
  });

  it('refuses, on writing, what would not read back', () => {
    const refused = (write: (w: BinaryWriter) => void) => {
      let error: unknown;
      try {
        write(new BinaryWriter());
      } catch (e) {
        error = e;
      }
      expect(isRingtailError(error, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
    };
    refused((w) => w.uvarint(-1));
    refused((w) => w.uvarint(1.5));
    refused((w) => w.uvarint(2 ** 53));
    refused((w) => w.varint(Number.NaN));
    refused((w) => w.varint(-(2 ** 53)));
    refused((w) => w.latin1('\u0100'));
  });
});
