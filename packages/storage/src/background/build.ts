/**
 * Writing a frozen memtable's partitions as one SSTable: the work of a flush,
 * the same whether it runs on the engine's thread or in the flush worker.
 */
import type { FileSystem } from '@ringtail/codec';
import { type EncodedPartitions, encodedBodies } from '@ringtail/memtable';
import { SSTableWriter } from '@ringtail/sstable';

export interface FlushJob {
  /** The table's directory. */
  readonly directory: string;
  readonly generation: number;
  readonly partitions: EncodedPartitions;
}

/**
 * Writes SSTable `job.generation` of `job.partitions` (at least one): whole
 * when this resolves, and when it rejects, no file of it is left.
 */
export async function buildSSTable(fs: FileSystem, job: FlushJob): Promise<void> {
  const { partitions } = job;
  const writer = await SSTableWriter.create(fs, job.directory, job.generation, {
    expectedPartitions: partitions.addresses.length,
  });
  try {
    for (const body of encodedBodies(partitions)) await writer.appendEncoded(partitions.tableId, body);
    await writer.finish();
  } catch (error) {
    await writer.abort().catch(() => {});
    throw error;
  }
}
