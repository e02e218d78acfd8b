import xxhash from 'xxhash-wasm';
import { ErrorCodes, RingtailError } from './errors.js';

/**
 * xxhash checksums. Large inputs go to xxhash-wasm, compiled once by
 * {@link initChecksums}; small ones are hashed by the same algorithm in
 * JavaScript, which for a few hundred bytes is faster than crossing into
 * WebAssembly and copying the input into its memory (the commit log hashes two
 * small fields per record). Both paths give identical results — a test holds
 * them to it. Every function here is synchronous once initChecksums resolved.
 */

type Hasher = Awaited<ReturnType<typeof xxhash>>;

let hasher: Hasher | undefined;
let pending: Promise<void> | undefined;

/** Inputs shorter than this are hashed in JavaScript: the crossover measured by `npm run bench -- checksum`. */
const JS_HASH_MAX_BYTES = 192;

const PRIME32_1 = 0x9e3779b1;
const PRIME32_2 = 0x85ebca77;
const PRIME32_3 = 0xc2b2ae3d;
const PRIME32_4 = 0x27d4eb2f;
const PRIME32_5 = 0x165667b1;

/** Compiles the hash module. Idempotent; call once at start-up before any checksum. */
export function initChecksums(): Promise<void> {
  if (hasher !== undefined) return Promise.resolve();
  pending ??= xxhash().then((h) => {
    hasher = h;
  });
  return pending;
}

function ready(): Hasher {
  if (hasher === undefined) {
    throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, 'initChecksums() must complete before checksums are computed');
  }
  return hasher;
}

/** xxhash32 of `bytes` with `seed`, an unsigned 32-bit integer. */
export function xxhash32(bytes: Uint8Array, seed = 0): number {
  return xxhash32Range(bytes, 0, bytes.length, seed);
}

/** xxhash32 of `bytes[start..end)` with `seed`, without taking a view of the range. */
export function xxhash32Range(bytes: Uint8Array, start: number, end: number, seed = 0): number {
  if (end - start < JS_HASH_MAX_BYTES) return xxh32js(bytes, start, end, seed);
  const h = ready();
  return h.h32Raw(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), seed) >>> 0;
}

/** xxhash32 of the four big-endian bytes of `value`: a length field's checksum, with no buffer at all. */
export function xxhash32OfUint32(value: number, seed = 0): number {
  let h = (seed + PRIME32_5 + 4) | 0;
  // xxhash reads words little-endian; the field's bytes are big-endian.
  const word = (value >>> 24) | ((value >>> 8) & 0xff00) | ((value << 8) & 0xff0000) | (value << 24) | 0;
  h = (h + Math.imul(word, PRIME32_3)) | 0;
  h = Math.imul((h << 17) | (h >>> 15), PRIME32_4);
  return avalanche(h);
}

/** xxhash64 of `bytes` (seed 0), an unsigned 64-bit bigint. */
export function xxhash64(bytes: Uint8Array, seed = 0n): bigint {
  return ready().h64Raw(bytes, seed);
}

function readU32LE(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function round(acc: number, input: number): number {
  const a = (acc + Math.imul(input, PRIME32_2)) | 0;
  return Math.imul((a << 13) | (a >>> 19), PRIME32_1);
}

function avalanche(hash: number): number {
  let h = hash;
  h ^= h >>> 15;
  h = Math.imul(h, PRIME32_2);
  h ^= h >>> 13;
  h = Math.imul(h, PRIME32_3);
  h ^= h >>> 16;
  return h >>> 0;
}

function xxh32js(b: Uint8Array, start: number, end: number, seed: number): number {
  let i = start;
  let h: number;
  if (end - start >= 16) {
    let v1 = (seed + PRIME32_1 + PRIME32_2) | 0;
    let v2 = (seed + PRIME32_2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME32_1) | 0;
    const limit = end - 16;
    while (i <= limit) {
      v1 = round(v1, readU32LE(b, i));
      v2 = round(v2, readU32LE(b, i + 4));
      v3 = round(v3, readU32LE(b, i + 8));
      v4 = round(v4, readU32LE(b, i + 12));
      i += 16;
    }
    h =
      (((v1 << 1) | (v1 >>> 31)) +
        ((v2 << 7) | (v2 >>> 25)) +
        ((v3 << 12) | (v3 >>> 20)) +
        ((v4 << 18) | (v4 >>> 14))) |
      0;
  } else {
    h = (seed + PRIME32_5) | 0;
  }
  h = (h + (end - start)) | 0;
  while (i + 4 <= end) {
    h = (h + Math.imul(readU32LE(b, i), PRIME32_3)) | 0;
    h = Math.imul((h << 17) | (h >>> 15), PRIME32_4);
    i += 4;
  }
  while (i < end) {
    h = (h + Math.imul(b[i]!, PRIME32_5)) | 0;
    h = Math.imul((h << 11) | (h >>> 21), PRIME32_1);
    i++;
  }
  return avalanche(h);
}
