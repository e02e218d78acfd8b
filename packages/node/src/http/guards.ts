/** Guards that run before a route's work: the node's state, and the in-flight bound. */
import type { onRequestHookHandler } from 'fastify';
import type { NodeState } from './api.js';
import { ApiError } from './errors.js';

const NOT_SERVING_REASON: Record<NodeState, string> = {
  starting: 'node is starting (opening its data directory); retry shortly',
  serving: 'node is serving',
  drained: 'node is drained and no longer accepts queries; restart it to serve again',
  stopping: 'node is shutting down',
  stopped: 'node is stopped',
};

/**
 * An onRequest hook answering 503 NotServing unless the node is in one of
 * `allowed`. Callback style: it runs on every request, and an async hook
 * costs a promise each time.
 */
export function requireState(state: () => NodeState, allowed: readonly NodeState[]): onRequestHookHandler {
  return (_request, _reply, done) => {
    const now = state();
    if (allowed.includes(now)) done();
    else done(new ApiError('NotServing', NOT_SERVING_REASON[now], { state: now }));
  };
}

/**
 * Bounds the queries and admin operations running at once. Counts handler
 * executions rather than connections: a request whose client went away still
 * holds its slot until the work it started is done.
 */
export class InFlightLimiter {
  private running = 0;

  constructor(readonly maxInFlight: number) {}

  get inFlight(): number {
    return this.running;
  }

  /** Runs `work`, or throws 503 Overloaded when `maxInFlight` are already running. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxInFlight) {
      throw new ApiError(
        'Overloaded',
        `node is overloaded: ${this.maxInFlight} requests already in flight; retry later`,
        {
          maxInFlight: this.maxInFlight,
        },
      );
    }
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
    }
  }
}
