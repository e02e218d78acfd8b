/**
 * The commit log: a segmented, checksummed write-ahead log with group commit.
 * Format: format.ts and docs/formats/commitlog.md. Behaviour of the sync modes:
 * options.ts.
 *
 * Write path. `append` encodes the record straight into a staging buffer and
 * schedules one end-of-turn flush (`setImmediate`: after every I/O callback
 * of this event-loop iteration), which hands every record appended in that
 * turn to the OS in a single write. A microtask would flush after each
 * callback instead — one write(2) per HTTP request, 8% of a request's time
 * in the http-write benchmark; within a turn nothing else can happen between
 * an append and its write that a microtask would have prevented. Nothing stays in
 * JavaScript memory past that turn, except while a segment is being rolled
 * over (below). In `periodic` mode the append resolves right after that write;
 * in `group` and `batch` modes it waits for an fsync that started after the
 * write, so one fsync covers every append made before it.
 *
 * Rollover. When a record does not fit in the active segment, the segment is
 * fsynced before a single byte goes to the next one (prepared ahead of time,
 * its header already durable). Appends made meanwhile are held and written
 * once the next segment takes over. This keeps the invariant recovery relies
 * on: only the last segment holding records can have a torn tail.
 *
 * Failure. Any failed write or fsync fails the log ("stop" commit failure
 * policy): pending and later appends reject with the error, because what
 * reached the disk is no longer known.
 */
import {
  CorruptionError,
  ErrorCodes,
  type FileLock,
  type FileSystem,
  joinPath,
  mkdirDurable,
  RingtailError,
  type TimerHandle,
} from '@ringtail/codec';
import { AppendTicket, Batch } from './batch.js';
import { INITIAL_STAGING_BYTES } from './constants.js';
import {
  type CommitLogPosition,
  checksumSeed,
  encodeHeader,
  encodeRecordInto,
  HEADER_BYTES,
  RECORD_OVERHEAD_BYTES,
  segmentFileName,
} from './format.js';
import { type CommitLogOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { type RecoveryReport, recoverSegments } from './recovery.js';
import { type ReplayedRecord, type ReplayOptions, replaySegments } from './replay.js';
import type { Segment } from './segment.js';

/** Staged bytes past which a turn's appends are written before the turn ends, bounding memory. */
const STAGING_FLUSH_BYTES = 4 * 1024 * 1024;

/** An append made while the active segment is being replaced, waiting to be written. */
interface HeldAppend {
  readonly payload: Uint8Array;
  readonly ticket: AppendTicket;
}

export class CommitLog {
  /** What open() found and repaired. */
  readonly recovery: RecoveryReport;

  private readonly fs: FileSystem;
  private readonly segments: Segment[];
  private active: Segment;
  private next: Promise<Segment> | undefined;
  private nextSegmentId: number;

  private staging = new Uint8Array(INITIAL_STAGING_BYTES);
  private stagedBytes = 0;
  /** The batch the current turn's appends join; undefined until the turn's first append. */
  private stagedBatch: Batch | undefined;
  private flushScheduled = false;
  private readonly flushBound = (): void => this.flushStaged();

  /** Defined while the active segment is being replaced; appends made meanwhile are held. */
  private rollover: Promise<void> | undefined;
  private held: HeldAppend[] = [];
  private heldBatch: Batch | undefined;

  /** Written batches waiting for an fsync (group and batch modes; `sync()` callers in every mode). */
  private awaitingSync: Batch[] = [];
  private syncInFlight: Promise<void> | undefined;
  private syncTimer: TimerHandle | undefined;
  private readonly periodicTimer: TimerHandle | undefined;
  private lastSyncStartMs = Number.NEGATIVE_INFINITY;
  private lastWritten: CommitLogPosition;
  private lastSynced: CommitLogPosition;

  private failure: RingtailError | undefined;
  private closed = false;

  private constructor(
    private readonly options: ResolvedOptions,
    private readonly lock: FileLock,
    recovered: { segments: Segment[]; report: RecoveryReport },
    active: Segment,
  ) {
    this.fs = options.runtime.fs;
    this.recovery = recovered.report;
    this.segments = [...recovered.segments, active];
    this.active = active;
    this.nextSegmentId = active.id + 1;
    this.lastWritten = { segmentId: active.id, offset: active.end };
    this.lastSynced = this.lastWritten;
    this.next = this.prepareNext();
    if (options.syncMode === 'periodic') {
      this.periodicTimer = options.runtime.timers.setInterval(() => {
        if (this.segments.some((s) => s.end > s.syncedEnd)) this.startSync();
      }, options.syncPeriodMs);
    }
  }

  /**
   * Opens (creating if needed) the log in `options.directory`: takes the
   * directory's lock, cuts a torn tail left by a crash (see `recovery`), and
   * starts a new segment for appends. Existing records stay readable by `replay`.
   */
  static async open(options: CommitLogOptions): Promise<CommitLog> {
    const resolved = resolveOptions(options);
    const { fs, clock } = resolved.runtime;
    await mkdirDurable(fs, resolved.directory);
    const lock = await fs.lock(joinPath(resolved.directory, 'LOCK'));
    try {
      const recovered = await recoverSegments(fs, resolved.directory);
      // Ids only grow — across restarts, and past empty segments recovery
      // removed — so a position saved by a flush never points past a segment
      // written later, whatever the clock does.
      const firstId = Math.max(recovered.report.highestSegmentId + 1, Math.floor(clock.nowMicros() / 1000));
      const active = await prepareSegmentFile(fs, resolved.directory, firstId);
      return new CommitLog(resolved, lock, recovered, active);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /**
   * Appends one record. The payload is copied before this returns, so the
   * caller may reuse its buffer. The ticket resolves to the position just past
   * the record once the record is durable to the configured sync mode.
   */
  append(payload: Uint8Array): AppendTicket {
    if (this.failure !== undefined || this.closed || payload.length > this.options.maxRecordBytes) {
      return this.refused(payload);
    }
    const recordBytes = payload.length + RECORD_OVERHEAD_BYTES;
    if (
      this.rollover === undefined &&
      this.active.end + this.stagedBytes + recordBytes > this.options.segmentSizeBytes
    ) {
      this.startRollover();
    }
    if (this.rollover !== undefined) {
      this.heldBatch ??= new Batch();
      const ticket = new AppendTicket(-1, -1, this.heldBatch);
      this.held.push({ payload: payload.slice(), ticket });
      return ticket;
    }
    return this.stage(payload, recordBytes, undefined);
  }

  /** Resolves once everything appended before the call is fsynced, in every sync mode. */
  sync(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new RingtailError(ErrorCodes.CLOSED, 'commit log is closed'));
    if (this.rollover !== undefined) return this.rollover.then(() => this.sync());
    this.flushStaged();
    const batch = new Batch();
    this.awaitingSync.push(batch);
    this.requestSync(true);
    return batch.promise;
  }

  /**
   * Position just past the last record appended (staged or written). Every
   * record appended before this call ends at or before it, except appends held
   * during a segment rollover, which end after it.
   */
  get appendedPosition(): CommitLogPosition {
    return this.lastAppended();
  }

  /** Position just past the last record written to the OS. */
  get writtenPosition(): CommitLogPosition {
    return this.lastWritten;
  }

  /** Position just past the last record covered by a completed fsync. */
  get syncedPosition(): CommitLogPosition {
    return this.lastSynced;
  }

  /** Bytes in all segments on disk. */
  get sizeBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.end;
    return total;
  }

  /** Ids of the segments on disk, ascending. */
  get segmentIds(): number[] {
    return this.segments.map((s) => s.id);
  }

  /**
   * Marks every record before `position` as no longer needed (their data is in
   * SSTables). Segments holding only such records are deleted; the active
   * segment never is.
   */
  async discardUpTo(position: CommitLogPosition): Promise<void> {
    this.assertOpen();
    // A segment in the fsync under way must keep its handle until the fsync ends.
    await this.syncInFlight;
    const doomed = this.segments.filter(
      (s) =>
        s !== this.active &&
        s.syncedEnd === s.end &&
        (s.id < position.segmentId || (s.id === position.segmentId && position.offset >= s.end)),
    );
    if (doomed.length === 0) return;
    // Out of the list before the first await, so that a concurrent discard cannot pick them again.
    for (const segment of doomed) this.segments.splice(this.segments.indexOf(segment), 1);
    for (const segment of doomed) {
      await segment.handle?.close();
      segment.handle = undefined;
      await this.fs.unlink(segment.path);
    }
    await this.fs.syncDir(this.options.directory);
  }

  /**
   * Yields, in log order, every record on disk that starts at or after `from`.
   * A torn tail was already cut at open; any record that fails verification
   * is a CorruptionError naming the file and offset — or, with
   * `skipCorruption`, is skipped and reported through `onSkip`.
   */
  replay(from?: CommitLogPosition, options?: ReplayOptions): AsyncGenerator<ReplayedRecord> {
    this.assertOpen();
    return replaySegments(this.fs, [...this.segments], from, options);
  }

  /** Writes and fsyncs everything appended, stops the timers, closes the files and releases the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.failure === undefined) await this.sync().catch(() => {}); // a failure is already recorded
    this.closed = true;
    this.syncTimer?.cancel();
    this.periodicTimer?.cancel();
    await this.syncInFlight;
    const next = await this.next?.catch(() => undefined);
    if (next !== undefined) {
      // Never used: remove it rather than leave an empty segment behind.
      await next.handle?.close();
      await this.fs.unlink(next.path).catch(() => {});
    }
    for (const segment of this.segments) {
      await segment.handle?.close().catch(() => {});
      segment.handle = undefined;
    }
    await this.lock.release();
  }

  private assertOpen(): void {
    if (this.closed) throw new RingtailError(ErrorCodes.CLOSED, 'commit log is closed');
  }

  private lastAppended(): CommitLogPosition {
    return { segmentId: this.active.id, offset: this.active.end + this.stagedBytes };
  }

  private refused(payload: Uint8Array): AppendTicket {
    const batch = new Batch();
    if (this.failure !== undefined) batch.reject(this.failure);
    else if (this.closed) batch.reject(new RingtailError(ErrorCodes.CLOSED, 'commit log is closed'));
    else {
      batch.reject(
        new RingtailError(
          ErrorCodes.LIMIT_EXCEEDED,
          `commit log record of ${payload.length} bytes exceeds the maximum of ${this.options.maxRecordBytes} bytes`,
        ),
      );
    }
    return new AppendTicket(-1, -1, batch, true);
  }

  /** Encodes a record into the staging buffer; the turn's end writes it. */
  private stage(payload: Uint8Array, recordBytes: number, ticket: AppendTicket | undefined): AppendTicket {
    const needed = this.stagedBytes + recordBytes;
    if (needed > this.staging.length) {
      const grown = new Uint8Array(Math.max(needed, this.staging.length * 2));
      grown.set(this.staging.subarray(0, this.stagedBytes));
      this.staging = grown;
    }
    this.stagedBytes = encodeRecordInto(this.staging, this.stagedBytes, payload, this.active.seed);
    this.stagedBatch ??= new Batch();
    const offset = this.active.end + this.stagedBytes;
    let result = ticket;
    if (result === undefined) {
      result = new AppendTicket(this.active.id, offset, this.stagedBatch);
    } else {
      result.segmentId = this.active.id;
      result.offset = offset;
      result.batch = this.stagedBatch;
    }
    if (this.stagedBytes >= STAGING_FLUSH_BYTES) {
      this.flushStaged();
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushBound);
    }
    return result;
  }

  /** Hands the staged records to the OS in one write. */
  private flushStaged(): void {
    this.flushScheduled = false;
    const batch = this.stagedBatch;
    if (batch === undefined) return;
    this.stagedBatch = undefined;
    const segment = this.active;
    const bytes = this.stagedBytes;
    this.stagedBytes = 0;
    try {
      segment.handle!.writeSync(this.staging.subarray(0, bytes), segment.end);
    } catch (error) {
      batch.reject(this.fail('write', segment.path, error));
      return;
    }
    segment.end += bytes;
    this.lastWritten = { segmentId: segment.id, offset: segment.end };
    if (this.staging.length > STAGING_FLUSH_BYTES * 2) this.staging = new Uint8Array(INITIAL_STAGING_BYTES);
    if (this.options.syncMode === 'periodic') {
      batch.resolve();
    } else {
      this.awaitingSync.push(batch);
      this.requestSync(false);
    }
  }

  private requestSync(immediate: boolean): void {
    if (this.syncInFlight !== undefined || this.failure !== undefined) return; // re-requested when it ends
    if (this.options.syncMode !== 'group' || immediate) {
      this.syncTimer?.cancel();
      this.syncTimer = undefined;
      this.startSync();
      return;
    }
    if (this.syncTimer !== undefined) return;
    const dueMs = this.lastSyncStartMs + this.options.groupWindowMs - this.options.runtime.clock.monotonicMs();
    if (dueMs <= 0) {
      this.startSync();
    } else {
      // Kept alive: appends are waiting on it, and an unref'd timer would let
      // the process exit with their acknowledgements never delivered.
      this.syncTimer = this.options.runtime.timers.setTimeout(
        () => {
          this.syncTimer = undefined;
          this.startSync();
        },
        dueMs,
        { keepAlive: true },
      );
    }
  }

  /** One fsync of every dirty segment; settles the batches written before it started. */
  private startSync(): void {
    if (this.syncInFlight !== undefined || this.failure !== undefined) return;
    this.lastSyncStartMs = this.options.runtime.clock.monotonicMs();
    const covered = this.lastWritten;
    const batches = this.awaitingSync;
    this.awaitingSync = [];
    const dirty = this.segments.filter((s) => s.end > s.syncedEnd);
    const run = async (): Promise<void> => {
      for (const segment of dirty) await this.syncSegment(segment);
    };
    this.syncInFlight = run().then(
      () => {
        this.syncInFlight = undefined;
        this.lastSynced = covered;
        for (const batch of batches) batch.resolve();
        if (this.awaitingSync.length > 0) this.requestSync(false);
      },
      (error: unknown) => {
        this.syncInFlight = undefined;
        for (const batch of batches) batch.reject(error);
      },
    );
  }

  /** Replaces the active segment: write what is staged, fsync it, then switch to the prepared one. */
  private startRollover(): void {
    this.flushStaged();
    const previous = this.active;
    const run = async (): Promise<void> => {
      // Even if a sync under way covers it: the next segment gets no byte before this one is durable.
      await this.syncSegment(previous);
      const next = await this.next!;
      this.next = this.prepareNext();
      this.segments.push(next);
      this.active = next;
    };
    this.rollover = run().then(
      () => this.endRollover(),
      (error: unknown) => {
        this.rollover = undefined;
        this.held = [];
        this.heldBatch?.reject(this.failure ?? this.fail('segment rollover', previous.path, error));
        this.heldBatch = undefined;
      },
    );
  }

  /** Writes the appends held during the rollover, in order, to the new active segment. */
  private endRollover(): void {
    this.rollover = undefined;
    const held = this.held;
    const heldBatch = this.heldBatch;
    this.held = [];
    this.heldBatch = undefined;
    for (const { payload, ticket } of held) {
      const recordBytes = payload.length + RECORD_OVERHEAD_BYTES;
      if (
        this.rollover === undefined &&
        this.active.end + this.stagedBytes + recordBytes > this.options.segmentSizeBytes
      ) {
        this.startRollover();
      }
      if (this.rollover !== undefined) {
        this.heldBatch ??= new Batch();
        ticket.batch = this.heldBatch;
        this.held.push({ payload, ticket });
      } else {
        this.stage(payload, recordBytes, ticket);
      }
    }
    // Whoever awaited a held ticket already is attached to `heldBatch`: settle it with the last of them.
    const last = held.at(-1)?.ticket.batch;
    if (heldBatch !== undefined && last !== undefined) heldBatch.follow(last);
  }

  /** fsyncs a segment; what was written before the call is durable when this resolves. */
  private async syncSegment(segment: Segment): Promise<void> {
    const end = segment.end;
    try {
      await segment.handle!.datasync();
    } catch (error) {
      throw this.fail('fsync', segment.path, error);
    }
    segment.syncedEnd = Math.max(segment.syncedEnd, end);
  }

  private prepareNext(): Promise<Segment> {
    const next = prepareSegmentFile(this.fs, this.options.directory, this.nextSegmentId++);
    next.catch(() => {}); // a failure surfaces when the segment is needed
    return next;
  }

  private fail(what: string, path: string, cause: unknown): RingtailError {
    if (this.failure === undefined) {
      this.failure =
        cause instanceof CorruptionError
          ? cause
          : new RingtailError(ErrorCodes.IO, `commit log ${what} failed on ${path}; the log is stopped`, { cause });
      const failure = this.failure;
      this.stagedBatch?.reject(failure);
      this.stagedBatch = undefined;
      this.stagedBytes = 0;
      for (const batch of this.awaitingSync) batch.reject(failure);
      this.awaitingSync = [];
    }
    return this.failure;
  }
}

/** Creates a segment with a durable header and a durable directory entry. */
async function prepareSegmentFile(fs: FileSystem, directory: string, id: number): Promise<Segment> {
  const path = joinPath(directory, segmentFileName(id));
  const handle = await fs.open(path, 'wx');
  try {
    await handle.write(encodeHeader(id), 0);
    await handle.datasync();
    await fs.syncDir(directory);
  } catch (error) {
    await handle.close().catch(() => {});
    throw error;
  }
  return { id, path, seed: checksumSeed(id), handle, end: HEADER_BYTES, syncedEnd: HEADER_BYTES };
}
