/**
 * The framing of Data and Index blocks (docs/formats/sstable.md, "Blocks"):
 *
 *   length n u32 | xxhash32(length field) u32 | payload (n bytes) | xxhash32(payload) u32
 *
 * Both checksums are seeded with {@link blockSeed} of the file's magic and the
 * block's offset, so a block read from the wrong place never verifies. The
 * length is verified before it is used to find the payload, and the payload
 * before any byte of it is used.
 */
import { CorruptionError, type FileHandle, xxhash32OfUint32, xxhash32Range } from '@ringtail/codec';
import { blockSeed, readU32, writeU32 } from './format.js';

export const BLOCK_PREFIX_BYTES = 8;
export const BLOCK_OVERHEAD_BYTES = 12;

/** The framed bytes of a block that will sit at `offset` of a file with `magic`. */
export function frameBlock(payload: Uint8Array, magic: number, offset: number): Uint8Array {
  const out = new Uint8Array(payload.length + BLOCK_OVERHEAD_BYTES);
  frameBlockInto(out, 0, payload, magic, offset);
  return out;
}

/** Writes the framed block (see frameBlock) into `target` at `at`; it takes payload.length + BLOCK_OVERHEAD_BYTES. */
export function frameBlockInto(
  target: Uint8Array,
  at: number,
  payload: Uint8Array,
  magic: number,
  offset: number,
): void {
  const seed = blockSeed(magic, offset);
  writeU32(target, at, payload.length);
  writeU32(target, at + 4, xxhash32OfUint32(payload.length, seed));
  target.set(payload, at + BLOCK_PREFIX_BYTES);
  writeU32(target, at + BLOCK_PREFIX_BYTES + payload.length, xxhash32Range(payload, 0, payload.length, seed));
}

/**
 * Verifies the block at the start of `bytes`, which were read from `offset` of
 * `path` (up to the end of the file or further than the block can reach), and
 * returns its payload.
 */
export function verifyBlock(
  bytes: Uint8Array,
  magic: number,
  offset: number,
  path: string,
  maxPayloadBytes: number,
): Uint8Array {
  if (bytes.length < BLOCK_PREFIX_BYTES) {
    throw new CorruptionError(path, offset, `truncated block header (${bytes.length} bytes left)`);
  }
  const seed = blockSeed(magic, offset);
  const length = readU32(bytes, 0);
  if (xxhash32OfUint32(length, seed) !== readU32(bytes, 4)) {
    throw new CorruptionError(path, offset, 'block length checksum mismatch');
  }
  if (length > maxPayloadBytes) {
    throw new CorruptionError(path, offset, `block of ${length} bytes exceeds the ${maxPayloadBytes}-byte maximum`);
  }
  const end = BLOCK_PREFIX_BYTES + length;
  if (end + 4 > bytes.length) throw new CorruptionError(path, offset, `block of ${length} bytes runs past the end`);
  if (xxhash32Range(bytes, BLOCK_PREFIX_BYTES, end, seed) !== readU32(bytes, end)) {
    throw new CorruptionError(path, offset, 'block checksum mismatch');
  }
  return bytes.subarray(BLOCK_PREFIX_BYTES, end);
}

/** Reads `length` bytes at `position`, fewer only where the file ends. */
export async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await handle.read(buffer, filled, length - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/**
 * Reads a file forward through a window: a read that falls inside the last
 * one made is served from it, and every read fetches at least
 * `readAheadBytes`, so a scan over small blocks makes one read per window
 * rather than one per block. Holds one read's bytes at a time.
 */
export class ReadWindow {
  private bytes: Uint8Array = new Uint8Array(0);
  private start = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly fileSizeBytes: number,
    private readonly readAheadBytes: number,
  ) {}

  /**
   * Bytes `[position, position + length)`, fewer only where the file ends.
   * On a miss, reads `max(length, fetchBytes, readAheadBytes)` from `position`.
   */
  async read(position: number, length: number, fetchBytes = 0): Promise<Uint8Array> {
    const want = Math.max(0, Math.min(length, this.fileSizeBytes - position));
    if (want === 0) return new Uint8Array(0);
    const offset = position - this.start;
    if (offset >= 0 && offset + want <= this.bytes.length) return this.bytes.subarray(offset, offset + want);
    const fetch = Math.min(this.fileSizeBytes - position, Math.max(want, fetchBytes, this.readAheadBytes));
    this.bytes = await readAt(this.handle, position, fetch);
    this.start = position;
    return this.bytes.subarray(0, want);
  }
}
