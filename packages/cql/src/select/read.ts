/**
 * The rows a plan selects, in result order, as an async stream: partitions
 * from a PartitionSource (keys in (token, key) order, or a range scan), each
 * resolved at `nowSec` (partition deletion, range tombstones, row deletions,
 * expired cells), cut to the clustering slices, filtered, and limited per
 * partition. A paging position resumes the stream strictly after a row.
 */
import {
  type Cell,
  CLUSTERING_AFTER_PREFIX,
  coveringDeletion,
  liveRow,
  type PartitionUpdate,
  partitionPosition,
  type Row,
} from '@ringtail/codec';
import { limitExceeded } from '../semantic/errors.js';
import type { PagingPosition } from './paging.js';
import type { SelectPlan } from './plan.js';
import type { ClusteringRange } from './ranges.js';
import { PartitionView, RowView } from './rows.js';

export interface ScanRange {
  readonly fromPosition?: string;
  /** Default true. */
  readonly fromInclusive?: boolean;
  readonly toPosition?: string;
  /** Default false. */
  readonly toInclusive?: boolean;
}

/**
 * Where a SELECT reads partitions: the storage engine (its `read` and `scan`
 * have this shape), a coordinator merging replicas, or a virtual table.
 * `scan` yields partitions in (token, key) order, positions as codec's
 * partitionPosition.
 */
export interface PartitionSource {
  read(tableId: string, key: Uint8Array): Promise<PartitionUpdate | undefined>;
  scan(tableId: string, range: ScanRange): AsyncIterable<PartitionUpdate>;
}

/** Counts what one request examines: partitions, rows and tombstones, live or not. */
export class WorkBudget {
  private used = 0;

  constructor(readonly maxUnits: number) {}

  charge(units: number): void {
    this.used += units;
    if (this.used > this.maxUnits) {
      throw limitExceeded(
        `Query aborted after examining more than ${this.maxUnits} partitions, rows and tombstones (the limit of one request); restrict it further`,
      );
    }
  }
}

/** What every step of one request's read shares. */
interface ReadContext {
  readonly plan: SelectPlan;
  readonly source: PartitionSource;
  readonly nowSec: number;
  readonly budget: WorkBudget;
  readonly visible: (cell: Cell) => boolean;
}

/** A row to return, and how many more PER PARTITION LIMIT allows in its partition after it. */
export interface Candidate {
  readonly view: RowView;
  readonly rowsLeftInPartition: number | undefined;
}

/** Index of the first row whose clustering is >= `clustering`. */
function lowerBound(rows: readonly Row[], clustering: string): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.clustering < clustering) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rows within the ranges, in clustering order or reversed, strictly after `after` in that order. */
function* rowsInRanges(
  rows: readonly Row[],
  ranges: readonly ClusteringRange[],
  reversed: boolean,
  after: string | undefined,
): Generator<Row> {
  if (!reversed) {
    // The smallest clustering position greater than `after` is `after` + '\0'.
    const from = after === undefined ? '' : `${after}\u0000`;
    for (const range of ranges) {
      let start = range.start;
      if (from > start) start = from;
      for (let i = lowerBound(rows, start); i < rows.length && rows[i]!.clustering < range.end; i++) yield rows[i]!;
    }
    return;
  }
  const to = after ?? CLUSTERING_AFTER_PREFIX;
  for (let k = ranges.length - 1; k >= 0; k--) {
    const range = ranges[k]!;
    let end = range.end;
    if (to < end) end = to;
    for (let i = lowerBound(rows, end) - 1; i >= 0 && rows[i]!.clustering >= range.start; i--) yield rows[i]!;
  }
}

/**
 * Which cells a row may show: cells of columns the table has, except those
 * written before the column was dropped (a column dropped and added again
 * must not show its old cells).
 */
function visibleCells(plan: SelectPlan): (cell: Cell) => boolean {
  const names = new Set(plan.table.columns.map((c) => c.name));
  const droppedAt = new Map<string, number>();
  for (const d of plan.table.droppedColumns ?? []) {
    droppedAt.set(d.name, Math.max(d.droppedAtMicros, droppedAt.get(d.name) ?? Number.NEGATIVE_INFINITY));
  }
  return (cell) =>
    names.has(cell.column) && cell.timestampMicros > (droppedAt.get(cell.column) ?? Number.NEGATIVE_INFINITY);
}

/** `row` without the cells `visible` hides; the same object when it hides none (the common case). */
function withVisibleCells(row: Row, visible: (cell: Cell) => boolean): Row {
  return row.cells.every(visible) ? row : { ...row, cells: row.cells.filter(visible) };
}

function accepts(plan: SelectPlan, view: RowView): boolean {
  return plan.filters.every((f) => f.test(f.columns.map((c) => view.value(c))));
}

/** The candidates of one partition; `resume` when the stream resumes inside it. */
function* partitionRows(
  context: ReadContext,
  partition: PartitionUpdate,
  resume: PagingPosition | undefined,
): Generator<Candidate> {
  const { plan, nowSec, budget, visible } = context;
  budget.charge(1 + partition.rangeTombstones.length + (partition.staticRow === undefined ? 0 : 1));
  const staticRow =
    partition.staticRow === undefined
      ? undefined
      : liveRow(withVisibleCells(partition.staticRow, visible), partition.deletion, nowSec);
  const partitionView = new PartitionView(plan.table, partition.key, staticRow);
  let left = resume === undefined ? plan.perPartitionLimit : resume.rowsLeftInPartition;
  if (left !== undefined && left <= 0) return;
  const live = (raw: Row) => {
    budget.charge(1);
    const deletion = coveringDeletion(partition.deletion, partition.rangeTombstones, raw.clustering);
    return liveRow(withVisibleCells(raw, visible), deletion, nowSec);
  };
  if (plan.distinct) {
    if (resume !== undefined) return;
    let exists = staticRow !== undefined;
    for (const raw of exists ? [] : rowsInRanges(partition.rows, plan.clustering, false, undefined)) {
      if (live(raw) !== undefined) {
        exists = true;
        break;
      }
    }
    const view = new RowView(partitionView, undefined);
    if (exists && accepts(plan, view)) yield { view, rowsLeftInPartition: undefined };
    return;
  }
  let found = false;
  for (const raw of rowsInRanges(partition.rows, plan.clustering, plan.reversed, resume?.clustering)) {
    const row = live(raw);
    if (row === undefined) continue;
    found = true;
    const view = new RowView(partitionView, row);
    if (!accepts(plan, view)) continue;
    if (left !== undefined) left--;
    yield { view, rowsLeftInPartition: left };
    if (left === 0) return;
  }
  if (!found && resume === undefined && plan.staticRowsForEmptyPartitions && staticRow !== undefined) {
    const view = new RowView(partitionView, undefined);
    if (accepts(plan, view)) yield { view, rowsLeftInPartition: left === undefined ? undefined : left - 1 };
  }
}

/** The selected partitions from `resume` on (inclusive, or after it when `resume.partitionDone`). */
async function* partitions(
  context: ReadContext,
  resume: { readonly position: string; readonly inclusive: boolean } | undefined,
): AsyncGenerator<{ readonly partition: PartitionUpdate; readonly position: string }> {
  const { plan, source, budget } = context;
  const tableId = plan.table.id;
  const selection = plan.partitions;
  if (selection.kind === 'keys') {
    for (const { key, position } of selection.keys) {
      if (resume !== undefined && (position < resume.position || (position === resume.position && !resume.inclusive))) {
        continue;
      }
      budget.charge(1);
      const partition = await source.read(tableId, key);
      if (partition !== undefined) yield { partition, position };
    }
    return;
  }
  let fromPosition = selection.from;
  let fromInclusive = true;
  if (resume !== undefined && (fromPosition === undefined || resume.position >= fromPosition)) {
    fromPosition = resume.position;
    fromInclusive = resume.inclusive;
  }
  const range: ScanRange = { fromPosition, fromInclusive, toPosition: selection.to, toInclusive: false };
  for await (const partition of source.scan(tableId, range)) {
    yield { partition, position: partitionPosition(partition.key) };
  }
}

/** The candidates of one partition after another; each inner generator is one partition's. */
async function* sequentialRows(
  context: ReadContext,
  resume: PagingPosition | undefined,
): AsyncGenerator<Iterable<Candidate>> {
  const resumePosition = resume === undefined ? undefined : partitionPosition(resume.key);
  const from = resume === undefined ? undefined : { position: resumePosition!, inclusive: !resume.partitionDone };
  for await (const { partition, position } of partitions(context, from)) {
    yield partitionRows(context, partition, position === resumePosition ? resume : undefined);
  }
}

/**
 * ORDER BY with IN on the partition key: the rows of every partition merged
 * in clustering order (ties in (token, key) order), as Cassandra sorts them.
 * Each partition's PER PARTITION LIMIT applies before the merge, so a resumed
 * page recomputes the same sequence and skips to the position.
 */
async function* mergedRows(
  context: ReadContext,
  resume: PagingPosition | undefined,
): AsyncGenerator<Iterable<Candidate>> {
  const all: Array<{ readonly candidate: Candidate; readonly clustering: string; readonly position: string }> = [];
  for await (const { partition, position } of partitions(context, undefined)) {
    for (const candidate of partitionRows(context, partition, undefined)) {
      all.push({ candidate, clustering: candidate.view.clustering ?? '', position });
    }
  }
  const direction = context.plan.reversed ? -1 : 1;
  const compare = (a: { clustering: string; position: string }, b: { clustering: string; position: string }) => {
    if (a.clustering !== b.clustering) return a.clustering < b.clustering ? -direction : direction;
    return a.position < b.position ? -1 : a.position > b.position ? 1 : 0;
  };
  all.sort(compare);
  const after =
    resume === undefined ? undefined : { clustering: resume.clustering ?? '', position: partitionPosition(resume.key) };
  yield all.filter((entry) => after === undefined || compare(entry, after) > 0).map((entry) => entry.candidate);
}

/**
 * Every row the plan selects, from `resume` on, in result order: batches of
 * rows (one per partition, or one for a merge), so that rows pass through
 * the async machinery a partition at a time rather than one by one.
 */
export function selectedRows(
  plan: SelectPlan,
  source: PartitionSource,
  resume: PagingPosition | undefined,
  nowSec: number,
  budget: WorkBudget,
): AsyncGenerator<Iterable<Candidate>> {
  const context: ReadContext = { plan, source, nowSec, budget, visible: visibleCells(plan) };
  return plan.mergePartitions ? mergedRows(context, resume) : sequentialRows(context, resume);
}
