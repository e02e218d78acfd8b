/**
 * The storage engine of one node: one commit log shared by every table, and a
 * TableStore per table.
 *
 * Write path: the mutation is appended to the commit log and applied to the
 * memtables in the same turn — so the memtable a write lands in is decided by
 * the order of appends, which is what flush relies on — and the returned
 * promise resolves when the commit log has made the append durable to its sync
 * mode. Reads may therefore see a write a little before it is acknowledged,
 * as in Cassandra.
 *
 * Flush: the active memtable is swapped for a new one and written to an
 * SSTable; its position is `commitLog.appendedPosition` at the swap. Every
 * write appended before the swap is in the old memtable; a write appended after
 * it ends after that position (appends held during a segment rollover end
 * later still, so they may be replayed again — harmless, since applying a write
 * twice gives the same result). Commit-log segments are discarded once every
 * table has flushed what they hold.
 *
 * Recovery: each table's SSTables are opened, then the commit log is replayed
 * from the oldest table's flushed position; a record is applied to a table
 * only if it ends after that table's own flushed position.
 *
 * Back-pressure: memtables of every table together (active and flushing) may
 * hold `memtableSpaceBytes`. Past it, writes wait in arrival order until a
 * flush frees memory — as Cassandra blocks writes when memtable space runs
 * out — so a write rate above the flush rate cannot grow memory without bound.
 *
 * Compaction runs per table in the background after flushes and at start-up,
 * and on demand (`compact`); see docs/storage.md.
 */
import {
  BinaryWriter,
  CorruptionError,
  decodeMutation,
  ErrorCodes,
  encodeMutationInto,
  isRingtailError,
  joinPath,
  type Logger,
  type Mutation,
  mkdirDurable,
  type PartitionUpdate,
  RingtailError,
  type Runtime,
  silentLogger,
} from '@ringtail/codec';
import { CommitLog, type CommitLogPosition, comparePositions, type SyncMode } from '@ringtail/commitlog';
import { UpdateChecker } from '@ringtail/memtable';
import { BlockCache, type BlockCacheStats, type SSTableReaderOptions } from '@ringtail/sstable';
import { type BackgroundExecutor, inlineExecutor, WorkerExecutor } from './background/executor.js';
import type { CompactRequest } from './compaction/compactor.js';
import {
  COMMITLOG_DIRECTORY,
  DEFAULT_COMMITLOG_FLUSH_BYTES,
  DEFAULT_DATA_CACHE_BYTES,
  DEFAULT_INDEX_CACHE_BYTES,
  DEFAULT_MEMTABLE_FLUSH_BYTES,
  MAX_BLOCKED_WRITES,
  TABLES_DIRECTORY,
} from './constants.js';
import { type ScanRange, type TableOptions, type TableStats, TableStore } from './table-store.js';

export interface StorageOptions {
  runtime: Runtime;
  /** Holds `commitlog/` and `data/<table id>/`. */
  dataDirectory: string;
  /** Tables to open (their SSTables, and their share of the commit log). */
  tables: readonly TableOptions[];
  commitLog?: {
    syncMode?: SyncMode;
    syncPeriodMs?: number;
    groupWindowMs?: number;
    segmentSizeBytes?: number;
  };
  memtableFlushBytes?: number;
  /** Memtable memory of all tables before writes wait for flushes. Default 4 × memtableFlushBytes. */
  memtableSpaceBytes?: number;
  /** Writes allowed to wait for memtable space; beyond, LIMIT_EXCEEDED. Default MAX_BLOCKED_WRITES. */
  maxBlockedWrites?: number;
  commitLogFlushBytes?: number;
  /** Index blocks kept for point reads, all tables together. Default DEFAULT_INDEX_CACHE_BYTES; 0 turns it off. */
  indexCacheBytes?: number;
  /** Data blocks kept for point reads, all tables together. Default DEFAULT_DATA_CACHE_BYTES; 0 turns it off. */
  dataCacheBytes?: number;
  /**
   * Run flushes and compactions in worker threads, one for each
   * (background/executor.ts), through the real file system whatever
   * `runtime.fs` is: only for an engine on the real file system. Default
   * false: they run on the engine's thread through `runtime.fs`.
   */
  backgroundWorker?: boolean;
  logger?: Logger;
}

export interface ReplayReport {
  readonly records: number;
  readonly applied: number;
  readonly skippedFlushed: number;
  readonly skippedUnknownTable: number;
}

/** A write waiting for memtable space, validated and bound to its tables. */
interface BlockedWrite {
  readonly mutation: Mutation;
  readonly stores: TableStore[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class StorageEngine {
  private readonly tables = new Map<string, TableStore>();
  private readonly checker = new UpdateChecker();
  /** Each write's commit-log record is encoded here; the commit log copies it before append returns. */
  private readonly recordScratch = new BinaryWriter(4096);
  /** Where each update's partition body lies in the record just encoded (encodeMutationInto). */
  private readonly bodyBounds: number[] = [];
  private readonly memtableFlushBytes: number;
  private readonly memtableSpaceBytes: number;
  private readonly maxBlockedWrites: number;
  private readonly commitLogFlushBytes: number;
  /** Writes waiting for memtable space, oldest first from `blockedHead`. */
  private blocked: (BlockedWrite | undefined)[] = [];
  private blockedHead = 0;
  /** Set when a background flush fails; waiting writes fail with it rather than wait forever. */
  private flushFailure: unknown;
  private readonly logger: Logger;
  private readonly readerOptions: { readonly indexCache: BlockCache; readonly dataCache: BlockCache };
  /** Where flushes and compactions run. */
  private readonly executor: BackgroundExecutor;
  private closed = false;
  /** Flushes started by size thresholds; awaited on close. */
  private readonly background = new Set<Promise<void>>();
  /** The flush started because the commit log passed commitLogFlushBytes, while it runs. */
  private commitLogFlush: Promise<void> | undefined;
  replayReport: ReplayReport = { records: 0, applied: 0, skippedFlushed: 0, skippedUnknownTable: 0 };

  private constructor(
    private readonly options: StorageOptions,
    private readonly log: CommitLog,
  ) {
    this.memtableFlushBytes = options.memtableFlushBytes ?? DEFAULT_MEMTABLE_FLUSH_BYTES;
    this.memtableSpaceBytes = options.memtableSpaceBytes ?? 4 * this.memtableFlushBytes;
    this.maxBlockedWrites = options.maxBlockedWrites ?? MAX_BLOCKED_WRITES;
    this.commitLogFlushBytes = options.commitLogFlushBytes ?? DEFAULT_COMMITLOG_FLUSH_BYTES;
    this.logger = options.logger ?? silentLogger;
    this.executor = options.backgroundWorker === true ? new WorkerExecutor() : inlineExecutor(options.runtime.fs);
    this.readerOptions = {
      indexCache: new BlockCache(options.indexCacheBytes ?? DEFAULT_INDEX_CACHE_BYTES),
      dataCache: new BlockCache(options.dataCacheBytes ?? DEFAULT_DATA_CACHE_BYTES),
    };
  }

  static async open(options: StorageOptions): Promise<StorageEngine> {
    const { fs } = options.runtime;
    for (const name of [
      'memtableFlushBytes',
      'memtableSpaceBytes',
      'maxBlockedWrites',
      'commitLogFlushBytes',
    ] as const) {
      const value = options[name];
      if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
        throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `${name} must be a positive integer, got ${value}`);
      }
    }
    for (const name of ['indexCacheBytes', 'dataCacheBytes'] as const) {
      const value = options[name];
      if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
        throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `${name} must be an integer >= 0, got ${value}`);
      }
    }
    await mkdirDurable(fs, joinPath(options.dataDirectory, TABLES_DIRECTORY));
    const log = await CommitLog.open({
      runtime: options.runtime,
      directory: joinPath(options.dataDirectory, COMMITLOG_DIRECTORY),
      ...options.commitLog,
    });
    const engine = new StorageEngine(options, log);
    try {
      for (const table of options.tables) await engine.openTable(table);
      await engine.clampFlushedPositions();
      await engine.replay();
      for (const table of engine.tables.values()) table.requestCompaction();
    } catch (error) {
      await engine.close().catch(() => {});
      throw error;
    }
    return engine;
  }

  /** Adds a table (creating its directory if new). */
  async createTable(options: TableOptions): Promise<void> {
    this.assertOpen();
    if (this.tables.has(options.tableId)) {
      throw new RingtailError(ErrorCodes.ALREADY_EXISTS, `table ${options.tableId} is already open`);
    }
    await this.openTable(options);
    this.table(options.tableId).requestCompaction();
  }

  /**
   * Changes a table's gc_grace_seconds and compaction settings (ALTER TABLE)
   * without reopening it; the next compaction uses them.
   */
  alterTable(options: TableOptions): void {
    this.assertOpen();
    this.table(options.tableId).alter(options);
  }

  private async openTable(options: TableOptions): Promise<void> {
    const directory = joinPath(this.options.dataDirectory, TABLES_DIRECTORY, options.tableId);
    const { fs, clock } = this.options.runtime;
    const env = {
      fs,
      clock,
      logger: this.logger,
      readerOptions: this.readerOptions satisfies SSTableReaderOptions,
      background: this.executor,
      onMemtableFlushed: () => {
        if (this.blockedHead < this.blocked.length) this.drainBlocked();
      },
    };
    const store = await TableStore.open(env, directory, options);
    this.tables.set(options.tableId, store);
  }

  private table(tableId: string): TableStore {
    const table = this.tables.get(tableId);
    if (table === undefined) throw new RingtailError(ErrorCodes.NOT_FOUND, `unknown table ${tableId}`);
    return table;
  }

  /**
   * Applies a mutation. Resolves when it is durable to the commit log's sync
   * mode; it is visible to reads as soon as this returns — unless memtable
   * space is exhausted: then it waits, behind earlier waiting writes, for a
   * flush to free memory, and becomes visible when it is applied.
   */
  write(mutation: Mutation): Promise<void> {
    if (this.closed) return Promise.reject(new RingtailError(ErrorCodes.CLOSED, 'storage engine is closed'));
    let stores: TableStore[];
    try {
      // Everything that can refuse the write does so before it reaches the
      // commit log: a record there that replay would refuse blocks recovery.
      stores = mutation.updates.map((u) => this.table(u.tableId));
      for (const update of mutation.updates) this.checker.check(update, update.tableId);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.blockedHead < this.blocked.length || this.memtableSpaceExhausted()) return this.block(mutation, stores);
    return this.writeNow(mutation, stores);
  }

  private writeNow(mutation: Mutation, stores: readonly TableStore[]): Promise<void> {
    const bounds = this.bodyBounds;
    const record = encodeMutationInto(this.recordScratch, mutation, bounds);
    const ticket = this.log.append(record);
    // Refused (too large, or the log closed or failed): the write fails and must be in no memtable either.
    if (ticket.refused) return ticket.durable;
    // Each memtable takes its update's bytes from the record (valid until the next write) rather than encoding it again.
    for (let i = 0; i < stores.length; i++) {
      stores[i]!.apply(mutation.updates[i]!, record.subarray(bounds[2 * i]!, bounds[2 * i + 1]!));
    }
    for (const store of stores) {
      if (store.memtableBytes >= this.memtableFlushBytes) this.flushInBackground(store);
    }
    if (this.log.sizeBytes >= this.commitLogFlushBytes) this.flushOldest();
    return ticket.durable;
  }

  private memtableSpaceExhausted(): boolean {
    let bytes = 0;
    for (const table of this.tables.values()) bytes += table.memtableBytes + table.flushingBytes;
    return bytes >= this.memtableSpaceBytes;
  }

  private block(mutation: Mutation, stores: TableStore[]): Promise<void> {
    if (this.blocked.length - this.blockedHead >= this.maxBlockedWrites) {
      return Promise.reject(
        new RingtailError(
          ErrorCodes.LIMIT_EXCEEDED,
          `${this.maxBlockedWrites} writes are already waiting for memtable space to be flushed`,
        ),
      );
    }
    const waiting = new Promise<void>((resolve, reject) => {
      this.blocked.push({ mutation, stores, resolve, reject });
    });
    this.relieveMemtableSpace();
    return waiting;
  }

  /**
   * Makes sure a flush is under way while writes wait: a failed flush's retry,
   * or else the largest active memtable's.
   */
  private relieveMemtableSpace(): void {
    let largest: TableStore | undefined;
    let retry: TableStore | undefined;
    for (const table of this.tables.values()) {
      if (table.isFlushing) return; // its end drains the waiting writes
      if (table.flushingBytes > 0) retry = table;
      if (table.hasActiveData && (largest === undefined || table.memtableBytes > largest.memtableBytes)) {
        largest = table;
      }
    }
    const next = retry ?? largest;
    if (next !== undefined) this.flushInBackground(next);
    else if (!this.memtableSpaceExhausted()) this.drainBlocked();
    else {
      // Only empty memtables (their fixed overhead) fill the space: no flush can free any.
      this.rejectBlocked(
        new RingtailError(
          ErrorCodes.LIMIT_EXCEEDED,
          `memtableSpaceBytes (${this.memtableSpaceBytes}) is too small for ${this.tables.size} tables' empty memtables`,
        ),
      );
    }
  }

  /** Lets waiting writes in, oldest first, while memtable space allows; called when a flush ends. */
  private drainBlocked(): void {
    while (this.blockedHead < this.blocked.length) {
      if (!this.closed && this.memtableSpaceExhausted()) {
        if (this.flushFailure === undefined) {
          this.relieveMemtableSpace();
          return;
        }
        const cause = this.flushFailure;
        this.flushFailure = undefined;
        this.rejectBlocked(
          new RingtailError(ErrorCodes.IO, 'memtable space is exhausted and a flush failed', { cause }),
        );
        return;
      }
      const write = this.blocked[this.blockedHead]!;
      this.blocked[this.blockedHead++] = undefined;
      if (this.closed) write.reject(new RingtailError(ErrorCodes.CLOSED, 'storage engine is closed'));
      else this.writeNow(write.mutation, write.stores).then(write.resolve, write.reject);
    }
    this.blocked = [];
    this.blockedHead = 0;
    // A failure no waiting write saw is not the next waiting write's business: the next flush may well succeed.
    this.flushFailure = undefined;
  }

  private rejectBlocked(error: RingtailError): void {
    const waiting = this.blocked.slice(this.blockedHead);
    this.blocked = [];
    this.blockedHead = 0;
    for (const write of waiting) write?.reject(error);
  }

  async read(tableId: string, key: Uint8Array): Promise<PartitionUpdate | undefined> {
    this.assertOpen();
    return this.table(tableId).get(key);
  }

  scan(tableId: string, range: ScanRange = {}): AsyncGenerator<PartitionUpdate> {
    this.assertOpen();
    return this.table(tableId).scan(range);
  }

  /** Flushes one table's memtable (or every table's) to SSTables; resolves when they are live. */
  async flush(tableId?: string): Promise<void> {
    this.assertOpen();
    const stores = tableId === undefined ? [...this.tables.values()] : [this.table(tableId)];
    const upTo = this.log.appendedPosition;
    try {
      await Promise.all(stores.map((s) => s.flush(upTo)));
    } finally {
      this.drainBlocked();
    }
    await this.discardFlushedCommitLog();
  }

  /**
   * Compacts one table (or each table, one after another) and resolves when
   * done: by default the table's strategy runs until it selects nothing;
   * `{ major: true }` merges every SSTable into one (`nodetool compact`);
   * `{ generations }` merges exactly those SSTables of `tableId`.
   */
  async compact(tableId?: string, request: CompactRequest = {}): Promise<void> {
    this.assertOpen();
    if (tableId === undefined && request.generations !== undefined) {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, 'compacting SSTables by generation needs a table');
    }
    const stores = tableId === undefined ? [...this.tables.values()] : [this.table(tableId)];
    for (const store of stores) await store.compact(request);
  }

  async truncate(tableId: string): Promise<void> {
    this.assertOpen();
    await this.table(tableId).truncate(this.log.appendedPosition);
    await this.discardFlushedCommitLog();
  }

  async dropTable(tableId: string): Promise<void> {
    this.assertOpen();
    const table = this.table(tableId);
    this.tables.delete(tableId);
    await table.drop();
    await this.discardFlushedCommitLog();
  }

  stats(tableId: string): TableStats {
    return this.table(tableId).stats();
  }

  /** Hits, misses and size of the block caches, for metrics. */
  get cacheStats(): { readonly index: BlockCacheStats; readonly data: BlockCacheStats } {
    return { index: this.readerOptions.indexCache.stats(), data: this.readerOptions.dataCache.stats() };
  }

  get commitLogBytes(): number {
    return this.log.sizeBytes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rejectBlocked(new RingtailError(ErrorCodes.CLOSED, 'storage engine is closed'));
    await Promise.allSettled([...this.background]);
    for (const table of this.tables.values()) await table.close();
    await this.executor.close();
    await this.log.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new RingtailError(ErrorCodes.CLOSED, 'storage engine is closed');
  }

  private flushInBackground(store: TableStore): Promise<void> {
    const flush = store
      .flush(this.log.appendedPosition)
      .then(
        () => {
          this.flushFailure = undefined;
          this.drainBlocked();
          return this.discardFlushedCommitLog();
        },
        (error: unknown) => {
          this.flushFailure = error;
          this.drainBlocked();
          throw error;
        },
      )
      .catch((err: unknown) => this.logger.error({ err, table: store.tableId }, 'flush failed'));
    this.background.add(flush);
    void flush.finally(() => this.background.delete(flush));
    return flush;
  }

  /**
   * Flushes the table whose unflushed data is oldest, so the commit log can
   * shrink. One at a time: until that flush has discarded segments the log
   * stays over its limit, and flushing again on every write meanwhile would
   * write a stream of tiny SSTables (each one then a reason to compact).
   */
  private flushOldest(): void {
    if (this.commitLogFlush !== undefined) return;
    let oldest: TableStore | undefined;
    for (const table of this.tables.values()) {
      if (!table.hasUnflushedData) continue;
      if (oldest === undefined || earlier(table.flushedUpTo, oldest.flushedUpTo)) oldest = table;
    }
    if (oldest === undefined) return;
    const flush = this.flushInBackground(oldest);
    this.commitLogFlush = flush;
    void flush.finally(() => {
      this.commitLogFlush = undefined;
    });
  }

  /** Deletes commit-log segments that every table has flushed. */
  private async discardFlushedCommitLog(): Promise<void> {
    if (this.closed) return;
    let keepFrom: CommitLogPosition | undefined = this.log.appendedPosition;
    for (const table of this.tables.values()) {
      if (!table.hasUnflushedData) continue;
      const from = table.flushedUpTo;
      if (from === undefined) return; // never flushed: every segment may hold its data
      if (comparePositions(from, keepFrom) < 0) keepFrom = from;
    }
    await this.log.discardUpTo(keepFrom);
  }

  /**
   * Every record on disk is older than the log's current position at open.
   * A flushed position past it cannot cover a record to come, yet would make
   * replay skip it: segment ids went backwards (the clock stepped back across
   * a restart, or empty trailing segments were removed and the next id came
   * from the clock). Such a position is moved back to the log's start, durably.
   */
  private async clampFlushedPositions(): Promise<void> {
    const start = this.log.appendedPosition;
    for (const table of this.tables.values()) {
      const flushed = table.flushedUpTo;
      if (flushed === undefined || comparePositions(flushed, start) <= 0) continue;
      this.logger.warn({ table: table.tableId, flushed, start }, 'flushed position is past the commit log: moved back');
      await table.setFlushedPosition(start);
    }
  }

  private async replay(): Promise<void> {
    let from: CommitLogPosition | undefined;
    let unflushedTable = false;
    for (const table of this.tables.values()) {
      if (table.flushedUpTo === undefined) unflushedTable = true;
      else if (from === undefined || comparePositions(table.flushedUpTo, from) < 0) from = table.flushedUpTo;
    }
    const report = { records: 0, applied: 0, skippedFlushed: 0, skippedUnknownTable: 0 };
    for await (const record of this.log.replay(unflushedTable ? undefined : from)) {
      report.records++;
      let mutation: Mutation;
      try {
        mutation = decodeMutation(record.payload);
      } catch (error) {
        if (isRingtailError(error, ErrorCodes.UNSUPPORTED_VERSION)) throw error;
        throw new CorruptionError(
          `commit log segment ${record.segmentId}`,
          record.offset,
          `record passed its checksum but is not a valid mutation: ${(error as Error).message}`,
          { cause: error },
        );
      }
      for (const update of mutation.updates) {
        const table = this.tables.get(update.tableId);
        if (table === undefined) report.skippedUnknownTable++;
        else if (table.isFlushed(record.position)) report.skippedFlushed++;
        else {
          table.apply(update);
          report.applied++;
        }
      }
    }
    this.replayReport = report;
    this.logger.info({ ...report }, 'commit log replayed');
  }
}

function earlier(a: CommitLogPosition | undefined, b: CommitLogPosition | undefined): boolean {
  if (a === undefined) return b !== undefined;
  return b !== undefined && comparePositions(a, b) < 0;
}
