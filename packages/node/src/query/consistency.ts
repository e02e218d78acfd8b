/**
 * Consistency levels on a single node. The node is the one replica of every
 * token, so every level that a single replica can satisfy is satisfied:
 * ANY, ONE, LOCAL_ONE, QUORUM, LOCAL_QUORUM, EACH_QUORUM and ALL. TWO and
 * THREE need more replicas than are alive and fail before anything is
 * done, as Cassandra fails them: 503 Unavailable {consistency, required,
 * alive: 1}. ANY is for writes only (Cassandra: "ANY ConsistencyLevel is
 * only supported for writes").
 *
 * Unlike Cassandra, QUORUM and ALL are not measured against a keyspace's
 * replication factor: a keyspace with replication_factor 3 on one node
 * still accepts QUORUM, since the node holds every replica there is.
 */
import { CqlInvalidRequestError } from '@ringtail/cql';
import { SINGLE_NODE_ALIVE_REPLICAS } from '../constants.js';
import { UnavailableError } from '../errors.js';
import type { ConsistencyLevel } from '../query-handler.js';

/** Replicas a level needs when every keyspace has one replica (the only one alive). */
function requiredReplicas(consistency: ConsistencyLevel): number {
  if (consistency === 'TWO') return 2;
  if (consistency === 'THREE') return 3;
  return 1;
}

/** Throws unless `consistency` can be met for a read (`forRead`) or a write on this node. */
export function checkConsistency(consistency: ConsistencyLevel, forRead: boolean): void {
  if (forRead && consistency === 'ANY') {
    throw new CqlInvalidRequestError('ANY ConsistencyLevel is only supported for writes');
  }
  const required = requiredReplicas(consistency);
  if (required > SINGLE_NODE_ALIVE_REPLICAS) {
    throw new UnavailableError(consistency, required, SINGLE_NODE_ALIVE_REPLICAS);
  }
}
