/**
 * Sets of clusterings as sorted, disjoint, half-open ranges of positions in
 * clustering byte order (latin1 strings compared with `<`, DESIGN.md §2). A
 * range over a clustering prefix P follows codec's RangeTombstone convention:
 * every clustering that extends P lies in [P, P + '\x41'), because each
 * encoded component starts with 0x40.
 */
import { CLUSTERING_AFTER_PREFIX } from '@ringtail/codec';

export interface ClusteringRange {
  /** Inclusive. */
  readonly start: string;
  /** Exclusive. */
  readonly end: string;
}

/** Every clustering, including '' (the one row of a table without clustering columns). */
export const ALL_CLUSTERINGS: readonly ClusteringRange[] = Object.freeze([
  Object.freeze({ start: '', end: CLUSTERING_AFTER_PREFIX }),
]);

export type SliceOperator = '<' | '<=' | '>' | '>=';

/** The clusterings that extend `key` (a full or partial clustering): one column equal to a value. */
export function prefixRange(key: string): ClusteringRange {
  return { start: key, end: key + CLUSTERING_AFTER_PREFIX };
}

/**
 * The clusterings extending `prefix` whose next component compares to a value
 * as `operator` says, where `bound` is `prefix` plus that value's component.
 * On a DESC column the encoding is inverted, so "greater" lies below in byte
 * order: `c > 5` on a DESC column is the lower part of the byte range.
 */
export function sliceRange(
  prefix: string,
  bound: string,
  operator: SliceOperator,
  order: 'asc' | 'desc',
): ClusteringRange {
  const after = bound + CLUSTERING_AFTER_PREFIX;
  const prefixEnd = prefix + CLUSTERING_AFTER_PREFIX;
  const greater = operator === '>' || operator === '>=';
  const inclusive = operator === '>=' || operator === '<=';
  // Above the bound in byte order: [bound, prefixEnd) or (bound, prefixEnd); below: [prefix, bound] or [prefix, bound).
  const above = greater === (order === 'asc');
  return above
    ? { start: inclusive ? bound : after, end: prefixEnd }
    : { start: prefix, end: inclusive ? after : bound };
}

/** Sorts, drops empty ranges and joins overlapping or touching ones. */
export function normalizeRanges(ranges: readonly ClusteringRange[]): ClusteringRange[] {
  const sorted = ranges
    .filter((r) => r.start < r.end)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: ClusteringRange[] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && range.start <= last.end) {
      if (range.end > last.end) out[out.length - 1] = { start: last.start, end: range.end };
    } else {
      out.push(range);
    }
  }
  return out;
}

/** The intersection of two normalized range lists, normalized. */
export function intersectRanges(a: readonly ClusteringRange[], b: readonly ClusteringRange[]): ClusteringRange[] {
  const out: ClusteringRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    // Strings, not numbers: Math.max/min would not compare them.
    let start = x.start;
    if (y.start > start) start = y.start;
    let end = x.end;
    if (y.end < end) end = y.end;
    if (start < end) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}
