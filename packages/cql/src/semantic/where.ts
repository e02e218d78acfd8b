/**
 * The WHERE clause of UPDATE and DELETE: which partitions and which rows (or
 * clustering ranges) a modification touches. Partition key columns take `=`
 * or `IN`; clustering columns take `=`/`IN` on a prefix, then (DELETE only)
 * one slice; nothing else may be restricted. Messages are Cassandra's.
 */
import type { CqlType, CqlValue, JsonValue } from '@ringtail/codec';
import { valueFromJson } from '@ringtail/codec';
import type { Relation, Term } from '../ast.js';
import { formatRelation } from '../format-terms.js';
import type { ColumnMetadata, TableMetadata } from '../schema/metadata.js';
import { MAX_IN_VALUES } from './constants.js';
import { invalidRequest, limitExceeded, messageOf } from './errors.js';
import { boundJson, type TermContext, termValue } from './terms.js';

export interface SliceBound {
  /** One value per column from the slice's first column on (several for a tuple bound). */
  readonly values: readonly CqlValue[];
  readonly inclusive: boolean;
}

/** A range on the clustering column right after the equality prefix, in value order (not byte order). */
export interface ClusteringSlice {
  readonly lower: SliceBound | undefined;
  readonly upper: SliceBound | undefined;
}

export interface KeyRestrictions {
  /** Every partition key the statement names (the product of its `IN`s), in partition key column order. */
  readonly partitionKeys: readonly (readonly CqlValue[])[];
  /** Every clustering prefix fixed by `=`/`IN`, each of `prefixLength` values; `[[]]` when none is restricted. */
  readonly clusteringPrefixes: readonly (readonly CqlValue[])[];
  readonly prefixLength: number;
  readonly slice: ClusteringSlice | undefined;
  /** Whether `IN` appears on the partition key or the clustering columns (refused with conditions). */
  readonly partitionIn: boolean;
  readonly clusteringIn: boolean;
}

/** Restrictions collected for one clustering position: a group of tuples over `width` columns, or bounds. */
interface EqualityGroup {
  readonly kind: 'eq';
  readonly width: number;
  readonly tuples: CqlValue[][];
  readonly isIn: boolean;
  readonly multi: boolean;
}
interface SliceGroup {
  readonly kind: 'slice';
  lower: SliceBound | undefined;
  upper: SliceBound | undefined;
  readonly multi: boolean;
}

type StatementKind = 'UPDATE' | 'DELETE';

function quoted(name: string): string {
  return `"${name}"`;
}

function keyValue(term: Term, column: ColumnMetadata, context: Omit<TermContext, 'what'>): CqlValue {
  const value = termValue(term, column.type, { ...context, what: quoted(column.name) });
  if (value === null) throw invalidRequest(`Invalid null value in condition for column ${column.name}`);
  return value;
}

function inValues(
  relation: Extract<Relation, { kind: 'in' | 'inMarker' }>,
  column: ColumnMetadata,
  context: Omit<TermContext, 'what'>,
): CqlValue[] {
  let values: CqlValue[];
  if (relation.kind === 'in') values = relation.values.map((t) => keyValue(t, column, context));
  else {
    const list: CqlType = { kind: 'list', element: column.type, frozen: true };
    const bound = termValue(relation.marker, list, { ...context, what: quoted(column.name) });
    if (bound === null) throw invalidRequest(`Invalid null value for IN restriction on column ${column.name}`);
    values = [...(bound as readonly CqlValue[])];
  }
  if (values.length > MAX_IN_VALUES) {
    throw limitExceeded(
      `IN on column ${column.name} has ${values.length} values, more than the limit of ${MAX_IN_VALUES}`,
    );
  }
  return values;
}

function tupleOf(term: Term, columns: readonly ColumnMetadata[], context: Omit<TermContext, 'what'>): CqlValue[] {
  const names = `(${columns.map((c) => c.name).join(', ')})`;
  if (term.kind === 'tuple') {
    if (term.elements.length !== columns.length) {
      throw invalidRequest(
        `Expected ${columns.length} elements in value tuple, but got ${term.elements.length}: ${names}`,
      );
    }
    return term.elements.map((e, i) => keyValue(e, columns[i]!, context));
  }
  if (term.kind === 'bindMarker') return tupleFromJson(boundJson(term, context.binds), columns, names);
  throw invalidRequest(`Invalid tuple value for ${names}: expected a tuple literal or a bind marker`);
}

function tupleFromJson(json: JsonValue, columns: readonly ColumnMetadata[], names: string): CqlValue[] {
  if (!Array.isArray(json) || json.length !== columns.length) {
    throw invalidRequest(`Invalid bind value for ${names}: expected a JSON array of ${columns.length} values`);
  }
  return json.map((element, i) => {
    const column = columns[i]!;
    let value: CqlValue | null;
    try {
      value = valueFromJson(column.type, element);
    } catch (error) {
      throw invalidRequest(`Invalid bind value for ${quoted(column.name)} in ${names}: ${messageOf(error)}`, error);
    }
    if (value === null) throw invalidRequest(`Invalid null value in condition for column ${column.name}`);
    return value;
  });
}

function product(groups: readonly (readonly CqlValue[][])[], what: string): CqlValue[][] {
  let out: CqlValue[][] = [[]];
  for (const group of groups) {
    const next: CqlValue[][] = [];
    for (const prefix of out) for (const tuple of group) next.push([...prefix, ...tuple]);
    if (next.length > MAX_IN_VALUES) {
      throw limitExceeded(`Cartesian product of IN relations on the ${what} must not exceed ${MAX_IN_VALUES}`);
    }
    out = next;
  }
  return out;
}

function columnOf(table: TableMetadata, name: string): ColumnMetadata {
  const column = table.columns.find((c) => c.name === name);
  if (column === undefined)
    throw invalidRequest(`Undefined column name ${name} in table ${table.keyspace}.${table.name}`);
  return column;
}

function addBound(group: SliceGroup, operator: string, bound: SliceBound, name: string): void {
  const lower = operator === '>' || operator === '>=';
  if (lower ? group.lower !== undefined : group.upper !== undefined) {
    throw invalidRequest(`More than one restriction was found for the ${lower ? 'start' : 'end'} bound on ${name}`);
  }
  if (lower) group.lower = bound;
  else group.upper = bound;
}

/** Analyses the WHERE clause of an UPDATE or DELETE on `table`. */
export function analyseWhere(
  relations: readonly Relation[],
  table: TableMetadata,
  statement: StatementKind,
  context: Omit<TermContext, 'what'>,
): KeyRestrictions {
  const partition = new Map<string, { values: CqlValue[]; isIn: boolean }>();
  const clustering = new Map<number, EqualityGroup | SliceGroup>();
  const nonKey: string[] = [];
  const setClustering = (index: number, group: EqualityGroup | SliceGroup, name: string) => {
    const existing = clustering.get(index);
    if (existing === undefined) clustering.set(index, group);
    else if (existing.multi !== group.multi) {
      throw invalidRequest(
        'Mixing single column relations and multi column relations on clustering columns is not allowed',
      );
    } else if (existing.kind === 'eq' || group.kind === 'eq') {
      const kind =
        existing.kind === 'eq' && group.kind === 'eq'
          ? 'more than one relation if it includes an Equal'
          : 'both an equality and an inequality relation';
      throw invalidRequest(`Column "${name}" cannot be restricted by ${kind}`);
    }
  };

  for (const relation of relations) {
    switch (relation.kind) {
      case 'token':
        throw invalidRequest(`The token function cannot be used in WHERE clauses for ${statement} statements`);
      case 'compare':
      case 'in':
      case 'inMarker':
      case 'contains': {
        const column = columnOf(table, relation.column);
        if (column.kind === 'regular' || column.kind === 'static') {
          nonKey.push(column.name);
          continue;
        }
        if (relation.kind === 'contains') {
          throw invalidRequest(`Cannot use CONTAINS on non-collection column ${column.name}`);
        }
        if (relation.kind === 'compare' && relation.operator === '!=') {
          throw invalidRequest(`Unsupported "!=" relation: ${formatRelation(relation)}`);
        }
        const isIn = relation.kind !== 'compare';
        if (column.kind === 'partition_key') {
          if (relation.kind === 'compare' && relation.operator !== '=') {
            throw invalidRequest(
              'Only EQ and IN relation are supported on the partition key (unless you use the token() function)',
            );
          }
          if (partition.has(column.name)) {
            throw invalidRequest(
              `${column.name} cannot be restricted by more than one relation if it includes an Equal`,
            );
          }
          const values =
            relation.kind === 'compare'
              ? [keyValue(relation.value, column, context)]
              : inValues(relation, column, context);
          partition.set(column.name, { values, isIn });
          continue;
        }
        if (relation.kind !== 'compare' || relation.operator === '=') {
          const values =
            relation.kind === 'compare'
              ? [keyValue(relation.value, column, context)]
              : inValues(relation, column, context);
          setClustering(
            column.position,
            { kind: 'eq', width: 1, tuples: values.map((v) => [v]), isIn, multi: false },
            column.name,
          );
          continue;
        }
        const existing = clustering.get(column.position);
        const group: SliceGroup =
          existing?.kind === 'slice' && !existing.multi
            ? existing
            : { kind: 'slice', lower: undefined, upper: undefined, multi: false };
        if (group !== existing) setClustering(column.position, group, column.name);
        addBound(
          group,
          relation.operator,
          { values: [keyValue(relation.value, column, context)], inclusive: relation.operator.endsWith('=') },
          column.name,
        );
        continue;
      }
      case 'tupleCompare':
      case 'tupleIn':
      case 'tupleInMarker': {
        const columns = relation.columns.map((name) => columnOf(table, name));
        const outside = columns.find((c) => c.kind !== 'clustering');
        if (outside !== undefined) {
          throw invalidRequest(
            `Multi-column relations can only be applied to clustering columns but was applied to: ${outside.name}`,
          );
        }
        if (columns.some((c, i) => i > 0 && c.position !== columns[i - 1]!.position + 1)) {
          throw invalidRequest(
            `Clustering columns must appear in the PRIMARY KEY order in multi-column relations: ${formatRelation(relation)}`,
          );
        }
        const start = columns[0]!.position;
        if (relation.kind === 'tupleCompare' && relation.operator === '!=') {
          throw invalidRequest(`Unsupported "!=" relation: ${formatRelation(relation)}`);
        }
        if (relation.kind === 'tupleCompare' && relation.operator !== '=') {
          const existing = clustering.get(start);
          const group: SliceGroup =
            existing?.kind === 'slice' && existing.multi
              ? existing
              : { kind: 'slice', lower: undefined, upper: undefined, multi: true };
          if (group !== existing) setClustering(start, group, columns[0]!.name);
          addBound(
            group,
            relation.operator,
            { values: tupleOf(relation.value, columns, context), inclusive: relation.operator.endsWith('=') },
            columns[0]!.name,
          );
          continue;
        }
        let tuples: CqlValue[][];
        if (relation.kind === 'tupleCompare') tuples = [tupleOf(relation.value, columns, context)];
        else if (relation.kind === 'tupleIn') tuples = relation.values.map((t) => tupleOf(t, columns, context));
        else {
          const json = boundJson(relation.marker, context.binds);
          if (!Array.isArray(json))
            throw invalidRequest(`Invalid bind value for ${formatRelation(relation)}: expected a JSON array of tuples`);
          const names = `(${columns.map((c) => c.name).join(', ')})`;
          tuples = json.map((t) => tupleFromJson(t, columns, names));
        }
        if (tuples.length > MAX_IN_VALUES) {
          throw limitExceeded(
            `IN on ${formatRelation(relation).split(' IN ')[0]} has ${tuples.length} values, more than the limit of ${MAX_IN_VALUES}`,
          );
        }
        setClustering(
          start,
          { kind: 'eq', width: columns.length, tuples, isIn: relation.kind !== 'tupleCompare', multi: true },
          columns[0]!.name,
        );
        continue;
      }
    }
  }
  if (nonKey.length > 0) throw invalidRequest(`Non PRIMARY KEY columns found in where clause: ${nonKey.join(', ')}`);
  const missing = table.partitionKey.filter((c) => !partition.has(c.name));
  if (missing.length > 0) {
    throw invalidRequest(`Some partition key parts are missing: ${missing.map((c) => c.name).join(', ')}`);
  }
  const partitionKeys = product(
    table.partitionKey.map((c) => partition.get(c.name)!.values.map((v) => [v])),
    'partition key',
  );
  return {
    partitionKeys,
    ...clusteringRestrictions(table, clustering),
    partitionIn: [...partition.values()].some((p) => p.isIn),
  };
}

function clusteringRestrictions(
  table: TableMetadata,
  groups: ReadonlyMap<number, EqualityGroup | SliceGroup>,
): Pick<KeyRestrictions, 'clusteringPrefixes' | 'prefixLength' | 'slice' | 'clusteringIn'> {
  const equalities: CqlValue[][][] = [];
  let index = 0;
  let slice: ClusteringSlice | undefined;
  let clusteringIn = false;
  while (index < table.clustering.length) {
    const group = groups.get(index);
    if (group === undefined) break;
    if (group.kind === 'slice') {
      slice = { lower: group.lower, upper: group.upper };
      break;
    }
    for (let covered = index + 1; covered < index + group.width; covered++) {
      if (groups.has(covered)) {
        throw invalidRequest(
          'Mixing single column relations and multi column relations on clustering columns is not allowed',
        );
      }
    }
    equalities.push(group.tuples);
    clusteringIn ||= group.isIn;
    index += group.width;
  }
  const used = index + (slice === undefined ? 0 : 1);
  for (const [position] of groups) {
    if (position < used) continue;
    const column = table.clustering[position]!;
    const previous = table.clustering[index]!;
    if (slice !== undefined) {
      throw invalidRequest(
        `Clustering column "${column.name}" cannot be restricted (preceding column "${previous.name}" is restricted by a non-EQ relation)`,
      );
    }
    throw invalidRequest(
      `PRIMARY KEY column "${column.name}" cannot be restricted as preceding column "${previous.name}" is not restricted`,
    );
  }
  return { clusteringPrefixes: product(equalities, 'clustering key'), prefixLength: index, slice, clusteringIn };
}
