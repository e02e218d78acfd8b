/**
 * Acknowledgement bookkeeping without a promise per append.
 *
 * Appends made in one turn form a {@link Batch}: one promise, settled when the
 * batch's write (periodic mode) or the fsync covering it (group, batch modes)
 * completes. Each append gets an {@link AppendTicket}, a small thenable that
 * knows its position and defers to its batch's promise. A busy log has tens of
 * thousands of appends in flight; one promise per append was most of the
 * garbage the write path made.
 */
import type { CommitLogPosition } from './format.js';

let capturedResolve: () => void = () => {};
let capturedReject: (error: unknown) => void = () => {};
function capture(resolve: () => void, reject: (error: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

export class Batch {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;

  constructor() {
    this.promise = new Promise<void>(capture);
    this.resolve = capturedResolve;
    this.reject = capturedReject;
    // A caller that drops its ticket must not turn a failed write into an unhandled rejection.
    this.promise.catch(() => {});
  }

  /** Settles this batch as `other` settles. */
  follow(other: Batch): void {
    other.promise.then(this.resolve, this.reject);
  }
}

/**
 * The result of `CommitLog.append`: await it (or call `then`) for the
 * position once the record is durable to the log's sync mode. `segmentId` and
 * `offset` are known at once, except for an append made while a segment is
 * being rolled over, whose position is set when it is written (and is -1 until then).
 */
export class AppendTicket implements PromiseLike<CommitLogPosition> {
  constructor(
    public segmentId: number,
    public offset: number,
    public batch: Batch,
    /**
     * The log refused the record (closed, failed, or the record too large):
     * the ticket is rejected and the record is nowhere. A caller that applies
     * the write elsewhere once it is logged (a memtable) must not.
     */
    readonly refused = false,
  ) {}

  /**
   * Settles when the record is durable to the log's sync mode: the promise of
   * its batch, shared by every append in it, so awaiting it allocates nothing
   * per append (for a caller that needs no position).
   */
  get durable(): Promise<void> {
    return this.batch.promise;
  }

  /** The position, known once the record has been staged into a segment. */
  get position(): CommitLogPosition {
    return { segmentId: this.segmentId, offset: this.offset };
  }

  // biome-ignore lint/suspicious/noThenProperty: a thenable by design, so that appends need no promise each
  then<T1 = CommitLogPosition, T2 = never>(
    onFulfilled?: ((position: CommitLogPosition) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.batch.promise.then(
      onFulfilled ? () => onFulfilled(this.position) : () => this.position as unknown as T1,
      onRejected,
    );
  }

  catch<T = never>(onRejected?: ((reason: unknown) => T | PromiseLike<T>) | null): Promise<CommitLogPosition | T> {
    return this.then(undefined, onRejected);
  }
}
