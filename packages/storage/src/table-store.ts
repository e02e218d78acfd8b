/**
 * One table's data on one node (Cassandra's ColumnFamilyStore): the active
 * memtable, memtables being flushed, and the live SSTables.
 *
 * Invariant: every write the table acknowledged is in the active memtable, a
 * flushing memtable, or an SSTable — and, until an SSTable holds it, in the
 * commit log after `flushedUpTo`. Reads merge all three, newest first.
 * Compaction (compaction/compactor.ts) replaces SSTables with their merge,
 * in one step that reads never straddle (sstable-set.ts).
 */
import {
  type Clock,
  ErrorCodes,
  type FileSystem,
  joinPath,
  type Logger,
  mergePartitions,
  mkdirDurable,
  type PartitionUpdate,
  partitionPosition,
  RingtailError,
} from '@ringtail/codec';
import { type CommitLogPosition, comparePositions } from '@ringtail/commitlog';
import { Memtable } from '@ringtail/memtable';
import {
  cleanupIncomplete,
  deleteSSTable,
  listSSTables,
  mergeScans,
  SSTableReader,
  type SSTableReaderOptions,
  sstableFileName,
} from '@ringtail/sstable';
import type { BackgroundExecutor } from './background/executor.js';
import { recoverCompactions } from './compaction/compaction-log.js';
import { Compactor, type CompactRequest } from './compaction/compactor.js';
import {
  type CompactionOptions,
  type ResolvedCompactionOptions,
  resolveCompactionOptions,
} from './compaction/options.js';
import { DEFAULT_GC_GRACE_SECONDS } from './constants.js';
import { readFlushedPosition, writeFlushedPosition } from './flushed-position.js';
import { SSTableSet } from './sstable-set.js';

export interface TableOptions {
  /** Stable id (a uuid string); also the name of the table's directory. */
  readonly tableId: string;
  /** How long a tombstone is kept before compaction may purge it. Default DEFAULT_GC_GRACE_SECONDS (ten days). */
  readonly gcGraceSeconds?: number;
  /** Default: SizeTieredCompactionStrategy with Cassandra's defaults. */
  readonly compaction?: CompactionOptions;
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
  /** Memtables frozen for flushing whose SSTables are not live yet. */
  readonly flushingMemtableBytes: number;
  /** Sum over memtables and SSTables: partitions present in several count several times. */
  readonly partitionCountEstimate: number;
  /** Tombstones in live SSTables (their Statistics), for `nodetool tablestats`. */
  readonly sstableTombstones: number;
  /** Compactions the strategy would still run over the live SSTables (Cassandra's pending tasks). */
  readonly pendingCompactions: number;
  /** 1 while a compaction runs, else 0. */
  readonly compactionsRunning: number;
  /** Compactions finished since the table was opened. */
  readonly compactionsCompleted: number;
}

interface FlushingMemtable {
  readonly memtable: Memtable;
  readonly upTo: CommitLogPosition;
  /**
   * The writing of its SSTable, started when the memtable was frozen (see
   * startWrite), resolving to the SSTable's generation; undefined until then
   * and after a failure, when the retry starts another.
   */
  write: Promise<number> | undefined;
  /** The generation of its SSTable once live. */
  installed: number | undefined;
}

export interface TableEnvironment {
  readonly fs: FileSystem;
  /** How SSTables are opened: the block caches every table shares. */
  readonly readerOptions: SSTableReaderOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where flushes and compactions run: on this thread, or in the engine's background workers. */
  readonly background: BackgroundExecutor;
  /**
   * Called each time a flushed memtable has left memory (its SSTable live),
   * not only when every queued flush is done: writes waiting for memtable
   * space can go on as soon as one memtable's worth is free.
   */
  readonly onMemtableFlushed: () => void;
}

export class TableStore {
  private active: Memtable;
  private readonly flushing: FlushingMemtable[] = [];
  private readonly sstables: SSTableSet;
  private readonly compactor: Compactor;
  private nextGeneration: number;
  /**
   * Flushes run one at a time, in order, so `flushedUpTo` only moves forward.
   * A memtable whose flush failed stays first in `flushing` and is retried by
   * the next flush before any later one: flushing a later memtable first would
   * record a position that covers data still only in memory.
   */
  private flushChain: Promise<void> = Promise.resolve();
  private flushRunning = false;
  private dropped = false;
  private readonly fs: FileSystem;
  private readonly readerOptions: SSTableReaderOptions;
  private readonly background: BackgroundExecutor;
  private readonly onMemtableFlushed: () => void;

  private currentOptions: TableOptions;
  private compactionOptions: ResolvedCompactionOptions;
  private gcGraceSeconds: number;

  private constructor(
    options: TableOptions,
    readonly directory: string,
    env: TableEnvironment,
    readers: SSTableReader[],
    private flushedUpToPosition: CommitLogPosition | undefined,
  ) {
    this.fs = env.fs;
    this.readerOptions = env.readerOptions;
    this.background = env.background;
    this.onMemtableFlushed = env.onMemtableFlushed;
    this.currentOptions = options;
    this.compactionOptions = resolveCompactionOptions(options.compaction);
    this.gcGraceSeconds = options.gcGraceSeconds ?? DEFAULT_GC_GRACE_SECONDS;
    this.active = new Memtable({ tableId: options.tableId });
    this.nextGeneration = Math.max(0, ...readers.map((s) => s.generation)) + 1;
    const logger = env.logger;
    this.sstables = new SSTableSet(readers, (err, reader) =>
      logger.warn({ err, table: options.tableId, generation: reader.generation }, 'could not close an SSTable'),
    );
    const table = this;
    this.compactor = new Compactor({
      tableId: options.tableId,
      directory,
      fs: env.fs,
      clock: env.clock,
      logger,
      sstables: this.sstables,
      executor: env.background,
      readerOptions: env.readerOptions,
      // Read at each use, so that alter() takes effect for the next compaction.
      get options() {
        return table.compactionOptions;
      },
      get gcGraceSeconds() {
        return table.gcGraceSeconds;
      },
      allocateGeneration: () => this.nextGeneration++,
      memtableMinTimestampMicros: () => this.memtableMinTimestampMicros(),
    });
  }

  /**
   * Opens the table's directory: finishes or undoes compactions a crash
   * interrupted, removes half-written SSTables, opens the rest.
   */
  static async open(env: TableEnvironment, directory: string, options: TableOptions): Promise<TableStore> {
    const { fs, logger } = env;
    checkOptions(options);
    await mkdirDurable(fs, directory);
    const tocExists = async (generation: number) =>
      (await fs.stat(joinPath(directory, sstableFileName(generation, 'TOC')))) !== undefined;
    await recoverCompactions(fs, directory, tocExists, logger);
    const removed = await cleanupIncomplete(fs, directory);
    if (removed.length > 0) logger.warn({ table: options.tableId, removed }, 'removed incomplete SSTable files');
    const flushedUpTo = await readFlushedPosition(fs, directory);
    const readers: SSTableReader[] = [];
    try {
      for (const generation of await listSSTables(fs, directory)) {
        readers.push(await SSTableReader.open(fs, directory, generation, env.readerOptions));
      }
    } catch (error) {
      for (const reader of readers) await reader.close().catch(() => {});
      throw error;
    }
    return new TableStore(options, directory, env, readers, flushedUpTo);
  }

  get tableId(): string {
    return this.currentOptions.tableId;
  }

  get options(): TableOptions {
    return this.currentOptions;
  }

  /**
   * Takes new gc_grace_seconds and compaction settings (ALTER TABLE) at once:
   * the next compaction uses them; one under way finishes with the old ones.
   */
  alter(options: TableOptions): void {
    if (options.tableId !== this.tableId) {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `options of ${options.tableId} given to ${this.tableId}`);
    }
    checkOptions(options);
    this.currentOptions = options;
    this.compactionOptions = resolveCompactionOptions(options.compaction);
    this.gcGraceSeconds = options.gcGraceSeconds ?? DEFAULT_GC_GRACE_SECONDS;
    this.compactor.requestBackground();
  }

  /** Where this table's SSTables end in the commit log; replay applies only what comes after. */
  get flushedUpTo(): CommitLogPosition | undefined {
    return this.flushedUpToPosition;
  }

  /** Whether some of this table's data lives only in memtables (and so in the commit log). */
  get hasUnflushedData(): boolean {
    return this.active.partitionCount > 0 || this.flushing.length > 0;
  }

  /** Size of the active memtable. */
  get memtableBytes(): number {
    return this.active.sizeBytes;
  }

  /** Whether the active memtable holds anything a flush would write. */
  get hasActiveData(): boolean {
    return this.active.partitionCount > 0;
  }

  /** Whether a flush is writing now (false while a failed one waits for its retry). */
  get isFlushing(): boolean {
    return this.flushRunning;
  }

  /** Size of the memtables being flushed, which still hold memory until their SSTable is live. */
  get flushingBytes(): number {
    let bytes = 0;
    for (const f of this.flushing) bytes += f.memtable.sizeBytes;
    return bytes;
  }

  /** Records `position` as flushed up to (see StorageEngine's clampFlushedPositions). */
  async setFlushedPosition(position: CommitLogPosition): Promise<void> {
    await writeFlushedPosition(this.fs, this.directory, position);
    this.flushedUpToPosition = position;
  }

  /** Whether a replayed record ending at `position` is already in an SSTable. */
  isFlushed(position: CommitLogPosition): boolean {
    return this.flushedUpToPosition !== undefined && comparePositions(position, this.flushedUpToPosition) <= 0;
  }

  /** `body`: the update's encoded partition body, if the caller has it (see Memtable.apply). */
  apply(update: PartitionUpdate, body?: Uint8Array): void {
    this.active.apply(update, body);
  }

  /** The partition as merged from every memtable and SSTable, or undefined if no source has it. */
  async get(key: Uint8Array): Promise<PartitionUpdate | undefined> {
    let merged: PartitionUpdate | undefined;
    const add = (p: PartitionUpdate | undefined) => {
      if (p !== undefined) merged = merged === undefined ? p : mergePartitions(merged, p);
    };
    add(this.active.get(key));
    for (const f of this.flushing) add(f.memtable.get(key));
    // In the same turn as the memtables were read: no flush or compaction can finish in between.
    const view = this.sstables.acquire();
    try {
      for (const sstable of view.readers) {
        if (sstable.mightContain(key)) add(await sstable.get(key));
      }
    } finally {
      view.release();
    }
    return merged;
  }

  /**
   * Partitions in (token, key) order within `range`, merged across every
   * source. The sources are those of the moment the first partition is asked
   * for; SSTables compacted away meanwhile stay open until the scan ends.
   */
  async *scan(range: ScanRange): AsyncGenerator<PartitionUpdate> {
    const memtables: AsyncIterable<PartitionUpdate>[] = [
      asAsync(this.active.scan(range)),
      ...this.flushing.map((f) => asAsync(f.memtable.scan(range))),
    ];
    const view = this.sstables.acquire();
    try {
      yield* mergeScans([...memtables, ...view.readers.map((s) => s.scan(range))]);
    } finally {
      view.release();
    }
  }

  /** Runs compactions now (see Compactor.compact); resolves when they are done. */
  compact(request: CompactRequest = {}): Promise<void> {
    return this.compactor.compact(request);
  }

  /** Lets the strategy look for work in the background (after start-up; flushes do it themselves). */
  requestCompaction(): void {
    this.compactor.requestBackground();
  }

  private memtableMinTimestampMicros(): number {
    let min = this.active.minTimestampMicros;
    for (const f of this.flushing) min = Math.min(min, f.memtable.minTimestampMicros);
    return min;
  }

  /**
   * Writes the active memtable to a new SSTable. `upTo` is the commit-log
   * position every write in it ends at or before (see StorageEngine.flush).
   * Resolves when the SSTable is live and the position recorded.
   */
  flush(upTo: CommitLogPosition): Promise<void> {
    if (this.active.partitionCount > 0) {
      const memtable = this.active;
      memtable.freeze();
      this.active = new Memtable({ tableId: this.tableId });
      const entry: FlushingMemtable = { memtable, upTo, write: undefined, installed: undefined };
      this.flushing.push(entry);
      this.startWrite(entry);
    }
    // Nothing to write: wait for a flush still recording its position; an old failure is not this call's.
    if (this.flushing.length === 0) return this.flushChain.catch(() => {});
    this.flushChain = this.flushChain.catch(() => {}).then(() => this.flushPending());
    return this.flushChain;
  }

  private async flushPending(): Promise<void> {
    this.flushRunning = true;
    try {
      while (this.flushing.length > 0 && !this.dropped) await this.writeFlush(this.flushing[0]!);
    } finally {
      this.flushRunning = false;
    }
  }

  /**
   * Starts writing the SSTable of a frozen memtable, at once rather than when
   * the flushes before it are done: with a flush worker, the next SSTable is
   * written while this thread still opens and installs the previous one, so
   * the worker does not wait on this thread between flushes (it did, ~40% of
   * its time, in the storage-write benchmark). SSTables still become live,
   * and `flushedUpTo` moves, in order (writeFlush).
   */
  private startWrite(entry: FlushingMemtable): void {
    if (entry.write !== undefined || this.dropped) return;
    const generation = this.nextGeneration++;
    // The memtable's encoded partitions are copied, not encoded again (and not on this thread, with a worker).
    const write = this.background
      .flush({ directory: this.directory, generation, partitions: entry.memtable.encoded() })
      .then(() => generation);
    write.catch(() => {}); // reported by writeFlush, in order
    entry.write = write;
  }

  /** Makes the SSTable of the first flushing memtable live, once written, and records the flushed position. */
  private async writeFlush(entry: FlushingMemtable): Promise<void> {
    this.startWrite(entry);
    let generation: number;
    let reader: SSTableReader;
    try {
      generation = await entry.write!;
      reader = await SSTableReader.open(this.fs, this.directory, generation, this.readerOptions);
    } catch (error) {
      entry.write = undefined; // the retry writes anew
      throw error;
    }
    // Live before the memtable leaves: a read never misses the data in between.
    this.sstables.add(reader);
    entry.installed = generation;
    this.flushing.splice(this.flushing.indexOf(entry), 1);
    this.onMemtableFlushed();
    await writeFlushedPosition(this.fs, this.directory, entry.upTo);
    this.flushedUpToPosition = entry.upTo;
    this.compactor.requestBackground();
  }

  /** Waits for flushes under way. */
  async settle(): Promise<void> {
    await this.flushChain;
  }

  stats(): TableStats {
    let sstableBytes = 0;
    let tombstones = 0;
    let partitions = this.active.partitionCount;
    for (const f of this.flushing) partitions += f.memtable.partitionCount;
    const live = this.sstables.readers;
    for (const s of live) {
      sstableBytes += s.sizeBytes;
      partitions += s.stats.partitionCount;
      tombstones += s.stats.tombstoneCount;
    }
    return {
      tableId: this.tableId,
      liveSSTables: live.length,
      sstableBytes,
      memtableBytes: this.active.sizeBytes,
      flushingMemtableBytes: this.flushingBytes,
      partitionCountEstimate: partitions,
      sstableTombstones: tombstones,
      pendingCompactions: this.compactor.pendingCompactions,
      compactionsRunning: this.compactor.compactionsRunning,
      compactionsCompleted: this.compactor.compactionsCompleted,
    };
  }

  /**
   * Drops every row: memtables are discarded and SSTables deleted. Writes
   * before `upTo` in the commit log are never replayed into this table again.
   */
  async truncate(upTo: CommitLogPosition): Promise<void> {
    // What holds the writes before `upTo`, taken before any await: writes made while this runs go to the
    // new active memtable, and its flushes (which may end meanwhile) must survive.
    const truncatedFlushes = [...this.flushing];
    const truncatedSSTables = new Set(this.sstables.readers);
    this.active = new Memtable({ tableId: this.tableId });
    // A compaction finishing after this would bring the truncated data back.
    const resume = await this.compactor.pause();
    try {
      await this.flushChain.catch(() => {});
      const installed = new Set(truncatedFlushes.map((f) => f.installed));
      const doomed = this.sstables.readers.filter((r) => truncatedSSTables.has(r) || installed.has(r.generation));
      // Truncated memtables whose flush failed: they go, and the SSTables written for them never made live too.
      const unflushed = truncatedFlushes.filter((f) => this.flushing.includes(f));
      await this.discardWrites(unflushed);
      for (const entry of unflushed) this.flushing.splice(this.flushing.indexOf(entry), 1);
      this.sstables.replace(doomed, []);
      // Never back past a flush of later writes that ended meanwhile.
      const flushedUpTo =
        this.flushedUpToPosition !== undefined && comparePositions(this.flushedUpToPosition, upTo) > 0
          ? this.flushedUpToPosition
          : upTo;
      await writeFlushedPosition(this.fs, this.directory, flushedUpTo);
      this.flushedUpToPosition = flushedUpTo;
      for (const sstable of doomed) await deleteSSTable(this.fs, this.directory, sstable.generation);
    } finally {
      resume();
    }
  }

  /** Stops compaction (undoing one under way), waits for flushes, closes every SSTable. */
  async close(): Promise<void> {
    await this.compactor.stop();
    await this.flushChain.catch(() => {});
    // Behind a failed flush, later SSTables may still be being written: let them end. Complete ones stay on
    // disk and are opened next time, beside the replay of the same writes (merging them changes nothing).
    await Promise.allSettled(this.flushing.map((f) => f.write));
    await this.sstables.closeAll();
  }

  /** Deletes the SSTables written for these flushing memtables, which never became live. */
  private async discardWrites(entries: readonly FlushingMemtable[]): Promise<void> {
    for (const entry of entries) {
      const generation = await entry.write?.catch(() => undefined);
      entry.write = undefined;
      if (generation !== undefined) await deleteSSTable(this.fs, this.directory, generation);
    }
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

/** Throws INVALID_ARGUMENT for options a table cannot take. */
function checkOptions(options: TableOptions): void {
  const gcGraceSeconds = options.gcGraceSeconds ?? DEFAULT_GC_GRACE_SECONDS;
  if (!Number.isSafeInteger(gcGraceSeconds) || gcGraceSeconds < 0) {
    throw new RingtailError(
      ErrorCodes.INVALID_ARGUMENT,
      `gcGraceSeconds must be an integer >= 0, got ${gcGraceSeconds}`,
    );
  }
  resolveCompactionOptions(options.compaction);
}

async function* asAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
