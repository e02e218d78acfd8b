/**
 * The bloom filter over partition keys and its Filter component
 * (docs/formats/sstable.md, "Filter").
 *
 * A key's two hashes are the halves of xxhash64(key) seeded with
 * {@link BLOOM_HASH_SEED}: not the token (xxhash64 with seed 0), because the
 * keys of one node's SSTables share token ranges, so the token's high half
 * varies little between them. Bit i of the k probed is (h1 + i·h2) mod m
 * (Kirsch–Mitzenmacher double hashing); every term stays below 2^53, so the
 * arithmetic is exact in doubles.
 *
 *   prefix (8) | hash count k u32 | bit count m u32 | bits (ceil(m/8) bytes, bit b = byte b>>3, mask 1<<(b&7)) | xxhash32 (4)
 */
import { CorruptionError, xxhash64 } from '@ringtail/codec';
import { MAX_BLOOM_HASH_COUNT, MAX_FILTER_BITS, MAX_PRESIZED_PARTITIONS, MIN_FILTER_BITS } from './constants.js';
import {
  FILTER_MAGIC,
  openWholeFile,
  readU32,
  sealWholeFile,
  WHOLE_FILE_PREFIX_BYTES,
  writePrefix,
  writeU32,
} from './format.js';

/** "RTBF": keeps the filter's hash independent of the token. */
export const BLOOM_HASH_SEED = 0x52544246n;

const FILTER_FIELDS_BYTES = 8;

/**
 * The last key hashed (its bytes copied, if at most MEMO_KEY_BYTES) and its
 * hashes. A point read asks the filter of every SSTable about the same key —
 * twice each, as the table checks mightContain before get — and comparing a
 * short key costs far less than hashing it again.
 */
const MEMO_KEY_BYTES = 64;
const memoKey = new Uint8Array(MEMO_KEY_BYTES);
let memoKeyLength = -1;
let memoH1 = 0;
let memoH2 = 0;

function memoHolds(key: Uint8Array): boolean {
  if (key.length !== memoKeyLength) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== memoKey[i]) return false;
  return true;
}

/** Sets memoH1 and memoH2 to the hashes of `key`. */
function hashKey(key: Uint8Array): void {
  if (memoHolds(key)) return;
  const h = xxhash64(key, BLOOM_HASH_SEED);
  memoH1 = Number(h & 0xffff_ffffn);
  memoH2 = Number(h >> 32n);
  if (key.length <= MEMO_KEY_BYTES) {
    memoKey.set(key);
    memoKeyLength = key.length;
  } else {
    memoKeyLength = -1;
  }
}

/** The two 32-bit hashes of a key, low half first. */
export function bloomHashes(key: Uint8Array): [number, number] {
  hashKey(key);
  return [memoH1, memoH2];
}

/** Bits and hash count for `partitionCount` keys at false-positive chance `fpChance`. */
export function filterShape(partitionCount: number, fpChance: number): { bitCount: number; hashCount: number } {
  const optimal = Math.ceil((-Math.max(1, partitionCount) * Math.log(fpChance)) / (Math.LN2 * Math.LN2));
  const bitCount = Math.min(MAX_FILTER_BITS, Math.max(MIN_FILTER_BITS, optimal));
  const hashCount = Math.min(MAX_BLOOM_HASH_COUNT, Math.max(1, Math.round(-Math.log2(fpChance))));
  return { bitCount, hashCount };
}

export class BloomFilter {
  private constructor(
    readonly bits: Uint8Array,
    readonly bitCount: number,
    readonly hashCount: number,
  ) {}

  static empty(bitCount: number, hashCount: number): BloomFilter {
    return new BloomFilter(new Uint8Array(Math.ceil(bitCount / 8)), bitCount, hashCount);
  }

  add(h1: number, h2: number): void {
    for (let i = 0; i < this.hashCount; i++) {
      const bit = (h1 + i * h2) % this.bitCount;
      this.bits[bit >>> 3]! |= 1 << (bit & 7);
    }
  }

  mightContainHashes(h1: number, h2: number): boolean {
    for (let i = 0; i < this.hashCount; i++) {
      const bit = (h1 + i * h2) % this.bitCount;
      if ((this.bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
    }
    return true;
  }

  mightContain(key: Uint8Array): boolean {
    hashKey(key);
    return this.mightContainHashes(memoH1, memoH2);
  }

  encode(): Uint8Array {
    const body = new Uint8Array(WHOLE_FILE_PREFIX_BYTES + FILTER_FIELDS_BYTES + this.bits.length);
    writePrefix(body, FILTER_MAGIC);
    writeU32(body, 8, this.hashCount);
    writeU32(body, 12, this.bitCount);
    body.set(this.bits, WHOLE_FILE_PREFIX_BYTES + FILTER_FIELDS_BYTES);
    return sealWholeFile(body);
  }

  static decode(bytes: Uint8Array, path: string): BloomFilter {
    const body = openWholeFile(bytes, path, FILTER_MAGIC);
    if (body.length < FILTER_FIELDS_BYTES) throw new CorruptionError(path, WHOLE_FILE_PREFIX_BYTES, 'truncated');
    const hashCount = readU32(body, 0);
    const bitCount = readU32(body, 4);
    if (hashCount < 1 || hashCount > MAX_BLOOM_HASH_COUNT) {
      throw new CorruptionError(path, WHOLE_FILE_PREFIX_BYTES, `hash count ${hashCount} out of range`);
    }
    if (bitCount < 1 || bitCount > MAX_FILTER_BITS || body.length !== FILTER_FIELDS_BYTES + Math.ceil(bitCount / 8)) {
      throw new CorruptionError(path, WHOLE_FILE_PREFIX_BYTES + 4, `bit count ${bitCount} does not match the file`);
    }
    return new BloomFilter(body.subarray(FILTER_FIELDS_BYTES), bitCount, hashCount);
  }
}

/** The hashes of every key appended, kept until the partition count — and so the filter's size — is known. */
export class BloomHashes {
  private hashes: Uint32Array;
  private count = 0;

  constructor(expectedKeys: number) {
    this.hashes = new Uint32Array(2 * Math.min(MAX_PRESIZED_PARTITIONS, Math.max(16, expectedKeys)));
  }

  add(key: Uint8Array): void {
    if (2 * this.count + 2 > this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    hashKey(key);
    this.hashes[2 * this.count] = memoH1;
    this.hashes[2 * this.count + 1] = memoH2;
    this.count += 1;
  }

  build(fpChance: number): BloomFilter {
    const { bitCount, hashCount } = filterShape(this.count, fpChance);
    const filter = BloomFilter.empty(bitCount, hashCount);
    for (let i = 0; i < this.count; i++) filter.add(this.hashes[2 * i]!, this.hashes[2 * i + 1]!);
    return filter;
  }
}
