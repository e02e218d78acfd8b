export type { ClusterStats } from './cluster/membership.js';
export {
  type ClusterTimings,
  COMMITLOG_SYNC_MODES,
  type CommitLogSyncMode,
  DEFAULT_CLUSTER_TIMINGS,
  DEFAULT_HTTP_LIMITS,
  DEFAULT_NODE_CONFIG,
  type HttpLimits,
  InvalidConfigError,
  type NodeConfig,
  parseSeed,
  type ResolvedNodeConfig,
  validateNodeConfig,
} from './config.js';
export {
  DEFAULT_ALLOCATE_TOKENS_FOR_RF,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_CLUSTER_NAME,
  DEFAULT_CLUSTER_SECRET,
  DEFAULT_DATA_DIR,
  DEFAULT_DC,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_GOSSIP_INTERVAL_MS,
  DEFAULT_HTTP_PORT,
  DEFAULT_INTERNODE_PORT,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_LISTEN_ADDRESS,
  DEFAULT_MAX_IN_FLIGHT_REQUESTS,
  DEFAULT_NUM_TOKENS,
  DEFAULT_PAGE_SIZE,
  DEFAULT_PHI_CONVICT_THRESHOLD,
  DEFAULT_RACK,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RING_DELAY_MS,
  MAX_ALLOCATE_TOKENS_FOR_RF,
  MAX_BIND_VALUES,
  MAX_NUM_TOKENS,
  MAX_PAGE_SIZE,
  RELEASE_VERSION,
} from './constants.js';
export { ReplicaTimeoutError, UnavailableError } from './errors.js';
export type { NodeState } from './http/api.js';
export { ERROR_STATUS, type ErrorBody, type ErrorName } from './http/errors.js';
export type { ClusterStatus, NodeStatus } from './http/schemas.js';
export {
  DEFAULT_MAX_FRAME_BYTES,
  HANDSHAKE_VERSION,
  MAX_FRAME_BYTES_LIMIT,
  MAX_HANDSHAKE_FRAME_BYTES,
} from './internode/constants.js';
export {
  DEFAULT_TCP_TRANSPORT_LIMITS,
  type TcpTransportLimits,
  type TcpTransportOptions,
} from './internode/tcp-options.js';
export { startTcpTransport, type TcpTransport, type TcpTransportStats } from './internode/tcp-transport.js';
export {
  createLogger,
  formatLogLine,
  LOG_LEVELS,
  type LogFormat,
  type LoggerOptions,
  type LogLevel,
  type LogStream,
  silentPinoLogger,
} from './logging.js';
export {
  NodeMetrics,
  type StatementMetrics,
  type StatementOutcome,
  type StorageSnapshot,
  type TableRef,
  type TableSource,
} from './metrics.js';
export { Node, type NodeOptions } from './node.js';
export { CqlQueryHandler, cqlQueryHandler } from './query/cql-handler.js';
export type { ClusterView, LocalNode, PeerInfo, PeerSource } from './query/system-views.js';
export {
  CONSISTENCY_LEVELS,
  type ConsistencyLevel,
  type CqlAppliedResponse,
  type CqlColumn,
  type CqlRequest,
  type CqlResponse,
  type CqlRowsResponse,
  DEFAULT_CONSISTENCY,
  type NodeServices,
  type QueryHandler,
  type QueryHandlerFactory,
  unavailableQueryHandler,
} from './query-handler.js';
export type { SchemaStore } from './schema/schema-store.js';
export type { TimestampSource } from './timestamps.js';
