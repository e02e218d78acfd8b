/**
 * fast-check generators for CQL types and values shared by the types-* tests.
 * Values are drawn from small domains as well as wide ones, so that equal
 * values, shared prefixes, zero bytes and sign changes come up often.
 */
import fc from 'fast-check';
import { CQL_SCALAR_KINDS, type CqlScalarKind, type CqlType } from '../src/types/cql-type.js';
import { bytesToUuid } from '../src/types/uuid-inet.js';
import { type CqlValue, normalizeValue } from '../src/types/value.js';

/** Scalar kinds allowed in keys and collections (counter is neither). */
export const KEY_SCALAR_KINDS: readonly CqlScalarKind[] = CQL_SCALAR_KINDS.filter((kind) => kind !== 'counter');

const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;

const smallBytes = (minLength: number, maxLength: number) =>
  fc.oneof(
    fc.uint8Array({ minLength, maxLength }),
    fc
      .array(fc.constantFrom(0x00, 0x01, 0x10, 0x7f, 0x80, 0xff), { minLength, maxLength })
      .map((a) => Uint8Array.from(a)),
  );

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

function bigintArbitrary(kind: 'bigint' | 'varint'): fc.Arbitrary<bigint> {
  const edges = fc.constantFrom(0n, 1n, -1n, 127n, -128n, 128n, -129n, 255n, 256n, -256n, 2n ** 63n - 1n, -(2n ** 63n));
  if (kind === 'bigint') return fc.oneof(edges, fc.bigInt({ min: -1000n, max: 1000n }), int64);
  return fc.oneof(
    edges,
    fc.bigInt({ min: -1000n, max: 1000n }),
    fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
    // Past 126 magnitude bytes the comparable varint switches to its long header.
    fc.bigInt({ min: -(2n ** 1100n), max: 2n ** 1100n }),
  );
}

function uuidArbitrary(forceVersion1: boolean): fc.Arbitrary<string> {
  return smallBytes(16, 16).map((bytes) => {
    const copy = Uint8Array.from(bytes);
    if (forceVersion1) copy[6] = (copy[6]! & 0x0f) | 0x10;
    return bytesToUuid(copy);
  });
}

const textArbitrary = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({
    unit: fc.constantFrom('\0', 'a', 'b', '\u00ff', '\u0800', '\ufeff', '\uffff', '\u{10000}', '\u{10ffff}'),
    maxLength: 6,
  }),
);

export function scalarValueArbitrary(kind: CqlScalarKind): fc.Arbitrary<CqlValue> {
  switch (kind) {
    case 'ascii':
      return fc.oneof(
        fc.string({ unit: 'binary-ascii', maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('\0', 'a', '\x7f'), maxLength: 5 }),
      );
    case 'text':
      return textArbitrary;
    case 'int':
      return fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer());
    case 'smallint':
      return fc.integer({ min: -32768, max: 32767 });
    case 'tinyint':
      return fc.integer({ min: -128, max: 127 });
    case 'bigint':
    case 'counter':
      return bigintArbitrary('bigint');
    case 'varint':
      return bigintArbitrary('varint');
    case 'float':
      return fc.oneof(
        fc.float(),
        fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1),
      );
    case 'double':
      return fc.oneof(
        fc.double(),
        fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1),
      );
    case 'decimal':
      return fc
        .tuple(
          fc.oneof(fc.bigInt({ min: -1000n, max: 1000n }), fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n })),
          fc.oneof(
            fc.integer({ min: -4, max: 4 }),
            fc.integer({ min: -40, max: 40 }),
            fc.constantFrom(-2147483648, 2147483647),
          ),
        )
        .map(([unscaled, scale]) => ({ unscaled, scale }));
    case 'boolean':
      return fc.boolean();
    case 'timestamp':
      return fc.oneof(
        fc.integer({ min: -5, max: 5 }),
        fc.bigInt({ min: BigInt(-MAX_TIMESTAMP_MS), max: BigInt(MAX_TIMESTAMP_MS) }).map(Number),
        fc.constantFrom(-MAX_TIMESTAMP_MS, MAX_TIMESTAMP_MS, -1, 2 ** 32, -(2 ** 32)),
      );
    case 'date':
      return fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -2147483648, max: 2147483647 }));
    case 'uuid':
      return uuidArbitrary(false);
    case 'timeuuid':
      return uuidArbitrary(true);
    case 'blob':
      return smallBytes(0, 8);
    case 'inet':
      return fc.oneof(smallBytes(4, 4), smallBytes(16, 16)).map((bytes) => {
        // Build text by hand so the parser, not the formatter, is what normalizes it.
        if (bytes.length === 4) return Array.from(bytes).join('.');
        const groups: string[] = [];
        for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
        return groups.join(':');
      });
  }
}

/** Types usable in keys: scalars and frozen collections of them, nested up to `depth`. */
export function keyTypeArbitrary(depth = 2): fc.Arbitrary<CqlType> {
  const scalar = fc.constantFrom(...KEY_SCALAR_KINDS).map((kind): CqlType => ({ kind }));
  if (depth === 0) return scalar;
  const inner = keyTypeArbitrary(depth - 1);
  return fc.oneof(
    { arbitrary: scalar, weight: 3 },
    fc.record({ kind: fc.constantFrom('list' as const, 'set' as const), element: inner, frozen: fc.constant(true) }),
    fc.record({ kind: fc.constant('map' as const), key: inner, value: inner, frozen: fc.constant(true) }),
  );
}

/** A raw (not yet normalized) value of `type`. */
export function rawValueArbitrary(type: CqlType): fc.Arbitrary<CqlValue> {
  switch (type.kind) {
    case 'list':
    case 'set':
      return fc.array(rawValueArbitrary(type.element), { maxLength: 3 });
    case 'map':
      return fc.array(fc.tuple(rawValueArbitrary(type.key), rawValueArbitrary(type.value)), { maxLength: 3 });
    default:
      return scalarValueArbitrary(type.kind);
  }
}

/** A canonical value of `type`, as normalizeValue returns it. */
export function valueArbitrary(type: CqlType): fc.Arbitrary<CqlValue> {
  return rawValueArbitrary(type).map((raw) => normalizeValue(type, raw)!);
}

export const typeAndValue = keyTypeArbitrary().chain((type) => valueArbitrary(type).map((value) => ({ type, value })));

export const typeAndTwoValues = keyTypeArbitrary().chain((type) =>
  fc.tuple(valueArbitrary(type), valueArbitrary(type)).map(([a, b]) => ({ type, a, b })),
);

export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
