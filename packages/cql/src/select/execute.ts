/**
 * SELECT execution: a plan, a PartitionSource and the request's time → one
 * page of the result in the HTTP API's shape (DESIGN.md §3.2): column names
 * and types, rows as JSON objects, and a paging state while more rows may
 * follow (paging.ts). Aggregates (COUNT) read everything and return one row.
 */
import {
  type CqlType,
  ErrorCodes,
  formatCqlType,
  initChecksums,
  isRingtailError,
  type JsonValue,
  tokenOf,
  valueToJson,
} from '@ringtail/codec';
import { invalidRequest } from '../semantic/errors.js';
import { DEFAULT_PAGE_SIZE_ROWS, MAX_PAGE_SIZE_ROWS, MAX_ROWS_EXAMINED_PER_REQUEST } from './constants.js';
import { decodePagingState, encodePagingState, type PagingPosition, queryHash } from './paging.js';
import type { SelectPlan } from './plan.js';
import { type Candidate, type PartitionSource, selectedRows, WorkBudget } from './read.js';
import type { RowView } from './rows.js';
import type { OutputColumn } from './selection.js';

export interface ExecuteSelectOptions {
  /** Most rows in this page; default 5000. */
  readonly pageSize?: number;
  /** From a previous page of the same query. */
  readonly pagingState?: string;
  /** The read's time: what has expired (TTL) by then is gone. */
  readonly nowSec: number;
  /** Lowers MAX_ROWS_EXAMINED_PER_REQUEST (tests, virtual tables). */
  readonly maxRowsExamined?: number;
}

export interface ResultColumn {
  readonly name: string;
  /** CQL type text, as codec's formatCqlType writes it. */
  readonly type: string;
}

export interface SelectResult {
  readonly columns: ResultColumn[];
  readonly rows: Array<Record<string, JsonValue>>;
  /** Present when more rows may follow: pass it back to get the next page. */
  readonly pagingState?: string;
}

const BIGINT: CqlType = { kind: 'bigint' };
const VARINT: CqlType = { kind: 'varint' };
const JSON_COLUMN = '[json]';

/** Sets a key; a column named "__proto__" must become a key too, not the object's prototype. */
function setKey(row: Record<string, JsonValue>, key: string, value: JsonValue): void {
  if (key === '__proto__')
    Object.defineProperty(row, key, { value, enumerable: true, writable: true, configurable: true });
  else row[key] = value;
}

function selectorJson(column: OutputColumn, view: RowView, nowSec: number): JsonValue {
  const selector = column.selector;
  switch (selector.kind) {
    case 'column':
      return valueToJson(column.type, view.value(selector.column));
    case 'writetime': {
      const cell = view.simpleCell(selector.column);
      return cell === undefined ? null : valueToJson(BIGINT, BigInt(cell.timestampMicros));
    }
    case 'ttl': {
      const cell = view.simpleCell(selector.column);
      return cell === undefined || cell.ttlSec === 0 ? null : cell.localDeletionTimeSec - nowSec;
    }
    case 'token':
      return valueToJson(VARINT, tokenOf(view.partition.key));
    case 'countRows':
    case 'countColumn':
      return null;
  }
}

/** The row as the client sees it; SELECT JSON wraps it in one text column. */
function wrapJson(plan: SelectPlan, row: Record<string, JsonValue>): Record<string, JsonValue> {
  if (!plan.json) return row;
  const wrapped: Record<string, JsonValue> = {};
  setKey(wrapped, JSON_COLUMN, JSON.stringify(row));
  return wrapped;
}

function jsonRow(plan: SelectPlan, view: RowView, nowSec: number): Record<string, JsonValue> {
  const row: Record<string, JsonValue> = {};
  for (const column of plan.output) setKey(row, column.name, selectorJson(column, view, nowSec));
  return wrapJson(plan, row);
}

function resultColumns(plan: SelectPlan): ResultColumn[] {
  if (plan.json) return [{ name: JSON_COLUMN, type: 'text' }];
  return plan.output.map((o) => ({ name: o.name, type: formatCqlType(o.type) }));
}

function pageSizeOf(options: ExecuteSelectOptions): number {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE_ROWS;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE_ROWS) {
    throw invalidRequest(`Page size must be an integer from 1 to ${MAX_PAGE_SIZE_ROWS}, got ${pageSize}`);
  }
  return pageSize;
}

/** COUNT(*) and count(c) over every selected row; other selectors take the first row's values, as in Cassandra. */
async function aggregate(
  plan: SelectPlan,
  batches: AsyncIterable<Iterable<Candidate>>,
  nowSec: number,
): Promise<Record<string, JsonValue>> {
  const counts = plan.output.map(() => 0);
  let first: JsonValue[] | undefined;
  for await (const batch of batches) {
    for (const { view } of batch) {
      first ??= plan.output.map((column) => selectorJson(column, view, nowSec));
      plan.output.forEach((column, i) => {
        const selector = column.selector;
        if (selector.kind === 'countRows') counts[i]!++;
        else if (selector.kind === 'countColumn' && view.value(selector.column) !== null) counts[i]!++;
      });
    }
  }
  const row: Record<string, JsonValue> = {};
  plan.output.forEach((column, i) => {
    const counted = column.selector.kind === 'countRows' || column.selector.kind === 'countColumn';
    setKey(row, column.name, counted ? valueToJson(BIGINT, BigInt(counts[i]!)) : (first?.[i] ?? null));
  });
  return wrapJson(plan, row);
}

function positionAfter(plan: SelectPlan, last: Candidate, rowsLeft: number): PagingPosition {
  const clustering = last.view.clustering;
  return {
    key: last.view.partition.key,
    clustering,
    partitionDone: clustering === undefined || last.rowsLeftInPartition === 0,
    rowsLeft: plan.limit === undefined ? undefined : rowsLeft,
    rowsLeftInPartition: last.rowsLeftInPartition,
  };
}

/**
 * Runs `plan` against `source` and returns one page. Throws a
 * CqlInvalidRequestError for a bad page size or paging state, and one with
 * code RT_LIMIT_EXCEEDED when the request examines more than
 * MAX_ROWS_EXAMINED_PER_REQUEST partitions, rows and tombstones.
 */
export async function executeSelect(
  plan: SelectPlan,
  source: PartitionSource,
  options: ExecuteSelectOptions,
): Promise<SelectResult> {
  const pageSize = pageSizeOf(options);
  await initChecksums();
  const hash = queryHash(plan.fingerprint);
  const resume = options.pagingState === undefined ? undefined : decodePagingState(options.pagingState, hash);
  const budget = new WorkBudget(
    Math.min(options.maxRowsExamined ?? MAX_ROWS_EXAMINED_PER_REQUEST, MAX_ROWS_EXAMINED_PER_REQUEST),
  );
  const columns = resultColumns(plan);
  const nowSec = options.nowSec;
  if (plan.aggregate) {
    if (resume !== undefined) throw invalidRequest('Invalid paging state: an aggregate query returns a single page');
    return { columns, rows: [await aggregate(plan, selectedRows(plan, source, undefined, nowSec, budget), nowSec)] };
  }
  let rowsLeft = resume?.rowsLeft ?? plan.limit ?? Number.POSITIVE_INFINITY;
  const rows: Array<Record<string, JsonValue>> = [];
  let last: Candidate | undefined;
  /** Whether a row was found past a full page (looking one row ahead spares the client an empty last page). */
  let more = false;
  try {
    page: for await (const batch of selectedRows(plan, source, resume, nowSec, budget)) {
      for (const candidate of batch) {
        if (rowsLeft <= 0) break page;
        if (rows.length === pageSize) {
          more = true;
          break page;
        }
        rows.push(jsonRow(plan, candidate.view, nowSec));
        last = candidate;
        rowsLeft--;
      }
    }
  } catch (error) {
    // Out of budget while looking ahead: the page is complete; the next request will meet the bound itself.
    if (!(rows.length === pageSize && isRingtailError(error, ErrorCodes.LIMIT_EXCEEDED))) throw error;
    more = true;
  }
  if (!more || last === undefined) return { columns, rows };
  return { columns, rows, pagingState: encodePagingState(hash, positionAfter(plan, last, rowsLeft)) };
}
