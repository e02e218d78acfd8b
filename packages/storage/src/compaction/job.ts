/**
 * A compaction as plain data (a job), so that it can run in the background
 * worker as well as on the engine's thread: SSTables by generation, the
 * purge bounds taken when the job is made, and a stop flag in shared memory.
 * The job opens its own readers of the inputs and of the SSTables outside
 * them, runs writeCompaction (task.ts) and closes them; the caller opens the
 * output for its reads once the job has committed.
 *
 * Purging asks "could data outside the compaction be older than this
 * tombstone?" (PurgeContext). The job answers from the memtables' oldest
 * timestamp when it was made and the bloom filters of the SSTables outside
 * it. A write arriving while the job runs is treated as if it had arrived
 * after it — as Cassandra treats one arriving after a compaction: a write
 * older than a tombstone already past gc_grace_seconds is the case
 * gc_grace_seconds exists to rule out.
 */
import type { FileSystem, Logger } from '@ringtail/codec';
import { SSTableReader } from '@ringtail/sstable';
import { writeCompaction } from './task.js';

export interface CompactionJob {
  /** The table's directory. */
  readonly directory: string;
  readonly inputGenerations: readonly number[];
  readonly outputGeneration: number;
  readonly nowSec: number;
  readonly gcGraceSeconds: number;
  /** The oldest timestamp in the table's memtables when the job was made; Number.MAX_SAFE_INTEGER if none. */
  readonly memtableMinTimestampMicros: number;
  /** Live SSTables outside the inputs with data older than the memtables' oldest: the ones purging must consult. */
  readonly outsideGenerations: readonly number[];
  /** One Int32 in shared memory: set to 1, the job stops (undoing what it wrote) before it commits. */
  readonly stop: Int32Array;
}

export interface CompactionJobResult {
  /** False when every partition was purged: the inputs are replaced by nothing. */
  readonly hasOutput: boolean;
  readonly partitionsRead: number;
  readonly partitionsWritten: number;
}

/** A stop flag for a job: shared memory, so that a job in the worker sees it set. */
export function newStopFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function requestStop(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
}

async function openAll(fs: FileSystem, directory: string, generations: readonly number[]): Promise<SSTableReader[]> {
  const readers: SSTableReader[] = [];
  try {
    for (const generation of generations) readers.push(await SSTableReader.open(fs, directory, generation));
  } catch (error) {
    await closeAll(readers);
    throw error;
  }
  return readers;
}

async function closeAll(readers: readonly SSTableReader[]): Promise<void> {
  for (const reader of readers) await reader.close().catch(() => {});
}

/** Runs `job` through `fs`; rejects as writeCompaction does (CompactionInDoubtError included). */
export async function runCompactionJob(
  fs: FileSystem,
  job: CompactionJob,
  logger: Logger,
): Promise<CompactionJobResult> {
  const inputs = await openAll(fs, job.directory, job.inputGenerations);
  let outside: SSTableReader[] = [];
  try {
    outside = await openAll(fs, job.directory, job.outsideGenerations);
    const result = await writeCompaction({
      fs,
      readerOptions: {},
      directory: job.directory,
      logger,
      inputs,
      outputGeneration: job.outputGeneration,
      nowSec: job.nowSec,
      gcGraceSeconds: job.gcGraceSeconds,
      maxPurgeableTimestampMicros: (key) => {
        let min = job.memtableMinTimestampMicros;
        for (const reader of outside) {
          if (reader.stats.minTimestampMicros < min && reader.mightContain(key)) min = reader.stats.minTimestampMicros;
        }
        return min;
      },
      shouldStop: () => Atomics.load(job.stop, 0) === 1,
    });
    await result.output?.close();
    return {
      hasOutput: result.output !== undefined,
      partitionsRead: result.partitionsRead,
      partitionsWritten: result.partitionsWritten,
    };
  } finally {
    await closeAll(inputs);
    await closeAll(outside);
  }
}
