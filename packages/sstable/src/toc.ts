/**
 * The TOC (table of contents), `rt-<generation>-TOC.txt`: the SSTable's
 * components with each one's size and xxhash64, in ASCII text
 * (docs/formats/sstable.md, "TOC"). Written last; an SSTable exists iff its
 * TOC does.
 *
 *   ringtail-sstable-toc 1
 *   Data.db <size in bytes, decimal> <xxhash64, 16 lowercase hex digits>
 *   Index.db ... / Summary.db ... / Filter.db ... / Statistics.db ...
 *   xxhash64 <xxhash64 of every byte before this line, 16 hex digits>
 */
import { CorruptionError, ErrorCodes, RingtailError, xxhash64 } from '@ringtail/codec';
import { MAX_TOC_BYTES } from './constants.js';
import { BINARY_COMPONENTS, type BinaryComponent, FORMAT_VERSION } from './format.js';

export interface ComponentDigest {
  readonly component: BinaryComponent;
  readonly sizeBytes: number;
  readonly xxhash64: bigint;
}

const HEADER_PATTERN = /^ringtail-sstable-toc (\d{1,5})$/;
const LINE_PATTERN = /^([A-Za-z]+)\.db (0|[1-9]\d{0,15}) ([0-9a-f]{16})$/;
const CHECKSUM_PATTERN = /^xxhash64 ([0-9a-f]{16})$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder('ascii');

function hex64(value: bigint): string {
  return value.toString(16).padStart(16, '0');
}

/** `digests` in BINARY_COMPONENTS order. */
export function encodeToc(digests: readonly ComponentDigest[]): Uint8Array {
  let text = `ringtail-sstable-toc ${FORMAT_VERSION}\n`;
  for (const d of digests) text += `${d.component}.db ${d.sizeBytes} ${hex64(d.xxhash64)}\n`;
  const body = encoder.encode(text);
  return encoder.encode(`${text}xxhash64 ${hex64(xxhash64(body))}\n`);
}

/** Parses and verifies a TOC; any flaw is a CorruptionError at the line where it is. */
export function decodeToc(bytes: Uint8Array, path: string): ComponentDigest[] {
  if (bytes.length > MAX_TOC_BYTES) throw new CorruptionError(path, 0, `TOC of ${bytes.length} bytes is too long`);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! > 0x7e || (bytes[i]! < 0x20 && bytes[i] !== 0x0a)) {
      throw new CorruptionError(path, i, 'TOC is not printable ASCII');
    }
  }
  if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) {
    throw new CorruptionError(path, bytes.length, 'TOC does not end with a newline');
  }
  const lastLineStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  const checksum = CHECKSUM_PATTERN.exec(decoder.decode(bytes.subarray(lastLineStart, bytes.length - 1)));
  if (checksum === null) throw new CorruptionError(path, lastLineStart, 'malformed checksum line');
  if (hex64(xxhash64(bytes.subarray(0, lastLineStart))) !== checksum[1]) {
    throw new CorruptionError(path, 0, 'TOC checksum mismatch');
  }
  const lines = decoder.decode(bytes.subarray(0, lastLineStart)).split('\n');
  lines.pop(); // after the last '\n'
  let offset = 0;
  const header = HEADER_PATTERN.exec(lines[0] ?? '');
  if (header === null) throw new CorruptionError(path, 0, 'malformed header line');
  if (Number(header[1]) !== FORMAT_VERSION) {
    throw new RingtailError(ErrorCodes.UNSUPPORTED_VERSION, `${path} has format version ${header[1]}`);
  }
  if (lines.length !== BINARY_COMPONENTS.length + 1) {
    throw new CorruptionError(path, 0, `TOC lists ${lines.length - 1} components`);
  }
  const digests: ComponentDigest[] = [];
  for (const [i, component] of BINARY_COMPONENTS.entries()) {
    offset += lines[i]!.length + 1;
    const m = LINE_PATTERN.exec(lines[i + 1]!);
    if (m === null || m[1] !== component) throw new CorruptionError(path, offset, `expected the ${component} line`);
    const sizeBytes = Number(m[2]);
    if (!Number.isSafeInteger(sizeBytes)) throw new CorruptionError(path, offset, 'size out of range');
    digests.push({ component, sizeBytes, xxhash64: BigInt(`0x${m[3]}`) });
  }
  return digests;
}
