/**
 * The memtable: one table's recent writes, merged in memory and sorted the way
 * an SSTable is, until a flush writes them out. Partitions sit in a
 * SortedStringMap keyed by partitionPosition (token, then key bytes). A
 * partition of at most one row and no range tombstones — most partitions of a
 * write-heavy table — is held encoded in the memtable's slabs (slabs.ts), the
 * tree keeping only its address; a write to it decodes, merges and appends the
 * result anew. A wider partition is held as objects, rows by clustering
 * (partition.ts), merged in place. A read returns a snapshot either way.
 *
 * The memtable tracks an estimate of the memory it holds (size.ts; slab bytes
 * as written, dead ones included) so that the storage engine can flush it at
 * a configured size, and the range of the timestamps written to it, for the
 * flushed SSTable's statistics. A frozen memtable (being flushed) refuses
 * writes and keeps serving reads and scans. Positions hash the partition key:
 * initChecksums() must have completed.
 */
import {
  BinaryReader,
  BinaryWriter,
  ErrorCodes,
  mergePartitions,
  type PartitionUpdate,
  partitionPosition,
  RingtailError,
  readPartitionBody,
  writePartitionBody,
} from '@ringtail/codec';
import { PartitionState, RowMerger } from './partition.js';
import { PARTITION_STATE_BYTES, stringBytes, TREE_BYTES, TREE_ENTRY_BYTES } from './size.js';
import { MAX_SLAB_RECORD_BYTES, RecordSlabs, recordBody, singleRecordAddress, singleRecordSlab } from './slabs.js';
import { SortedStringMap } from './sorted-map.js';
import { UpdateChecker } from './validate.js';

export interface MemtableOptions {
  /** The table whose writes this memtable holds; every update applied must name it. */
  tableId: string;
}

/**
 * Bounds of a scan, as partition positions (`partitionPosition(key)`, or a
 * token's 8 bytes from `tokenPrefix(token)`, which sorts before every key of
 * that token). An omitted bound is open. By default the range is half-open,
 * from inclusive and to exclusive, as SortedStringMap.entries.
 */
export interface PartitionRange {
  fromPosition?: string;
  /** Default true. */
  fromInclusive?: boolean;
  toPosition?: string;
  /** Default false. */
  toInclusive?: boolean;
}

/**
 * A frozen memtable's partitions, encoded, in (token, key) order: the bodies
 * are `recordBody(slabs, addresses[i])` (see encodedBodies). Plain data over
 * shared memory, so it can be posted to a worker thread as it is.
 */
export interface EncodedPartitions {
  readonly tableId: string;
  readonly slabs: readonly Uint8Array[];
  readonly addresses: Float64Array;
}

/** The bodies of `partitions` in order, each a view into its slab. */
export function* encodedBodies(partitions: EncodedPartitions): Generator<Uint8Array, void, undefined> {
  const { slabs, addresses } = partitions;
  for (let i = 0; i < addresses.length; i++) yield recordBody(slabs, addresses[i]!);
}

/** A partition in the tree: the slab address of its encoding, or its objects. */
type Entry = number | PartitionState;

function isEmptyUpdate(update: PartitionUpdate): boolean {
  return (
    update.deletion === undefined &&
    update.staticRow === undefined &&
    update.rows.length === 0 &&
    update.rangeTombstones.length === 0
  );
}

/** Whether a partition may be held encoded: merging a write into it then re-encodes one row at most. */
function fitsSlab(partition: PartitionUpdate): boolean {
  return partition.rows.length <= 1 && partition.rangeTombstones.length === 0;
}

export class Memtable {
  readonly tableId: string;
  private readonly partitions = new SortedStringMap<Entry>();
  private readonly slabs = new RecordSlabs();
  private readonly merger = new RowMerger();
  private readonly checker = new UpdateChecker();
  /** Where a partition is encoded before it is copied into a slab. */
  private readonly scratch = new BinaryWriter(1024);
  /** The update `merge` applies and the heap it added: fields, so that the bound merge allocates no closure. */
  private incoming: PartitionUpdate | undefined;
  private incomingBody: Uint8Array | undefined;
  private incomingBytes = 0;
  private readonly mergeBound = (existing: Entry | undefined): Entry => this.merge(existing);
  /** Heap outside the slabs: the tree, positions and partitions held as objects. */
  private objectBytes = TREE_BYTES;
  private minTimestamp = Number.MAX_SAFE_INTEGER;
  private maxTimestamp = Number.MIN_SAFE_INTEGER;
  private isFrozen = false;

  constructor(options: MemtableOptions) {
    if (typeof options?.tableId !== 'string' || options.tableId === '') {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, 'Memtable needs a tableId');
    }
    this.tableId = options.tableId;
  }

  /**
   * Merges `update` in. Returns the change in `sizeBytes`. The memtable may
   * keep the update's rows, cells and values rather than copies: the caller
   * must not modify them afterwards. `body`, if given, must be the update's
   * encoding by writePartitionBody (the storage engine has it from the
   * commit-log record): a partition new to the memtable then keeps a copy of
   * it rather than encoding the update again. Throws RT_INVALID_ARGUMENT for
   * a malformed update or one of another table, and RT_CLOSED once frozen;
   * either way nothing is applied.
   */
  apply(update: PartitionUpdate, body?: Uint8Array): number {
    if (this.isFrozen) {
      throw new RingtailError(ErrorCodes.CLOSED, `the memtable of table ${this.tableId} is frozen for flushing`);
    }
    const checker = this.checker;
    checker.check(update, this.tableId);
    if (isEmptyUpdate(update)) return 0;
    if (checker.minTimestampMicros < this.minTimestamp) this.minTimestamp = checker.minTimestampMicros;
    if (checker.maxTimestampMicros > this.maxTimestamp) this.maxTimestamp = checker.maxTimestampMicros;

    const position = partitionPosition(update.key);
    const partitions = this.partitions;
    const countBefore = partitions.size;
    this.incoming = update;
    this.incomingBody = body;
    this.incomingBytes = 0;
    try {
      partitions.compute(position, this.mergeBound);
    } finally {
      this.incoming = undefined;
      this.incomingBody = undefined;
    }
    let deltaBytes = this.incomingBytes;
    if (partitions.size !== countBefore) {
      const entryBytes = TREE_ENTRY_BYTES + stringBytes(position.length);
      this.objectBytes += entryBytes;
      deltaBytes += entryBytes;
    }
    return deltaBytes;
  }

  /** The tree's compute callback: `incoming` merged into the partition `existing` holds. */
  private merge(existing: Entry | undefined): Entry {
    const incoming = this.incoming!;
    if (existing instanceof PartitionState) {
      const bytes = existing.apply(incoming, this.merger);
      this.objectBytes += bytes;
      this.incomingBytes += bytes;
      return existing;
    }
    const merged = existing === undefined ? incoming : mergePartitions(this.decode(existing), incoming);
    if (fitsSlab(merged)) {
      let body = existing === undefined ? this.incomingBody : undefined;
      if (body === undefined) {
        const scratch = this.scratch;
        scratch.reset();
        writePartitionBody(scratch, merged);
        body = scratch.view();
      }
      if (body.length <= MAX_SLAB_RECORD_BYTES) {
        const bytesBefore = this.slabs.bytes;
        const address = this.slabs.append(body);
        this.incomingBytes += this.slabs.bytes - bytesBefore;
        return address;
      }
    }
    // Too wide to re-encode at every write: held as objects from now on (the old bytes stay counted).
    const partition = new PartitionState();
    const bytes = PARTITION_STATE_BYTES + partition.apply(merged, this.merger);
    this.objectBytes += bytes;
    this.incomingBytes += bytes;
    return partition;
  }

  private decode(address: number): PartitionUpdate {
    const reader = new BinaryReader(this.slabs.body(address), 'memtable partition');
    return readPartitionBody(reader, this.tableId);
  }

  private snapshotOf(entry: Entry, position: string): PartitionUpdate {
    // A decoded partition is new objects (values copied out of the slab): a snapshot of its own.
    return entry instanceof PartitionState ? entry.snapshot(this.tableId, position) : this.decode(entry);
  }

  /** The merged state of the partition with `key`, as a snapshot later writes do not change; undefined if none. */
  get(key: Uint8Array): PartitionUpdate | undefined {
    const position = partitionPosition(key);
    const entry = this.partitions.get(position);
    return entry === undefined ? undefined : this.snapshotOf(entry, position);
  }

  /**
   * The partitions in `range`, in (token, key) order, each a complete
   * snapshot: after `freeze()`, exactly what a flush writes. Writes made
   * while a scan runs may or may not be seen by it; each partition yielded is
   * consistent.
   */
  scan(range: PartitionRange = {}): IterableIterator<PartitionUpdate> {
    const { fromPosition, toPosition } = range;
    if (
      (fromPosition !== undefined && typeof fromPosition !== 'string') ||
      (toPosition !== undefined && typeof toPosition !== 'string')
    ) {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, 'scan bounds must be partition positions (strings)');
    }
    return this.scanPartitions(fromPosition, range.fromInclusive ?? true, toPosition, range.toInclusive ?? false);
  }

  /**
   * Every partition in (token, key) order, encoded (codec's
   * writePartitionBody): what a flush copies into an SSTable without encoding
   * a partition held in a slab again. The memtable must be frozen. What is
   * returned shares the memtable's slabs (shared memory, which a worker
   * thread can read without a copy); partitions held as objects are encoded
   * into slabs of their own.
   */
  encoded(): EncodedPartitions {
    if (!this.isFrozen) {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `freeze the memtable of table ${this.tableId} first`);
    }
    const slabs = [...this.slabs.all];
    const addresses = new Float64Array(this.partitions.size);
    // The write path's scratch writer: a frozen memtable takes no more writes.
    const scratch = this.scratch;
    let i = 0;
    this.partitions.forEach((entry, position) => {
      if (entry instanceof PartitionState) {
        scratch.reset();
        writePartitionBody(scratch, entry.snapshot(this.tableId, position));
        addresses[i++] = singleRecordAddress(slabs.length);
        slabs.push(singleRecordSlab(scratch.view()));
      } else {
        addresses[i++] = entry;
      }
    });
    return { tableId: this.tableId, slabs, addresses };
  }

  /** Refuses further writes (apply throws RT_CLOSED); reads and scans go on. Idempotent. */
  freeze(): void {
    this.isFrozen = true;
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  /** Estimated memory held, in bytes: the sum of every apply's return value, plus the empty memtable. */
  get sizeBytes(): number {
    return this.objectBytes + this.slabs.bytes;
  }

  get partitionCount(): number {
    return this.partitions.size;
  }

  /**
   * The lowest timestamp written (cells, row liveness, and the marks of
   * every kind of deletion); Number.MAX_SAFE_INTEGER while nothing is.
   */
  get minTimestampMicros(): number {
    return this.minTimestamp;
  }

  /** The highest timestamp written; Number.MIN_SAFE_INTEGER while nothing is. */
  get maxTimestampMicros(): number {
    return this.maxTimestamp;
  }

  /**
   * Throws if the memtable's structure is broken or `sizeBytes` is not the
   * sum of what its partitions hold (recomputed). For tests.
   */
  assertInvariants(): void {
    this.partitions.assertInvariants();
    let bytes = TREE_BYTES;
    for (const [position, entry] of this.partitions) {
      bytes += TREE_ENTRY_BYTES + stringBytes(position.length);
      if (entry instanceof PartitionState) {
        bytes += PARTITION_STATE_BYTES + entry.checkedHeapBytes();
      } else if (partitionPosition(this.decode(entry).key) !== position) {
        throw new Error('Memtable: a slab record under the position of another key');
      }
    }
    if (bytes !== this.objectBytes) {
      throw new Error(`Memtable: ${this.objectBytes} bytes outside the slabs counted, its parts hold ${bytes}`);
    }
  }

  private *scanPartitions(
    from: string | undefined,
    fromInclusive: boolean,
    to: string | undefined,
    toInclusive: boolean,
  ): Generator<PartitionUpdate, void, undefined> {
    for (const [position, entry] of this.partitions.entries(from, to, { fromInclusive, toInclusive })) {
      yield this.snapshotOf(entry, position);
    }
  }
}
