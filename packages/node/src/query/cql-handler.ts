/**
 * CQL on a single node: `POST /cql` bodies parsed, validated against the
 * schema and executed against the storage engine (docs/cql.md, "Executing
 * CQL on a node").
 *
 * - USE: HTTP is stateless, so `USE ks` only checks that `ks` exists and
 *   answers `{applied: true, keyspace}`; the client sends `keyspace` with
 *   its later requests.
 * - DDL and TRUNCATE: through the SchemaStore, one at a time.
 * - INSERT, UPDATE, DELETE, BATCH: planned into one Mutation and written.
 *   A conditional statement reads its partition under a per-partition lock
 *   and writes only if its conditions hold (query/conditions.ts).
 * - SELECT: planned and executed against storage, or against the system
 *   views for the system keyspaces, one page at a time.
 */
import { bytesToLatin1Key, ErrorCodes, isRingtailError, type Random } from '@ringtail/codec';
import {
  type BatchStatement,
  type BindValues,
  CqlInvalidRequestError,
  checkBindValues,
  executeSelect,
  isSchemaStatement,
  isSystemKeyspace,
  keyspaceOf,
  type ModificationPlan,
  type ModificationStatement,
  type PartitionSource,
  type PlannedConditions,
  planModification,
  planSelect,
  resolveTable,
  type Schema,
  type SchemaStatement,
  type SelectStatement,
  type Statement,
  type StatementKind,
  type TableMetadata,
  type TableName,
} from '@ringtail/cql';
import type { StorageEngine } from '@ringtail/storage';
import {
  DEFAULT_PAGE_SIZE,
  MAX_BIND_VALUES,
  MAX_CACHED_STATEMENT_CHARS,
  STATEMENT_CACHE_CHARS,
  STATEMENT_CACHE_ENTRIES,
} from '../constants.js';
import { ReplicaTimeoutError, UnavailableError } from '../errors.js';
import { KeyedLock } from '../keyed-lock.js';
import type { StatementMetrics, StatementOutcome } from '../metrics.js';
import type {
  CqlAppliedResponse,
  CqlRequest,
  CqlResponse,
  CqlRowsResponse,
  NodeServices,
  QueryHandler,
  QueryHandlerFactory,
} from '../query-handler.js';
import { checkUserModifiable, type SchemaStore } from '../schema/schema-store.js';
import { SYSTEM_SCHEMA } from '../schema/system-tables.js';
import type { TimestampSource } from '../timestamps.js';
import { evaluateConditions } from './conditions.js';
import { checkConsistency } from './consistency.js';
import { StatementCache } from './statement-cache.js';
import { SystemViews } from './system-views.js';

const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  ErrorCodes.INVALID_ARGUMENT,
  ErrorCodes.LIMIT_EXCEEDED,
  ErrorCodes.NOT_FOUND,
  ErrorCodes.ALREADY_EXISTS,
]);

/** The metrics outcome of a statement that threw `error`. */
function outcomeOf(error: unknown): StatementOutcome {
  if (error instanceof UnavailableError) return 'unavailable';
  if (error instanceof ReplicaTimeoutError) return 'timeout';
  if (isRingtailError(error) && CLIENT_ERROR_CODES.has(error.code)) return 'invalid';
  return 'error';
}

function tooManyBindValues(count: number): CqlInvalidRequestError {
  return new CqlInvalidRequestError(`${count} bind values, more than the limit of ${MAX_BIND_VALUES}`, {
    code: ErrorCodes.LIMIT_EXCEEDED,
  });
}

/** The request's bind values, bounded and matched against the statement's markers. */
function bindValues(request: CqlRequest, statement: Statement): BindValues {
  const params = request.params ?? [];
  const count = Array.isArray(params) ? params.length : Object.keys(params).length;
  if (count > MAX_BIND_VALUES) throw tooManyBindValues(count);
  checkBindValues(statement.bindMarkerCount, params as BindValues);
  return params as BindValues;
}

export class CqlQueryHandler implements QueryHandler {
  private readonly engine: StorageEngine;
  private readonly schema: SchemaStore;
  private readonly timestamps: TimestampSource;
  private readonly random: Random;
  private readonly metrics: StatementMetrics;
  private readonly monotonicMs: () => number;
  private readonly views: SystemViews;
  /** Conditional writes to one partition, one at a time (Paxos arrives with the cluster). */
  private readonly partitionLocks = new KeyedLock();
  private readonly statements = new StatementCache(
    STATEMENT_CACHE_ENTRIES,
    STATEMENT_CACHE_CHARS,
    MAX_CACHED_STATEMENT_CHARS,
  );

  constructor(services: NodeServices) {
    const { runtime } = services;
    this.engine = services.engine;
    this.schema = services.schema;
    this.timestamps = services.timestamps;
    this.random = runtime.random;
    this.metrics = services.metrics;
    this.monotonicMs = () => runtime.clock.monotonicMs();
    this.views = new SystemViews(services.cluster.local, runtime.random.fork(), services.cluster.peers);
  }

  async execute(request: CqlRequest): Promise<CqlResponse> {
    const startedMs = this.monotonicMs();
    let kind: StatementKind | undefined;
    try {
      const statement = this.statements.parse(request.query);
      kind = statement.kind;
      const response = await this.executeStatement(statement, request);
      this.record(kind, startedMs, 'ok');
      return response;
    } catch (error) {
      // A statement that does not parse has no kind: the HTTP metrics count it.
      if (kind !== undefined) this.record(kind, startedMs, outcomeOf(error));
      throw error;
    }
  }

  private record(kind: StatementKind, startedMs: number, outcome: StatementOutcome): void {
    this.metrics.recordStatement(kind, (this.monotonicMs() - startedMs) / 1000, outcome);
  }

  /**
   * Not async: an unconditional write answers with the storage write's promise
   * itself (modify), with no async frames around it; each frame cost
   * promise resolutions and microtask turns on every single-row INSERT.
   * A throw here reaches execute's catch as a rejection would.
   */
  private executeStatement(statement: Statement, request: CqlRequest): CqlResponse | Promise<CqlResponse> {
    const binds = bindValues(request, statement);
    const currentKeyspace = request.keyspace ?? null;
    if (isSchemaStatement(statement)) return this.changeSchema(statement, currentKeyspace);
    switch (statement.kind) {
      case 'use':
        return this.use(statement.keyspace);
      case 'truncate':
        return this.truncate(statement.table, currentKeyspace);
      case 'select':
        checkConsistency(request.consistency, true);
        return this.select(statement, request, binds, currentKeyspace);
      case 'insert':
      case 'update':
      case 'delete':
      case 'batch':
        checkConsistency(request.consistency, false);
        return this.modify(statement, binds, currentKeyspace);
    }
  }

  private async changeSchema(statement: SchemaStatement, currentKeyspace: string | null): Promise<CqlAppliedResponse> {
    await this.schema.change(statement, currentKeyspace);
    return { applied: true };
  }

  private async truncate(table: TableName, currentKeyspace: string | null): Promise<CqlAppliedResponse> {
    await this.schema.truncate(table, currentKeyspace);
    return { applied: true };
  }

  private use(keyspace: string): CqlAppliedResponse {
    if (!this.schema.schema.keyspaces.has(keyspace) && !SYSTEM_SCHEMA.keyspaces.has(keyspace)) {
      throw new CqlInvalidRequestError(`Keyspace '${keyspace}' does not exist`);
    }
    return { applied: true, keyspace };
  }

  private async select(
    statement: SelectStatement,
    request: CqlRequest,
    binds: BindValues,
    currentKeyspace: string | null,
  ): Promise<CqlRowsResponse> {
    const nowMicros = this.timestamps.nextMicros();
    let table: TableMetadata;
    let source: PartitionSource;
    if (isSystemKeyspace(keyspaceOf(statement.table, currentKeyspace))) {
      table = resolveTable(SYSTEM_SCHEMA, statement.table, currentKeyspace);
      source = this.views.source(this.schema.schema, this.schema.version, nowMicros, this.engine);
    } else {
      table = resolveTable(this.schema.schema, statement.table, currentKeyspace);
      source = this.engine;
    }
    const plan = planSelect(statement, table, { binds, nowMicros, random: this.random });
    return executeSelect(plan, source, {
      nowSec: Math.floor(nowMicros / 1_000_000),
      pageSize: request.pageSize ?? DEFAULT_PAGE_SIZE,
      pagingState: request.pagingState,
    });
  }

  private modify(
    statement: ModificationStatement | BatchStatement,
    binds: BindValues,
    currentKeyspace: string | null,
  ): CqlAppliedResponse | Promise<CqlAppliedResponse> {
    if (statement.kind === 'batch') {
      for (const s of statement.statements) checkUserModifiable(keyspaceOf(s.table, currentKeyspace));
    } else {
      checkUserModifiable(keyspaceOf(statement.table, currentKeyspace));
    }
    const schema = this.schema.schema;
    const nowMicros = this.timestamps.nextMicros();
    const plan = planModification(statement, schema, { currentKeyspace, binds, nowMicros, random: this.random });
    const conditions = plan.conditions;
    if (conditions !== undefined) return this.conditionalWrite(statement, schema, plan, conditions, nowMicros);
    // Not `{applied: true, ...warnings}` as below: spreading takes V8's slow path, and this is every write.
    const response: CqlAppliedResponse =
      plan.warnings.length > 0 ? { applied: true, warnings: [...plan.warnings] } : { applied: true };
    if (plan.mutation.updates.length === 0) return response;
    return this.engine.write(plan.mutation).then(() => response);
  }

  /** A write with IF conditions: read, check and write its partition under the partition's lock. */
  private async conditionalWrite(
    statement: ModificationStatement | BatchStatement,
    schema: Schema,
    plan: ModificationPlan,
    conditions: PlannedConditions,
    nowMicros: number,
  ): Promise<CqlAppliedResponse> {
    const warnings = plan.warnings.length > 0 ? { warnings: [...plan.warnings] } : {};
    const table = schema.keyspaces.get(conditions.keyspace)?.tables.get(conditions.table);
    if (table === undefined) throw new Error(`planned conditions name an unknown table ${conditions.table}`);
    // Joined synchronously after the timestamp was drawn: conditional writes to a
    // partition apply in timestamp order (keyed-lock.ts).
    const key = `${conditions.tableId}\u0000${bytesToLatin1Key(conditions.partitionKey)}`;
    return this.partitionLocks.run(key, async () => {
      const partition = await this.engine.read(conditions.tableId, conditions.partitionKey);
      const nowSec = Math.floor(nowMicros / 1_000_000);
      const failed = evaluateConditions(conditions, table, partition, nowSec, statement.kind === 'batch');
      if (failed !== undefined) return { ...failed, ...warnings };
      await this.engine.write(plan.mutation);
      return { applied: true, ...warnings };
    });
  }
}

/** The factory `Node.start` uses unless told otherwise. */
export const cqlQueryHandler: QueryHandlerFactory = (services) => {
  services.setTableSource(() => services.schema.tables());
  return new CqlQueryHandler(services);
};
