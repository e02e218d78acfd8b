/**
 * The compaction log: `compaction-<output generation>.log` in the table's
 * directory, naming the SSTables one compaction replaces. It is written
 * (atomically: atomic-file.ts) before the output SSTable is started, and
 * rewritten as committed once the output is complete, before any input is
 * deleted; it is removed when every input is. A log found at start-up is
 * finished by `recoverCompactions`: committed (or with a complete output), the
 * remaining inputs are deleted; otherwise the output's remnants are.
 * Documented in docs/storage.md ("The compaction task and atomic replacement").
 *
 *   offset  size  field
 *   0       4     magic "RTCL" (0x5254434C), big-endian
 *   4       2     version (1)
 *   6       1     flags: bit 0 committed (the inputs are obsolete, even if every
 *                 partition was purged and the output never got a TOC)
 *   7       8     output generation, unsigned big-endian
 *   15      4     n, the number of inputs (1..MAX_COMPACTION_INPUTS), big-endian
 *   19      8n    input generations, unsigned big-endian
 *   19+8n   4     xxhash32 of bytes 0..18+8n
 */
import { CorruptionError, type FileSystem, joinPath, type Logger, xxhash32 } from '@ringtail/codec';
import { deleteSSTable } from '@ringtail/sstable';
import { unlinkIfPresent, writeFileAtomically } from '../atomic-file.js';
import { COMPACTION_LOG_PREFIX, COMPACTION_LOG_SUFFIX, MAX_COMPACTION_INPUTS, TEMPORARY_SUFFIX } from '../constants.js';

const MAGIC = 0x5254434c;
const VERSION = 1;
const HEADER_BYTES = 19;
const CHECKSUM_BYTES = 4;
const COMMITTED = 1;

export interface CompactionLog {
  readonly outputGeneration: number;
  readonly inputGenerations: readonly number[];
  readonly committed: boolean;
}

const LOG_NAME = /^compaction-(\d+)\.log$/;

export function compactionLogName(outputGeneration: number): string {
  return `${COMPACTION_LOG_PREFIX}${outputGeneration}${COMPACTION_LOG_SUFFIX}`;
}

export function encodeCompactionLog(log: CompactionLog): Uint8Array {
  const n = log.inputGenerations.length;
  const bytes = new Uint8Array(HEADER_BYTES + 8 * n + CHECKSUM_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC);
  view.setUint16(4, VERSION);
  view.setUint8(6, log.committed ? COMMITTED : 0);
  view.setBigUint64(7, BigInt(log.outputGeneration));
  view.setUint32(15, n);
  for (const [i, generation] of log.inputGenerations.entries())
    view.setBigUint64(HEADER_BYTES + 8 * i, BigInt(generation));
  const end = HEADER_BYTES + 8 * n;
  view.setUint32(end, xxhash32(bytes.subarray(0, end)));
  return bytes;
}

export function decodeCompactionLog(bytes: Uint8Array, path: string): CompactionLog {
  if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) throw new CorruptionError(path, 0, `only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (view.getUint32(0) !== MAGIC || view.getUint16(4) !== VERSION) {
    throw new CorruptionError(path, 0, 'bad magic number or version');
  }
  const n = view.getUint32(15);
  const end = HEADER_BYTES + 8 * n;
  if (n < 1 || n > MAX_COMPACTION_INPUTS || bytes.length !== end + CHECKSUM_BYTES) {
    throw new CorruptionError(path, 15, `${n} inputs in a file of ${bytes.length} bytes`);
  }
  if (xxhash32(bytes.subarray(0, end)) !== view.getUint32(end))
    throw new CorruptionError(path, end, 'checksum mismatch');
  const generation = (offset: number): number => {
    const g = Number(view.getBigUint64(offset));
    if (!Number.isSafeInteger(g) || g < 1) throw new CorruptionError(path, offset, `bad generation ${g}`);
    return g;
  };
  const inputGenerations = Array.from({ length: n }, (_, i) => generation(HEADER_BYTES + 8 * i));
  return { outputGeneration: generation(7), inputGenerations, committed: (view.getUint8(6) & COMMITTED) !== 0 };
}

export async function writeCompactionLog(fs: FileSystem, directory: string, log: CompactionLog): Promise<void> {
  await writeFileAtomically(fs, directory, compactionLogName(log.outputGeneration), encodeCompactionLog(log));
}

export async function removeCompactionLog(fs: FileSystem, directory: string, outputGeneration: number): Promise<void> {
  await unlinkIfPresent(fs, joinPath(directory, compactionLogName(outputGeneration)));
  await fs.syncDir(directory);
}

/**
 * Finishes or undoes the compactions a crash interrupted, oldest first. Run
 * at start-up before SSTables are listed or opened. Returns how many logs
 * were found.
 */
export async function recoverCompactions(
  fs: FileSystem,
  directory: string,
  tocExists: (generation: number) => Promise<boolean>,
  logger: Logger,
): Promise<number> {
  const names = await fs.readdir(directory);
  const temporaries = names.filter((n) => n.startsWith(COMPACTION_LOG_PREFIX) && n.endsWith(TEMPORARY_SUFFIX));
  for (const name of temporaries) await unlinkIfPresent(fs, joinPath(directory, name));
  if (temporaries.length > 0) await fs.syncDir(directory);
  const logs = names
    .map((name) => LOG_NAME.exec(name)?.[1])
    .filter((g): g is string => g !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  for (const outputGeneration of logs) {
    const path = joinPath(directory, compactionLogName(outputGeneration));
    const log = decodeCompactionLog(await fs.readFile(path), path);
    if (log.outputGeneration !== outputGeneration) throw new CorruptionError(path, 7, 'names another output');
    const done = log.committed || (await tocExists(outputGeneration));
    if (done) {
      for (const input of log.inputGenerations) await deleteSSTable(fs, directory, input);
    } else {
      await deleteSSTable(fs, directory, outputGeneration);
    }
    logger.warn({ directory, ...log, completed: done }, 'finished a compaction interrupted by a crash');
    await removeCompactionLog(fs, directory, outputGeneration);
  }
  return logs.length;
}
