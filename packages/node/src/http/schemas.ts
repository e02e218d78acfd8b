/** JSON schemas of every route (DESIGN.md §3.2), and the types they describe. */
import { MAX_KEYSPACE_NAME_CHARS, MAX_PAGE_SIZE, MAX_PAGING_STATE_CHARS } from '../constants.js';
import { CONSISTENCY_LEVELS, type ConsistencyLevel } from '../query-handler.js';

/** Every error body: `{error: NAME, message, ...fields}`. */
const errorBody = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  additionalProperties: true,
} as const;

export const errorResponses = { '4xx': errorBody, '5xx': errorBody } as const;

/** The body of `POST /cql` as it arrives; `consistency` defaults to ONE. */
export interface CqlBody {
  query: string;
  params?: unknown[] | Record<string, unknown>;
  consistency?: ConsistencyLevel;
  keyspace?: string;
  pageSize?: number;
  pagingState?: string;
}

export const cqlBodySchema = {
  type: 'object',
  required: ['query'],
  additionalProperties: false,
  properties: {
    query: { type: 'string', minLength: 1 },
    params: { type: ['array', 'object'] },
    consistency: { type: 'string', enum: [...CONSISTENCY_LEVELS] },
    keyspace: { type: 'string', minLength: 1, maxLength: MAX_KEYSPACE_NAME_CHARS },
    pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
    pagingState: { type: 'string', maxLength: MAX_PAGING_STATE_CHARS },
  },
} as const;

const columns = {
  type: 'array',
  items: {
    type: 'object',
    required: ['name', 'type'],
    properties: { name: { type: 'string' }, type: { type: 'string' } },
  },
} as const;

/** Rows hold any JSON values, keyed by column name. */
const rows = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;

/**
 * Rows (`columns`, `rows`, `pagingState`) for a SELECT; `applied` otherwise, with the current row for a
 * failed conditional write, `keyspace` for USE and Cassandra's client `warnings` when there are any.
 */
export const cqlResponseSchema = {
  type: 'object',
  properties: {
    applied: { type: 'boolean' },
    columns,
    rows,
    pagingState: { type: 'string' },
    keyspace: { type: 'string' },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;

export type HealthStatus = 'ok' | 'starting' | 'drained' | 'stopping' | 'stopped';

const healthBody = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok', 'starting', 'drained', 'stopping', 'stopped'] } },
} as const;

export const healthResponses = { 200: healthBody, 503: healthBody } as const;

export interface NodeStatus {
  /** Host id: a UUID kept in the data directory. */
  readonly id: string;
  /** Internode address, `host:port`. */
  readonly address: string;
  /** HTTP API base URL. */
  readonly http: string;
  readonly dc: string;
  readonly rack: string;
  readonly status: 'UP' | 'DOWN';
  readonly state: 'JOINING' | 'NORMAL' | 'LEAVING';
  /** Number of tokens (vnodes) the node owns. */
  readonly tokens: number;
  /** Fraction of the ring the node replicates, 0..1. */
  readonly ownership: number;
  /** Bytes on disk: live SSTables plus commit log. */
  readonly load: number;
}

export interface ClusterStatus {
  readonly clusterName: string;
  readonly nodes: readonly NodeStatus[];
}

export const statusResponse = {
  type: 'object',
  required: ['clusterName', 'nodes'],
  properties: {
    clusterName: { type: 'string' },
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'address', 'http', 'dc', 'rack', 'status', 'state', 'tokens', 'ownership', 'load'],
        properties: {
          id: { type: 'string' },
          address: { type: 'string' },
          http: { type: 'string' },
          dc: { type: 'string' },
          rack: { type: 'string' },
          status: { type: 'string', enum: ['UP', 'DOWN'] },
          state: { type: 'string', enum: ['JOINING', 'NORMAL', 'LEAVING'] },
          tokens: { type: 'integer' },
          ownership: { type: 'number' },
          load: { type: 'integer' },
        },
      },
    },
  },
} as const;

export const metricsResponse = { type: 'string', description: 'Prometheus text exposition format 0.0.4' } as const;

export type AdminOperation = 'flush' | 'compact' | 'drain' | 'repair' | 'decommission';

export const adminResponse = {
  type: 'object',
  required: ['operation', 'status'],
  properties: { operation: { type: 'string' }, status: { type: 'string', enum: ['done'] } },
} as const;
