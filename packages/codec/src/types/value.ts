/**
 * How a CQL value looks in JavaScript (docs/types.md, "Values"):
 *
 * | CQL type                               | JS value                                            |
 * |----------------------------------------|-----------------------------------------------------|
 * | ascii, text (varchar)                  | string (ascii: code points < 128)                   |
 * | int, smallint, tinyint                 | number, an integer in range                         |
 * | float, double                          | number (NaN, ±Infinity, -0 allowed; float rounded)  |
 * | bigint, counter, varint                | bigint (bigint/counter in the signed 64-bit range)  |
 * | decimal                                | {@link CqlDecimal} `{ unscaled, scale }`            |
 * | boolean                                | boolean                                             |
 * | timestamp                              | number: integer ms since the epoch, ±8.64e15        |
 * | date                                   | number: signed days since 1970-01-01, int32 range   |
 * | uuid, timeuuid                         | string, lowercase hyphenated (timeuuid: version 1)  |
 * | blob                                   | Uint8Array                                          |
 * | inet                                   | string, '1.2.3.4' or RFC 5952 IPv6                  |
 * | list<T>                                | CqlValue[]                                          |
 * | set<T>                                 | CqlValue[] sorted by T's order, no duplicates       |
 * | map<K,V>                               | Array<[K, V]> sorted by key order, unique keys      |
 *
 * `null` stands for an absent value; it is never an element of a collection.
 */
import { compareValues } from './compare.js';
import { type CqlType, formatCqlType } from './cql-type.js';
import { type CqlDecimal, INT32_MAX, INT32_MIN } from './decimal.js';
import { describeValue, invalid } from './invalid.js';
import { formatInet, isUuidString, parseInet, uuidVersion } from './uuid-inet.js';

export type { CqlDecimal } from './decimal.js';

/** A non-null CQL value; see the table above. Map entries are `[key, value]` pairs. */
export type CqlValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | CqlDecimal
  | readonly CqlValue[]
  | ReadonlyArray<readonly [CqlValue, CqlValue]>;

/** Timestamps are limited to the range of a JS Date, so every one prints as ISO-8601. */
export const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;
const MIN_BIGINT = -(2n ** 63n);
const MAX_BIGINT = 2n ** 63n - 1n;

function fail(type: CqlType, expected: string, value: unknown): never {
  throw invalid(`expected ${expected} for type ${formatCqlType(type)}, got ${describeValue(value)}`);
}

function checkInteger(type: CqlType, value: unknown, bits: 8 | 16 | 32): void {
  const limit = bits === 32 ? 0x80000000 : bits === 16 ? 0x8000 : 0x80;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -limit || value >= limit) {
    fail(type, `a ${bits}-bit integer`, value);
  }
}

const NON_ASCII = /[\u0080-\uffff]/;

/** String.prototype.isWellFormed (Node 20+; not yet in the es2023 lib typings): native, so fast on the write path. */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

function checkText(type: CqlType, value: unknown): void {
  if (typeof value !== 'string') fail(type, 'a string', value);
  if (type.kind === 'ascii') {
    const match = NON_ASCII.exec(value);
    if (match !== null) {
      const code = match[0].charCodeAt(0).toString(16).padStart(4, '0');
      throw invalid(`non-ASCII character U+${code} at index ${match.index} for type ascii`);
    }
    return;
  }
  if (isWellFormed(value)) return;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    if (c >= 0xdc00 || !(next >= 0xdc00 && next <= 0xdfff)) {
      throw invalid(`lone UTF-16 surrogate U+${c.toString(16)} at index ${i} for type ${type.kind}`);
    }
    i++;
  }
}

function isDecimal(value: unknown): value is CqlDecimal {
  if (typeof value !== 'object' || value === null) return false;
  const { unscaled, scale } = value as { unscaled?: unknown; scale?: unknown };
  return (
    typeof unscaled === 'bigint' &&
    Number.isInteger(scale) &&
    (scale as number) >= INT32_MIN &&
    (scale as number) <= INT32_MAX
  );
}

/** Throws unless `value` is a valid non-null value of scalar `type`. */
function checkScalar(type: CqlType, value: unknown): void {
  switch (type.kind) {
    case 'ascii':
    case 'text':
      checkText(type, value);
      return;
    case 'int':
      checkInteger(type, value, 32);
      return;
    case 'smallint':
      checkInteger(type, value, 16);
      return;
    case 'tinyint':
      checkInteger(type, value, 8);
      return;
    case 'bigint':
    case 'counter':
      if (typeof value !== 'bigint' || value < MIN_BIGINT || value > MAX_BIGINT) {
        fail(type, 'a bigint in the signed 64-bit range', value);
      }
      return;
    case 'varint':
      if (typeof value !== 'bigint') fail(type, 'a bigint', value);
      return;
    case 'float':
      if (typeof value !== 'number') fail(type, 'a number', value);
      if (Number.isFinite(value) && !Number.isFinite(Math.fround(value))) {
        fail(type, 'a number within the 32-bit float range', value);
      }
      return;
    case 'double':
      if (typeof value !== 'number') fail(type, 'a number', value);
      return;
    case 'decimal':
      if (!isDecimal(value)) fail(type, '{ unscaled: bigint, scale: 32-bit integer }', value);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail(type, 'a boolean', value);
      return;
    case 'timestamp':
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > MAX_TIMESTAMP_MS) {
        fail(type, 'an integer number of milliseconds since the epoch within ±8.64e15', value);
      }
      return;
    case 'date':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
        fail(type, 'an integer number of days since 1970-01-01 in the 32-bit range', value);
      }
      return;
    case 'uuid':
    case 'timeuuid':
      if (typeof value !== 'string' || !isUuidString(value)) {
        fail(type, 'a UUID string (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)', value);
      }
      if (type.kind === 'timeuuid' && uuidVersion(value) !== 1) {
        throw invalid(`expected a version 1 UUID for type timeuuid, got version ${uuidVersion(value)}: ${value}`);
      }
      return;
    case 'blob':
      if (!(value instanceof Uint8Array)) fail(type, 'a Uint8Array', value);
      return;
    case 'inet':
      if (typeof value !== 'string' || parseInet(value) === undefined) {
        fail(type, 'an IPv4 or IPv6 address string', value);
      }
      return;
    default:
      throw invalid(`not a scalar type: ${formatCqlType(type)}`);
  }
}

function checkElement(type: CqlType, value: unknown, collection: CqlType): void {
  if (value === null || value === undefined) {
    throw invalid(`null is not supported inside collections (${formatCqlType(collection)})`);
  }
  checkValue(type, value);
}

function checkValue(type: CqlType, value: unknown): void {
  switch (type.kind) {
    case 'list':
    case 'set':
      if (!Array.isArray(value)) fail(type, 'an array', value);
      for (const element of value) checkElement(type.element, element, type);
      return;
    case 'map':
      if (!Array.isArray(value)) fail(type, 'an array of [key, value] pairs', value);
      for (const entry of value) {
        if (!Array.isArray(entry) || entry.length !== 2) fail(type, 'an array of [key, value] pairs', entry);
        checkElement(type.key, entry[0], type);
        checkElement(type.value, entry[1], type);
      }
      return;
    default:
      checkScalar(type, value);
  }
}

/** Throws a RingtailError (INVALID_ARGUMENT) unless `value` is a valid value of `type` or null. */
export function validateValue(type: CqlType, value: unknown): asserts value is CqlValue | null {
  if (value !== null) checkValue(type, value);
}

/**
 * The canonical form of an already valid value: sets sorted and deduplicated
 * (first occurrence kept), maps sorted by key (for equal keys the first key
 * and the last value are kept), uuids lowercased, inet addresses in canonical
 * text, floats rounded to 32 bits, -0 of integer types turned into 0.
 * Blobs are not copied.
 */
export function normalizeValid(type: CqlType, value: CqlValue): CqlValue {
  switch (type.kind) {
    case 'list':
      return (value as readonly CqlValue[]).map((e) => normalizeValid(type.element, e));
    case 'set': {
      const element = type.element;
      const sorted = (value as readonly CqlValue[]).map((e) => normalizeValid(element, e));
      sorted.sort((a, b) => compareValues(element, a, b));
      return sorted.filter((e, i) => i === 0 || compareValues(element, sorted[i - 1]!, e) !== 0);
    }
    case 'map': {
      const { key, value: valueType } = type;
      const entries = (value as ReadonlyArray<readonly [CqlValue, CqlValue]>).map(
        ([k, v]) => [normalizeValid(key, k), normalizeValid(valueType, v)] as [CqlValue, CqlValue],
      );
      entries.sort((a, b) => compareValues(key, a[0], b[0]));
      const out: Array<[CqlValue, CqlValue]> = [];
      for (const entry of entries) {
        const last = out[out.length - 1];
        if (last !== undefined && compareValues(key, last[0], entry[0]) === 0) last[1] = entry[1];
        else out.push(entry);
      }
      return out;
    }
    case 'float':
      return Math.fround(value as number);
    case 'int':
    case 'smallint':
    case 'tinyint':
    case 'timestamp':
    case 'date':
      return (value as number) === 0 ? 0 : value;
    case 'decimal': {
      const { unscaled, scale } = value as CqlDecimal;
      return { unscaled, scale: scale === 0 ? 0 : scale };
    }
    case 'uuid':
    case 'timeuuid':
      return (value as string).toLowerCase();
    case 'inet':
      return formatInet(parseInet(value as string)!);
    default:
      return value;
  }
}

/** Validates `value` (see {@link validateValue}) and returns its canonical form (see {@link normalizeValid}). */
export function normalizeValue(type: CqlType, value: unknown): CqlValue | null {
  validateValue(type, value);
  return value === null ? null : normalizeValid(type, value);
}
