/**
 * Partition key restrictions → which partitions to read: a list of keys when
 * every partition key column has `=`/`IN` (their cartesian product, in
 * (token, key) order), otherwise a range of partition positions — the whole
 * ring, or what `token(...)` restricts — with the key restrictions left as
 * filters (which need ALLOW FILTERING, as in Cassandra).
 */
import { bytesToLatin1Key, type CqlValue, partitionPosition } from '@ringtail/codec';
import type { TableMetadata } from '../schema/metadata.js';
import { invalidRequest, limitExceeded } from '../semantic/errors.js';
import { partitionKeyBytes } from '../semantic/keys.js';
import { MAX_SELECT_PARTITION_KEYS } from './constants.js';
import { columnFilter, type RowFilter, residualFilter } from './filters.js';
import { hasKeyRestriction, type Restrictions } from './restrictions.js';
import { tokenBoundsContain, tokenPositionRange } from './token.js';

export const REQUIRES_ALLOW_FILTERING_MESSAGE =
  'Cannot execute this query as it might involve data filtering and thus may have unpredictable performance. ' +
  'If you want to execute this query despite the performance unpredictability, use ALLOW FILTERING';

export interface PartitionKeyRef {
  readonly key: Uint8Array;
  /** partitionPosition(key): token bytes, then key bytes, as latin1. */
  readonly position: string;
}

export type PartitionSelection =
  /** These partitions, in (token, key) order, without duplicates. */
  | { readonly kind: 'keys'; readonly keys: readonly PartitionKeyRef[] }
  /** Partitions at positions from <= p < to; undefined for an open side. */
  | { readonly kind: 'range'; readonly from: string | undefined; readonly to: string | undefined };

export interface PartitionPlan {
  readonly selection: PartitionSelection;
  readonly filters: readonly RowFilter[];
  /** Cassandra's "key range": not a list of partition keys (ORDER BY and DISTINCT care). */
  readonly isKeyRange: boolean;
}

function cartesian(lists: readonly (readonly CqlValue[])[]): CqlValue[][] {
  let out: CqlValue[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

export function planPartitions(
  restrictions: Restrictions,
  table: TableMetadata,
  allowFiltering: boolean,
): PartitionPlan {
  const parts = table.partitionKey.map((c) => restrictions.byColumn.get(c.name));
  const filters: RowFilter[] = [];
  for (const r of parts) {
    const residual = r === undefined ? undefined : residualFilter(r);
    if (residual !== undefined) filters.push(residual);
  }
  const token = restrictions.token;
  if (parts.every((r) => r?.values !== undefined)) {
    const lists = parts.map((r) => r!.values!);
    const count = lists.reduce((n, list) => n * list.length, 1);
    if (count > MAX_SELECT_PARTITION_KEYS) {
      throw limitExceeded(
        `IN restrictions on the partition key select ${count} partition keys, more than the limit of ${MAX_SELECT_PARTITION_KEYS}`,
      );
    }
    if (filters.length > 0 && !allowFiltering) throw invalidRequest(REQUIRES_ALLOW_FILTERING_MESSAGE);
    const byKey = new Map<string, PartitionKeyRef>();
    for (const values of cartesian(lists)) {
      const key = partitionKeyBytes(table.partitionKey, values);
      byKey.set(bytesToLatin1Key(key), { key, position: partitionPosition(key) });
    }
    let keys = [...byKey.values()].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    if (token !== undefined) keys = keys.filter((k) => tokenBoundsContain(token, k.position));
    return { selection: { kind: 'keys', keys }, filters, isKeyRange: false };
  }
  const restricted = table.partitionKey.filter((c) => hasKeyRestriction(restrictions.byColumn.get(c.name)));
  if ((restricted.length > 0 || filters.length > 0) && !allowFiltering) {
    if (token !== undefined && restricted.length > 0) {
      const missing = table.partitionKey.filter((c) => !restricted.includes(c)).map((c) => c.name);
      throw invalidRequest(`Partition key parts: ${missing.join(', ')} must be restricted as other parts are`);
    }
    throw invalidRequest(REQUIRES_ALLOW_FILTERING_MESSAGE);
  }
  for (const column of restricted) {
    const r = restrictions.byColumn.get(column.name)!;
    filters.push(columnFilter({ ...r, notEqual: [], contains: [], containsKey: [] })!);
  }
  const range = tokenPositionRange(token);
  const selection: PartitionSelection =
    range === undefined ? { kind: 'keys', keys: [] } : { kind: 'range', from: range.from, to: range.to };
  return { selection, filters, isKeyRange: true };
}
