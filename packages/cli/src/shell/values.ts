/**
 * Prints a value of the HTTP API (DESIGN.md §3.2's JSON mapping) by its CQL
 * type. A value on its own prints plainly — text unquoted, `null` for an
 * absent cell; inside a collection, and everywhere in `literal` mode, it
 * prints as a CQL literal (`'text'`, `[1, 2]`, `{'k': 0x01}`), so that what
 * DESCRIBE and result tables show can be typed back.
 */
import { Buffer } from 'node:buffer';
import { type CqlTypeNode, parseCqlType, unfrozen } from './cql-types.js';
import { formatString } from './identifiers.js';

/** Types whose values are strings in JSON and quoted strings in CQL. */
const QUOTED = new Set(['text', 'ascii', 'varchar', 'inet', 'timestamp', 'date', 'time', 'duration']);
/** Types whose JSON strings are already CQL literals: uuids, blobs, exact numbers. */
const BARE = new Set(['uuid', 'timeuuid', 'blob', 'bigint', 'varint', 'decimal', 'counter']);
/** Map keys of these types arrive as JSON text (`"1"`, `"[1,2]"`) and are parsed back. */
const KEY_AS_JSON = new Set([
  'int',
  'smallint',
  'tinyint',
  'float',
  'double',
  'boolean',
  'list',
  'set',
  'map',
  'tuple',
]);
const INTEGER_KEYS = new Set(['int', 'smallint', 'tinyint', 'bigint', 'varint', 'counter']);
const FLOATING_KEYS = new Set(['float', 'double', 'decimal']);
const TEXT_KEYS = new Set(['text', 'ascii', 'varchar']);

/** `value` (parsed JSON) of type `type` (a type name, or a parsed one) as text. */
export function formatValue(type: string | CqlTypeNode, value: unknown, options: { literal?: boolean } = {}): string {
  return format(typeof type === 'string' ? parseCqlType(type) : type, value, options.literal ?? false);
}

function format(declared: CqlTypeNode, value: unknown, literal: boolean): string {
  if (value === null || value === undefined) return 'null';
  const type = unfrozen(declared);
  const name = type.name;
  if (name === 'list' || name === 'set') {
    if (!Array.isArray(value)) return fallback(value, literal);
    const element = type.args[0] ?? parseCqlType('');
    const inner = value.map((item) => format(element, item, true)).join(', ');
    return name === 'list' ? `[${inner}]` : `{${inner}}`;
  }
  if (name === 'map') {
    if (typeof value !== 'object' || Array.isArray(value)) return fallback(value, literal);
    const keyType = unfrozen(type.args[0] ?? parseCqlType(''));
    const valueType = type.args[1] ?? parseCqlType('');
    const entries = sortKeys(
      keyType,
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [keyFromJson(keyType, key), item] as const),
    );
    return `{${entries.map(([key, item]) => `${format(keyType, key, true)}: ${format(valueType, item, true)}`).join(', ')}}`;
  }
  if (typeof value === 'string') {
    if (!literal || BARE.has(name)) return value;
    if (QUOTED.has(name)) return formatString(value);
    // float/double 'NaN' and 'Infinity' are literals as they are; unknown types are quoted.
    return FLOATING_KEYS.has(name) ? value : formatString(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fallback(value, literal);
}

/** A value the type does not explain (a type this shell does not know): its JSON. */
function fallback(value: unknown, literal: boolean): string {
  const json = JSON.stringify(value) ?? String(value);
  return literal ? formatString(json) : json;
}

/** A map key is JSON text in the API (object keys are strings); the key's own JSON value. */
function keyFromJson(keyType: CqlTypeNode, key: string): unknown {
  if (!KEY_AS_JSON.has(keyType.name)) return key;
  try {
    return JSON.parse(key);
  } catch {
    return key; // 'NaN', 'Infinity'
  }
}

/**
 * Entries in the key type's CQL order. The API sends maps in that order,
 * but a JSON object (here and on the server) moves keys that look like
 * array indexes ("7", "10") before the others, so numeric and text keys are
 * sorted again; keys of other types keep the order received.
 */
function sortKeys(keyType: CqlTypeNode, entries: (readonly [unknown, unknown])[]): (readonly [unknown, unknown])[] {
  const name = keyType.name;
  if (INTEGER_KEYS.has(name)) return entries.sort(([a], [b]) => compareIntegers(a, b));
  if (FLOATING_KEYS.has(name)) return entries.sort(([a], [b]) => Number(a) - Number(b) || 0);
  if (TEXT_KEYS.has(name)) {
    return entries.sort(([a], [b]) => Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b))));
  }
  return entries;
}

function compareIntegers(a: unknown, b: unknown): number {
  try {
    const x = BigInt(String(a));
    const y = BigInt(String(b));
    return x < y ? -1 : x > y ? 1 : 0;
  } catch {
    return 0;
  }
}
