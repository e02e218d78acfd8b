/**
 * One compaction: the input SSTables merged (sstable's mergeScans), each
 * partition passed through `compactPartition`, written as one new SSTable.
 *
 * On disk, in order: the compaction log (compaction-log.ts); the output
 * SSTable, which appears whole when its TOC does; the log rewritten as
 * committed. Then the caller swaps the output in for the inputs, and
 * `deleteInputs` removes the inputs and then the log. A failure before the
 * commit undoes what was written; a crash anywhere is finished or undone at
 * the next start-up by the log.
 */
import { ErrorCodes, type FileSystem, type Logger, RingtailError } from '@ringtail/codec';
import {
  deleteSSTable,
  type MergePosition,
  mergeScans,
  SSTableReader,
  type SSTableReaderOptions,
  SSTableWriter,
} from '@ringtail/sstable';
import { MAX_COMPACTION_INPUTS } from '../constants.js';
import { type CompactionLog, removeCompactionLog, writeCompactionLog } from './compaction-log.js';
import { compactPartition } from './purge.js';

export interface CompactionTask {
  readonly fs: FileSystem;
  /** How the output is opened (its block caches). */
  readonly readerOptions: SSTableReaderOptions;
  readonly directory: string;
  readonly logger: Logger;
  readonly inputs: readonly SSTableReader[];
  readonly outputGeneration: number;
  readonly nowSec: number;
  readonly gcGraceSeconds: number;
  /** The oldest timestamp that data of `key` may have outside the inputs (see PurgeContext). */
  maxPurgeableTimestampMicros(key: Uint8Array): number;
  /** Polled between partitions; true abandons the compaction before it commits. */
  shouldStop(): boolean;
}

export interface CompactionResult {
  /** Undefined when every partition was purged. */
  readonly output: SSTableReader | undefined;
  readonly partitionsRead: number;
  readonly partitionsWritten: number;
}

/**
 * The log could not be committed — nor rewritten as not committed — and may
 * be committed on disk all the same: whether the inputs or the output are the
 * table's data is decided only at the next start-up. The table must not
 * compact again before it.
 */
export class CompactionInDoubtError extends RingtailError {}

export async function writeCompaction(task: CompactionTask): Promise<CompactionResult> {
  const { fs, directory, outputGeneration } = task;
  if (task.inputs.length > MAX_COMPACTION_INPUTS) {
    throw new RingtailError(
      ErrorCodes.LIMIT_EXCEEDED,
      `a compaction takes at most ${MAX_COMPACTION_INPUTS} SSTables, not ${task.inputs.length}`,
    );
  }
  const log: CompactionLog = {
    outputGeneration,
    inputGenerations: task.inputs.map((r) => r.generation),
    committed: false,
  };
  await writeCompactionLog(fs, directory, log);
  let writer: SSTableWriter | undefined;
  let output: SSTableReader | undefined;
  let partitionsRead = 0;
  try {
    writer = await SSTableWriter.create(fs, directory, outputGeneration, {
      expectedPartitions: task.inputs.reduce((sum, r) => sum + r.stats.partitionCount, 0),
    });
    const gcBeforeSec = task.nowSec - task.gcGraceSeconds;
    // Views: each partition is written out before its input reads on (nothing keeps it), so its bytes need no copy.
    const merged: MergePosition = { position: '' };
    for await (const partition of mergeScans(
      task.inputs.map((r) => r.scan({}, { views: true })),
      merged,
    )) {
      if (task.shouldStop())
        throw new RingtailError(ErrorCodes.CLOSED, 'compaction stopped: the table is closing or being truncated');
      partitionsRead++;
      const kept = compactPartition(partition, {
        nowSec: task.nowSec,
        gcBeforeSec,
        maxPurgeableTimestampMicros: () => task.maxPurgeableTimestampMicros(partition.key),
      });
      if (kept !== undefined) await writer.append(kept, merged.position);
    }
    if (writer.partitionCount > 0) {
      await writer.finish();
      output = await SSTableReader.open(fs, directory, outputGeneration, task.readerOptions);
    } else {
      await writer.abort();
    }
  } catch (error) {
    await undo(task, writer, output).catch((undoError: unknown) =>
      task.logger.warn({ err: undoError, directory, outputGeneration }, 'could not undo a failed compaction'),
    );
    throw error;
  }
  const partitionsWritten = writer.partitionCount;
  try {
    await writeCompactionLog(fs, directory, { ...log, committed: true });
  } catch (error) {
    // The committed log may have reached the disk. Rewriting it as not committed settles that; then undo.
    try {
      await writeCompactionLog(fs, directory, log);
    } catch {
      await output?.close().catch(() => {});
      throw new CompactionInDoubtError(ErrorCodes.IO, `compaction into SSTable ${outputGeneration} could not commit`, {
        cause: error,
      });
    }
    await undo(task, writer, output).catch((undoError: unknown) =>
      task.logger.warn({ err: undoError, directory, outputGeneration }, 'could not undo a failed compaction'),
    );
    throw error;
  }
  return { output, partitionsRead, partitionsWritten };
}

/** Removes what a compaction that did not commit wrote: the output (whole or not), then the log. */
async function undo(task: CompactionTask, writer: SSTableWriter | undefined, output: SSTableReader | undefined) {
  const { fs, directory, outputGeneration } = task;
  if (output !== undefined) await output.close();
  try {
    await writer?.abort();
  } catch {
    // Finished (or busy after a failure): deleteSSTable removes a whole SSTable, cleanup at start-up the rest.
  }
  await deleteSSTable(fs, directory, outputGeneration);
  await removeCompactionLog(fs, directory, outputGeneration);
}

/** After the swap: deletes the inputs, then the log that lists them. */
export async function deleteInputs(
  fs: FileSystem,
  directory: string,
  inputGenerations: readonly number[],
  outputGeneration: number,
): Promise<void> {
  for (const generation of inputGenerations) await deleteSSTable(fs, directory, generation);
  await removeCompactionLog(fs, directory, outputGeneration);
}
