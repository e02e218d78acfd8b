/**
 * The schema as JSON, for the node to persist, and its version: a uuid-shaped
 * digest (xxhash64 of the canonical serialization) that two nodes compare to
 * know whether they agree on the schema, as Cassandra's schema_version.
 *
 * Format (version 1), keyspaces and tables sorted by name:
 *   {"format":1,"keyspaces":[{"name","replication":{"class","replicationFactor"|"datacenters"},
 *     "durableWrites","tables":[{"name","id","columns":[{"name","type","kind","position","clusteringOrder"?}],
 *     "options":{"defaultTimeToLiveSec","gcGraceSeconds","compaction":{...},"comment"},"droppedColumns"?:[...]}]}]}
 * Column types are CQL type text (formatCqlType / parseCqlType).
 */
import { formatCqlType, isMultiCell, type JsonValue, parseCqlType, xxhash64 } from '@ringtail/codec';
import { MAX_TTL_SEC } from '../semantic/constants.js';
import { invalidRequest, messageOf } from '../semantic/errors.js';
import type {
  ColumnKind,
  ColumnMetadata,
  CompactionOptions,
  DroppedColumn,
  KeyspaceMetadata,
  ReplicationOptions,
  Schema,
  TableMetadata,
} from './metadata.js';

export const SCHEMA_FORMAT_VERSION = 1;

const byName = <T extends { readonly name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function columnJson(c: ColumnMetadata): JsonValue {
  const out: Record<string, JsonValue> = {
    name: c.name,
    type: formatCqlType(c.type),
    kind: c.kind,
    position: c.position,
  };
  if (c.clusteringOrder !== undefined) out.clusteringOrder = c.clusteringOrder;
  return out;
}

function tableJson(t: TableMetadata): JsonValue {
  const out: Record<string, JsonValue> = {
    name: t.name,
    id: t.id,
    columns: t.columns.map(columnJson),
    options: {
      defaultTimeToLiveSec: t.options.defaultTimeToLiveSec,
      gcGraceSeconds: t.options.gcGraceSeconds,
      compaction: { ...t.options.compaction },
      comment: t.options.comment,
    },
  };
  if (t.droppedColumns !== undefined && t.droppedColumns.length > 0) {
    out.droppedColumns = [...t.droppedColumns].sort(byName).map((d) => ({
      name: d.name,
      type: formatCqlType(d.type),
      droppedAtMicros: d.droppedAtMicros,
    }));
  }
  return out;
}

function replicationJson(r: ReplicationOptions): JsonValue {
  if (r.class === 'SimpleStrategy') return { class: r.class, replicationFactor: r.replicationFactor };
  const datacenters: Record<string, JsonValue> = {};
  for (const dc of Object.keys(r.datacenters).sort()) {
    Object.defineProperty(datacenters, dc, { value: r.datacenters[dc]!, enumerable: true, writable: true });
  }
  return { class: r.class, datacenters };
}

/** The schema as canonical JSON text: equal schemas serialize to equal text. */
export function serializeSchema(schema: Schema): string {
  const keyspaces = [...schema.keyspaces.values()].sort(byName).map((k) => ({
    name: k.name,
    replication: replicationJson(k.replication),
    durableWrites: k.durableWrites,
    tables: [...k.tables.values()].sort(byName).map(tableJson),
  }));
  return JSON.stringify({ format: SCHEMA_FORMAT_VERSION, keyspaces });
}

const HEX = (n: bigint) => n.toString(16).padStart(16, '0');

/**
 * A uuid-shaped digest of the schema (version nibble 3 and the RFC 4122
 * variant, so that it is a valid uuid value). Needs initChecksums() first.
 */
export function schemaVersion(schema: Schema): string {
  const bytes = new TextEncoder().encode(serializeSchema(schema));
  const hex = (HEX(xxhash64(bytes, 0n)) + HEX(xxhash64(bytes, 1n))).split('');
  hex[12] = '3';
  hex[16] = '89ab'[Number.parseInt(hex[16]!, 16) & 3]!;
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---------------------------------------------------------------- reading

type Obj = Record<string, unknown>;

function fail(path: string, detail: string): never {
  throw invalidRequest(`invalid schema JSON at ${path}: ${detail}`);
}

function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'expected an object');
  return value as Obj;
}

function arr(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'expected an array');
  return value;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'expected a string');
  return value;
}

function int(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value)) fail(path, 'expected an integer');
  return value as number;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) fail(path, `expected one of ${allowed.join(', ')}`);
  return found;
}

function type(value: unknown, path: string) {
  try {
    return parseCqlType(str(value, path));
  } catch (error) {
    return fail(path, messageOf(error));
  }
}

function factor(value: unknown, path: string): number {
  const rf = int(value, path);
  if (rf < 0) fail(path, 'expected a non-negative replication factor');
  return rf;
}

function readReplication(value: unknown, path: string): ReplicationOptions {
  const o = obj(value, path);
  const cls = oneOf(o.class, ['SimpleStrategy', 'NetworkTopologyStrategy'] as const, `${path}.class`);
  if (cls === 'SimpleStrategy') {
    return { class: cls, replicationFactor: factor(o.replicationFactor, `${path}.replicationFactor`) };
  }
  const datacenters: Record<string, number> = {};
  for (const [dc, rf] of Object.entries(obj(o.datacenters, `${path}.datacenters`))) {
    Object.defineProperty(datacenters, dc, { value: factor(rf, `${path}.datacenters.${dc}`), enumerable: true });
  }
  return { class: cls, datacenters };
}

function readCompaction(value: unknown, path: string): CompactionOptions {
  const o = obj(value, path);
  const cls = oneOf(
    o.class,
    ['SizeTieredCompactionStrategy', 'TimeWindowCompactionStrategy'] as const,
    `${path}.class`,
  );
  const minThreshold = int(o.minThreshold, `${path}.minThreshold`);
  const maxThreshold = int(o.maxThreshold, `${path}.maxThreshold`);
  if (o.enabled !== undefined && o.enabled !== false) fail(`${path}.enabled`, 'expected false or absent');
  const disabled = o.enabled === false ? { enabled: false as const } : {};
  if (cls === 'SizeTieredCompactionStrategy') return { class: cls, minThreshold, maxThreshold, ...disabled };
  const windowUnit = oneOf(o.windowUnit, ['MINUTES', 'HOURS', 'DAYS'] as const, `${path}.windowUnit`);
  const windowSize = int(o.windowSize, `${path}.windowSize`);
  return { class: cls, windowUnit, windowSize, minThreshold, maxThreshold, ...disabled };
}

const KINDS: readonly ColumnKind[] = ['partition_key', 'clustering', 'static', 'regular'];

function readColumn(value: unknown, path: string): ColumnMetadata {
  const o = obj(value, path);
  const kind = oneOf(o.kind, KINDS, `${path}.kind`);
  return {
    name: str(o.name, `${path}.name`),
    type: type(o.type, `${path}.type`),
    kind,
    position: int(o.position, `${path}.position`),
    clusteringOrder:
      kind === 'clustering' ? oneOf(o.clusteringOrder, ['asc', 'desc'] as const, `${path}.clusteringOrder`) : undefined,
  };
}

function readTable(value: unknown, keyspace: string, path: string): TableMetadata {
  const o = obj(value, path);
  const columns = arr(o.columns, `${path}.columns`).map((c, i) => readColumn(c, `${path}.columns[${i}]`));
  const options = obj(o.options, `${path}.options`);
  const droppedColumns: DroppedColumn[] | undefined =
    o.droppedColumns === undefined
      ? undefined
      : arr(o.droppedColumns, `${path}.droppedColumns`).map((d, i) => {
          const p = `${path}.droppedColumns[${i}]`;
          const e = obj(d, p);
          return {
            name: str(e.name, `${p}.name`),
            type: type(e.type, `${p}.type`),
            droppedAtMicros: int(e.droppedAtMicros, `${p}.droppedAtMicros`),
          };
        });
  const keyColumns = (kind: ColumnKind) => {
    const found = columns.filter((c) => c.kind === kind);
    found.forEach((c, i) => {
      if (c.position !== i)
        fail(`${path}.columns`, `${kind} column ${c.name} is at position ${c.position}, expected ${i}`);
    });
    return found;
  };
  const partitionKey = keyColumns('partition_key');
  if (partitionKey.length === 0) fail(`${path}.columns`, 'no partition key column');
  const table: TableMetadata = {
    keyspace,
    name: str(o.name, `${path}.name`),
    id: str(o.id, `${path}.id`),
    columns: sortedColumns(columns),
    partitionKey,
    clustering: keyColumns('clustering'),
    options: {
      defaultTimeToLiveSec: int(options.defaultTimeToLiveSec, `${path}.options.defaultTimeToLiveSec`),
      gcGraceSeconds: int(options.gcGraceSeconds, `${path}.options.gcGraceSeconds`),
      compaction: readCompaction(options.compaction, `${path}.options.compaction`),
      comment: str(options.comment, `${path}.options.comment`),
    },
    ...(droppedColumns === undefined ? {} : { droppedColumns }),
  };
  checkTable(table, path);
  return table;
}

/** TableMetadata's column order: partition key, clustering (by position), then the rest by name. */
function sortedColumns(columns: readonly ColumnMetadata[]): ColumnMetadata[] {
  const rank = (c: ColumnMetadata) => (c.kind === 'partition_key' ? 0 : c.kind === 'clustering' ? 1 : 2);
  return [...columns].sort((a, b) => rank(a) - rank(b) || a.position - b.position || (a.name < b.name ? -1 : 1));
}

/**
 * The rules CREATE and ALTER TABLE enforce (table.ts), checked again on what
 * is read back: a damaged or hand-edited file must not yield a table that
 * the rest of the node cannot serve (a multi-cell key, two columns of one
 * name, two tables sharing storage).
 */
function checkTable(table: TableMetadata, path: string): void {
  const columnsPath = `${path}.columns`;
  const names = new Set<string>();
  for (const c of table.columns) {
    if (names.has(c.name)) fail(columnsPath, `column ${c.name} appears twice`);
    names.add(c.name);
    const isKey = c.kind === 'partition_key' || c.kind === 'clustering';
    if (!isKey && c.position !== -1)
      fail(columnsPath, `${c.kind} column ${c.name} has position ${c.position}, expected -1`);
    if (isKey && (isMultiCell(c.type) || c.type.kind === 'counter')) {
      fail(columnsPath, `${c.kind} column ${c.name} cannot be of type ${formatCqlType(c.type)}`);
    }
  }
  const rest = table.columns.filter((c) => c.kind === 'regular' || c.kind === 'static');
  const counters = rest.filter((c) => c.type.kind === 'counter').length;
  if (counters > 0 && counters < rest.length) fail(columnsPath, 'counter and non-counter columns mixed');
  if (table.clustering.length === 0 && rest.some((c) => c.kind === 'static')) {
    fail(columnsPath, 'static columns without clustering columns');
  }
  const o = table.options;
  const optionsPath = `${path}.options`;
  if (o.defaultTimeToLiveSec < 0 || o.defaultTimeToLiveSec > MAX_TTL_SEC) {
    fail(`${optionsPath}.defaultTimeToLiveSec`, `expected 0..${MAX_TTL_SEC}`);
  }
  if (counters > 0 && o.defaultTimeToLiveSec > 0)
    fail(`${optionsPath}.defaultTimeToLiveSec`, 'a counter table has no TTL');
  if (o.gcGraceSeconds < 0) fail(`${optionsPath}.gcGraceSeconds`, 'expected a non-negative integer');
  const c = o.compaction;
  if (c.minThreshold < 2 || c.maxThreshold < c.minThreshold) {
    fail(`${optionsPath}.compaction`, 'expected 2 <= minThreshold <= maxThreshold');
  }
  if (c.class === 'TimeWindowCompactionStrategy' && c.windowSize < 1) {
    fail(`${optionsPath}.compaction.windowSize`, 'expected a positive integer');
  }
}

/** Inverse of {@link serializeSchema}; a CqlInvalidRequestError naming the bad path otherwise. */
export function deserializeSchema(text: string): Schema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail('$', `not JSON: ${messageOf(error)}`);
  }
  const root = obj(parsed, '$');
  if (root.format !== SCHEMA_FORMAT_VERSION) fail('$.format', `unsupported format ${String(root.format)}`);
  const keyspaces = new Map<string, KeyspaceMetadata>();
  const tableIds = new Map<string, string>();
  arr(root.keyspaces, '$.keyspaces').forEach((k, i) => {
    const path = `$.keyspaces[${i}]`;
    const o = obj(k, path);
    const name = str(o.name, `${path}.name`);
    if (keyspaces.has(name)) fail(`${path}.name`, `keyspace ${name} appears twice`);
    const tables = new Map<string, TableMetadata>();
    arr(o.tables, `${path}.tables`).forEach((t, j) => {
      const tablePath = `${path}.tables[${j}]`;
      const table = readTable(t, name, tablePath);
      if (tables.has(table.name)) fail(`${tablePath}.name`, `table ${name}.${table.name} appears twice`);
      if (tableIds.has(table.id))
        fail(`${tablePath}.id`, `table id ${table.id} is also the id of ${tableIds.get(table.id)}`);
      tableIds.set(table.id, `${name}.${table.name}`);
      tables.set(table.name, table);
    });
    if (typeof o.durableWrites !== 'boolean') fail(`${path}.durableWrites`, 'expected a boolean');
    keyspaces.set(name, {
      name,
      replication: readReplication(o.replication, `${path}.replication`),
      durableWrites: o.durableWrites,
      tables,
    });
  });
  return { keyspaces };
}
