/**
 * CQL values as JSON for the HTTP API (DESIGN.md §3.2; the exact mapping is in
 * docs/types.md, "JSON"). Output is canonical; input is a little more lenient
 * (numeric strings for numbers, integer ms for timestamps, ...).
 */
import { Buffer } from 'node:buffer';
import { formatDate, formatTimestamp, parseDate, parseTimestamp } from './calendar.js';
import { type CqlType, formatCqlType, isCollection } from './cql-type.js';
import { type CqlDecimal, formatDecimal, parseDecimal } from './decimal.js';
import { describeValue, invalid } from './invalid.js';
import { type CqlValue, normalizeValue } from './value.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Value of each hex digit by char code; -1 for anything else. */
const HEX_DIGIT_VALUES = (() => {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) values[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    values[65 + i] = 10 + i;
    values[97 + i] = 10 + i;
  }
  return values;
})();

/**
 * `0x` (or `0X`) and an even number of hex digits, decoded in one pass into
 * bytes of their own; undefined for anything else. What a regex test, a
 * `Buffer.from(…, 'hex')` and a copy did before — a blob per bound value on
 * the write path.
 */
function decodeHexBlob(text: string): Uint8Array | undefined {
  const n = text.length;
  if (n < 2 || n % 2 !== 0 || text.charCodeAt(0) !== 48 || (text.charCodeAt(1) | 0x20) !== 120) return undefined;
  const bytes = new Uint8Array((n - 2) / 2);
  for (let i = 0, at = 2; at < n; i++, at += 2) {
    const high = text.charCodeAt(at);
    const low = text.charCodeAt(at + 1);
    const h = high < 128 ? HEX_DIGIT_VALUES[high]! : -1;
    const l = low < 128 ? HEX_DIGIT_VALUES[low]! : -1;
    if ((h | l) < 0) return undefined;
    bytes[i] = (h << 4) | l;
  }
  return bytes;
}

/** The shortest decimal that rounds to the same 32-bit float: 0.1f prints as 0.1, not 0.10000000149011612. */
function shortestFloat32(value: number): number {
  if (value === 0) return value;
  for (let precision = 1; precision < 10; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function floatingToJson(value: number): JsonValue {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

/** JSON.stringify, except that -0 stays "-0" (JSON.stringify writes 0): map keys must stay distinct. */
function stringifyKeepingNegativeZero(json: JsonValue): string {
  if (Object.is(json, -0)) return '-0';
  if (Array.isArray(json)) return `[${json.map(stringifyKeepingNegativeZero).join(',')}]`;
  if (typeof json === 'object' && json !== null) {
    const members = Object.entries(json).map(([k, v]) => `${JSON.stringify(k)}:${stringifyKeepingNegativeZero(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(json);
}

function mapKeyToString(type: CqlType, key: CqlValue): string {
  if (type.kind === 'text' || type.kind === 'ascii') return key as string;
  const json = toJson(type, key);
  return typeof json === 'string' ? json : stringifyKeepingNegativeZero(json);
}

function toJson(type: CqlType, value: CqlValue): JsonValue {
  switch (type.kind) {
    case 'ascii':
    case 'text':
    case 'uuid':
    case 'timeuuid':
    case 'inet':
      return value as string;
    case 'int':
    case 'smallint':
    case 'tinyint':
    case 'boolean':
      return value as number | boolean;
    case 'float':
      return floatingToJson(shortestFloat32(value as number));
    case 'double':
      return floatingToJson(value as number);
    case 'bigint':
    case 'counter':
    case 'varint':
      return String(value);
    case 'decimal':
      return formatDecimal(value as CqlDecimal);
    case 'timestamp':
      return formatTimestamp(value as number);
    case 'date':
      return formatDate(value as number) ?? String(value);
    case 'blob': {
      const bytes = value as Uint8Array;
      return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
    }
    case 'list':
    case 'set':
      return (value as readonly CqlValue[]).map((element) => toJson(type.element, element));
    case 'map': {
      const object: { [key: string]: JsonValue } = {};
      for (const [k, v] of value as ReadonlyArray<readonly [CqlValue, CqlValue]>) {
        // defineProperty, not assignment: a key named "__proto__" must stay a key.
        Object.defineProperty(object, mapKeyToString(type.key, k), {
          value: toJson(type.value, v),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return object;
    }
  }
}

/** The JSON form of a value (null for absent). Validates it; sets and maps come out in canonical order. */
export function valueToJson(type: CqlType, value: CqlValue | null): JsonValue {
  const canonical = normalizeValue(type, value);
  return canonical === null ? null : toJson(type, canonical);
}

function fail(type: CqlType, expected: string, json: unknown): never {
  throw invalid(`expected ${expected} for type ${formatCqlType(type)}, got ${describeValue(json)}`);
}

function numberFromJson(type: CqlType, json: unknown, integer: boolean): number {
  if (typeof json === 'number') return json;
  if (typeof json === 'string') {
    if (!integer) {
      if (json === 'NaN') return Number.NaN;
      if (json === 'Infinity' || json === '+Infinity') return Number.POSITIVE_INFINITY;
      if (json === '-Infinity') return Number.NEGATIVE_INFINITY;
    }
    if ((integer ? INTEGER_TEXT : NUMBER_TEXT).test(json)) return Number(json);
  }
  return fail(type, integer ? 'an integer (number or numeric string)' : 'a number or numeric string', json);
}

function bigintFromJson(type: CqlType, json: unknown): bigint {
  if (typeof json === 'string' && INTEGER_TEXT.test(json)) return BigInt(json);
  if (typeof json === 'number' && Number.isSafeInteger(json)) return BigInt(json);
  return fail(type, 'an integer string or a safe integer number', json);
}

function mapKeyFromString(type: CqlType, text: string): CqlValue | null {
  if (!isCollection(type)) return fromJson(type, text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail(type, 'a JSON-encoded collection as the map key', text);
  }
  return fromJson(type, parsed);
}

/** Converts without validating ranges or formats; valueFromJson validates the result once. */
function fromJson(type: CqlType, json: unknown): CqlValue | null {
  if (json === null) return null;
  switch (type.kind) {
    case 'ascii':
    case 'text':
    case 'uuid':
    case 'timeuuid':
    case 'inet':
      if (typeof json !== 'string') fail(type, 'a JSON string', json);
      return json;
    case 'int':
    case 'smallint':
    case 'tinyint':
      return numberFromJson(type, json, true);
    case 'float':
    case 'double':
      return numberFromJson(type, json, false);
    case 'bigint':
    case 'counter':
    case 'varint':
      return bigintFromJson(type, json);
    case 'decimal': {
      const text = typeof json === 'number' && Number.isFinite(json) ? String(json) : json;
      const decimal = typeof text === 'string' ? parseDecimal(text) : undefined;
      return decimal ?? fail(type, 'a decimal string or a finite number', json);
    }
    case 'boolean':
      if (typeof json === 'boolean') return json;
      if (typeof json === 'string' && /^(true|false)$/i.test(json)) return json.toLowerCase() === 'true';
      return fail(type, 'a boolean', json);
    case 'timestamp': {
      if (typeof json === 'number') return json;
      if (typeof json === 'string' && INTEGER_TEXT.test(json)) return Number(json);
      const ms = typeof json === 'string' ? parseTimestamp(json) : undefined;
      return ms ?? fail(type, 'an ISO-8601 timestamp string or integer milliseconds', json);
    }
    case 'date': {
      if (typeof json === 'number') return json;
      if (typeof json === 'string' && INTEGER_TEXT.test(json)) return Number(json);
      const days = typeof json === 'string' ? parseDate(json) : undefined;
      return days ?? fail(type, "a 'YYYY-MM-DD' string or integer days since 1970-01-01", json);
    }
    case 'blob':
      return (typeof json === 'string' ? decodeHexBlob(json) : undefined) ?? fail(type, "a '0x…' hex string", json);
    case 'list':
    case 'set':
      if (!Array.isArray(json)) fail(type, 'a JSON array', json);
      return json.map((element) => fromJson(type.element, element)) as CqlValue[];
    case 'map': {
      if (typeof json !== 'object' || Array.isArray(json)) fail(type, 'a JSON object', json);
      return Object.entries(json).map(([k, v]) => [mapKeyFromString(type.key, k), fromJson(type.value, v)]) as Array<
        [CqlValue, CqlValue]
      >;
    }
  }
}

/** Parses the JSON form of a value (null for absent) and returns it validated and normalized. */
export function valueFromJson(type: CqlType, json: unknown): CqlValue | null {
  return normalizeValue(type, fromJson(type, json));
}
