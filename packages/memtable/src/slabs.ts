/**
 * Where a memtable keeps small partitions: encoded (codec's partition body,
 * the bytes an SSTable's Data holds), packed one after another into slabs of
 * up to SLAB_MAX_BYTES. A partition of one row held as objects costs about
 * seven heap objects (update, row, cells array, cell, value view, boxed
 * timestamps…) that live until the flush and that every major collection
 * walks; held here it costs none, and a flush copies its bytes instead of
 * encoding them again. Bytes once written are never changed: a partition
 * written again is appended anew and its old bytes stay as dead space until
 * the memtable is dropped (counted in `bytes`, so a flush comes sooner).
 *
 * A record is a u32 length (little-endian) and the body. Its address is a
 * number `slab * 2^20 + offset` (a small integer for the first 2,048 slabs):
 * what the memtable's B+tree keeps instead of an object.
 *
 * Slabs are SharedArrayBuffers: a flush hands a frozen memtable's slabs to a
 * worker thread without copying them, while reads go on in this one.
 */
import { ErrorCodes, RingtailError } from '@ringtail/codec';

/** Slabs start small (a table written once takes little) and double up to this. */
export const SLAB_MAX_BYTES = 1 << 20;
const SLAB_MIN_BYTES = 4096;
/** Addresses put the offset in the low 20 bits: SLAB_MAX_BYTES must not exceed 2^20. */
const ADDRESS_SLAB_FACTOR = 1 << 20;
const LENGTH_BYTES = 4;
/** A body larger than this is not put in a slab (the memtable keeps it as objects). */
export const MAX_SLAB_RECORD_BYTES = 64 * 1024;

function newSlab(bytes: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(bytes));
}

function writeRecord(slab: Uint8Array, offset: number, body: Uint8Array): void {
  const length = body.length;
  slab[offset] = length & 0xff;
  slab[offset + 1] = (length >>> 8) & 0xff;
  slab[offset + 2] = (length >>> 16) & 0xff;
  slab[offset + 3] = length >>> 24;
  slab.set(body, offset + LENGTH_BYTES);
}

/** The body of the record at `address` in `slabs`, as a view. */
export function recordBody(slabs: readonly Uint8Array[], address: number): Uint8Array {
  const slab = slabs[Math.floor(address / ADDRESS_SLAB_FACTOR)];
  const offset = address % ADDRESS_SLAB_FACTOR;
  if (slab === undefined || offset + LENGTH_BYTES > slab.length) {
    throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `no slab record at address ${address}`);
  }
  const length =
    (slab[offset]! | (slab[offset + 1]! << 8) | (slab[offset + 2]! << 16) | (slab[offset + 3]! << 24)) >>> 0;
  const start = offset + LENGTH_BYTES;
  if (start + length > slab.length) {
    throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `slab record at address ${address} overruns its slab`);
  }
  return slab.subarray(start, start + length);
}

/** A slab of its own holding one record of any size: its address is `index * 2^20` where `index` is its place. */
export function singleRecordSlab(body: Uint8Array): Uint8Array {
  const slab = newSlab(LENGTH_BYTES + body.length);
  writeRecord(slab, 0, body);
  return slab;
}

/** The address of the record of a slab made by singleRecordSlab, put at `index` among the slabs. */
export function singleRecordAddress(index: number): number {
  return index * ADDRESS_SLAB_FACTOR;
}

export class RecordSlabs {
  private readonly slabs: Uint8Array[] = [];
  private current: Uint8Array | undefined;
  private used = 0;
  /** Bytes of every record appended (lengths included): live and dead alike. */
  bytes = 0;

  /** Copies `body` (at most MAX_SLAB_RECORD_BYTES) into a slab; returns its address. */
  append(body: Uint8Array): number {
    const length = body.length;
    if (length > MAX_SLAB_RECORD_BYTES) {
      throw new RingtailError(
        ErrorCodes.INVALID_ARGUMENT,
        `a slab record holds at most ${MAX_SLAB_RECORD_BYTES} bytes`,
      );
    }
    const needed = LENGTH_BYTES + length;
    let slab = this.current;
    if (slab === undefined || this.used + needed > slab.length) {
      const previous = slab === undefined ? SLAB_MIN_BYTES / 2 : slab.length;
      slab = newSlab(Math.min(SLAB_MAX_BYTES, Math.max(previous * 2, needed)));
      this.slabs.push(slab);
      this.current = slab;
      this.used = 0;
    }
    const offset = this.used;
    writeRecord(slab, offset, body);
    this.used = offset + needed;
    this.bytes += needed;
    return (this.slabs.length - 1) * ADDRESS_SLAB_FACTOR + offset;
  }

  /** The body at `address`, as a view into its slab (valid as long as the slabs are). */
  body(address: number): Uint8Array {
    return recordBody(this.slabs, address);
  }

  /** The slabs so far; the bytes of a record appended are never written again. */
  get all(): readonly Uint8Array[] {
    return this.slabs;
  }
}
