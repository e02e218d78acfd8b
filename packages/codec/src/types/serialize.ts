/**
 * Values in the Cassandra native protocol v4 encodings (docs/types.md,
 * "Serialized form"): big-endian fixed-width integers and IEEE floats; varint
 * as minimal two's-complement bytes; decimal as int32 scale + varint; timestamp
 * as int64 ms; date as uint32 with 2^31 = 1970-01-01; uuid 16 bytes; inet 4 or
 * 16 bytes; collections as an int32 count, then each element (map: key, then
 * value) as an int32 length and its bytes. Null is not a value here: a caller
 * that frames values writes length -1 for it.
 */
import { Buffer } from 'node:buffer';
import { type ByteWriter, ScratchWriter } from './byte-io.js';
import { type CqlCollectionType, type CqlType, formatCqlType, isCollection } from './cql-type.js';
import type { CqlDecimal } from './decimal.js';
import { invalid } from './invalid.js';
import { bytesToUuid, formatInet, parseInet, writeUuidBytes } from './uuid-inet.js';
import { type CqlValue, MAX_TIMESTAMP_MS, normalizeValid, normalizeValue, validateValue } from './value.js';

const TWO_POW_32 = 4294967296;
const DATE_EPOCH_OFFSET = 2147483648;
const scratch = new ScratchWriter();
const textEncoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Minimal two's-complement big-endian bytes of `value`, as Java's BigInteger.toByteArray. */
function writeVarint(w: ByteWriter, value: bigint): void {
  const negative = value < 0n;
  // For a negative value, the bytes of -value - 1 inverted are its two's complement.
  let hex = (negative ? -value - 1n : value).toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const magnitude = Buffer.from(hex, 'hex');
  const needsSignByte = (magnitude[0]! & 0x80) !== 0;
  const at = w.reserve(magnitude.length + (needsSignByte ? 1 : 0));
  const out = w.bytes;
  let p = at;
  if (needsSignByte) out[p++] = negative ? 0xff : 0;
  for (const b of magnitude) out[p++] = negative ? ~b & 0xff : b;
}

function readVarint(bytes: Uint8Array, start: number, end: number): bigint {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('hex');
  const unsigned = BigInt(`0x${hex}`);
  return (bytes[start]! & 0x80) === 0 ? unsigned : unsigned - (1n << BigInt(8 * (end - start)));
}

function writeValue(w: ByteWriter, type: CqlType, value: CqlValue): void {
  switch (type.kind) {
    case 'text': {
      const text = value as string;
      const at = w.reserve(text.length * 3);
      w.length = at + textEncoder.encodeInto(text, w.bytes.subarray(at)).written;
      return;
    }
    case 'ascii': {
      const text = value as string;
      const at = w.reserve(text.length);
      for (let i = 0; i < text.length; i++) w.bytes[at + i] = text.charCodeAt(i);
      return;
    }
    case 'int':
      w.i32(value as number);
      return;
    case 'smallint': {
      const at = w.reserve(2);
      w.view.setInt16(at, value as number);
      return;
    }
    case 'tinyint':
      w.u8((value as number) & 0xff);
      return;
    case 'bigint':
    case 'counter': {
      const at = w.reserve(8);
      w.view.setBigInt64(at, value as bigint);
      return;
    }
    case 'varint':
      writeVarint(w, value as bigint);
      return;
    case 'decimal':
      w.i32((value as CqlDecimal).scale);
      writeVarint(w, (value as CqlDecimal).unscaled);
      return;
    case 'float': {
      const at = w.reserve(4);
      w.view.setFloat32(at, value as number);
      return;
    }
    case 'double': {
      const at = w.reserve(8);
      w.view.setFloat64(at, value as number);
      return;
    }
    case 'boolean':
      w.u8(value ? 1 : 0);
      return;
    case 'timestamp': {
      const ms = value as number;
      const high = Math.floor(ms / TWO_POW_32);
      w.i32(high);
      w.u32(ms - high * TWO_POW_32);
      return;
    }
    case 'date':
      w.u32((value as number) + DATE_EPOCH_OFFSET);
      return;
    case 'uuid':
    case 'timeuuid': {
      const at = w.reserve(16);
      writeUuidBytes(value as string, w.bytes, at);
      return;
    }
    case 'blob':
      w.append(value as Uint8Array);
      return;
    case 'inet':
      w.append(parseInet(value as string)!);
      return;
    case 'list':
    case 'set': {
      const elements = value as readonly CqlValue[];
      w.i32(elements.length);
      for (const element of elements) writeElement(w, type.element, element);
      return;
    }
    case 'map': {
      const entries = value as ReadonlyArray<readonly [CqlValue, CqlValue]>;
      w.i32(entries.length);
      for (const [k, v] of entries) {
        writeElement(w, type.key, k);
        writeElement(w, type.value, v);
      }
      return;
    }
  }
}

function writeElement(w: ByteWriter, type: CqlType, value: CqlValue): void {
  const lengthAt = w.reserve(4);
  const start = w.length;
  writeValue(w, type, value);
  w.view.setInt32(lengthAt, w.length - start);
}

/** The native-protocol bytes of a non-null value; validates it first. Sets and maps are written in canonical order. */
export function serializeValue(type: CqlType, value: CqlValue): Uint8Array {
  if (value === null || value === undefined) {
    throw invalid(`cannot serialize ${value} for type ${formatCqlType(type)}: an absent value has no bytes`);
  }
  let canonical: CqlValue = value;
  if (isCollection(type)) canonical = normalizeValue(type, value)!;
  else validateValue(type, value);
  writeValue(scratch.begin(), type, canonical);
  return scratch.take();
}

function malformed(type: CqlType, detail: string): never {
  throw invalid(`malformed serialized ${formatCqlType(type)}: ${detail}`);
}

class Input {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}

function exactLength(type: CqlType, start: number, end: number, expected: number): void {
  if (end - start !== expected) malformed(type, `expected ${expected} bytes, got ${end - start}`);
}

function readValue(input: Input, type: CqlType, start: number, end: number): CqlValue {
  const { bytes, view } = input;
  switch (type.kind) {
    case 'text':
      try {
        return utf8Decoder.decode(bytes.subarray(start, end));
      } catch {
        return malformed(type, 'invalid UTF-8');
      }
    case 'ascii':
      for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) malformed(type, `non-ASCII byte at offset ${i}`);
      return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
    case 'int':
      exactLength(type, start, end, 4);
      return view.getInt32(start);
    case 'smallint':
      exactLength(type, start, end, 2);
      return view.getInt16(start);
    case 'tinyint':
      exactLength(type, start, end, 1);
      return view.getInt8(start);
    case 'bigint':
    case 'counter':
      exactLength(type, start, end, 8);
      return view.getBigInt64(start);
    case 'varint':
      if (end === start) malformed(type, 'expected at least 1 byte');
      return readVarint(bytes, start, end);
    case 'decimal': {
      if (end - start < 5) malformed(type, `expected at least 5 bytes, got ${end - start}`);
      const scale = view.getInt32(start);
      return { unscaled: readVarint(bytes, start + 4, end), scale: scale === 0 ? 0 : scale };
    }
    case 'float':
      exactLength(type, start, end, 4);
      return view.getFloat32(start);
    case 'double':
      exactLength(type, start, end, 8);
      return view.getFloat64(start);
    case 'boolean':
      exactLength(type, start, end, 1);
      return bytes[start] !== 0;
    case 'timestamp': {
      exactLength(type, start, end, 8);
      const ms = view.getInt32(start) * TWO_POW_32 + view.getUint32(start + 4);
      if (Math.abs(ms) > MAX_TIMESTAMP_MS) malformed(type, 'timestamp outside ±8.64e15 ms');
      return ms === 0 ? 0 : ms;
    }
    case 'date':
      exactLength(type, start, end, 4);
      return view.getUint32(start) - DATE_EPOCH_OFFSET;
    case 'uuid':
    case 'timeuuid':
      exactLength(type, start, end, 16);
      if (type.kind === 'timeuuid' && bytes[start + 6]! >> 4 !== 1) malformed(type, 'not a version 1 UUID');
      return bytesToUuid(bytes, start);
    case 'blob':
      return new Uint8Array(bytes.subarray(start, end));
    case 'inet':
      if (end - start !== 4 && end - start !== 16) malformed(type, `expected 4 or 16 bytes, got ${end - start}`);
      return formatInet(bytes.subarray(start, end));
    case 'list':
    case 'set':
    case 'map':
      return readCollection(input, type, start, end);
  }
}

function readCollection(input: Input, type: CqlCollectionType, start: number, end: number): CqlValue {
  const { view } = input;
  let offset = start;
  const readElement = (elementType: CqlType): CqlValue => {
    if (end - offset < 4) malformed(type, `truncated element length at offset ${offset}`);
    const length = view.getInt32(offset);
    offset += 4;
    if (length === -1) malformed(type, 'null is not supported inside collections');
    if (length < 0 || length > end - offset)
      malformed(type, `element length ${length} at offset ${offset - 4} overruns the value`);
    const element = readValue(input, elementType, offset, offset + length);
    offset += length;
    return element;
  };
  if (end - start < 4) malformed(type, 'expected a 4-byte element count');
  const count = view.getInt32(start);
  offset += 4;
  const minimumBytesPerItem = type.kind === 'map' ? 8 : 4;
  if (count < 0 || count > (end - offset) / minimumBytesPerItem) {
    malformed(type, `element count ${count} does not fit in ${end - start} bytes`);
  }
  const items: CqlValue[] = [];
  for (let i = 0; i < count; i++) {
    items.push(type.kind === 'map' ? [readElement(type.key), readElement(type.value)] : readElement(type.element));
  }
  if (offset !== end) malformed(type, `${end - offset} trailing bytes`);
  return type.kind === 'list' ? items : normalizeValid(type, items);
}

/** Decodes native-protocol bytes; malformed bytes give an INVALID_ARGUMENT RingtailError. Sets and maps come back canonical. */
export function deserializeValue(type: CqlType, bytes: Uint8Array): CqlValue {
  return readValue(new Input(bytes), type, 0, bytes.length);
}
