/**
 * Errors of the coordinator that have no RingtailError code yet: the HTTP
 * layer recognises them by `kind` (as it does CqlSyntaxError) and answers 503
 * Unavailable or 504 WriteTimeout/ReadTimeout with Cassandra's fields.
 */
import type { ConsistencyLevel } from './query-handler.js';

/** Too few replicas are alive to even try the request at `consistency`. */
export class UnavailableError extends Error {
  readonly kind = 'Unavailable';

  constructor(
    readonly consistency: ConsistencyLevel,
    readonly required: number,
    readonly alive: number,
  ) {
    super(`cannot achieve consistency level ${consistency}: ${required} replicas required, ${alive} alive`);
    this.name = 'UnavailableError';
  }
}

/** Fewer than `required` replicas answered in time. */
export class ReplicaTimeoutError extends Error {
  constructor(
    readonly kind: 'WriteTimeout' | 'ReadTimeout',
    readonly consistency: ConsistencyLevel,
    readonly required: number,
    readonly received: number,
  ) {
    const verb = kind === 'WriteTimeout' ? 'write' : 'read';
    super(`${verb} timed out at consistency ${consistency}: ${received} of ${required} required replicas answered`);
    this.name = 'ReplicaTimeoutError';
  }
}
