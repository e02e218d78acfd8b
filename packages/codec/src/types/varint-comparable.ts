/**
 * Byte-comparable integers of any magnitude (varint, and decimal exponents).
 *
 * zero:      0x80
 * positive:  0x80 + n, then the n magnitude bytes (n ≤ 126);
 *            0xff, uint32 n, then the n bytes (n ≥ 127)
 * negative:  0x7f - n, then the n magnitude bytes inverted (n ≤ 126);
 *            0x00, uint32 n inverted, then the n bytes inverted (n ≥ 127)
 *
 * n is the minimal length of |value| in bytes. A longer magnitude means a
 * larger positive or smaller negative value, so the header orders by length
 * and the bytes order within one length; the length fixes where the encoding
 * ends, which makes it prefix-free.
 */
import { Buffer } from 'node:buffer';
import type { ByteReader, ByteWriter } from './byte-io.js';

const MAX_SHORT_LENGTH = 126;

export function writeComparableVarint(w: ByteWriter, value: bigint): void {
  if (value === 0n) {
    w.u8(0x80);
    return;
  }
  const negative = value < 0n;
  let hex = (negative ? -value : value).toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const magnitude = Buffer.from(hex, 'hex');
  const n = magnitude.length;
  if (n <= MAX_SHORT_LENGTH) {
    w.u8(negative ? 0x7f - n : 0x80 + n);
  } else {
    w.u8(negative ? 0x00 : 0xff);
    w.u32(negative ? ~n >>> 0 : n);
  }
  const at = w.reserve(n);
  const out = w.bytes;
  for (let i = 0; i < n; i++) out[at + i] = negative ? ~magnitude[i]! & 0xff : magnitude[i]!;
}

export function readComparableVarint(r: ByteReader): bigint {
  const header = r.u8();
  if (header === 0x80) return 0n;
  const negative = header < 0x80;
  let n: number;
  if (header === 0xff || header === 0x00) {
    const stored = r.uint(4);
    n = negative ? ~stored >>> 0 : stored;
    if (n <= MAX_SHORT_LENGTH) r.fail('non-canonical varint length');
  } else {
    n = negative ? 0x7f - header : header - 0x80;
    if (n === 0) r.fail('non-canonical varint (negative zero)');
  }
  const magnitude = r.take(n);
  if (negative) for (let i = 0; i < n; i++) magnitude[i] = ~magnitude[i]! & 0xff;
  if (magnitude[0] === 0) r.fail('non-canonical varint (leading zero byte)');
  const unsigned = BigInt(`0x${Buffer.from(magnitude.buffer, magnitude.byteOffset, n).toString('hex')}`);
  return negative ? -unsigned : unsigned;
}
