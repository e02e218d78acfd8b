/**
 * What one node is told at start: where its data lives, where it listens, and
 * which cluster it belongs to. `ringtail start` builds it from flags, RINGTAIL_*
 * environment variables and a config file; tests build it directly.
 */
import { ErrorCodes, RingtailError } from '@ringtail/codec';
import {
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_CLUSTER_NAME,
  DEFAULT_DATA_DIR,
  DEFAULT_DC,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_HTTP_PORT,
  DEFAULT_INTERNODE_PORT,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_LISTEN_ADDRESS,
  DEFAULT_MAX_IN_FLIGHT_REQUESTS,
  DEFAULT_NUM_TOKENS,
  DEFAULT_RACK,
  DEFAULT_REQUEST_TIMEOUT_MS,
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

export interface NodeConfig {
  /** Holds the commit log, the SSTables and the host id. Created if missing. */
  readonly dataDir: string;
  /** Address the HTTP API (and later internode messaging) binds to. */
  readonly listen: string;
  /** HTTP API port; 0 picks a free one (the `listening` log line tells which). */
  readonly httpPort: number;
  /** Internode messaging port (reserved; a single node does not bind it yet). */
  readonly internodePort: number;
  /** Contact points of the cluster, `host:port` each (used once gossip exists). */
  readonly seeds: readonly string[];
  readonly clusterName: string;
  readonly dc: string;
  readonly rack: string;
  /** Virtual nodes this node owns on the ring. */
  readonly numTokens: number;
  /** Overrides of the HTTP bounds of constants.ts. */
  readonly limits?: Partial<HttpLimits>;
}

/** A NodeConfig that passed {@link validateNodeConfig}, with every limit filled in. */
export interface ResolvedNodeConfig extends NodeConfig {
  readonly limits: HttpLimits;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  keepAliveTimeoutMs: DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  maxInFlightRequests: DEFAULT_MAX_IN_FLIGHT_REQUESTS,
  drainTimeoutMs: DEFAULT_DRAIN_TIMEOUT_MS,
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
  if (!Array.isArray(config.seeds)) throw new InvalidConfigError('seeds', 'must be a list of host:port');
  if (config.seeds.length > MAX_SEEDS) throw new InvalidConfigError('seeds', `may list at most ${MAX_SEEDS} seeds`);
  for (const seed of config.seeds) parseSeed(seed);
  const limits = { ...DEFAULT_HTTP_LIMITS, ...config.limits };
  checkInteger('limits.bodyLimitBytes', limits.bodyLimitBytes, 1, 1024 * 1024 * 1024);
  checkInteger('limits.requestTimeoutMs', limits.requestTimeoutMs, 0, 3_600_000);
  checkInteger('limits.keepAliveTimeoutMs', limits.keepAliveTimeoutMs, 1, 3_600_000);
  checkInteger('limits.maxInFlightRequests', limits.maxInFlightRequests, 1, 1_000_000);
  checkInteger('limits.drainTimeoutMs', limits.drainTimeoutMs, 0, 3_600_000);
  return { ...config, seeds: [...config.seeds], limits };
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

function checkText(field: string, value: unknown, maxLength: number): void {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new InvalidConfigError(field, `must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  if (value.length > maxLength) throw new InvalidConfigError(field, `must be at most ${maxLength} characters long`);
}
