/**
 * What one node is told at start: where its data lives, where it listens, and
 * which cluster it belongs to. `ringtail start` builds it from flags, RINGTAIL_*
 * environment variables and a config file; tests build it directly.
 */
import { ErrorCodes, RingtailError } from '@ringtail/codec';
import {
  DEFAULT_ALLOCATE_TOKENS_FOR_RF,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_CLUSTER_NAME,
  DEFAULT_DATA_DIR,
  DEFAULT_DC,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_GOSSIP_INTERVAL_MS,
  DEFAULT_HTTP_PORT,
  DEFAULT_INTERNODE_PORT,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_LISTEN_ADDRESS,
  DEFAULT_LOAD_REFRESH_INTERVAL_MS,
  DEFAULT_MAX_IN_FLIGHT_REQUESTS,
  DEFAULT_NUM_TOKENS,
  DEFAULT_PHI_CONVICT_THRESHOLD,
  DEFAULT_RACK,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RING_DELAY_MS,
  DEFAULT_SHUTDOWN_ANNOUNCE_MS,
  MAX_ALLOCATE_TOKENS_FOR_RF,
  MAX_CLUSTER_SECRET_CHARS,
  MAX_NAME_LENGTH_CHARS,
  MAX_NUM_TOKENS,
  MAX_SEEDS,
} from './constants.js';

/** Bounds of the HTTP server. */
export interface HttpLimits {
  /** Largest request body; beyond it the answer is 413. */
  readonly bodyLimitBytes: number;
  /** Time a client has to send a whole request; 0 disables. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** Queries and admin operations running at once; beyond it the answer is 503 Overloaded. */
  readonly maxInFlightRequests: number;
  /** How long `stop()` waits for in-flight requests before closing their connections. */
  readonly drainTimeoutMs: number;
}

/** Timings of cluster membership: gossip, the first start's wait for the ring, shutdown. */
export interface ClusterTimings {
  /** Time between gossip rounds. */
  readonly gossipIntervalMs: number;
  /** Phi above which a silent peer is convicted DOWN (Cassandra's phi_convict_threshold). */
  readonly phiConvictThreshold: number;
  /** Longest wait of a first start to learn the ring from its seeds before choosing tokens (ring_delay). */
  readonly ringDelayMs: number;
  /** How often this node's LOAD is re-gossiped. */
  readonly loadRefreshIntervalMs: number;
  /** How long stop() lets the shutdown announcement travel before closing internode connections. */
  readonly shutdownAnnounceMs: number;
}

export const COMMITLOG_SYNC_MODES = ['periodic', 'group', 'batch'] as const;
export type CommitLogSyncMode = (typeof COMMITLOG_SYNC_MODES)[number];

export interface NodeConfig {
  /** Holds the commit log, the SSTables and the host id. Created if missing. */
  readonly dataDir: string;
  /** Address the HTTP API and internode messaging bind to; peers reach this node at `listen:internodePort`. */
  readonly listen: string;
  /** HTTP API port; 0 picks a free one (the `listening` log line tells which). */
  readonly httpPort: number;
  /** Internode messaging (gossip) port; 0 picks a free one. */
  readonly internodePort: number;
  /** Contact points of the cluster, `host:port` each (internode addresses); none: this node alone is the cluster. */
  readonly seeds: readonly string[];
  /** Peers in another cluster are refused. */
  readonly clusterName: string;
  /**
   * Shared by every node of the cluster; internode connections prove they know it.
   * Undefined: DEFAULT_CLUSTER_SECRET, which is public, and the node warns.
   */
  readonly clusterSecret?: string;
  /**
   * Announce this node and find others of the same cluster (name and secret)
   * by UDP multicast on the local network, for development. Default false.
   */
  readonly lanDiscovery?: boolean;
  /**
   * When a write is acknowledged (Cassandra's commitlog_sync): `periodic`
   * (default) once handed to the OS, fsynced every 10 s; `group` and `batch`
   * once fsynced (group: one fsync per 10 ms window). docs/storage.md.
   */
  readonly commitLogSync?: CommitLogSyncMode;
  readonly dc: string;
  readonly rack: string;
  /** Virtual nodes this node owns on the ring. */
  readonly numTokens: number;
  /** The replication factor a first start balances its tokens for. Default DEFAULT_ALLOCATE_TOKENS_FOR_RF. */
  readonly allocateTokensForRf?: number;
  /** Overrides of the HTTP bounds of constants.ts. */
  readonly limits?: Partial<HttpLimits>;
  /** Overrides of the cluster timings of constants.ts. */
  readonly cluster?: Partial<ClusterTimings>;
}

/** A NodeConfig that passed {@link validateNodeConfig}, with every limit and timing filled in. */
export interface ResolvedNodeConfig extends NodeConfig {
  readonly allocateTokensForRf: number;
  readonly limits: HttpLimits;
  readonly cluster: ClusterTimings;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  keepAliveTimeoutMs: DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  maxInFlightRequests: DEFAULT_MAX_IN_FLIGHT_REQUESTS,
  drainTimeoutMs: DEFAULT_DRAIN_TIMEOUT_MS,
};

export const DEFAULT_CLUSTER_TIMINGS: ClusterTimings = {
  gossipIntervalMs: DEFAULT_GOSSIP_INTERVAL_MS,
  phiConvictThreshold: DEFAULT_PHI_CONVICT_THRESHOLD,
  ringDelayMs: DEFAULT_RING_DELAY_MS,
  loadRefreshIntervalMs: DEFAULT_LOAD_REFRESH_INTERVAL_MS,
  shutdownAnnounceMs: DEFAULT_SHUTDOWN_ANNOUNCE_MS,
};

export const DEFAULT_NODE_CONFIG: NodeConfig = {
  dataDir: DEFAULT_DATA_DIR,
  listen: DEFAULT_LISTEN_ADDRESS,
  httpPort: DEFAULT_HTTP_PORT,
  internodePort: DEFAULT_INTERNODE_PORT,
  seeds: [],
  clusterName: DEFAULT_CLUSTER_NAME,
  dc: DEFAULT_DC,
  rack: DEFAULT_RACK,
  numTokens: DEFAULT_NUM_TOKENS,
  allocateTokensForRf: DEFAULT_ALLOCATE_TOKENS_FOR_RF,
  lanDiscovery: false,
};

/** A configuration value outside its contract; `field` names the NodeConfig key. */
export class InvalidConfigError extends RingtailError {
  readonly field: string;

  constructor(field: string, message: string) {
    super(ErrorCodes.INVALID_ARGUMENT, `${field} ${message}`);
    this.field = field;
  }
}

/** Checks every field and fills in the default limits; throws {@link InvalidConfigError}. */
export function validateNodeConfig(config: NodeConfig): ResolvedNodeConfig {
  checkText('dataDir', config.dataDir, 4096);
  checkText('listen', config.listen, 255);
  checkInteger('httpPort', config.httpPort, 0, 65_535);
  checkInteger('internodePort', config.internodePort, 0, 65_535);
  checkText('clusterName', config.clusterName, MAX_NAME_LENGTH_CHARS);
  checkText('dc', config.dc, MAX_NAME_LENGTH_CHARS);
  checkText('rack', config.rack, MAX_NAME_LENGTH_CHARS);
  checkInteger('numTokens', config.numTokens, 1, MAX_NUM_TOKENS);
  if (config.commitLogSync !== undefined && !COMMITLOG_SYNC_MODES.includes(config.commitLogSync)) {
    throw new InvalidConfigError('commitLogSync', `must be one of ${COMMITLOG_SYNC_MODES.join(', ')}`);
  }
  if (config.clusterSecret !== undefined) checkText('clusterSecret', config.clusterSecret, MAX_CLUSTER_SECRET_CHARS);
  const allocateTokensForRf = config.allocateTokensForRf ?? DEFAULT_ALLOCATE_TOKENS_FOR_RF;
  checkInteger('allocateTokensForRf', allocateTokensForRf, 1, MAX_ALLOCATE_TOKENS_FOR_RF);
  if (!Array.isArray(config.seeds)) throw new InvalidConfigError('seeds', 'must be a list of host:port');
  if (config.seeds.length > MAX_SEEDS) throw new InvalidConfigError('seeds', `may list at most ${MAX_SEEDS} seeds`);
  for (const seed of config.seeds) parseSeed(seed);
  const limits = { ...DEFAULT_HTTP_LIMITS, ...config.limits };
  checkInteger('limits.bodyLimitBytes', limits.bodyLimitBytes, 1, 1024 * 1024 * 1024);
  checkInteger('limits.requestTimeoutMs', limits.requestTimeoutMs, 0, 3_600_000);
  checkInteger('limits.keepAliveTimeoutMs', limits.keepAliveTimeoutMs, 1, 3_600_000);
  checkInteger('limits.maxInFlightRequests', limits.maxInFlightRequests, 1, 1_000_000);
  checkInteger('limits.drainTimeoutMs', limits.drainTimeoutMs, 0, 3_600_000);
  const cluster = { ...DEFAULT_CLUSTER_TIMINGS, ...config.cluster };
  checkInteger('cluster.gossipIntervalMs', cluster.gossipIntervalMs, 10, 60_000);
  checkNumber('cluster.phiConvictThreshold', cluster.phiConvictThreshold, 1, 100);
  checkInteger('cluster.ringDelayMs', cluster.ringDelayMs, 0, 600_000);
  checkInteger('cluster.loadRefreshIntervalMs', cluster.loadRefreshIntervalMs, 100, 3_600_000);
  checkInteger('cluster.shutdownAnnounceMs', cluster.shutdownAnnounceMs, 0, 10_000);
  return { ...config, seeds: [...config.seeds], allocateTokensForRf, limits, cluster };
}

/** Splits `host:port` (or `[v6]:port`); throws {@link InvalidConfigError} naming `seeds`. */
export function parseSeed(seed: string): { host: string; port: number } {
  const match = typeof seed === 'string' ? /^(?:\[([^\]]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(seed) : null;
  const port = Number(match?.[3]);
  if (match === null || port < 1 || port > 65_535) {
    throw new InvalidConfigError('seeds', `entries must look like host:port, got ${JSON.stringify(seed)}`);
  }
  return { host: match[1] ?? match[2] ?? '', port };
}

function checkInteger(field: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidConfigError(field, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}

function checkNumber(field: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidConfigError(field, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}

function checkText(field: string, value: unknown, maxLength: number): void {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new InvalidConfigError(field, `must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  if (value.length > maxLength) throw new InvalidConfigError(field, `must be at most ${maxLength} characters long`);
}
