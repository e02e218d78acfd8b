/**
 * Byte-comparable encodings (DESIGN.md §2, docs/types.md "Byte-comparable
 * encoding"): comparing two encodings as unsigned bytes, shorter prefix first,
 * gives the order of {@link compareValues}. Every value's encoding is
 * prefix-free (no encoding is a proper prefix of another of the same type), so
 * concatenations compare component by component, and flipping every byte of
 * a component reverses its order (DESC).
 */
import { Buffer } from 'node:buffer';
import { ByteReader, type ByteWriter, ScratchWriter } from './byte-io.js';
import {
  readDecimal,
  readDouble,
  readEscaped,
  readFloat,
  writeDecimal,
  writeDouble,
  writeEscapedBytes,
  writeEscapedText,
  writeFloat,
} from './comparable-scalars.js';
import { compareValues } from './compare.js';
import { type CqlType, formatCqlType, isCollection } from './cql-type.js';
import type { CqlDecimal } from './decimal.js';
import { invalid } from './invalid.js';
import { bytesToUuid, formatInet, parseInet, writeUuidBytes } from './uuid-inet.js';
import { readUuidOrderKey, writeUuidOrderKey } from './uuid-order.js';
import { type CqlValue, MAX_TIMESTAMP_MS, normalizeValue, validateValue } from './value.js';
import { readComparableVarint, writeComparableVarint } from './varint-comparable.js';

export type SortOrder = 'asc' | 'desc';

export interface ComparableKeyColumn {
  readonly type: CqlType;
  readonly order: SortOrder;
}

export interface ComparableKeyComponent extends ComparableKeyColumn {
  readonly value: CqlValue;
}

/** Precedes every component of a composite key; a bound past all extensions of a prefix can append 0x41. */
export const KEY_COMPONENT_SEPARATOR = 0x40;
const ELEMENT_MARKER = 0x01;
const COLLECTION_END = 0x00;
const TWO_POW_32 = 4294967296;
const SIGN_BIT_32 = 0x80000000;

const scratch = new ScratchWriter();
const uuidScratch = new Uint8Array(16);
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function writeValue(w: ByteWriter, type: CqlType, value: CqlValue): void {
  switch (type.kind) {
    case 'boolean':
      w.u8(value ? 1 : 0);
      return;
    case 'tinyint':
      w.u8(((value as number) ^ 0x80) & 0xff);
      return;
    case 'smallint': {
      const at = w.reserve(2);
      w.view.setUint16(at, ((value as number) ^ 0x8000) & 0xffff);
      return;
    }
    case 'int':
      w.u32(((value as number) ^ SIGN_BIT_32) >>> 0);
      return;
    case 'bigint':
    case 'counter': {
      const at = w.reserve(8);
      w.view.setBigInt64(at, value as bigint);
      w.bytes[at]! ^= 0x80;
      return;
    }
    case 'timestamp': {
      const ms = value as number;
      const high = Math.floor(ms / TWO_POW_32);
      w.u32((high ^ SIGN_BIT_32) >>> 0);
      w.u32(ms - high * TWO_POW_32);
      return;
    }
    case 'date':
      w.u32((value as number) + SIGN_BIT_32);
      return;
    case 'float':
      writeFloat(w, value as number);
      return;
    case 'double':
      writeDouble(w, value as number);
      return;
    case 'varint':
      writeComparableVarint(w, value as bigint);
      return;
    case 'decimal':
      writeDecimal(w, value as CqlDecimal);
      return;
    case 'ascii':
    case 'text':
      writeEscapedText(w, value as string);
      return;
    case 'blob':
      writeEscapedBytes(w, value as Uint8Array);
      return;
    case 'uuid':
    case 'timeuuid': {
      writeUuidBytes(value as string, uuidScratch, 0);
      const at = w.reserve(16);
      writeUuidOrderKey(type.kind, uuidScratch, 0, w.bytes, at);
      return;
    }
    case 'inet': {
      // Cassandra orders addresses as unsigned bytes, so an IPv4 address sorts
      // before every IPv6 address that starts with the same 4 bytes.
      const address = parseInet(value as string)!;
      w.append(address.subarray(0, 4));
      w.u8(address.length === 4 ? 0 : 1);
      if (address.length === 16) w.append(address.subarray(4));
      return;
    }
    case 'list':
    case 'set':
      for (const element of value as readonly CqlValue[]) {
        w.u8(ELEMENT_MARKER);
        writeValue(w, type.element, element);
      }
      w.u8(COLLECTION_END);
      return;
    case 'map':
      for (const [k, v] of value as ReadonlyArray<readonly [CqlValue, CqlValue]>) {
        w.u8(ELEMENT_MARKER);
        writeValue(w, type.key, k);
        writeValue(w, type.value, v);
      }
      w.u8(COLLECTION_END);
      return;
  }
}

function writeComponent(
  w: ByteWriter,
  type: CqlType,
  value: CqlValue,
  order: SortOrder,
  what: string,
  index?: number,
): void {
  if (value === null || value === undefined || (order !== 'asc' && order !== 'desc')) {
    // Built only on failure: the message costs a string concatenation per call otherwise.
    const where = index === undefined ? what : `${what}${index}`;
    if (order !== 'asc' && order !== 'desc') throw invalid(`${where}: order must be 'asc' or 'desc', got ${order}`);
    throw invalid(`${where}: ${value} has no byte-comparable encoding (type ${formatCqlType(type)})`);
  }
  let canonical: CqlValue = value;
  if (isCollection(type)) canonical = normalizeValue(type, value)!;
  else validateValue(type, value);
  const start = w.length;
  writeValue(w, type, canonical);
  if (order === 'desc') w.invertFrom(start);
}

/** The byte-comparable encoding of one non-null value; validates it first. */
export function encodeComparable(type: CqlType, value: CqlValue, order: SortOrder = 'asc'): Uint8Array {
  writeComponent(scratch.begin(), type, value, order, 'encodeComparable');
  return scratch.take();
}

/**
 * A composite key (partition key components or a clustering prefix): each
 * component is 0x40 followed by its encoding (bytes flipped for DESC). A
 * prefix of the components encodes to a prefix of the bytes and sorts first.
 */
export function encodeComparableKey(components: readonly ComparableKeyComponent[]): Uint8Array {
  const w = scratch.begin();
  for (let i = 0; i < components.length; i++) {
    const { type, value, order } = components[i]!;
    w.u8(KEY_COMPONENT_SEPARATOR);
    writeComponent(w, type, value, order, 'key component ', i);
  }
  return scratch.take();
}

function readStrictlyIncreasing(
  r: ByteReader,
  type: CqlType,
  readItem: () => CqlValue,
  keyOf: (item: CqlValue) => CqlValue,
): CqlValue[] {
  const items: CqlValue[] = [];
  for (let marker = r.u8(); marker !== COLLECTION_END; marker = r.u8()) {
    if (marker !== ELEMENT_MARKER) r.fail(`invalid collection marker 0x${marker.toString(16)}`);
    const item = readItem();
    const previous = items[items.length - 1];
    if (previous !== undefined && compareValues(type, keyOf(previous), keyOf(item)) >= 0) {
      r.fail('collection elements out of order');
    }
    items.push(item);
  }
  return items;
}

function readValue(r: ByteReader, type: CqlType): CqlValue {
  switch (type.kind) {
    case 'boolean': {
      const b = r.u8();
      if (b > 1) r.fail(`invalid boolean byte 0x${b.toString(16)}`);
      return b === 1;
    }
    case 'tinyint':
      return r.u8() - 0x80;
    case 'smallint':
      return r.uint(2) - 0x8000;
    case 'int':
      return r.uint(4) - SIGN_BIT_32;
    case 'bigint':
    case 'counter': {
      const bytes = r.take(8);
      bytes[0]! ^= 0x80;
      return new DataView(bytes.buffer).getBigInt64(0);
    }
    case 'timestamp': {
      const ms = (r.uint(4) - SIGN_BIT_32) * TWO_POW_32 + r.uint(4);
      if (Math.abs(ms) > MAX_TIMESTAMP_MS) r.fail('timestamp outside ±8.64e15 ms');
      return ms;
    }
    case 'date':
      return r.uint(4) - SIGN_BIT_32;
    case 'float':
      return readFloat(r);
    case 'double':
      return readDouble(r);
    case 'varint':
      return readComparableVarint(r);
    case 'decimal':
      return readDecimal(r);
    case 'ascii':
    case 'text': {
      const bytes = readEscaped(r);
      if (type.kind === 'ascii' && bytes.some((b) => b >= 0x80)) r.fail('non-ASCII byte');
      try {
        return utf8Decoder.decode(bytes);
      } catch {
        return r.fail('invalid UTF-8');
      }
    }
    case 'blob': {
      // A plain Uint8Array copy: never a view of (or a Buffer like) the input.
      return new Uint8Array(readEscaped(r));
    }
    case 'uuid':
    case 'timeuuid': {
      const key = r.take(16);
      readUuidOrderKey(type.kind, key, 0, uuidScratch, 0);
      if (type.kind === 'timeuuid' && uuidScratch[6]! >> 4 !== 1) r.fail('not a version 1 UUID');
      return bytesToUuid(uuidScratch);
    }
    case 'inet': {
      const head = r.take(4);
      const marker = r.u8();
      if (marker === 0) return formatInet(head);
      if (marker !== 1) r.fail(`invalid inet length marker 0x${marker.toString(16)}`);
      const address = new Uint8Array(16);
      address.set(head);
      address.set(r.take(12), 4);
      const text = formatInet(address);
      if (!text.includes(':')) r.fail('IPv4-mapped IPv6 address is not canonical');
      return text;
    }
    case 'list': {
      const items: CqlValue[] = [];
      for (let marker = r.u8(); marker !== COLLECTION_END; marker = r.u8()) {
        if (marker !== ELEMENT_MARKER) r.fail(`invalid collection marker 0x${marker.toString(16)}`);
        items.push(readValue(r, type.element));
      }
      return items;
    }
    case 'set':
      return readStrictlyIncreasing(
        r,
        type.element,
        () => readValue(r, type.element),
        (item) => item,
      );
    case 'map':
      return readStrictlyIncreasing(
        r,
        type.key,
        () => [readValue(r, type.key), readValue(r, type.value)] as const,
        (item) => (item as readonly [CqlValue, CqlValue])[0],
      );
  }
}

/** Inverse of {@link encodeComparable}. Decimals come back with trailing zeros stripped (1.00 → 1). */
export function decodeComparable(type: CqlType, bytes: Uint8Array, order: SortOrder = 'asc'): CqlValue {
  const r = new ByteReader(bytes, 0, bytes.length, () => `comparable ${formatCqlType(type)}`);
  r.mask = order === 'desc' ? 0xff : 0;
  const value = readValue(r, type);
  if (r.remaining() !== 0) r.fail(`${r.remaining()} trailing bytes`);
  return value;
}

/** Inverse of {@link encodeComparableKey}; a prefix key yields fewer values than `columns`. */
export function decodeComparableKey(columns: readonly ComparableKeyColumn[], bytes: Uint8Array): CqlValue[] {
  const values: CqlValue[] = [];
  const r = new ByteReader(bytes, 0, bytes.length, () => `comparable key component ${values.length}`);
  for (const column of columns) {
    if (r.remaining() === 0) break;
    r.mask = 0;
    const separator = r.u8();
    if (separator !== KEY_COMPONENT_SEPARATOR)
      r.fail(`expected component separator 0x40, got 0x${separator.toString(16)}`);
    r.mask = column.order === 'desc' ? 0xff : 0;
    values.push(readValue(r, column.type));
  }
  if (r.remaining() !== 0) r.fail(`${r.remaining()} bytes after ${columns.length} components`);
  return values;
}

/** The same bytes as a latin1 string: `a < b` on these strings equals byte order (DESIGN.md §2). */
export function bytesToLatin1Key(bytes: Uint8Array): string {
  // Short keys: concatenation beats creating a Buffer view (measured on Node 20).
  if (bytes.length <= 16) {
    let key = '';
    for (let i = 0; i < bytes.length; i++) key += String.fromCharCode(bytes[i]!);
    return key;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
