/**
 * What every write of one statement shares — its table, one timestamp, one
 * TTL, "now" — and the cells it builds from it. Cassandra gives every cell of
 * a statement the same timestamp; a TTL applies to every value written
 * (not to tombstones); tombstones and expiry count from the coordinator's now.
 */
import {
  type Cell,
  type CqlValue,
  cellTombstone,
  type DeletionTime,
  expiringCell,
  isMultiCell,
  type LivenessInfo,
  liveCell,
  NO_DELETION_TIME,
  secondsFromMicros,
  serializeValue,
} from '@ringtail/codec';
import type { Term, UsingClause } from '../ast.js';
import type { ColumnMetadata, TableMetadata } from '../schema/metadata.js';
import type { RowDraft } from './builder.js';
import { MAX_TTL_SEC } from './constants.js';
import { invalidRequest } from './errors.js';
import { elementPath } from './keys.js';
import type { ListPathClock } from './list-paths.js';
import { type TermContext, termValue } from './terms.js';

export type Terms = Omit<TermContext, 'what'>;

export interface WriteContext {
  readonly table: TableMetadata;
  readonly timestampMicros: number;
  /** 0: no TTL. */
  readonly ttlSec: number;
  readonly nowSec: number;
  readonly terms: Terms;
  readonly listPaths: ListPathClock;
}

const MAX_SAFE_MICROS = Number.MAX_SAFE_INTEGER;

/** `USING TIMESTAMP`, else the batch's, else now. */
export function writeTimestamp(using: UsingClause, batchTimestampMicros: number | undefined, terms: Terms): number {
  if (using.timestamp === null) return batchTimestampMicros ?? terms.nowMicros;
  return usingTimestamp(using.timestamp, terms);
}

export function usingTimestamp(term: Term, terms: Terms): number {
  const value = termValue(term, { kind: 'bigint' }, { ...terms, what: '"[timestamp]"' });
  if (value === null) throw invalidRequest('Invalid null value of timestamp');
  const micros = value as bigint;
  if (micros > BigInt(MAX_SAFE_MICROS) || micros < -BigInt(MAX_SAFE_MICROS)) {
    throw invalidRequest(`Timestamp ${micros} is outside the supported range of ±${MAX_SAFE_MICROS} microseconds`);
  }
  return Number(micros);
}

/** `USING TTL` (0 means none, even over a table default), else the table's default_time_to_live. */
export function writeTtl(using: UsingClause, table: TableMetadata, terms: Terms): number {
  if (using.ttl === null) return table.options.defaultTimeToLiveSec;
  const value = termValue(using.ttl, { kind: 'int' }, { ...terms, what: '"[ttl]"' });
  if (value === null) throw invalidRequest('Invalid null value of TTL');
  const ttl = value as number;
  if (ttl < 0) throw invalidRequest(`A TTL must be greater or equal to 0, but was ${ttl}`);
  if (ttl > MAX_TTL_SEC) throw invalidRequest(`ttl is too large. requested (${ttl}) maximum (${MAX_TTL_SEC})`);
  return ttl;
}

export function deletionAt(context: WriteContext, markedForDeleteAtMicros: number): DeletionTime {
  return { markedForDeleteAtMicros, localDeletionTimeSec: context.nowSec };
}

export function nowSecOf(nowMicros: number): number {
  return secondsFromMicros(nowMicros);
}

/** The primary-key liveness an INSERT writes. */
export function rowLiveness(context: WriteContext): LivenessInfo {
  const { timestampMicros, ttlSec, nowSec } = context;
  return { timestampMicros, ttlSec, localExpirationTimeSec: ttlSec > 0 ? nowSec + ttlSec : NO_DELETION_TIME };
}

export function valueCell(context: WriteContext, column: string, path: string | undefined, value: Uint8Array): Cell {
  const { timestampMicros, ttlSec, nowSec } = context;
  return ttlSec > 0
    ? expiringCell(column, path, timestampMicros, value, ttlSec, nowSec)
    : liveCell(column, path, timestampMicros, value);
}

export function tombstoneCell(context: WriteContext, column: string, path: string | undefined): Cell {
  return cellTombstone(column, path, context.timestampMicros, context.nowSec);
}

const EMPTY = new Uint8Array(0);

/** Adds the elements of a collection value as cells of a non-frozen collection column. */
export function addElements(
  row: RowDraft,
  context: WriteContext,
  column: ColumnMetadata,
  value: CqlValue,
  where: 'append' | 'prepend' = 'append',
): void {
  const type = column.type;
  switch (type.kind) {
    case 'set':
      for (const element of value as readonly CqlValue[]) {
        row.addCell(valueCell(context, column.name, elementPath(type.element, element), EMPTY));
      }
      return;
    case 'map':
      for (const [k, v] of value as ReadonlyArray<readonly [CqlValue, CqlValue]>) {
        row.addCell(valueCell(context, column.name, elementPath(type.key, k), serializeValue(type.value, v)));
      }
      return;
    case 'list': {
      const elements = value as readonly CqlValue[];
      const paths = context.listPaths.paths(elements.length, where);
      elements.forEach((element, i) => {
        row.addCell(valueCell(context, column.name, paths[i], serializeValue(type.element, element)));
      });
      return;
    }
    default:
      throw new Error(`addElements on ${type.kind}`);
  }
}

/**
 * `c = value` (INSERT or UPDATE): a simple column gets a cell (a tombstone for
 * null); a non-frozen collection is overwritten — a complex deletion just
 * before the statement's timestamp, then one cell per element.
 */
export function writeColumnValue(
  row: RowDraft,
  context: WriteContext,
  column: ColumnMetadata,
  value: CqlValue | null,
): void {
  if (isMultiCell(column.type)) {
    row.deleteComplex(column.name, deletionAt(context, context.timestampMicros - 1));
    if (value !== null) addElements(row, context, column, value);
    return;
  }
  row.addCell(
    value === null
      ? tombstoneCell(context, column.name, undefined)
      : valueCell(context, column.name, undefined, serializeValue(column.type, value)),
  );
}
