/**
 * A DELETE's clustering slice as range tombstones: half-open ranges of
 * clustering positions in byte order (codec RangeTombstone: inclusive start
 * P, exclusive start P + AFTER, inclusive end P + AFTER, exclusive end P).
 *
 * A bound in value order is a union of simple pieces. For a tuple bound
 * (b1, ..., bm) after the equality prefix, `t > b` is
 *
 *   t1 > b1  or  (t1 = b1 and t2 > b2)  or ...  or  (t1..tm-1 = b1..bm-1 and tm > bm)
 *
 * (plus `t1..tm = b` when inclusive), and each piece is one byte range: on an
 * ASC column `ti > bi` lies after every clustering extending (.., bi), on a
 * DESC column before (.., bi). The slice is the intersection of its lower and
 * upper bounds' pieces; pieces of one bound are disjoint, so the pairwise
 * intersections are too, and adjacent ones merge. A single column, or columns
 * all in one order, give one range; mixed ASC/DESC columns give several, as
 * in Cassandra.
 */
import { CLUSTERING_AFTER_PREFIX, type CqlValue } from '@ringtail/codec';
import type { TableMetadata } from '../schema/metadata.js';
import { clusteringKey } from './keys.js';
import type { ClusteringSlice, SliceBound } from './where.js';

export interface ClusteringRange {
  readonly start: string;
  readonly end: string;
}

const AFTER = CLUSTERING_AFTER_PREFIX;

// Positions are latin1 strings compared as strings (byte order), not numbers.
function later(a: string, b: string): string {
  if (a > b) return a;
  return b;
}

function earlier(a: string, b: string): string {
  if (a < b) return a;
  return b;
}

/** The pieces of `t > bound` (side 'lower') or `t < bound` (side 'upper'), inclusive adding `t = bound`. */
function boundPieces(
  table: TableMetadata,
  prefixValues: readonly CqlValue[],
  bound: SliceBound,
  side: 'lower' | 'upper',
): ClusteringRange[] {
  const pieces: ClusteringRange[] = [];
  const values = [...prefixValues];
  let outer = clusteringKey(table.clustering, values);
  for (const value of bound.values) {
    const column = table.clustering[values.length]!;
    values.push(value);
    const inner = clusteringKey(table.clustering, values);
    // After (.., value) in byte order: larger values on ASC, smaller ones on DESC.
    const after = (column.clusteringOrder === 'desc') === (side === 'upper');
    pieces.push(after ? { start: inner + AFTER, end: outer + AFTER } : { start: outer, end: inner });
    outer = inner;
  }
  if (bound.inclusive) pieces.push({ start: outer, end: outer + AFTER });
  return pieces;
}

/** The ranges of `slice` after the equality prefix `prefixValues`, sorted, disjoint, none empty. */
export function sliceRanges(
  table: TableMetadata,
  prefixValues: readonly CqlValue[],
  slice: ClusteringSlice,
): ClusteringRange[] {
  const prefix = clusteringKey(table.clustering, prefixValues);
  const whole: ClusteringRange[] = [{ start: prefix, end: prefix + AFTER }];
  const lower = slice.lower === undefined ? whole : boundPieces(table, prefixValues, slice.lower, 'lower');
  const upper = slice.upper === undefined ? whole : boundPieces(table, prefixValues, slice.upper, 'upper');
  const ranges: ClusteringRange[] = [];
  for (const a of lower) {
    for (const b of upper) {
      const start = later(a.start, b.start);
      const end = earlier(a.end, b.end);
      if (start < end) ranges.push({ start, end });
    }
  }
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: ClusteringRange[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.end >= range.start) {
      merged[merged.length - 1] = { start: last.start, end: later(range.end, last.end) };
    } else merged.push(range);
  }
  return merged;
}
