/**
 * Row filters: restrictions that cannot narrow what is read (regular and
 * static columns, partition key parts without a complete key, clustering
 * columns past the sliceable prefix, `!=`, `CONTAINS`), checked on each row
 * after it is decoded. They need ALLOW FILTERING. A null (absent) value
 * satisfies no filter, `!=` included, as in Cassandra.
 */
import { type CqlType, type CqlValue, compareValues } from '@ringtail/codec';
import type { ColumnMetadata } from '../schema/metadata.js';
import type { ColumnRestriction, TupleBound } from './restrictions.js';

export interface RowFilter {
  /** The columns whose values `test` receives, in this order. */
  readonly columns: readonly ColumnMetadata[];
  test(values: readonly (CqlValue | null)[]): boolean;
}

type Check = (value: CqlValue) => boolean;

function equalsAny(type: CqlType, candidates: readonly CqlValue[]): Check {
  return (value) => candidates.some((c) => compareValues(type, value, c) === 0);
}

function elementsOf(type: CqlType, value: CqlValue): { type: CqlType; items: readonly CqlValue[] } | undefined {
  if (type.kind === 'list' || type.kind === 'set') return { type: type.element, items: value as readonly CqlValue[] };
  if (type.kind === 'map') {
    const entries = value as ReadonlyArray<readonly [CqlValue, CqlValue]>;
    return { type: type.value, items: entries.map((e) => e[1]) };
  }
  return undefined;
}

function keysOf(type: CqlType, value: CqlValue): readonly CqlValue[] {
  if (type.kind !== 'map') return [];
  return (value as ReadonlyArray<readonly [CqlValue, CqlValue]>).map((e) => e[0]);
}

/** The checks of one column's restriction, all of which a value must pass. */
function checksOf(r: ColumnRestriction): Check[] {
  const type = r.column.type;
  const checks: Check[] = [];
  if (r.values !== undefined) checks.push(equalsAny(type, r.values));
  const { lower, upper } = r;
  if (lower !== undefined) {
    checks.push((v) => {
      const c = compareValues(type, v, lower.value);
      return lower.inclusive ? c >= 0 : c > 0;
    });
  }
  if (upper !== undefined) {
    checks.push((v) => {
      const c = compareValues(type, v, upper.value);
      return upper.inclusive ? c <= 0 : c < 0;
    });
  }
  for (const excluded of r.notEqual) checks.push((v) => compareValues(type, v, excluded) !== 0);
  for (const wanted of r.contains) {
    checks.push((v) => {
      const elements = elementsOf(type, v);
      return elements?.items.some((e) => compareValues(elements.type, e, wanted) === 0) === true;
    });
  }
  if (type.kind === 'map') {
    for (const wanted of r.containsKey) {
      checks.push((v) => keysOf(type, v).some((k) => compareValues(type.key, k, wanted) === 0));
    }
  }
  return checks;
}

/** Everything `r` says about its column, as one filter (undefined if it says nothing). */
export function columnFilter(r: ColumnRestriction): RowFilter | undefined {
  const checks = checksOf(r);
  if (checks.length === 0) return undefined;
  return {
    columns: [r.column],
    test: (values) => {
      const value = values[0] ?? null;
      return value !== null && checks.every((check) => check(value));
    },
  };
}

/** Only the `!=` and `CONTAINS` parts of `r`, for a column whose `=`/`IN`/slice narrows the read instead. */
export function residualFilter(r: ColumnRestriction): RowFilter | undefined {
  return columnFilter({ ...r, values: undefined, isIn: false, lower: undefined, upper: undefined });
}

/** CQL order of two tuples of values of `columns` (lexicographic, by each column's type). */
function compareTuples(columns: readonly ColumnMetadata[], a: readonly CqlValue[], b: readonly CqlValue[]): number {
  for (let i = 0; i < columns.length; i++) {
    const c = compareValues(columns[i]!.type, a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

function hasNull(values: readonly (CqlValue | null)[]): boolean {
  return values.some((v) => v === null);
}

/** A multi-column `=`/`IN` that cannot narrow the read. */
export function tupleEqualFilter(columns: readonly ColumnMetadata[], tuples: readonly CqlValue[][]): RowFilter {
  return {
    columns,
    test: (values) => !hasNull(values) && tuples.some((t) => compareTuples(columns, values as CqlValue[], t) === 0),
  };
}

/** A multi-column slice bound that cannot narrow the read. */
export function tupleBoundFilter(bound: TupleBound, side: 'lower' | 'upper'): RowFilter {
  return {
    columns: bound.columns,
    test: (values) => {
      if (hasNull(values)) return false;
      const c = compareTuples(bound.columns, values as CqlValue[], bound.values);
      if (c === 0) return bound.inclusive;
      return side === 'lower' ? c > 0 : c < 0;
    },
  };
}
