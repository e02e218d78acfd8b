/**
 * One table's data on one node (Cassandra's ColumnFamilyStore): the active
 * memtable, memtables being flushed, and the live SSTables.
 *
 * Invariant: every write the table acknowledged is in the active memtable, a
 * flushing memtable, or an SSTable — and, until an SSTable holds it, in the
 * commit log after `flushedUpTo`. Reads merge all three, newest first.
 */
import {
  type FileSystem,
  type Logger,
  mergePartitions,
  mkdirDurable,
  type PartitionUpdate,
  partitionPosition,
} from '@ringtail/codec';
import { type CommitLogPosition, comparePositions } from '@ringtail/commitlog';
import { Memtable } from '@ringtail/memtable';
import {
  cleanupIncomplete,
  deleteSSTable,
  listSSTables,
  mergeScans,
  SSTableReader,
  SSTableWriter,
} from '@ringtail/sstable';
import { readFlushedPosition, writeFlushedPosition } from './flushed-position.js';

export interface TableOptions {
  /** Stable id (a uuid string); also the name of the table's directory. */
  readonly tableId: string;
  readonly gcGraceSeconds?: number;
}

export interface ScanRange {
  readonly fromPosition?: string;
  readonly fromInclusive?: boolean;
  readonly toPosition?: string;
  readonly toInclusive?: boolean;
}

export interface TableStats {
  readonly tableId: string;
  readonly liveSSTables: number;
  readonly sstableBytes: number;
  readonly memtableBytes: number;
  /** Sum over memtables and SSTables: partitions present in several count several times. */
  readonly partitionCountEstimate: number;
}

interface FlushingMemtable {
  readonly memtable: Memtable;
  readonly upTo: CommitLogPosition;
}

export class TableStore {
  private active: Memtable;
  private readonly flushing: FlushingMemtable[] = [];
  private sstables: SSTableReader[];
  private nextGeneration: number;
  /** Flushes run one at a time, in order, so `flushedUpTo` only moves forward. */
  private flushChain: Promise<void> = Promise.resolve();
  private dropped = false;

  private constructor(
    readonly options: TableOptions,
    readonly directory: string,
    private readonly fs: FileSystem,
    sstables: SSTableReader[],
    private flushedUpToPosition: CommitLogPosition | undefined,
  ) {
    this.active = new Memtable({ tableId: options.tableId });
    this.sstables = sstables;
    this.nextGeneration = Math.max(0, ...sstables.map((s) => s.generation)) + 1;
  }

  /** Opens the table's directory: removes half-written SSTables, opens the rest. */
  static async open(fs: FileSystem, directory: string, options: TableOptions, log: Logger): Promise<TableStore> {
    await mkdirDurable(fs, directory);
    const removed = await cleanupIncomplete(fs, directory);
    if (removed.length > 0) log.warn({ table: options.tableId, removed }, 'removed incomplete SSTable files');
    const readers: SSTableReader[] = [];
    for (const generation of await listSSTables(fs, directory)) {
      readers.push(await SSTableReader.open(fs, directory, generation));
    }
    return new TableStore(options, directory, fs, readers, await readFlushedPosition(fs, directory));
  }

  get tableId(): string {
    return this.options.tableId;
  }

  /** Where this table's SSTables end in the commit log; replay applies only what comes after. */
  get flushedUpTo(): CommitLogPosition | undefined {
    return this.flushedUpToPosition;
  }

  /** Whether some of this table's data lives only in memtables (and so in the commit log). */
  get hasUnflushedData(): boolean {
    return this.active.partitionCount > 0 || this.flushing.length > 0;
  }

  get memtableBytes(): number {
    return this.active.sizeBytes;
  }

  /** Whether a replayed record ending at `position` is already in an SSTable. */
  isFlushed(position: CommitLogPosition): boolean {
    return this.flushedUpToPosition !== undefined && comparePositions(position, this.flushedUpToPosition) <= 0;
  }

  apply(update: PartitionUpdate): void {
    this.active.apply(update);
  }

  /** The partition as merged from every memtable and SSTable, or undefined if no source has it. */
  async get(key: Uint8Array): Promise<PartitionUpdate | undefined> {
    let merged: PartitionUpdate | undefined;
    const add = (p: PartitionUpdate | undefined) => {
      if (p !== undefined) merged = merged === undefined ? p : mergePartitions(merged, p);
    };
    add(this.active.get(key));
    for (const f of this.flushing) add(f.memtable.get(key));
    for (const sstable of [...this.sstables]) {
      if (sstable.mightContain(key)) add(await sstable.get(key));
    }
    return merged;
  }

  /** Partitions in (token, key) order within `range`, merged across every source. */
  scan(range: ScanRange): AsyncGenerator<PartitionUpdate> {
    const sources: AsyncIterable<PartitionUpdate>[] = [
      asAsync(this.active.scan(range)),
      ...this.flushing.map((f) => asAsync(f.memtable.scan(range))),
      ...[...this.sstables].map((s) => s.scan(range)),
    ];
    return mergeScans(sources);
  }

  /**
   * Writes the active memtable to a new SSTable. `upTo` is the commit-log
   * position every write in it ends at or before (see StorageEngine.flush).
   * Resolves when the SSTable is live and the position recorded.
   */
  flush(upTo: CommitLogPosition): Promise<void> {
    if (this.active.partitionCount === 0) return this.flushChain;
    const memtable = this.active;
    memtable.freeze();
    this.active = new Memtable({ tableId: this.tableId });
    const entry: FlushingMemtable = { memtable, upTo };
    this.flushing.push(entry);
    this.flushChain = this.flushChain.then(() => this.writeFlush(entry));
    return this.flushChain;
  }

  private async writeFlush(entry: FlushingMemtable): Promise<void> {
    if (this.dropped) return;
    const generation = this.nextGeneration++;
    const writer = await SSTableWriter.create(this.fs, this.directory, generation, {
      expectedPartitions: entry.memtable.partitionCount,
    });
    try {
      for (const partition of entry.memtable.scan()) await writer.append(partition);
      await writer.finish();
    } catch (error) {
      await writer.abort().catch(() => {});
      throw error;
    }
    const reader = await SSTableReader.open(this.fs, this.directory, generation);
    // Live before the memtable leaves: a read never misses the data in between.
    this.sstables = [...this.sstables, reader];
    this.flushing.splice(this.flushing.indexOf(entry), 1);
    await writeFlushedPosition(this.fs, this.directory, entry.upTo);
    this.flushedUpToPosition = entry.upTo;
  }

  /** Waits for flushes under way. */
  async settle(): Promise<void> {
    await this.flushChain;
  }

  stats(): TableStats {
    let sstableBytes = 0;
    let partitions = this.active.partitionCount;
    for (const f of this.flushing) partitions += f.memtable.partitionCount;
    for (const s of this.sstables) {
      sstableBytes += s.sizeBytes;
      partitions += s.stats.partitionCount;
    }
    return {
      tableId: this.tableId,
      liveSSTables: this.sstables.length,
      sstableBytes,
      memtableBytes: this.active.sizeBytes,
      partitionCountEstimate: partitions,
    };
  }

  /**
   * Drops every row: memtables are discarded and SSTables deleted. Writes
   * before `upTo` in the commit log are never replayed into this table again.
   */
  async truncate(upTo: CommitLogPosition): Promise<void> {
    this.active = new Memtable({ tableId: this.tableId });
    await this.flushChain.catch(() => {});
    this.flushing.length = 0;
    const doomed = this.sstables;
    this.sstables = [];
    await writeFlushedPosition(this.fs, this.directory, upTo);
    this.flushedUpToPosition = upTo;
    for (const sstable of doomed) await this.deleteSSTable(sstable);
  }

  private async deleteSSTable(sstable: SSTableReader): Promise<void> {
    await sstable.close();
    await deleteSSTable(this.fs, this.directory, sstable.generation);
  }

  async close(): Promise<void> {
    await this.flushChain.catch(() => {});
    for (const sstable of this.sstables) await sstable.close();
  }

  /** Closes the table and removes its directory. */
  async drop(): Promise<void> {
    this.dropped = true;
    await this.close();
    await this.fs.rmrf(this.directory);
  }

  /** The position a partition key sorts at, for range scans. */
  static positionOf(key: Uint8Array): string {
    return partitionPosition(key);
  }
}

async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
