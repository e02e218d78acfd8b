/**
 * Planning of INSERT, UPDATE, DELETE and BATCH: the statement, validated
 * against the schema, becomes one codec Mutation (every partition it writes,
 * merged per table and partition) plus, for a conditional statement, the
 * conditions the node must check first. Nothing here reads data.
 */
import { BinaryWriter, encodeMutationInto, type Mutation } from '@ringtail/codec';
import type { BatchStatement, ModificationStatement } from '../ast-statements.js';
import type { Schema, TableMetadata } from '../schema/metadata.js';
import { resolveTable } from '../schema/resolve.js';
import { MutationBuilder } from './builder.js';
import { rowCondition } from './conditions.js';
import {
  BATCH_SIZE_FAIL_THRESHOLD_BYTES,
  BATCH_SIZE_WARN_THRESHOLD_BYTES,
  MAX_BATCH_STATEMENTS,
  UNLOGGED_BATCH_ACROSS_PARTITIONS_WARN_THRESHOLD,
} from './constants.js';
import { planDelete } from './delete.js';
import { invalidRequest, limitExceeded } from './errors.js';
import { planInsert } from './insert.js';
import { keyText } from './keys.js';
import { ListPathClock } from './list-paths.js';
import type { ModificationPlan, PlannedConditions, PlanOptions, RowCheck, RowCondition } from './plan.js';
import type { ConditionScope, PlannedTargets, RowTarget } from './targets.js';
import { checkBindValues } from './terms.js';
import { planUpdate } from './update.js';
import { nowSecOf, type Terms, usingTimestamp, type WriteContext, writeTimestamp, writeTtl } from './write-context.js';

interface Planning {
  readonly schema: Schema;
  readonly options: PlanOptions;
  readonly terms: Terms;
  readonly builder: MutationBuilder;
  readonly listPaths: ListPathClock;
  readonly tables: string[];
  /** The table of the statement planned last: a batch's statements mostly share one. */
  lastTable: TableMetadata | undefined;
}

interface StatementCheck {
  readonly table: TableMetadata;
  readonly target: RowTarget;
  readonly condition: RowCondition;
}

/** Tables known to have no counter columns (metadata is immutable: an ALTER makes a new object). */
const counterFreeTables = new WeakSet<TableMetadata>();

function refuseCounters(table: TableMetadata): void {
  if (counterFreeTables.has(table)) return;
  const counters = table.columns.filter((c) => c.type.kind === 'counter').map((c) => c.name);
  if (counters.length > 0) {
    throw invalidRequest(
      `Counter tables are not supported yet: ${table.keyspace}.${table.name} has counter columns (${counters.join(', ')})`,
    );
  }
  counterFreeTables.add(table);
}

function conditionOf(statement: ModificationStatement, table: TableMetadata, terms: Terms): RowCondition | undefined {
  if (statement.kind === 'insert') return statement.ifNotExists ? { kind: 'notExists' } : undefined;
  return statement.condition === null ? undefined : rowCondition(statement.condition, table, terms);
}

function scopeOf(condition: RowCondition | undefined): ConditionScope | undefined {
  if (condition === undefined) return undefined;
  if (condition.kind !== 'columns') return { regular: false, static: false };
  return { regular: condition.checks.some((c) => !c.isStatic), static: condition.checks.some((c) => c.isStatic) };
}

function planStatement(
  statement: ModificationStatement,
  planning: Planning,
  batchTimestampMicros: number | undefined,
): StatementCheck | undefined {
  const { terms } = planning;
  const table = resolveTable(planning.schema, statement.table, planning.options.currentKeyspace);
  if (table !== planning.lastTable) {
    refuseCounters(table);
    const name = `${table.keyspace}.${table.name}`;
    if (!planning.tables.includes(name)) planning.tables.push(name);
    planning.lastTable = table;
  }
  const condition = conditionOf(statement, table, terms);
  if (condition !== undefined && statement.using.timestamp !== null) {
    throw invalidRequest('Cannot provide custom timestamp for conditional updates');
  }
  const context: WriteContext = {
    table,
    timestampMicros: writeTimestamp(statement.using, batchTimestampMicros, terms),
    ttlSec: statement.kind === 'delete' ? 0 : writeTtl(statement.using, table, terms),
    nowSec: nowSecOf(terms.nowMicros),
    terms,
    listPaths: planning.listPaths,
  };
  const scope = scopeOf(condition);
  let planned: PlannedTargets;
  switch (statement.kind) {
    case 'insert':
      planned = {
        targets: [planInsert(statement, context, planning.builder)],
        partitionIn: false,
        clusteringIn: false,
      };
      break;
    case 'update':
      planned = planUpdate(statement, context, planning.builder, scope);
      break;
    case 'delete':
      planned = planDelete(statement, context, planning.builder, scope);
      break;
  }
  if (condition === undefined) return undefined;
  // Cassandra refuses IN with conditions even when it names one value (ModificationStatement.makeCasRequest).
  const kind = statement.kind === 'delete' ? 'deletions' : 'updates';
  if (planned.partitionIn) throw invalidRequest(`IN on the partition key is not supported with conditional ${kind}`);
  if (planned.clusteringIn) {
    throw invalidRequest(`IN on the clustering key columns is not supported with conditional ${kind}`);
  }
  return { table, target: planned.targets[0]!, condition };
}

/** What a row's check becomes when another statement of a batch adds `next` to it (Cassandra's CQL3CasRequest). */
function mergedCondition(previous: RowCondition, next: RowCondition): RowCondition {
  const name = (c: RowCondition) => (c.kind === 'exists' ? 'IF EXISTS' : 'IF NOT EXISTS');
  if (previous.kind === 'columns' && next.kind === 'columns') {
    return { kind: 'columns', checks: [...previous.checks, ...next.checks] };
  }
  if (previous.kind === next.kind) return previous;
  if (previous.kind !== 'columns' && next.kind !== 'columns') {
    throw invalidRequest('Cannot mix IF EXISTS and IF NOT EXISTS conditions for the same row');
  }
  throw invalidRequest(
    `Cannot mix IF conditions and ${name(previous.kind === 'columns' ? next : previous)} for the same row`,
  );
}

/**
 * The row checks of a statement's condition: IF [NOT] EXISTS on the row it
 * writes (the static row for a statement on static columns only); column
 * conditions split between its row and the static row, as Cassandra reads
 * static columns there whatever the clustering.
 */
function rowChecksOf(check: StatementCheck): RowCheck[] {
  const { target, condition } = check;
  const isStatic = target.clustering === '' && check.table.clustering.length > 0;
  const row = (c: RowCondition): RowCheck => ({
    clustering: target.clustering,
    clusteringValues: target.clusteringValues,
    isStatic,
    condition: c,
  });
  if (condition.kind !== 'columns') return [row(condition)];
  const regular = condition.checks.filter((c) => !c.isStatic);
  const statics = condition.checks.filter((c) => c.isStatic);
  const out: RowCheck[] = [];
  if (regular.length > 0) out.push(row({ kind: 'columns', checks: regular }));
  if (statics.length > 0) {
    out.push({ clustering: '', clusteringValues: [], isStatic: true, condition: { kind: 'columns', checks: statics } });
  }
  return out;
}

function plannedConditions(checks: readonly StatementCheck[], mutation: Mutation): PlannedConditions | undefined {
  const first = checks[0];
  if (first === undefined) return undefined;
  if (checks.some((c) => c.table.id !== first.table.id) || mutation.updates.some((u) => u.tableId !== first.table.id)) {
    throw invalidRequest('Batch with conditions cannot span multiple tables');
  }
  const key = keyText(first.target.partitionKey);
  if (
    checks.some((c) => keyText(c.target.partitionKey) !== key) ||
    mutation.updates.some((u) => keyText(u.key) !== key)
  ) {
    throw invalidRequest('Batch with conditions cannot span multiple partitions');
  }
  const rows = new Map<string, RowCheck>();
  for (const check of checks) {
    for (const rowCheck of rowChecksOf(check)) {
      const previous = rows.get(rowCheck.clustering);
      rows.set(
        rowCheck.clustering,
        previous === undefined
          ? rowCheck
          : { ...previous, condition: mergedCondition(previous.condition, rowCheck.condition) },
      );
    }
  }
  return {
    keyspace: first.table.keyspace,
    table: first.table.name,
    tableId: first.table.id,
    partitionKey: first.target.partitionKey,
    checks: [...rows.values()],
  };
}

/** Where batches are encoded to be measured; replaced when a large batch has grown it past SIZE_SCRATCH_KEEP_BYTES. */
let sizeScratch = new BinaryWriter();
const SIZE_SCRATCH_KEEP_BYTES = 64 * 1024;

/** The bytes of `mutation` encoded (codec encodeMutation), without keeping a copy. */
function encodedSizeBytes(mutation: Mutation): number {
  const sizeBytes = encodeMutationInto(sizeScratch, mutation).length;
  if (sizeBytes > SIZE_SCRATCH_KEEP_BYTES) sizeScratch = new BinaryWriter();
  return sizeBytes;
}

/**
 * Cassandra's batch size guard: only a batch over several partitions is
 * measured (a single-partition batch is applied as one mutation anyway).
 * Bytes are those of the encoded mutation (codec encodeMutation).
 */
function batchSizeWarnings(mutation: Mutation, tables: readonly string[]): string[] {
  if (mutation.updates.length <= 1) return [];
  const sizeBytes = encodedSizeBytes(mutation);
  const names = `[${tables.join(', ')}]`;
  if (sizeBytes > BATCH_SIZE_FAIL_THRESHOLD_BYTES) {
    throw limitExceeded(
      `Batch too large: batch for ${names} is of size ${sizeBytes}, exceeding specified failure threshold of ${BATCH_SIZE_FAIL_THRESHOLD_BYTES} by ${sizeBytes - BATCH_SIZE_FAIL_THRESHOLD_BYTES}.`,
    );
  }
  if (sizeBytes > BATCH_SIZE_WARN_THRESHOLD_BYTES) {
    return [
      `Batch for ${names} is of size ${sizeBytes}, exceeding specified threshold of ${BATCH_SIZE_WARN_THRESHOLD_BYTES} by ${sizeBytes - BATCH_SIZE_WARN_THRESHOLD_BYTES}.`,
    ];
  }
  return [];
}

/** Cassandra's warning for an UNLOGGED batch over many partitions (BatchStatement.verifyBatchType). */
function unloggedBatchWarnings(mutation: Mutation, tables: readonly string[]): string[] {
  // Updates are one per table and partition: as many partitions as updates when they share a table.
  const updates = mutation.updates;
  if (updates.length <= UNLOGGED_BATCH_ACROSS_PARTITIONS_WARN_THRESHOLD) return [];
  const oneTable = updates.every((u) => u.tableId === updates[0]!.tableId);
  const partitions = oneTable ? updates.length : new Set(updates.map((u) => keyText(u.key))).size;
  if (partitions <= UNLOGGED_BATCH_ACROSS_PARTITIONS_WARN_THRESHOLD) return [];
  return [
    `Unlogged batch covering ${partitions} partitions detected against table${tables.length === 1 ? '' : 's'} [${tables.join(', ')}]. You should use a logged batch for atomicity, or asynchronous writes for performance.`,
  ];
}

function planBatch(batch: BatchStatement, planning: Planning): ModificationPlan {
  if (batch.batchType === 'counter') {
    throw invalidRequest('Counter batches are not supported yet (counter tables are not supported)');
  }
  if (batch.statements.length > MAX_BATCH_STATEMENTS) {
    throw limitExceeded(
      `Batch has ${batch.statements.length} statements, more than the limit of ${MAX_BATCH_STATEMENTS}`,
    );
  }
  const batchTimestamp =
    batch.using.timestamp === null ? undefined : usingTimestamp(batch.using.timestamp, planning.terms);
  const checks: StatementCheck[] = [];
  for (const statement of batch.statements) {
    if (batchTimestamp !== undefined && statement.using.timestamp !== null) {
      throw invalidRequest('Timestamp must be set either on BATCH or individual statements');
    }
    const check = planStatement(statement, planning, batchTimestamp);
    if (check !== undefined) checks.push(check);
  }
  // Paxos gives every write of a conditional batch the ballot's timestamp (Cassandra's Commit.newProposal);
  // a timestamp of the batch (Cassandra's rule) or of one of its statements (ours) would be ignored.
  if (checks.length > 0 && (batchTimestamp !== undefined || batch.statements.some((s) => s.using.timestamp !== null))) {
    throw invalidRequest('Cannot provide custom timestamp for conditional BATCH');
  }
  const mutation = planning.builder.build();
  const conditions = plannedConditions(checks, mutation);
  const warnings = batchSizeWarnings(mutation, planning.tables);
  if (batch.batchType === 'unlogged') warnings.push(...unloggedBatchWarnings(mutation, planning.tables));
  return modificationPlan(mutation, conditions, batch.batchType === 'logged', planning.tables, warnings);
}

/** The plan, `conditions` left out when undefined: two literals, as a conditional spread takes V8's slow path (~0.6 µs). */
function modificationPlan(
  mutation: Mutation,
  conditions: PlannedConditions | undefined,
  logged: boolean,
  tables: readonly string[],
  warnings: readonly string[],
): ModificationPlan {
  return conditions === undefined
    ? { mutation, logged, tables, warnings }
    : { mutation, conditions, logged, tables, warnings };
}

/**
 * Plans an INSERT, UPDATE, DELETE or BATCH against `schema`. Throws a
 * CqlInvalidRequestError with Cassandra's message when Cassandra would
 * refuse the statement (RT_LIMIT_EXCEEDED when a limit of constants.ts is
 * crossed). Deterministic: the same inputs (and random seed) give the same plan.
 */
export function planModification(
  statement: ModificationStatement | BatchStatement,
  schema: Schema,
  options: PlanOptions,
): ModificationPlan {
  checkBindValues(statement.bindMarkerCount, options.binds);
  const terms: Terms = { binds: options.binds, nowMicros: options.nowMicros, random: options.random };
  const planning: Planning = {
    schema,
    options,
    terms,
    builder: new MutationBuilder(),
    listPaths: new ListPathClock(options.nowMicros, options.random),
    tables: [],
    lastTable: undefined,
  };
  if (statement.kind === 'batch') return planBatch(statement, planning);
  const check = planStatement(statement, planning, undefined);
  const mutation = planning.builder.build();
  const conditions = check === undefined ? undefined : plannedConditions([check], mutation);
  return modificationPlan(mutation, conditions, false, planning.tables, []);
}
