/**
 * Table metadata from CREATE TABLE and ALTER TABLE, with Cassandra's checks
 * (CreateTableStatement, AlterTableStatement) and messages.
 */
import { type CqlType, formatCqlType, isMultiCell } from '@ringtail/codec';
import type { AlterTableAction, ColumnDefinition, CreateTableStatement } from '../ast-statements.js';
import { invalidRequest } from '../semantic/errors.js';
import type { ColumnKind, ColumnMetadata, DroppedColumn, TableMetadata, TableOptions } from './metadata.js';
import { DEFAULT_TABLE_OPTIONS, tableOptions } from './options.js';

function column(
  name: string,
  type: CqlType,
  kind: ColumnKind,
  position: number,
  clusteringOrder?: 'asc' | 'desc',
): ColumnMetadata {
  return {
    name,
    type,
    kind,
    position,
    clusteringOrder: kind === 'clustering' ? (clusteringOrder ?? 'asc') : undefined,
  };
}

/** Every column in TableMetadata's order: partition key, clustering, then the rest by name. */
function orderColumns(columns: readonly ColumnMetadata[]): ColumnMetadata[] {
  const rank = (c: ColumnMetadata) => (c.kind === 'partition_key' ? 0 : c.kind === 'clustering' ? 1 : 2);
  return [...columns].sort((a, b) => {
    const byKind = rank(a) - rank(b);
    if (byKind !== 0) return byKind;
    if (rank(a) < 2) return a.position - b.position;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

function withColumns(
  table: Omit<TableMetadata, 'columns' | 'partitionKey' | 'clustering'>,
  columns: ColumnMetadata[],
): TableMetadata {
  const ordered = orderColumns(columns);
  return {
    ...table,
    columns: ordered,
    partitionKey: ordered.filter((c) => c.kind === 'partition_key'),
    clustering: ordered.filter((c) => c.kind === 'clustering'),
  };
}

function isCounter(type: CqlType): boolean {
  return type.kind === 'counter';
}

/** Cassandra's rules for the non-key columns: counters all or none; no TTL default on a counter table; statics need clustering. */
function checkRegularColumns(table: TableMetadata): void {
  const rest = table.columns.filter((c) => c.kind === 'regular' || c.kind === 'static');
  const counters = rest.filter((c) => isCounter(c.type));
  if (counters.length > 0 && counters.length < rest.length) {
    throw invalidRequest('Cannot mix counter and non counter columns in the same table');
  }
  if (counters.length > 0 && table.options.defaultTimeToLiveSec > 0) {
    throw invalidRequest('Cannot set default_time_to_live on a table with counters');
  }
  if (table.clustering.length === 0 && rest.some((c) => c.kind === 'static')) {
    throw invalidRequest(
      'Static columns are only useful (and thus allowed) if the table has at least one clustering column',
    );
  }
}

function checkKeyColumn(definition: ColumnDefinition): void {
  if (definition.isStatic) throw invalidRequest(`Static column ${definition.name} cannot be part of the PRIMARY KEY`);
  if (isMultiCell(definition.type)) {
    throw invalidRequest(
      `Invalid non-frozen collection type ${formatCqlType(definition.type)} for PRIMARY KEY component ${definition.name}`,
    );
  }
  if (isCounter(definition.type)) {
    throw invalidRequest(`counter type is not supported for PRIMARY KEY column '${definition.name}'`);
  }
}

function checkClusteringOrder(statement: CreateTableStatement): Map<string, 'asc' | 'desc'> {
  const order = new Map<string, 'asc' | 'desc'>();
  if (statement.clusteringOrder.length === 0) return order;
  for (const entry of statement.clusteringOrder) {
    if (!statement.clusteringColumns.includes(entry.column)) {
      throw invalidRequest('Only clustering key columns can be defined in CLUSTERING ORDER directive');
    }
    if (order.has(entry.column))
      throw invalidRequest(`Duplicate column '${entry.column}' in CLUSTERING ORDER directive`);
    order.set(entry.column, entry.direction);
  }
  const listed = statement.clusteringOrder.map((e) => e.column);
  if (listed.join('\0') !== statement.clusteringColumns.join('\0')) {
    throw invalidRequest('Clustering key columns must exactly match columns in CLUSTERING ORDER BY directive');
  }
  return order;
}

/** The metadata of a new table; `keyspace` and `id` already resolved. */
export function createTableMetadata(
  statement: CreateTableStatement,
  keyspace: string,
  newTableId: () => string,
): TableMetadata {
  const tableName = `${keyspace}.${statement.table.name}`;
  const definitions = new Map<string, ColumnDefinition>();
  for (const definition of statement.columns) {
    if (definitions.has(definition.name)) {
      throw invalidRequest(`Duplicate column '${definition.name}' declaration for table ${tableName}`);
    }
    definitions.set(definition.name, definition);
  }
  const keyNames = [...statement.partitionKey, ...statement.clusteringColumns];
  const seen = new Set<string>();
  for (const name of keyNames) {
    if (seen.has(name)) throw invalidRequest(`Duplicate column '${name}' in PRIMARY KEY`);
    seen.add(name);
    const definition = definitions.get(name);
    if (definition === undefined) {
      throw invalidRequest(`Unknown column '${name}' referenced in PRIMARY KEY for table '${tableName}'`);
    }
    checkKeyColumn(definition);
  }
  const order = checkClusteringOrder(statement);
  const columns: ColumnMetadata[] = [];
  for (const definition of statement.columns) {
    const partition = statement.partitionKey.indexOf(definition.name);
    const clustering = statement.clusteringColumns.indexOf(definition.name);
    if (partition >= 0) columns.push(column(definition.name, definition.type, 'partition_key', partition));
    else if (clustering >= 0) {
      columns.push(column(definition.name, definition.type, 'clustering', clustering, order.get(definition.name)));
    } else columns.push(column(definition.name, definition.type, definition.isStatic ? 'static' : 'regular', -1));
  }
  const table = withColumns(
    {
      keyspace,
      name: statement.table.name,
      id: '',
      options: tableOptions(statement.properties, DEFAULT_TABLE_OPTIONS),
    },
    columns,
  );
  checkRegularColumns(table);
  // Drawn last, so that a refused statement consumes no id.
  return { ...table, id: newTableId() };
}

function addColumns(table: TableMetadata, definitions: readonly ColumnDefinition[]): TableMetadata {
  const columns = [...table.columns];
  const dropped = table.droppedColumns ?? [];
  for (const definition of definitions) {
    if (columns.some((c) => c.name === definition.name)) {
      throw invalidRequest(`Column with name '${definition.name}' already exists`);
    }
    const previous = dropped.find((d) => d.name === definition.name);
    if (previous !== undefined && formatCqlType(previous.type) !== formatCqlType(definition.type)) {
      throw invalidRequest(
        `Cannot re-add previously dropped column '${definition.name}' of type ${formatCqlType(definition.type)}, incompatible with previous type ${formatCqlType(previous.type)}`,
      );
    }
    const others = columns.filter((c) => c.kind === 'regular' || c.kind === 'static');
    if (others.length > 0 && isCounter(definition.type) !== isCounter(others[0]!.type)) {
      throw invalidRequest(
        isCounter(definition.type)
          ? `Cannot add a counter column (${definition.name}) in a non counter column family`
          : `Cannot add a non counter column (${definition.name}) in a counter column family`,
      );
    }
    columns.push(column(definition.name, definition.type, definition.isStatic ? 'static' : 'regular', -1));
  }
  // The record of a dropped column stays when the name is added again: the old cells must stay hidden.
  const next = withColumns(table, columns);
  checkRegularColumns(next);
  return next;
}

function dropColumns(table: TableMetadata, names: readonly string[], nowMicros: number): TableMetadata {
  const tableName = `${table.keyspace}.${table.name}`;
  const dropped: DroppedColumn[] = [...(table.droppedColumns ?? [])];
  let columns = [...table.columns];
  for (const name of names) {
    const existing = columns.find((c) => c.name === name);
    if (existing === undefined) throw invalidRequest(`Column ${name} was not found in table ${tableName}`);
    if (existing.kind === 'partition_key' || existing.kind === 'clustering') {
      throw invalidRequest(`Cannot drop PRIMARY KEY column ${name}`);
    }
    columns = columns.filter((c) => c.name !== name);
    const index = dropped.findIndex((d) => d.name === name);
    const entry = { name, type: existing.type, droppedAtMicros: nowMicros };
    if (index >= 0) dropped[index] = entry;
    else dropped.push(entry);
  }
  return withColumns({ ...table, droppedColumns: dropped }, columns);
}

function renameColumns(table: TableMetadata, renames: readonly { from: string; to: string }[]): TableMetadata {
  const tableName = `${table.keyspace}.${table.name}`;
  let columns = [...table.columns];
  for (const { from, to } of renames) {
    const existing = columns.find((c) => c.name === from);
    if (existing === undefined) throw invalidRequest(`Column ${from} was not found in table ${tableName}`);
    if (existing.kind !== 'partition_key' && existing.kind !== 'clustering') {
      throw invalidRequest(`Cannot rename non PRIMARY KEY column ${from}`);
    }
    if (columns.some((c) => c.name === to)) {
      throw invalidRequest(
        `Cannot rename column ${from} to ${to} in table ${tableName}; another column of that name already exist`,
      );
    }
    columns = columns.map((c) => (c.name === from ? { ...c, name: to } : c));
  }
  return withColumns(table, columns);
}

/** The table after an ALTER TABLE action; `nowMicros` stamps dropped columns. */
export function alterTableMetadata(table: TableMetadata, action: AlterTableAction, nowMicros: number): TableMetadata {
  switch (action.kind) {
    case 'addColumns':
      return addColumns(table, action.columns);
    case 'dropColumns':
      return dropColumns(table, action.columns, nowMicros);
    case 'renameColumns':
      return renameColumns(table, action.renames);
    case 'setProperties': {
      const options: TableOptions = tableOptions(action.properties, table.options);
      const next = { ...table, options };
      checkRegularColumns(next);
      return next;
    }
  }
}
