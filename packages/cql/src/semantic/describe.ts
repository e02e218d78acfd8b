/**
 * A readable dump of a planned mutation, keys and values decoded against the
 * schema: for logs, `EXPLAIN`-style tooling and the datadriven tests
 * (testdata/semantic). One line per partition, row, cell and tombstone:
 *
 *   ks.t k=1 deleted@10
 *     static s=5 @10
 *     row c=1 live@10 ttl=60 exp=1700000060
 *       v="x" @10 ttl=60 exp=1700000060
 *       w tombstone@10
 *       m complex-deleted@9
 *       m["a"]=1 @10
 *       l[#0]=7 @10            list elements by rank of their (time-based) path
 *       b="0xabab…(6000 bytes)" @10   values past 64 characters are cut
 *     range (1)+ .. (5)+ deleted@10
 *
 * A range bound is a clustering prefix: `(1)` is the position of the prefix,
 * `(1)+` the position after every clustering that extends it; `-inf`, `+inf`.
 */
import {
  type Cell,
  CLUSTERING_AFTER_PREFIX,
  type CqlType,
  type DeletionTime,
  decodeComparable,
  decodeComparableKey,
  deserializeValue,
  type LivenessInfo,
  type Mutation,
  NO_DELETION_TIME,
  type PartitionUpdate,
  type Row,
  valueToJson,
} from '@ringtail/codec';
import type { ColumnMetadata, Schema, TableMetadata } from '../schema/metadata.js';

function json(type: CqlType, value: Parameters<typeof valueToJson>[1]): string {
  return JSON.stringify(valueToJson(type, value));
}

function keyBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function namedValues(columns: readonly ColumnMetadata[], bytes: Uint8Array, asc: boolean): string {
  const values = decodeComparableKey(
    columns.map((c) => ({ type: c.type, order: asc ? 'asc' : (c.clusteringOrder ?? 'asc') })),
    bytes,
  );
  return values.map((v, i) => `${columns[i]!.name}=${json(columns[i]!.type, v)}`).join(' ');
}

function bound(table: TableMetadata, position: string, side: 'start' | 'end'): string {
  if (position === '') return '-inf';
  if (position === CLUSTERING_AFTER_PREFIX && side === 'end') return '+inf';
  const after = position.endsWith(CLUSTERING_AFTER_PREFIX);
  const prefix = after ? position.slice(0, -1) : position;
  const columns = table.clustering.map((c) => ({ type: c.type, order: c.clusteringOrder ?? 'asc' }));
  const values = decodeComparableKey(columns, keyBytes(prefix));
  return `(${values.map((v, i) => json(table.clustering[i]!.type, v)).join(', ')})${after ? '+' : ''}`;
}

function deletion(d: DeletionTime): string {
  return `deleted@${d.markedForDeleteAtMicros}`;
}

function expiry(ttlSec: number, expiresSec: number): string {
  return ttlSec > 0 ? ` ttl=${ttlSec} exp=${expiresSec}` : '';
}

function liveness(l: LivenessInfo): string {
  return `live@${l.timestampMicros}${expiry(l.ttlSec, l.localExpirationTimeSec === NO_DELETION_TIME ? 0 : l.localExpirationTimeSec)}`;
}

function cellText(table: TableMetadata, cell: Cell, rank: number): string {
  const column = table.columns.find((c) => c.name === cell.column);
  const type = column?.type;
  let name = cell.column;
  let valueType = type;
  if (cell.path !== undefined && type !== undefined) {
    if (type.kind === 'list') {
      name += `[#${rank}]`;
      valueType = type.element;
    } else if (type.kind === 'set' || type.kind === 'map') {
      const keyType = type.kind === 'set' ? type.element : type.key;
      name += `[${json(keyType, decodeComparable(keyType, keyBytes(cell.path)))}]`;
      valueType = type.kind === 'map' ? type.value : undefined;
    }
  }
  const stamp = `@${cell.timestampMicros}${expiry(cell.ttlSec, cell.localDeletionTimeSec)}`;
  if (cell.value === undefined) return `${name} tombstone${stamp}`;
  if (valueType === undefined) return `${name} ${stamp}`;
  return `${name}=${shortened(json(valueType, deserializeValue(valueType, cell.value)), cell.value.length)} ${stamp}`;
}

/** Values longer than this print cut, with their size: a dump stays readable with large blobs in it. */
const MAX_VALUE_TEXT_CHARS = 64;

function shortened(text: string, sizeBytes: number): string {
  return text.length <= MAX_VALUE_TEXT_CHARS ? text : `${text.slice(0, MAX_VALUE_TEXT_CHARS)}…(${sizeBytes} bytes)`;
}

function rowLines(table: TableMetadata, row: Row, header: string): string[] {
  const parts = [header];
  if (row.liveness !== undefined) parts.push(liveness(row.liveness));
  if (row.deletion !== undefined) parts.push(deletion(row.deletion));
  const lines = [`  ${parts.join(' ')}`];
  for (const d of row.complexDeletions) lines.push(`    ${d.column} complex-${deletion(d.deletion)}`);
  const ranks = new Map<string, number>();
  for (const cell of row.cells) {
    const rank = ranks.get(cell.column) ?? 0;
    ranks.set(cell.column, rank + 1);
    lines.push(`    ${cellText(table, cell, rank)}`);
  }
  return lines;
}

function partitionLines(table: TableMetadata, update: PartitionUpdate): string[] {
  const head = [`${table.keyspace}.${table.name} ${namedValues(table.partitionKey, update.key, true)}`];
  if (update.deletion !== undefined) head.push(deletion(update.deletion));
  const lines = [head.join(' ')];
  if (update.staticRow !== undefined) lines.push(...rowLines(table, update.staticRow, 'static'));
  for (const row of update.rows) {
    const header =
      table.clustering.length === 0 ? 'row' : `row ${namedValues(table.clustering, keyBytes(row.clustering), false)}`;
    lines.push(...rowLines(table, row, header));
  }
  for (const rt of update.rangeTombstones) {
    lines.push(`  range ${bound(table, rt.start, 'start')} .. ${bound(table, rt.end, 'end')} ${deletion(rt.deletion)}`);
  }
  return lines;
}

/** The mutation as text; tables are found in `schema` by id. */
export function describeMutation(mutation: Mutation, schema: Schema): string {
  const tables = new Map<string, TableMetadata>();
  for (const keyspace of schema.keyspaces.values()) for (const t of keyspace.tables.values()) tables.set(t.id, t);
  const lines: string[] = [];
  for (const update of mutation.updates) {
    const table = tables.get(update.tableId);
    if (table === undefined) lines.push(`unknown table ${update.tableId}`);
    else lines.push(...partitionLines(table, update));
  }
  return lines.length === 0 ? '(no writes)' : lines.join('\n');
}
