/**
 * The semantic order of CQL values, as Cassandra's comparators define it. The
 * byte-comparable encoding (comparable.ts) is tested against this function.
 */
import type { CqlType } from './cql-type.js';
import { type CqlDecimal, compareDecimal } from './decimal.js';
import { parseInet, writeUuidBytes } from './uuid-inet.js';
import { writeUuidOrderKey } from './uuid-order.js';
import type { CqlValue } from './value.js';

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Java's Double.compare: -Infinity < … < -0 < +0 < … < +Infinity < NaN, all NaNs equal. */
function compareJavaDouble(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  if (Object.is(a, b)) return 0;
  return Object.is(a, -0) ? -1 : 1;
}

/** UTF-16 code unit to a value whose order is code point (and so UTF-8 byte) order. */
function codePointOrder(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Orders well-formed strings by their UTF-8 bytes, as Cassandra's UTF8Type does (JS `<` does not). */
function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return codePointOrder(ca) < codePointOrder(cb) ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const uuidScratch = new Uint8Array(64);

function compareUuid(kind: 'uuid' | 'timeuuid', a: string, b: string): number {
  writeUuidBytes(a, uuidScratch, 0);
  writeUuidBytes(b, uuidScratch, 16);
  writeUuidOrderKey(kind, uuidScratch, 0, uuidScratch, 32);
  writeUuidOrderKey(kind, uuidScratch, 16, uuidScratch, 48);
  return compareBytes(uuidScratch.subarray(32, 48), uuidScratch.subarray(48, 64));
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/**
 * Compares two valid values of `type` in CQL order (-1, 0 or 1); null (absent)
 * sorts first. Frozen collections compare element by element, then by length;
 * maps by key, then value. Numerically equal decimals compare equal.
 */
export function compareValues(type: CqlType, a: CqlValue | null, b: CqlValue | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  switch (type.kind) {
    case 'ascii':
    case 'text':
      return compareUtf8(a as string, b as string);
    case 'int':
    case 'smallint':
    case 'tinyint':
    case 'timestamp':
    case 'date':
      return a < b ? -1 : a > b ? 1 : 0;
    case 'bigint':
    case 'counter':
    case 'varint':
      return a < b ? -1 : a > b ? 1 : 0;
    case 'float':
      return compareJavaDouble(Math.fround(a as number), Math.fround(b as number));
    case 'double':
      return compareJavaDouble(a as number, b as number);
    case 'decimal':
      return compareDecimal(a as CqlDecimal, b as CqlDecimal);
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'uuid':
    case 'timeuuid':
      return compareUuid(type.kind, a as string, b as string);
    case 'blob':
      return compareBytes(a as Uint8Array, b as Uint8Array);
    case 'inet':
      // Cassandra's InetAddressType compares the 4- or 16-byte addresses as unsigned bytes.
      return compareBytes(parseInet(a as string)!, parseInet(b as string)!);
    case 'list':
    case 'set': {
      const x = a as readonly CqlValue[];
      const y = b as readonly CqlValue[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(type.element, x[i]!, y[i]!);
        if (c !== 0) return c;
      }
      return sign(x.length - y.length);
    }
    case 'map': {
      const x = a as ReadonlyArray<readonly [CqlValue, CqlValue]>;
      const y = b as ReadonlyArray<readonly [CqlValue, CqlValue]>;
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(type.key, x[i]![0], y[i]![0]) || compareValues(type.value, x[i]![1], y[i]![1]);
        if (c !== 0) return c;
      }
      return sign(x.length - y.length);
    }
  }
}
