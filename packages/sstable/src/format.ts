/**
 * Names, magic numbers, versions and headers of the SSTable components,
 * shared by the writer (writer.ts and the component encoders) and the reader
 * (reader.ts and the component decoders). Every byte is described in
 * docs/formats/sstable.md; change the two together.
 *
 * All integers are big-endian. Checksums are xxhash32 unless named xxhash64.
 */
import { CorruptionError, ErrorCodes, RingtailError, xxhash32, xxhash32Range } from '@ringtail/codec';

/** The format version of every binary component and of the TOC. */
export const FORMAT_VERSION = 1;

/** "RTSD" */
export const DATA_MAGIC = 0x52545344;
/** "RTSI" */
export const INDEX_MAGIC = 0x52545349;
/** "RTSS" */
export const SUMMARY_MAGIC = 0x52545353;
/** "RTSF" */
export const FILTER_MAGIC = 0x52545346;
/** "RTST" */
export const STATISTICS_MAGIC = 0x52545354;

/** Data header: magic u32 | version u16 | row format version u16 | block size u32 | xxhash32(bytes 0..12) u32 */
export const DATA_HEADER_BYTES = 16;
/** Index header: magic u32 | version u16 | reserved u16 | xxhash32(bytes 0..8) u32 */
export const INDEX_HEADER_BYTES = 12;
/** Summary, Filter, Statistics: magic u32 | version u16 | reserved u16, then the body, then xxhash32 of all before it. */
export const WHOLE_FILE_PREFIX_BYTES = 8;
export const WHOLE_FILE_TRAILER_BYTES = 4;

/** The binary components, in the order the TOC lists them. */
export const BINARY_COMPONENTS = ['Data', 'Index', 'Summary', 'Filter', 'Statistics'] as const;
export type BinaryComponent = (typeof BINARY_COMPONENTS)[number];
export type Component = BinaryComponent | 'TOC';

const TEMP_PREFIX = 'tmp-';
const COMPONENT_FILE_PATTERN = /^rt-(\d+)-(Data|Index|Summary|Filter|Statistics)\.db$/;
const TOC_FILE_PATTERN = /^rt-(\d+)-TOC\.txt$/;

/** Generations are positive safe integers, written in decimal without leading zeros. */
export function isValidGeneration(generation: number): boolean {
  return Number.isSafeInteger(generation) && generation > 0;
}

/** `rt-<generation>-<Component>.db`, or `rt-<generation>-TOC.txt`. */
export function sstableFileName(generation: number, component: Component): string {
  return component === 'TOC' ? `rt-${generation}-TOC.txt` : `rt-${generation}-${component}.db`;
}

/** The name a component is written under before it is renamed into place. */
export function tempFileName(generation: number, component: Component): string {
  return TEMP_PREFIX + sstableFileName(generation, component);
}

export function isTempFileName(name: string): boolean {
  return name.startsWith(`${TEMP_PREFIX}rt-`);
}

/** The generation and component a file name belongs to, or undefined for other files. */
export function parseSSTableFileName(name: string): { generation: number; component: Component } | undefined {
  const toc = TOC_FILE_PATTERN.exec(name);
  const match = toc ?? COMPONENT_FILE_PATTERN.exec(name);
  if (match === null) return undefined;
  const generation = Number(match[1]);
  if (!isValidGeneration(generation) || String(generation) !== match[1]) return undefined;
  return { generation, component: toc !== null ? 'TOC' : (match[2] as BinaryComponent) };
}

/** The checksum seed of a framed block: its offset folded into 32 bits, salted with the file's magic. */
export function blockSeed(magic: number, offset: number): number {
  return (offset ^ Math.floor(offset / 0x1_0000_0000) ^ magic) >>> 0;
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

export function readU16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

export function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >>> 8) & 0xff;
  bytes[offset + 1] = value & 0xff;
}

/** The 8-byte prefix of a whole-file component: magic, version, reserved. */
export function writePrefix(bytes: Uint8Array, magic: number): void {
  writeU32(bytes, 0, magic);
  writeU16(bytes, 4, FORMAT_VERSION);
  writeU16(bytes, 6, 0);
}

/** Appends the whole-file checksum to `body`, which starts with its prefix. */
export function sealWholeFile(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + WHOLE_FILE_TRAILER_BYTES);
  out.set(body);
  writeU32(out, body.length, xxhash32(body));
  return out;
}

export function encodeDataHeader(blockSizeBytes: number, rowFormatVersion: number): Uint8Array {
  const bytes = new Uint8Array(DATA_HEADER_BYTES);
  writeU32(bytes, 0, DATA_MAGIC);
  writeU16(bytes, 4, FORMAT_VERSION);
  writeU16(bytes, 6, rowFormatVersion);
  writeU32(bytes, 8, blockSizeBytes);
  writeU32(bytes, 12, xxhash32(bytes.subarray(0, 12)));
  return bytes;
}

export function encodeIndexHeader(): Uint8Array {
  const bytes = new Uint8Array(INDEX_HEADER_BYTES);
  writePrefix(bytes, INDEX_MAGIC);
  writeU32(bytes, 8, xxhash32(bytes.subarray(0, 8)));
  return bytes;
}

function checkVersion(path: string, version: number): void {
  if (version !== FORMAT_VERSION) {
    throw new RingtailError(
      ErrorCodes.UNSUPPORTED_VERSION,
      `${path} has format version ${version}, not ${FORMAT_VERSION}`,
    );
  }
}

/**
 * Verifies a whole-file component (Summary, Filter, Statistics): checksum
 * first, then magic and version. Returns the body between prefix and trailer.
 */
export function openWholeFile(bytes: Uint8Array, path: string, magic: number): Uint8Array {
  const end = bytes.length - WHOLE_FILE_TRAILER_BYTES;
  if (end < WHOLE_FILE_PREFIX_BYTES) throw new CorruptionError(path, 0, `file of ${bytes.length} bytes is too short`);
  if (xxhash32Range(bytes, 0, end) !== readU32(bytes, end)) throw new CorruptionError(path, 0, 'checksum mismatch');
  if (readU32(bytes, 0) !== magic) throw new CorruptionError(path, 0, 'bad magic number');
  checkVersion(path, readU16(bytes, 4));
  return bytes.subarray(WHOLE_FILE_PREFIX_BYTES, end);
}

export interface DataHeader {
  readonly blockSizeBytes: number;
  readonly rowFormatVersion: number;
}

export function decodeDataHeader(bytes: Uint8Array, path: string): DataHeader {
  if (bytes.length < DATA_HEADER_BYTES) throw new CorruptionError(path, 0, 'truncated header');
  if (xxhash32(bytes.subarray(0, 12)) !== readU32(bytes, 12))
    throw new CorruptionError(path, 0, 'header checksum mismatch');
  if (readU32(bytes, 0) !== DATA_MAGIC) throw new CorruptionError(path, 0, 'bad magic number');
  checkVersion(path, readU16(bytes, 4));
  return { rowFormatVersion: readU16(bytes, 6), blockSizeBytes: readU32(bytes, 8) };
}

export function decodeIndexHeader(bytes: Uint8Array, path: string): void {
  if (bytes.length < INDEX_HEADER_BYTES) throw new CorruptionError(path, 0, 'truncated header');
  if (xxhash32(bytes.subarray(0, 8)) !== readU32(bytes, 8))
    throw new CorruptionError(path, 0, 'header checksum mismatch');
  if (readU32(bytes, 0) !== INDEX_MAGIC) throw new CorruptionError(path, 0, 'bad magic number');
  checkVersion(path, readU16(bytes, 4));
}
