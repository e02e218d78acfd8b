/**
 * Runs one table's compactions: in the background after flushes, and on
 * demand. One at a time per table, in the order asked. Each is a job
 * (job.ts) for the engine's executor: in its compaction worker, or on the
 * engine's thread between awaits of file I/O; writes and reads go on
 * meanwhile either way. The job's output replaces its inputs once committed.
 */
import {
  type Clock,
  ErrorCodes,
  type FileSystem,
  isRingtailError,
  type Logger,
  RingtailError,
  secondsFromMicros,
} from '@ringtail/codec';
import { SSTableReader, type SSTableReaderOptions } from '@ringtail/sstable';
import type { BackgroundExecutor } from '../background/executor.js';
import type { SSTableSet } from '../sstable-set.js';
import { newStopFlag, requestStop } from './job.js';
import type { ResolvedCompactionOptions } from './options.js';
import { estimatePendingCompactions, selectCompaction } from './strategy.js';
import { CompactionInDoubtError, deleteInputs } from './task.js';

/** What `StorageEngine.compact` asks for. */
export interface CompactRequest {
  /** Every SSTable of the table into one, whatever the strategy says (`nodetool compact`). */
  readonly major?: boolean;
  /** Exactly these SSTables, by generation (Cassandra's user-defined compaction). */
  readonly generations?: readonly number[];
}

/** What the compactor needs of its table. */
export interface CompactionHost {
  readonly tableId: string;
  readonly directory: string;
  readonly fs: FileSystem;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sstables: SSTableSet;
  /** Where compactions run. */
  readonly executor: BackgroundExecutor;
  /** How compaction outputs are opened (their block caches). */
  readonly readerOptions: SSTableReaderOptions;
  readonly options: ResolvedCompactionOptions;
  readonly gcGraceSeconds: number;
  allocateGeneration(): number;
  /** The oldest timestamp in the active and flushing memtables; Number.MAX_SAFE_INTEGER if none. */
  memtableMinTimestampMicros(): number;
}

export class Compactor {
  private chain: Promise<void> = Promise.resolve();
  private backgroundQueued = false;
  private pauses = 0;
  private stopped = false;
  private inDoubt: Error | undefined;
  private running = 0;
  private completed = 0;
  /** The stop flag of the compaction under way. */
  private runningStop: Int32Array | undefined;

  constructor(private readonly host: CompactionHost) {}

  get compactionsCompleted(): number {
    return this.completed;
  }

  get compactionsRunning(): number {
    return this.running;
  }

  /** The strategy's estimate for the live SSTables (the running compaction's inputs are still live). */
  get pendingCompactions(): number {
    return estimatePendingCompactions(this.host.options, this.host.sstables.readers, this.host.clock.nowMicros());
  }

  /** Queues a run of the strategy, unless one is already queued; failures are logged. */
  requestBackground(): void {
    if (!this.host.options.enabled || this.backgroundQueued || this.stopped || this.inDoubt !== undefined) return;
    this.backgroundQueued = true;
    this.enqueue(() => {
      this.backgroundQueued = false;
      return this.runStrategy();
    }).catch((error: unknown) => {
      if (isRingtailError(error, ErrorCodes.CLOSED) && this.shouldStop()) return;
      this.host.logger.error({ err: error, table: this.host.tableId }, 'compaction failed');
    });
  }

  /**
   * Without options: runs the strategy until it selects nothing. `major`:
   * every SSTable into one. `generations`: those SSTables into one.
   */
  compact(request: CompactRequest = {}): Promise<void> {
    if (this.stopped) return Promise.reject(new RingtailError(ErrorCodes.CLOSED, 'the table is closed'));
    if (request.major === true && request.generations !== undefined) {
      return Promise.reject(new RingtailError(ErrorCodes.INVALID_ARGUMENT, 'major and generations exclude each other'));
    }
    return this.enqueue(async () => {
      if (request.generations !== undefined) await this.compactGenerations(request.generations);
      else if (request.major === true) {
        const all = this.host.sstables.readers;
        if (all.length > 0 && !this.shouldStop()) await this.compactSSTables(all);
      } else await this.runStrategy();
    });
  }

  /** Stops the compaction under way (undoing it) and holds new ones until the returned resume() is called. */
  async pause(): Promise<() => void> {
    this.pauses++;
    if (this.runningStop !== undefined) requestStop(this.runningStop);
    await this.chain;
    let resumed = false;
    return () => {
      if (!resumed) this.pauses--;
      resumed = true;
    };
  }

  /** Stops the compaction under way, for good; resolves when it has wound down. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.runningStop !== undefined) requestStop(this.runningStop);
    await this.chain;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => {});
    return run;
  }

  private shouldStop(): boolean {
    return this.stopped || this.pauses > 0;
  }

  private async runStrategy(): Promise<void> {
    while (!this.shouldStop()) {
      const inputs = selectCompaction(this.host.options, this.host.sstables.readers, this.host.clock.nowMicros());
      if (inputs.length === 0) return;
      await this.compactSSTables(inputs);
    }
  }

  private async compactGenerations(generations: readonly number[]): Promise<void> {
    const live = this.host.sstables.readers;
    const inputs: SSTableReader[] = [];
    for (const generation of new Set(generations)) {
      const reader = live.find((r) => r.generation === generation);
      if (reader === undefined) {
        throw new RingtailError(ErrorCodes.NOT_FOUND, `table ${this.host.tableId} has no SSTable ${generation}`);
      }
      inputs.push(reader);
    }
    if (inputs.length > 0 && !this.shouldStop()) await this.compactSSTables(inputs);
  }

  private async compactSSTables(inputs: readonly SSTableReader[]): Promise<void> {
    if (this.inDoubt !== undefined) {
      throw new RingtailError(ErrorCodes.IO, 'compaction is off until restart: an earlier one is in doubt', {
        cause: this.inDoubt,
      });
    }
    const { host } = this;
    const outputGeneration = host.allocateGeneration();
    const inputGenerations = inputs.map((r) => r.generation);
    const log = host.logger.child({ table: host.tableId, inputs: inputGenerations, output: outputGeneration });
    const nowMicros = host.clock.nowMicros();
    const memtableMinTimestampMicros = host.memtableMinTimestampMicros();
    const inputSet = new Set(inputs);
    const stop = newStopFlag();
    if (this.shouldStop()) requestStop(stop);
    this.running++;
    this.runningStop = stop;
    try {
      log.debug({}, 'compaction started');
      const result = await host.executor.compact(
        {
          directory: host.directory,
          inputGenerations,
          outputGeneration,
          nowSec: secondsFromMicros(nowMicros),
          gcGraceSeconds: host.gcGraceSeconds,
          memtableMinTimestampMicros,
          // Those whose data could be older than the memtables' oldest: the only ones purging must ask.
          outsideGenerations: host.sstables.readers
            .filter((r) => !inputSet.has(r) && r.stats.minTimestampMicros < memtableMinTimestampMicros)
            .map((r) => r.generation),
          stop,
        },
        log,
      );
      const output = result.hasOutput ? await this.openOutput(outputGeneration) : undefined;
      // Committed: from here on the output is the table's data, whatever happens.
      host.sstables.replace(inputs, output === undefined ? [] : [output]);
      this.completed++;
      log.info(
        {
          partitionsRead: result.partitionsRead,
          partitionsWritten: result.partitionsWritten,
          inputBytes: inputs.reduce((sum, r) => sum + r.sizeBytes, 0),
          outputBytes: output?.sizeBytes ?? 0,
        },
        'compaction finished',
      );
      try {
        await deleteInputs(host.fs, host.directory, inputGenerations, outputGeneration);
      } catch (error) {
        // The committed log stays: the next start-up deletes what is left of the inputs.
        log.warn({ err: error }, 'could not delete the inputs of a finished compaction');
      }
    } catch (error) {
      if (error instanceof CompactionInDoubtError) this.inDoubt = error;
      throw error;
    } finally {
      this.running--;
      this.runningStop = undefined;
    }
  }

  /**
   * Opens a committed compaction's output for reads. It was whole when the
   * job committed; if it cannot be opened now, neither the inputs nor the
   * output can be trusted to be the table's data until the next start-up
   * settles it from the committed log, so compaction stops until then.
   */
  private async openOutput(generation: number): Promise<SSTableReader> {
    try {
      return await SSTableReader.open(this.host.fs, this.host.directory, generation, this.host.readerOptions);
    } catch (error) {
      throw new CompactionInDoubtError(
        ErrorCodes.IO,
        `the output of a committed compaction, SSTable ${generation}, could not be opened`,
        { cause: error },
      );
    }
  }
}
