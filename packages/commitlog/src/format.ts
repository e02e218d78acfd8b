/**
 * The commit-log segment format, shared by the writer (commitlog.ts) and the
 * reader (segment-reader.ts). Every byte is described in
 * docs/formats/commitlog.md; change the two together.
 *
 * Segment:  header (20 bytes) then records back to back, up to end of file.
 *   header: magic u32 | version u16 | reserved u16 (0) | segment id u64 | xxhash32(bytes 0..16) u32
 *   record: length u32 | xxhash32(length bytes) u32 | payload (length bytes) | xxhash32(payload) u32
 * All integers big-endian. Every checksum is seeded with the segment id's
 * {@link checksumSeed}, so a record copied from (or left over in) another
 * segment never verifies here.
 */
import { xxhash32, xxhash32OfUint32 } from '@ringtail/codec';

/** "RTCL" */
export const SEGMENT_MAGIC = 0x5254434c;
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 20;
/** length + length checksum */
export const RECORD_PREFIX_BYTES = 8;
/** payload checksum */
export const RECORD_SUFFIX_BYTES = 4;
export const RECORD_OVERHEAD_BYTES = RECORD_PREFIX_BYTES + RECORD_SUFFIX_BYTES;

const SEGMENT_FILE_PATTERN = /^CommitLog-(\d+)-(\d+)\.log$/;

/** Where a record ends in the log: appends resolve to it and replay(from) starts at it. */
export interface CommitLogPosition {
  readonly segmentId: number;
  /** Byte offset in the segment just past the record (where the next record starts). */
  readonly offset: number;
}

export function comparePositions(a: CommitLogPosition, b: CommitLogPosition): number {
  return a.segmentId !== b.segmentId ? a.segmentId - b.segmentId : a.offset - b.offset;
}

export function segmentFileName(segmentId: number): string {
  return `CommitLog-${FORMAT_VERSION}-${segmentId}.log`;
}

/** The segment id and format version in a file name, or undefined for other files. */
export function parseSegmentFileName(name: string): { segmentId: number; version: number } | undefined {
  const m = SEGMENT_FILE_PATTERN.exec(name);
  if (m === null) return undefined;
  const segmentId = Number(m[2]);
  if (!Number.isSafeInteger(segmentId)) return undefined;
  return { version: Number(m[1]), segmentId };
}

/** The checksum seed of a segment: its id folded into 32 bits. */
export function checksumSeed(segmentId: number): number {
  return (segmentId ^ Math.floor(segmentId / 0x1_0000_0000) ^ 0x9e3779b9) >>> 0;
}

export function encodeHeader(segmentId: number): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, SEGMENT_MAGIC);
  view.setUint16(4, FORMAT_VERSION);
  view.setUint16(6, 0);
  view.setBigUint64(8, BigInt(segmentId));
  view.setUint32(16, xxhash32(bytes.subarray(0, 16), checksumSeed(segmentId)));
  return bytes;
}

export type HeaderCheck = { ok: true; segmentId: number } | { ok: false; reason: string; unsupportedVersion?: number };

export function decodeHeader(bytes: Uint8Array): HeaderCheck {
  if (bytes.length < HEADER_BYTES) return { ok: false, reason: `header is ${bytes.length} of ${HEADER_BYTES} bytes` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  if (view.getUint32(0) !== SEGMENT_MAGIC) return { ok: false, reason: 'bad magic number' };
  const segmentId = Number(view.getBigUint64(8));
  if (xxhash32(bytes.subarray(0, 16), checksumSeed(segmentId)) !== view.getUint32(16)) {
    return { ok: false, reason: 'header checksum mismatch' };
  }
  const version = view.getUint16(4);
  if (version !== FORMAT_VERSION) {
    return { ok: false, reason: `format version ${version} is not supported`, unsupportedVersion: version };
  }
  return { ok: true, segmentId };
}

/**
 * Writes one record at `offset` of `target` (which must have room for
 * payload + RECORD_OVERHEAD_BYTES) and returns the offset just past it.
 */
export function encodeRecordInto(target: Uint8Array, offset: number, payload: Uint8Array, seed: number): number {
  const length = payload.length;
  writeU32(target, offset, length);
  writeU32(target, offset + 4, xxhash32OfUint32(length, seed));
  const payloadStart = offset + RECORD_PREFIX_BYTES;
  target.set(payload, payloadStart);
  const payloadEnd = payloadStart + length;
  writeU32(target, payloadEnd, xxhash32(payload, seed));
  return payloadEnd + RECORD_SUFFIX_BYTES;
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}
