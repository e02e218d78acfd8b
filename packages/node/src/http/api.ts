/** What the HTTP layer needs from the node; Node implements it, tests fake it. */
import type { Logger as PinoLogger } from 'pino';
import type { HttpLimits } from '../config.js';
import type { NodeMetrics } from '../metrics.js';
import type { QueryHandler } from '../query-handler.js';
import type { InFlightLimiter } from './guards.js';
import type { ClusterStatus } from './schemas.js';

/**
 * `starting`: storage is opening; `serving`: everything works; `drained`:
 * memtables flushed and queries refused (after `/admin/drain`); `stopping`:
 * finishing in-flight requests; `stopped`: storage closed.
 */
export type NodeState = 'starting' | 'serving' | 'drained' | 'stopping' | 'stopped';

/** nodetool's verbs that this node can carry out. */
export interface AdminOperations {
  flush(): Promise<void>;
  /** Major compaction of every table; `undefined` when the storage engine cannot compact on demand. */
  readonly compact: (() => Promise<void>) | undefined;
  /** Stops accepting queries, then flushes every memtable. */
  drain(): Promise<void>;
}

export interface HttpApiDeps {
  /** pino child logger `{component: 'http'}`; fastify adds `reqId` per request. */
  readonly logger: PinoLogger;
  readonly limits: HttpLimits;
  readonly limiter: InFlightLimiter;
  readonly metrics: NodeMetrics;
  readonly admin: AdminOperations;
  state(): NodeState;
  queryHandler(): QueryHandler;
  /** Called only in states where storage is open. */
  status(): ClusterStatus;
}
