/**
 * Byte-comparable forms of the scalar types whose encoding needs more than a
 * sign-bit flip (docs/types.md, "Byte-comparable encoding"):
 *
 * - text, ascii, blob: the bytes (UTF-8 for text) with 0x00 escaped as
 *   0x00 0xff, terminated by 0x00 0x00. The terminator sorts below any content
 *   byte and below an escaped 0x00, so a string sorts before its extensions.
 * - float, double: IEEE bits with the sign bit set for non-negative values and
 *   all bits inverted for negative ones; NaN written as the canonical quiet NaN,
 *   which lands above +Infinity (Java's Double.compare order, -0 < +0).
 * - decimal: sign byte (0x40 negative, 0x80 zero, 0xc0 positive); for non-zero
 *   values the exponent E (value = ±0.d1d2… × 10^E) as a comparable varint,
 *   then the digits in pairs, each pair as one byte 1..100, then 0x00;
 *   everything after the sign byte inverted for negative values. Trailing zeros
 *   are stripped first, so numerically equal decimals encode identically.
 */
import type { ByteReader, ByteWriter } from './byte-io.js';
import { type CqlDecimal, decimalFromParts, decimalParts } from './decimal.js';
import { readComparableVarint, writeComparableVarint } from './varint-comparable.js';

const SIGN_BIT_32 = 0x80000000;
const CANONICAL_FLOAT_NAN_BITS = 0x7fc00000;
const CANONICAL_DOUBLE_NAN_HIGH_BITS = 0x7ff80000;
const floatView = new DataView(new ArrayBuffer(8));

/** UTF-8 with 0x00 escaped as 0x00 0xff, terminated by 0x00 0x00. */
export function writeEscapedText(w: ByteWriter, text: string): void {
  // Worst case: 3 bytes per UTF-16 unit (a NUL takes 2, a surrogate pair 4 for 2 units).
  let p = w.reserve(text.length * 3 + 2);
  const out = w.bytes;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
      if (c === 0) out[p++] = 0xff;
    } else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const codePoint = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
      out[p++] = 0xf0 | (codePoint >> 18);
      out[p++] = 0x80 | ((codePoint >> 12) & 0x3f);
      out[p++] = 0x80 | ((codePoint >> 6) & 0x3f);
      out[p++] = 0x80 | (codePoint & 0x3f);
    } else {
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    }
  }
  out[p++] = 0;
  out[p++] = 0;
  w.length = p;
}

export function writeEscapedBytes(w: ByteWriter, bytes: Uint8Array): void {
  let p = w.reserve(bytes.length * 2 + 2);
  const out = w.bytes;
  for (const b of bytes) {
    out[p++] = b;
    if (b === 0) out[p++] = 0xff;
  }
  out[p++] = 0;
  out[p++] = 0;
  w.length = p;
}

/** Reads an escaped byte string; may return a view of the input when nothing needs unescaping. */
export function readEscaped(r: ByteReader): Uint8Array {
  const { bytes, mask, end, offset: start } = r;
  let i = start;
  let escapes = 0;
  for (;;) {
    if (i + 1 >= end) r.fail('unterminated string');
    if (((bytes[i]! ^ mask) & 0xff) !== 0) {
      i++;
      continue;
    }
    const next = (bytes[i + 1]! ^ mask) & 0xff;
    if (next === 0) break;
    if (next !== 0xff) r.fail(`invalid escape 0x00 0x${next.toString(16)}`);
    escapes++;
    i += 2;
  }
  r.offset = i + 2;
  if (mask === 0 && escapes === 0) return bytes.subarray(start, i);
  const out = new Uint8Array(i - start - escapes);
  for (let from = start, to = 0; from < i; from++) {
    const b = (bytes[from]! ^ mask) & 0xff;
    out[to++] = b;
    if (b === 0) from++;
  }
  return out;
}

export function writeFloat(w: ByteWriter, value: number): void {
  const at = w.reserve(4);
  const view = w.view;
  if (Number.isNaN(value)) view.setUint32(at, CANONICAL_FLOAT_NAN_BITS);
  else view.setFloat32(at, value);
  const bits = view.getUint32(at);
  // Negative: invert all bits (larger magnitude sorts first); non-negative: set the sign bit.
  view.setUint32(at, bits >= SIGN_BIT_32 ? ~bits >>> 0 : (bits | SIGN_BIT_32) >>> 0);
}

export function writeDouble(w: ByteWriter, value: number): void {
  const at = w.reserve(8);
  const view = w.view;
  if (Number.isNaN(value)) {
    view.setUint32(at, CANONICAL_DOUBLE_NAN_HIGH_BITS);
    view.setUint32(at + 4, 0);
  } else {
    view.setFloat64(at, value);
  }
  const high = view.getUint32(at);
  if (high >= SIGN_BIT_32) {
    view.setUint32(at, ~high >>> 0);
    view.setUint32(at + 4, ~view.getUint32(at + 4) >>> 0);
  } else {
    view.setUint32(at, (high | SIGN_BIT_32) >>> 0);
  }
}

/** Sign byte (0x40 negative, 0x80 zero, 0xc0 positive), exponent, base-100 digit pairs + 1, 0x00; negatives inverted. */
export function writeDecimal(w: ByteWriter, value: CqlDecimal): void {
  const parts = decimalParts(value);
  if (parts.sign === 0) {
    w.u8(0x80);
    return;
  }
  w.u8(parts.sign > 0 ? 0xc0 : 0x40);
  const start = w.length;
  writeComparableVarint(w, BigInt(parts.exponent));
  const digits = parts.digits;
  const pairs = Math.ceil(digits.length / 2);
  const at = w.reserve(pairs + 1);
  const out = w.bytes;
  for (let k = 0; k < pairs; k++) {
    const high = digits.charCodeAt(2 * k) - 48;
    const low = 2 * k + 1 < digits.length ? digits.charCodeAt(2 * k + 1) - 48 : 0;
    out[at + k] = high * 10 + low + 1;
  }
  out[at + pairs] = 0;
  if (parts.sign < 0) w.invertFrom(start);
}

export function readFloat(r: ByteReader): number {
  const bits = r.uint(4);
  floatView.setUint32(0, bits >= SIGN_BIT_32 ? bits ^ SIGN_BIT_32 : ~bits >>> 0);
  const value = floatView.getFloat32(0);
  if (Number.isNaN(value) && floatView.getUint32(0) !== CANONICAL_FLOAT_NAN_BITS) r.fail('non-canonical NaN');
  return value;
}

export function readDouble(r: ByteReader): number {
  const high = r.uint(4);
  const low = r.uint(4);
  const positive = high >= SIGN_BIT_32;
  floatView.setUint32(0, positive ? high ^ SIGN_BIT_32 : ~high >>> 0);
  floatView.setUint32(4, positive ? low : ~low >>> 0);
  const value = floatView.getFloat64(0);
  if (
    Number.isNaN(value) &&
    (floatView.getUint32(0) !== CANONICAL_DOUBLE_NAN_HIGH_BITS || floatView.getUint32(4) !== 0)
  ) {
    r.fail('non-canonical NaN');
  }
  return value;
}

export function readDecimal(r: ByteReader): CqlDecimal {
  const signByte = r.u8();
  if (signByte === 0x80) return { unscaled: 0n, scale: 0 };
  if (signByte !== 0x40 && signByte !== 0xc0) r.fail(`invalid decimal sign byte 0x${signByte.toString(16)}`);
  const negative = signByte === 0x40;
  if (negative) r.mask ^= 0xff;
  const exponent = Number(readComparableVarint(r));
  let digits = '';
  for (let b = r.u8(); b !== 0; b = r.u8()) {
    if (b > 100) r.fail(`invalid decimal digit pair byte 0x${b.toString(16)}`);
    digits += String(b - 1).padStart(2, '0');
  }
  if (negative) r.mask ^= 0xff;
  if (digits.endsWith('0')) digits = digits.slice(0, -1);
  if (digits === '' || digits.startsWith('0') || digits.endsWith('0') || !Number.isSafeInteger(exponent)) {
    r.fail('non-canonical decimal');
  }
  return decimalFromParts({ sign: negative ? -1 : 1, digits, exponent }) ?? r.fail('decimal scale out of range');
}
