/**
 * The seam between the HTTP API and query execution. `POST /cql` validates the
 * request body, then calls {@link QueryHandler.execute}; whatever the handler
 * throws is mapped to an HTTP error by http/errors.ts (a CqlSyntaxError → 400
 * SyntaxError, a RingtailError by its code, {@link UnavailableError} → 503, ...).
 *
 * Every node runs the CQL handler (query/cql-handler.ts) unless `Node.start`
 * is given another {@link QueryHandlerFactory}.
 */
import { ErrorCodes, type JsonValue, type Logger, RingtailError, type Runtime } from '@ringtail/codec';
import type { StorageEngine } from '@ringtail/storage';
import type { ResolvedNodeConfig } from './config.js';
import type { StatementMetrics, TableSource } from './metrics.js';
import type { ClusterView } from './query/system-views.js';
import type { SchemaStore } from './schema/schema-store.js';
import type { TimestampSource } from './timestamps.js';

/** Cassandra's consistency levels, in the order cqlsh lists them. */
export const CONSISTENCY_LEVELS = [
  'ANY',
  'ONE',
  'TWO',
  'THREE',
  'QUORUM',
  'ALL',
  'LOCAL_ONE',
  'LOCAL_QUORUM',
  'EACH_QUORUM',
] as const;

export type ConsistencyLevel = (typeof CONSISTENCY_LEVELS)[number];

export const DEFAULT_CONSISTENCY: ConsistencyLevel = 'ONE';

/** One `POST /cql` body, validated, with the default consistency filled in. */
export interface CqlRequest {
  readonly query: string;
  /** Values for `?` markers (array) or `:name` markers (object), as JSON (DESIGN.md §3.2). */
  readonly params?: readonly JsonValue[] | { readonly [name: string]: JsonValue };
  readonly consistency: ConsistencyLevel;
  /** Keyspace for unqualified table names (like a `USE` for this query only). */
  readonly keyspace?: string;
  /** Rows per page, at most MAX_PAGE_SIZE. */
  readonly pageSize?: number;
  /** Where the previous page stopped, as the node returned it. */
  readonly pagingState?: string;
}

export interface CqlColumn {
  readonly name: string;
  /** The CQL type as written in DDL, e.g. `int`, `map<text, int>`. */
  readonly type: string;
}

/** The answer to a SELECT. */
export interface CqlRowsResponse {
  readonly columns: readonly CqlColumn[];
  readonly rows: readonly { readonly [column: string]: JsonValue }[];
  /** Present when more rows follow; pass it back to get the next page. */
  readonly pagingState?: string;
}

/**
 * The answer to any other statement. A conditional write that did not apply
 * has `applied: false` and, in `columns`/`rows`, Cassandra's `[applied]`
 * column followed by the current values of the row (query/conditions.ts).
 */
export interface CqlAppliedResponse {
  readonly applied: boolean;
  readonly columns?: readonly CqlColumn[];
  readonly rows?: readonly { readonly [column: string]: JsonValue }[];
  /** `USE ks`: the keyspace, as the client should send it in `keyspace` from now on. */
  readonly keyspace?: string;
  /** Cassandra's client warnings, e.g. a batch over the size warning threshold. */
  readonly warnings?: readonly string[];
}

export type CqlResponse = CqlRowsResponse | CqlAppliedResponse;

export interface QueryHandler {
  execute(request: CqlRequest): Promise<CqlResponse>;
}

/** What a query handler may use; handed to its {@link QueryHandlerFactory} once storage is open. */
export interface NodeServices {
  readonly config: ResolvedNodeConfig;
  readonly runtime: Runtime;
  readonly engine: StorageEngine;
  /** Child logger `{component: 'query'}`. */
  readonly logger: Logger;
  /** Call `recordStatement` once per executed statement. */
  readonly metrics: StatementMetrics;
  /** Tells the node which tables exist, for `/metrics` and the load in `/status`. */
  setTableSource(source: TableSource): void;
  /** The schema, loaded from storage before the handler is made; DDL goes through it. */
  readonly schema: SchemaStore;
  /** Strictly increasing write timestamps, shared with the schema's DDL. */
  readonly timestamps: TimestampSource;
  /** The node's host id (a UUID kept in the data directory). */
  readonly hostId: string;
  /** The HTTP port actually bound. */
  readonly httpPort: number;
  /** What system.local and system.peers show: this node (its tokens, bound ports) and the peers gossip knows. */
  readonly cluster: ClusterView;
}

export type QueryHandlerFactory = (services: NodeServices) => QueryHandler | Promise<QueryHandler>;

/** Answers every query with 503 NotServing: the handler in place until storage is open. */
export const unavailableQueryHandler: QueryHandler = {
  execute() {
    return Promise.reject(new RingtailError(ErrorCodes.CLOSED, 'query execution is not available yet'));
  },
};
