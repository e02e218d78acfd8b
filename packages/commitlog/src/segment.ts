import {
  CorruptionError,
  ErrorCodes,
  type FileHandle,
  type FileSystem,
  joinPath,
  RingtailError,
} from '@ringtail/codec';
import { checksumSeed, decodeHeader, FORMAT_VERSION, parseSegmentFileName } from './format.js';

/** One segment file as the log tracks it. */
export interface Segment {
  readonly id: number;
  readonly path: string;
  readonly seed: number;
  /** Open while the segment is written to; undefined for segments found at open. */
  handle: FileHandle | undefined;
  /** Bytes of whole records (plus the header) in the file. */
  end: number;
  /** Bytes known durable: covered by a completed fsync. `end > syncedEnd` means the segment needs one. */
  syncedEnd: number;
}

export function segmentAt(directory: string, id: number, fileName: string): Segment {
  return { id, path: joinPath(directory, fileName), seed: checksumSeed(id), handle: undefined, end: 0, syncedEnd: 0 };
}

/** The segment files in `directory`, by ascending id. Other files are ignored. */
export async function listSegments(
  fs: FileSystem,
  directory: string,
): Promise<Array<{ id: number; fileName: string }>> {
  const found: Array<{ id: number; fileName: string }> = [];
  for (const fileName of await fs.readdir(directory)) {
    const parsed = parseSegmentFileName(fileName);
    if (parsed === undefined) continue;
    if (parsed.version !== FORMAT_VERSION) {
      throw new RingtailError(
        ErrorCodes.UNSUPPORTED_VERSION,
        `commit log segment ${joinPath(directory, fileName)} has format version ${parsed.version}; this build reads version ${FORMAT_VERSION}`,
      );
    }
    found.push({ id: parsed.segmentId, fileName });
  }
  return found.sort((a, b) => a.id - b.id);
}

/** Reads `lengthBytes` from the start of a segment file. */
export async function readSegmentBytes(fs: FileSystem, segment: Segment, lengthBytes: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(lengthBytes);
  const handle = segment.handle ?? (await fs.open(segment.path, 'r'));
  try {
    let read = 0;
    while (read < lengthBytes) {
      const n = await handle.read(bytes, read, lengthBytes - read, read);
      if (n === 0) break;
      read += n;
    }
    return read === lengthBytes ? bytes : bytes.subarray(0, read);
  } finally {
    if (segment.handle === undefined) await handle.close();
  }
}

/** Verifies a segment's header against its file name; throws CorruptionError if it does not hold. */
export function verifyHeader(segment: Segment, bytes: Uint8Array): void {
  const header = decodeHeader(bytes);
  if (!header.ok) {
    if (header.unsupportedVersion !== undefined) {
      throw new RingtailError(ErrorCodes.UNSUPPORTED_VERSION, `${segment.path}: ${header.reason}`);
    }
    throw new CorruptionError(segment.path, 0, `segment header: ${header.reason}`);
  }
  if (header.segmentId !== segment.id) {
    throw new CorruptionError(segment.path, 0, `header names segment ${header.segmentId}, file name ${segment.id}`);
  }
}
