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

/** The sort position of a partition: token bytes, then key bytes, as latin1. */
export function partitionPosition(key: Uint8Array): string {
  let s = tokenPrefix(tokenOf(key));
  for (let i = 0; i < key.length; i++) s += String.fromCharCode(key[i]!);
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
