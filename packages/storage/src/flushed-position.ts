/**
 * The per-table `flushed-position` file: the commit-log position up to which
 * the table's SSTables hold every write (replay skips what ends at or before
 * it). Replaced atomically: written to a temporary name, fsynced, renamed,
 * directory fsynced. Documented in docs/storage.md ("Flush and commit-log positions").
 *
 *   offset size field
 *   0      4    magic "RTFP" (0x52544650), big-endian
 *   4      2    version (1)
 *   6      8    segment id, unsigned big-endian
 *   14     4    offset in the segment, unsigned big-endian
 *   18     4    xxhash32 of bytes 0..17
 */
import { CorruptionError, type FileSystem, joinPath, xxhash32 } from '@ringtail/codec';
import type { CommitLogPosition } from '@ringtail/commitlog';
import { unlinkIfPresent, writeFileAtomically } from './atomic-file.js';
import { FLUSHED_POSITION_FILE, TEMPORARY_SUFFIX } from './constants.js';

const MAGIC = 0x52544650;
const VERSION = 1;
const SIZE_BYTES = 22;

/** Reads the position; removes a temporary file left by a crash during a write. */
export async function readFlushedPosition(fs: FileSystem, directory: string): Promise<CommitLogPosition | undefined> {
  const path = joinPath(directory, FLUSHED_POSITION_FILE);
  await unlinkIfPresent(fs, `${path}${TEMPORARY_SUFFIX}`);
  if ((await fs.stat(path)) === undefined) return undefined;
  const bytes = await fs.readFile(path);
  if (bytes.length !== SIZE_BYTES)
    throw new CorruptionError(path, 0, `expected ${SIZE_BYTES} bytes, found ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (view.getUint32(0) !== MAGIC || view.getUint16(4) !== VERSION) {
    throw new CorruptionError(path, 0, 'bad magic number or version');
  }
  if (xxhash32(bytes.subarray(0, 18)) !== view.getUint32(18)) throw new CorruptionError(path, 18, 'checksum mismatch');
  return { segmentId: Number(view.getBigUint64(6)), offset: view.getUint32(14) };
}

export async function writeFlushedPosition(
  fs: FileSystem,
  directory: string,
  position: CommitLogPosition,
): Promise<void> {
  const bytes = new Uint8Array(SIZE_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC);
  view.setUint16(4, VERSION);
  view.setBigUint64(6, BigInt(position.segmentId));
  view.setUint32(14, position.offset);
  view.setUint32(18, xxhash32(bytes.subarray(0, 18)));
  await writeFileAtomically(fs, directory, FLUSHED_POSITION_FILE, bytes);
}
