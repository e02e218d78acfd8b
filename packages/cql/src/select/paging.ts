/**
 * Paging states: where the next page of a SELECT starts, self-contained so
 * that any node can resume it. The client sees base64url of:
 *
 * | field               | encoding                | when                         |
 * |---------------------|-------------------------|------------------------------|
 * | version             | u8 = 1                  | always                       |
 * | query hash          | 8 bytes, big-endian     | always: xxhash64 of the plan's fingerprint (table, query text, bind values) |
 * | flags               | u8                      | always: 1 clustering, 2 partition done, 4 limit, 8 per-partition limit |
 * | partition key       | uvarint length + bytes  | always: the last row's partition |
 * | clustering          | uvarint length + latin1 | flag 1: the last row's clustering |
 * | rows left (LIMIT)   | uvarint                 | flag 4                       |
 * | rows left in partition (PER PARTITION LIMIT) | uvarint | flag 8          |
 * | checksum            | u32 big-endian          | always: xxhash32 of every byte before it |
 *
 * The next page starts strictly after the position: after that clustering in
 * that partition, or (flag 2, or no clustering) at the next partition.
 */
import { Buffer } from 'node:buffer';
import { BinaryReader, BinaryWriter, xxhash32, xxhash64 } from '@ringtail/codec';
import { invalidRequest } from '../semantic/errors.js';
import { MAX_PAGING_STATE_CHARS } from './constants.js';

export const PAGING_STATE_VERSION = 1;

const HAS_CLUSTERING = 1;
const PARTITION_DONE = 2;
const HAS_LIMIT = 4;
const HAS_PARTITION_LIMIT = 8;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const CHECKSUM_BYTES = 4;

export interface PagingPosition {
  /** Partition key of the last row returned. */
  readonly key: Uint8Array;
  /** Clustering of the last row returned; undefined for a partition's static row alone, or DISTINCT. */
  readonly clustering: string | undefined;
  /** Nothing more of this partition is to be returned. */
  readonly partitionDone: boolean;
  /** Rows LIMIT still allows; undefined without LIMIT. */
  readonly rowsLeft: number | undefined;
  /** Rows PER PARTITION LIMIT still allows in this partition; undefined without it. */
  readonly rowsLeftInPartition: number | undefined;
}

export function queryHash(fingerprint: string): bigint {
  return xxhash64(new TextEncoder().encode(fingerprint));
}

export function encodePagingState(hash: bigint, position: PagingPosition): string {
  const w = new BinaryWriter(64 + position.key.length);
  w.u8(PAGING_STATE_VERSION);
  const hashBytes = new Uint8Array(8);
  new DataView(hashBytes.buffer).setBigUint64(0, hash);
  for (const b of hashBytes) w.u8(b);
  let flags = 0;
  if (position.clustering !== undefined) flags |= HAS_CLUSTERING;
  if (position.partitionDone) flags |= PARTITION_DONE;
  if (position.rowsLeft !== undefined) flags |= HAS_LIMIT;
  if (position.rowsLeftInPartition !== undefined) flags |= HAS_PARTITION_LIMIT;
  w.u8(flags);
  w.bytesWithLength(position.key);
  if (position.clustering !== undefined) w.latin1(position.clustering);
  if (position.rowsLeft !== undefined) w.uvarint(position.rowsLeft);
  if (position.rowsLeftInPartition !== undefined) w.uvarint(position.rowsLeftInPartition);
  const body = w.finish();
  const out = new Uint8Array(body.length + CHECKSUM_BYTES);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, xxhash32(body));
  return Buffer.from(out).toString('base64url');
}

function invalidState(detail: string, cause?: unknown): Error {
  return invalidRequest(`Invalid paging state: ${detail}`, cause);
}

/** The position in `text`, checked: well-formed, intact (checksum) and made by the query whose hash is `hash`. */
export function decodePagingState(text: string, hash: bigint): PagingPosition {
  if (text.length > MAX_PAGING_STATE_CHARS || !BASE64URL.test(text)) {
    throw invalidState('not a paging state returned by Ringtail');
  }
  const bytes = new Uint8Array(Buffer.from(text, 'base64url'));
  if (bytes.length < 1 + 8 + 1 + CHECKSUM_BYTES) throw invalidState('too short');
  const bodyLength = bytes.length - CHECKSUM_BYTES;
  const body = bytes.subarray(0, bodyLength);
  if (new DataView(bytes.buffer, bytes.byteOffset).getUint32(bodyLength) !== xxhash32(body)) {
    throw invalidState('checksum mismatch (the state was altered or truncated)');
  }
  if (body[0] !== PAGING_STATE_VERSION) throw invalidState(`unsupported version ${body[0]}`);
  if (new DataView(body.buffer, body.byteOffset).getBigUint64(1) !== hash) {
    throw invalidState(
      'it belongs to a different query (a paging state is valid only for the query, with the same bind values, that returned it)',
    );
  }
  try {
    const r = new BinaryReader(body.subarray(9), 'paging state');
    const flags = r.u8();
    if (flags & ~(HAS_CLUSTERING | PARTITION_DONE | HAS_LIMIT | HAS_PARTITION_LIMIT)) r.fail('unknown flags');
    const key = r.bytesWithLength();
    const clustering = flags & HAS_CLUSTERING ? r.latin1() : undefined;
    const rowsLeft = flags & HAS_LIMIT ? r.uvarint() : undefined;
    const rowsLeftInPartition = flags & HAS_PARTITION_LIMIT ? r.uvarint() : undefined;
    if (!r.done) r.fail('trailing bytes');
    return { key, clustering, partitionDone: (flags & PARTITION_DONE) !== 0, rowsLeft, rowsLeftInPartition };
  } catch (error) {
    throw invalidState(error instanceof Error ? error.message : String(error), error);
  }
}
