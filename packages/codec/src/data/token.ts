/**
 * Tokens: where a partition sits on the ring. A token is the xxhash64 of the
 * partition key's byte-comparable encoding, an unsigned 64-bit integer
 * (bigint). Partitions are ordered by (token, key) everywhere; in memory that
 * order is carried by {@link partitionPosition}, a latin1 string of the token's
 * 8 big-endian bytes followed by the key bytes, compared with `<`.
 */
import { xxhash64 } from '../checksum.js';

const scratch = new DataView(new ArrayBuffer(8));

export function tokenOf(key: Uint8Array): bigint {
  return xxhash64(key);
}

/** The 8 big-endian bytes of a token as latin1. */
export function tokenPrefix(token: bigint): string {
  scratch.setBigUint64(0, token);
  let s = '';
  for (let i = 0; i < 8; i++) s += String.fromCharCode(scratch.getUint8(i));
  return s;
}

/** Char codes of the position being built, reused from call to call (partitionPosition never re-enters). */
const positionCodes: number[] = [];
/** Chars passed to one String.fromCharCode call: far below any engine's limit on arguments. */
const CHARS_PER_CALL = 4096;

/**
 * The sort position of a partition: token bytes, then key bytes, as latin1.
 * Built by one String.fromCharCode call (for keys up to CHARS_PER_CALL - 8
 * bytes), which makes a flat string: appending a char at a time would make a
 * chain of cons strings, ten times the memory of a 24-char position until the
 * first comparison flattens it (which allocates again), and slower to build.
 */
export function partitionPosition(key: Uint8Array): string {
  scratch.setBigUint64(0, tokenOf(key));
  const codes = positionCodes;
  const head = Math.min(key.length, CHARS_PER_CALL - 8);
  codes.length = 8 + head;
  for (let i = 0; i < 8; i++) codes[i] = scratch.getUint8(i);
  for (let i = 0; i < head; i++) codes[8 + i] = key[i]!;
  let s = String.fromCharCode.apply(null, codes);
  for (let i = head; i < key.length; i += CHARS_PER_CALL) {
    s += String.fromCharCode.apply(null, Array.from(key.subarray(i, i + CHARS_PER_CALL)));
  }
  return s;
}

/** The token in a partition position. */
export function tokenOfPosition(position: string): bigint {
  for (let i = 0; i < 8; i++) scratch.setUint8(i, position.charCodeAt(i));
  return scratch.getBigUint64(0);
}

/** The key bytes in a partition position. */
export function keyOfPosition(position: string): Uint8Array {
  const key = new Uint8Array(position.length - 8);
  for (let i = 0; i < key.length; i++) key[i] = position.charCodeAt(i + 8);
  return key;
}
