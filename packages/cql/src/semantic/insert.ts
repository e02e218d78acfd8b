/**
 * INSERT: one row — primary-key liveness plus a cell per given column (a
 * tombstone for null); static columns go to the partition's static row. An
 * INSERT that sets only static columns may leave the clustering columns out
 * and then writes the static row alone, as in Cassandra.
 */
import { type CqlValue, type JsonValue, valueFromJson } from '@ringtail/codec';
import type { InsertStatement } from '../ast-statements.js';
import type { ColumnMetadata, TableMetadata } from '../schema/metadata.js';
import type { MutationBuilder } from './builder.js';
import { invalidRequest, messageOf } from './errors.js';
import { clusteringKey, partitionKeyBytes } from './keys.js';
import type { RowTarget } from './targets.js';
import { boundJson, termValue } from './terms.js';
import { rowLiveness, type WriteContext, writeColumnValue } from './write-context.js';

/** Column → value (null: write a tombstone); columns absent from the map are left alone. */
type InsertValues = Map<ColumnMetadata, CqlValue | null>;

function columnNamed(table: TableMetadata, name: string): ColumnMetadata {
  const column = table.columns.find((c) => c.name === name);
  if (column === undefined)
    throw invalidRequest(`Undefined column name ${name} in table ${table.keyspace}.${table.name}`);
  return column;
}

function valuesClause(statement: InsertStatement, context: WriteContext): InsertValues {
  const source = statement.source;
  if (source.kind !== 'values') throw new Error('unreachable');
  if (source.columns.length !== source.values.length) throw invalidRequest('Unmatched column names/values');
  const values: InsertValues = new Map();
  for (let i = 0; i < source.columns.length; i++) {
    const column = columnNamed(context.table, source.columns[i]!);
    if (values.has(column)) throw invalidRequest('The column names contains duplicates');
    values.set(column, termValue(source.values[i]!, column.type, { ...context.terms, what: `"${column.name}"` }));
  }
  return values;
}

/** The JSON object of `INSERT ... JSON`: a string literal, or a bind marker bound to a JSON string or object. */
function jsonObject(statement: InsertStatement, context: WriteContext): Record<string, JsonValue> {
  const source = statement.source;
  if (source.kind !== 'json') throw new Error('unreachable');
  let json: JsonValue;
  if (source.json.kind === 'string') json = source.json.text;
  else if (source.json.kind === 'bindMarker') json = boundJson(source.json, context.terms.binds);
  else throw invalidRequest('INSERT JSON takes a string literal or a bind marker');
  if (json === null) throw invalidRequest('Got null for INSERT JSON values');
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json) as JsonValue;
    } catch (error) {
      throw invalidRequest(`Could not decode JSON string as a map: ${messageOf(error)}`, error);
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalidRequest('Could not decode JSON string as a map: not a JSON object');
  }
  return json;
}

/** `INSERT JSON`: keys are column names, case-insensitive unless written `"\"Name\""`, as in Cassandra. */
function jsonClause(statement: InsertStatement, context: WriteContext): InsertValues {
  const object = jsonObject(statement, context);
  const values: InsertValues = new Map();
  for (const [key, json] of Object.entries(object)) {
    const name = key.length >= 2 && key.startsWith('"') && key.endsWith('"') ? key.slice(1, -1) : key.toLowerCase();
    const column = context.table.columns.find((c) => c.name === name);
    if (column === undefined) throw invalidRequest(`JSON values map contains unrecognized column: ${key}`);
    if (values.has(column)) throw invalidRequest(`JSON values map contains column ${name} twice`);
    try {
      values.set(column, valueFromJson(column.type, json));
    } catch (error) {
      throw invalidRequest(`Error decoding JSON value for ${name}: ${messageOf(error)}`, error);
    }
  }
  const source = statement.source;
  if (source.kind === 'json' && !source.defaultUnset) {
    for (const column of context.table.columns) {
      if ((column.kind === 'regular' || column.kind === 'static') && !values.has(column)) values.set(column, null);
    }
  }
  return values;
}

function keyValues(columns: readonly ColumnMetadata[], values: InsertValues): (CqlValue | undefined)[] {
  return columns.map((column) => {
    const value = values.get(column);
    if (value === null) throw invalidRequest(`Invalid null value in condition for column ${column.name}`);
    return value;
  });
}

/**
 * What an `INSERT ... VALUES` needs of the schema, worked out once per
 * statement and table: the column of each value and where the primary-key
 * values are among them. The node keeps statements with bind markers parsed
 * (its statement cache), so such a query string sent again with new values
 * is the same object; only those get a shape, since a statement of literals
 * is parsed anew each time and would only pay for one. Table metadata is
 * immutable (a schema change makes new objects), so a shape made for one
 * table object holds for as long as that object is current.
 *
 * Only statements the schema accepts as written get a shape: every column
 * exists once and every primary-key column has a value. Anything else
 * (unknown or repeated columns, missing keys, a static-only row) takes the
 * general path, which reports problems in Cassandra's order.
 */
interface InsertShape {
  /** The column of each value, in statement order. */
  readonly columns: readonly ColumnMetadata[];
  /** How messages name each value's column: `"v"`. */
  readonly what: readonly string[];
  /** For each partition-key column, in key order, the index of its value. */
  readonly partitionKey: readonly number[];
  /** For each clustering column, in clustering order, the index of its value. */
  readonly clustering: readonly number[];
  /** Indexes of regular and static columns' values, in statement order. */
  readonly regular: readonly number[];
  readonly statics: readonly number[];
}

const shapes = new WeakMap<
  InsertStatement,
  { readonly table: TableMetadata; readonly shape: InsertShape | undefined }
>();

function shapeOf(statement: InsertStatement, table: TableMetadata): InsertShape | undefined {
  const cached = shapes.get(statement);
  if (cached !== undefined && cached.table === table) return cached.shape;
  const shape = makeShape(statement, table);
  shapes.set(statement, { table, shape });
  return shape;
}

function makeShape(statement: InsertStatement, table: TableMetadata): InsertShape | undefined {
  const source = statement.source;
  if (source.kind !== 'values' || source.columns.length !== source.values.length) return undefined;
  const columns: ColumnMetadata[] = [];
  for (const name of source.columns) {
    const column = table.columns.find((c) => c.name === name);
    if (column === undefined || columns.includes(column)) return undefined;
    columns.push(column);
  }
  const indexes = (keyColumns: readonly ColumnMetadata[]) => keyColumns.map((c) => columns.indexOf(c));
  const partitionKey = indexes(table.partitionKey);
  const clustering = indexes(table.clustering);
  if (partitionKey.includes(-1) || clustering.includes(-1)) return undefined;
  const indexesOf = (kind: ColumnMetadata['kind']) => columns.flatMap((c, i) => (c.kind === kind ? [i] : []));
  return {
    columns,
    what: columns.map((c) => `"${c.name}"`),
    partitionKey,
    clustering,
    regular: indexesOf('regular'),
    statics: indexesOf('static'),
  };
}

/** planInsert for a statement with a shape: the same writes and errors, without resolving names again. */
function planShapedInsert(
  statement: InsertStatement,
  shape: InsertShape,
  context: WriteContext,
  builder: MutationBuilder,
): RowTarget {
  const { table, terms } = context;
  const source = statement.source as Extract<InsertStatement['source'], { kind: 'values' }>;
  const values: (CqlValue | null)[] = [];
  for (let i = 0; i < source.values.length; i++) {
    const { binds, nowMicros, random } = terms;
    values.push(
      termValue(source.values[i]!, shape.columns[i]!.type, { binds, nowMicros, random, what: shape.what[i]! }),
    );
  }
  const keyValue = (index: number): CqlValue => {
    const value = values[index]!;
    if (value === null)
      throw invalidRequest(`Invalid null value in condition for column ${shape.columns[index]!.name}`);
    return value;
  };
  const partitionValues = shape.partitionKey.map(keyValue);
  const clusteringValues = shape.clustering.map(keyValue);
  const key = partitionKeyBytes(table.partitionKey, partitionValues);
  const partition = builder.partition(table.id, key);
  const clusteringText = clusteringKey(table.clustering, clusteringValues);
  const row = partition.row(clusteringText);
  row.setLiveness(rowLiveness(context));
  for (const i of shape.regular) writeColumnValue(row, context, shape.columns[i]!, values[i]!);
  for (const i of shape.statics) writeColumnValue(partition.staticRow(), context, shape.columns[i]!, values[i]!);
  return { partitionKey: key, clustering: clusteringText, clusteringValues };
}

/** Adds the INSERT's writes to `builder`; returns the row written (for IF NOT EXISTS). */
export function planInsert(statement: InsertStatement, context: WriteContext, builder: MutationBuilder): RowTarget {
  const { table } = context;
  const shape = statement.bindMarkerCount > 0 ? shapeOf(statement, table) : undefined;
  if (shape !== undefined) return planShapedInsert(statement, shape, context, builder);
  const values = statement.source.kind === 'values' ? valuesClause(statement, context) : jsonClause(statement, context);
  const partitionValues = keyValues(table.partitionKey, values);
  const missingPartition = table.partitionKey.filter((_, i) => partitionValues[i] === undefined);
  if (missingPartition.length > 0) {
    throw invalidRequest(`Some partition key parts are missing: ${missingPartition.map((c) => c.name).join(', ')}`);
  }
  const clusteringValues = keyValues(table.clustering, values);
  const missingClustering = table.clustering.filter((_, i) => clusteringValues[i] === undefined);
  const others = [...values.keys()].filter((c) => c.kind === 'regular' || c.kind === 'static');
  // Regular columns that JSON's DEFAULT NULL filled in do not make a statement on static columns a row write.
  const filled = (c: ColumnMetadata) => statement.source.kind === 'json' && values.get(c) === null;
  const staticOnly =
    table.clustering.length > 0 &&
    missingClustering.length === table.clustering.length &&
    others.some((c) => c.kind === 'static') &&
    others.every((c) => c.kind === 'static' || filled(c));
  if (missingClustering.length > 0 && !staticOnly) {
    throw invalidRequest(`Some clustering keys are missing: ${missingClustering.map((c) => c.name).join(', ')}`);
  }
  const key = partitionKeyBytes(table.partitionKey, partitionValues as CqlValue[]);
  const partition = builder.partition(table.id, key);
  const clustering = staticOnly ? [] : (clusteringValues as CqlValue[]);
  const clusteringText = clusteringKey(table.clustering, clustering);
  if (!staticOnly) {
    const row = partition.row(clusteringText);
    row.setLiveness(rowLiveness(context));
    for (const column of others)
      if (column.kind === 'regular') writeColumnValue(row, context, column, values.get(column)!);
  }
  for (const column of others) {
    if (column.kind === 'static') writeColumnValue(partition.staticRow(), context, column, values.get(column)!);
  }
  return { partitionKey: key, clustering: staticOnly ? '' : clusteringText, clusteringValues: clustering };
}
