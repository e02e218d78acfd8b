/**
 * Clustering restrictions → the clusterings to read, as position ranges
 * (ranges.ts), plus the filters for what cannot narrow the read. As in
 * Cassandra, `=`/`IN` on a prefix of the clustering columns, then at most one
 * slice on the next column — or multi-column relations from the first
 * clustering column — select slices; anything after a gap or after a slice
 * needs ALLOW FILTERING and is filtered.
 */
import { bytesToLatin1Key, type CqlValue, encodeComparableKey } from '@ringtail/codec';
import type { ColumnMetadata, TableMetadata } from '../schema/metadata.js';
import { invalidRequest, limitExceeded } from '../semantic/errors.js';
import { MAX_SELECT_CLUSTERING_PREFIXES } from './constants.js';
import { columnFilter, type RowFilter, residualFilter, tupleBoundFilter, tupleEqualFilter } from './filters.js';
import {
  ALL_CLUSTERINGS,
  type ClusteringRange,
  intersectRanges,
  normalizeRanges,
  prefixRange,
  sliceRange,
} from './ranges.js';
import { type ColumnRestriction, hasKeyRestriction, type Restrictions, type TupleBound } from './restrictions.js';

export interface ClusteringPlan {
  readonly ranges: readonly ClusteringRange[];
  readonly filters: readonly RowFilter[];
  /** Clustering columns restricted by a single `=` (ORDER BY may skip them). */
  readonly equalColumns: ReadonlySet<string>;
  /** Whether the WHERE clause says anything about clustering columns. */
  readonly restricted: boolean;
}

function orderOf(column: ColumnMetadata): 'asc' | 'desc' {
  return column.clusteringOrder ?? 'asc';
}

/** One clustering component as it appears in a clustering position: 0x40, then the value's encoding. */
function component(column: ColumnMetadata, value: CqlValue): string {
  return bytesToLatin1Key(encodeComparableKey([{ type: column.type, order: orderOf(column), value }]));
}

/** Only the `=`/`IN`/slice part of a restriction, as a filter. */
function keyPartFilter(r: ColumnRestriction): RowFilter {
  return columnFilter({ ...r, notEqual: [], contains: [], containsKey: [] })!;
}

function tooManyClusterings(count: number): Error {
  return limitExceeded(
    `IN restrictions on clustering columns select ${count} clusterings, more than the limit of ${MAX_SELECT_CLUSTERING_PREFIXES}`,
  );
}

function notRestrictedError(column: ColumnMetadata, preceding: ColumnMetadata): Error {
  return invalidRequest(
    `Clustering column "${column.name}" cannot be restricted (preceding column "${preceding.name}" is not restricted)`,
  );
}

/** The clusterings on the `side` of a tuple bound, in CQL (not byte) order: (c1, c2) > (1, 2) is c1 > 1 or (c1 = 1 and c2 > 2). */
function tupleSliceRanges(bound: TupleBound, side: 'lower' | 'upper'): ClusteringRange[] {
  const ranges: ClusteringRange[] = [];
  let prefix = '';
  bound.columns.forEach((column, i) => {
    const key = prefix + component(column, bound.values[i]!);
    const inclusive = bound.inclusive && i === bound.columns.length - 1;
    const operator = side === 'lower' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
    ranges.push(sliceRange(prefix, key, operator, orderOf(column)));
    prefix = key;
  });
  return normalizeRanges(ranges);
}

function planTuples(restrictions: Restrictions, table: TableMetadata, allowFiltering: boolean): ClusteringPlan {
  const tuples = restrictions.tuples!;
  const first = table.clustering[0]!;
  const filters: RowFilter[] = [];
  const equalColumns = new Set<string>();
  let ranges: readonly ClusteringRange[] = ALL_CLUSTERINGS;
  const sliceable = (columns: readonly ColumnMetadata[]): boolean => {
    if (columns[0] === first) return true;
    if (!allowFiltering) throw notRestrictedError(columns[0]!, first);
    return false;
  };
  const { equal, lower, upper } = tuples;
  if (equal !== undefined) {
    if (equal.tuples.length > MAX_SELECT_CLUSTERING_PREFIXES) throw tooManyClusterings(equal.tuples.length);
    if (sliceable(equal.columns)) {
      const keys = equal.tuples.map((t) => equal.columns.map((c, i) => component(c, t[i]!)).join(''));
      ranges = normalizeRanges(keys.map(prefixRange));
      if (!equal.isIn) for (const c of equal.columns) equalColumns.add(c.name);
    } else filters.push(tupleEqualFilter(equal.columns, equal.tuples));
  }
  for (const [bound, side] of [
    [lower, 'lower'],
    [upper, 'upper'],
  ] as const) {
    if (bound === undefined) continue;
    if (sliceable(bound.columns)) ranges = intersectRanges(ranges, tupleSliceRanges(bound, side));
    else filters.push(tupleBoundFilter(bound, side));
  }
  return { ranges, filters, equalColumns, restricted: true };
}

export function planClustering(
  restrictions: Restrictions,
  table: TableMetadata,
  allowFiltering: boolean,
): ClusteringPlan {
  const filters: RowFilter[] = [];
  let restricted = false;
  for (const column of table.clustering) {
    const r = restrictions.byColumn.get(column.name);
    if (r === undefined) continue;
    restricted = true;
    const residual = residualFilter(r);
    if (residual !== undefined) filters.push(residual);
  }
  const singles = table.clustering.filter((c) => hasKeyRestriction(restrictions.byColumn.get(c.name)));
  if (restrictions.tuples !== undefined) {
    if (singles.length > 0) {
      throw invalidRequest(
        'Mixing single column relations and multi column relations on clustering columns is not allowed',
      );
    }
    const plan = planTuples(restrictions, table, allowFiltering);
    return { ...plan, filters: [...filters, ...plan.filters] };
  }
  const equalColumns = new Set<string>();
  let prefixes = [''];
  let ranges: ClusteringRange[] | undefined;
  /** The first clustering column that ends the sliceable prefix, and why. */
  let stop: { column: ColumnMetadata; sliced: boolean } | undefined;
  for (const column of table.clustering) {
    const r = restrictions.byColumn.get(column.name);
    if (r === undefined || !hasKeyRestriction(r)) {
      stop ??= { column, sliced: false };
      continue;
    }
    if (stop !== undefined) {
      if (!allowFiltering) {
        if (!stop.sliced) throw notRestrictedError(column, stop.column);
        throw invalidRequest(
          `Clustering column "${column.name}" cannot be restricted (preceding column "${stop.column.name}" is restricted by a non-EQ relation)`,
        );
      }
      filters.push(keyPartFilter(r));
      continue;
    }
    if (r.values !== undefined) {
      const values = r.values;
      const count = prefixes.length * values.length;
      if (count > MAX_SELECT_CLUSTERING_PREFIXES) throw tooManyClusterings(count);
      prefixes = prefixes.flatMap((p) => values.map((v) => p + component(column, v)));
      if (!r.isIn) equalColumns.add(column.name);
      continue;
    }
    const { lower, upper } = r;
    ranges = prefixes.flatMap((prefix) => {
      let range: ClusteringRange[] = [prefixRange(prefix)];
      if (lower !== undefined) {
        const bound = sliceRange(
          prefix,
          prefix + component(column, lower.value),
          lower.inclusive ? '>=' : '>',
          orderOf(column),
        );
        range = intersectRanges(range, [bound]);
      }
      if (upper !== undefined) {
        const bound = sliceRange(
          prefix,
          prefix + component(column, upper.value),
          upper.inclusive ? '<=' : '<',
          orderOf(column),
        );
        range = intersectRanges(range, [bound]);
      }
      return range;
    });
    stop = { column, sliced: true };
  }
  const selected =
    ranges ?? (prefixes.length === 1 && prefixes[0] === '' ? [...ALL_CLUSTERINGS] : prefixes.map(prefixRange));
  return { ranges: normalizeRanges(selected), filters, equalColumns, restricted };
}
