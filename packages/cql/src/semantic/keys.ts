/**
 * Keys as the data model stores them (DESIGN.md §2): the partition key as the
 * byte-comparable encoding of its components (all ascending), clusterings
 * and collection cell paths as latin1 strings of byte-comparable encodings.
 */
import {
  bytesToLatin1Key,
  type CqlType,
  type CqlValue,
  encodeComparable,
  encodeComparableKey,
  serializeValue,
} from '@ringtail/codec';
import type { ColumnMetadata } from '../schema/metadata.js';
import { invalidRequest } from './errors.js';

/** Cassandra's limit on one key component's serialized size (an unsigned 16-bit length). */
export const MAX_KEY_COMPONENT_BYTES = 65_535;

/** The component's serialized size; throws past Cassandra's limit. */
function checkComponentSize(type: CqlType, value: CqlValue): number {
  const size = serializeValue(type, value).length;
  if (size > MAX_KEY_COMPONENT_BYTES) {
    throw invalidRequest(`Key length of ${size} is longer than maximum of ${MAX_KEY_COMPONENT_BYTES}`);
  }
  return size;
}

/** PartitionUpdate.key of one partition; `values` in partition key order. */
export function partitionKeyBytes(columns: readonly ColumnMetadata[], values: readonly CqlValue[]): Uint8Array {
  let size = 0;
  for (let i = 0; i < columns.length; i++) size = checkComponentSize(columns[i]!.type, values[i]!);
  if (columns.length === 1 && size === 0) throw invalidRequest('Key may not be empty');
  return encodeComparableKey(columns.map((c, i) => ({ type: c.type, value: values[i]!, order: 'asc' as const })));
}

/** The clustering (or clustering prefix) key of `values`, the first `values.length` clustering columns. */
export function clusteringKey(columns: readonly ColumnMetadata[], values: readonly CqlValue[]): string {
  for (let i = 0; i < values.length; i++) checkComponentSize(columns[i]!.type, values[i]!);
  return bytesToLatin1Key(
    encodeComparableKey(
      values.map((value, i) => ({ type: columns[i]!.type, value, order: columns[i]!.clusteringOrder ?? 'asc' })),
    ),
  );
}

/** A cell path: the element (set) or key (map) in byte-comparable form, so that elements sort in CQL order. */
export function elementPath(type: CqlType, value: CqlValue): string {
  return bytesToLatin1Key(encodeComparable(type, value, 'asc'));
}

/** The latin1 form of a partition key, for maps keyed by partition. */
export function keyText(key: Uint8Array): string {
  return bytesToLatin1Key(key);
}
