/**
 * Replication strategies, parsed from a keyspace's `replication` map as a
 * Cassandra user writes it:
 *   { class: 'SimpleStrategy', replication_factor: 3 }
 *   { class: 'NetworkTopologyStrategy', dc1: 3, dc2: 2 }
 * Factors may be numbers or decimal strings (CQL map literals carry strings).
 * A strategy is a frozen value; `key` names it canonically so that rings can
 * cache one precomputed placement per distinct strategy.
 */
import { MAX_NAME_LENGTH, MAX_REPLICATION_FACTOR } from './constants.js';
import { invalidArgument } from './errors.js';

export interface SimpleStrategy {
  readonly class: 'SimpleStrategy';
  /** Replicas of each range: that many distinct nodes clockwise from the token. */
  readonly replicationFactor: number;
  /** Canonical description, e.g. `SimpleStrategy{replication_factor=3}`. */
  readonly key: string;
}

export interface NetworkTopologyStrategy {
  readonly class: 'NetworkTopologyStrategy';
  /** Replicas per datacenter; a datacenter not named has none. Sorted by name. */
  readonly datacenters: ReadonlyMap<string, number>;
  /** Canonical description, e.g. `NetworkTopologyStrategy{dc1=3,dc2=2}`. */
  readonly key: string;
}

export type ReplicationStrategy = SimpleStrategy | NetworkTopologyStrategy;

export type ReplicationFactorOption = number | string;

export type ReplicationOptions =
  | { class: 'SimpleStrategy'; replication_factor: ReplicationFactorOption }
  | { class: 'NetworkTopologyStrategy'; [datacenter: string]: ReplicationFactorOption };

const CLASS_PREFIX = 'org.apache.cassandra.locator.';

/**
 * Parses a keyspace's replication options. Class names may be short or fully
 * qualified (`org.apache.cassandra.locator.SimpleStrategy`). Unknown options
 * and bad factors are errors (RT_INVALID_ARGUMENT), never ignored.
 */
export function replicationStrategy(
  options: ReplicationOptions | Readonly<Record<string, unknown>>,
): ReplicationStrategy {
  if (typeof options !== 'object' || options === null) throw invalidArgument('replication options must be an object');
  const rawClass = options.class;
  if (typeof rawClass !== 'string') throw invalidArgument("replication options need a 'class'");
  const className = rawClass.startsWith(CLASS_PREFIX) ? rawClass.slice(CLASS_PREFIX.length) : rawClass;
  const entries = Object.entries(options).filter(([name]) => name !== 'class');
  if (className === 'SimpleStrategy') {
    for (const [name] of entries) {
      if (name !== 'replication_factor') throw invalidArgument(`unknown SimpleStrategy option '${name}'`);
    }
    if (!('replication_factor' in options)) throw invalidArgument("SimpleStrategy requires 'replication_factor'");
    const replicationFactor = parseFactor('replication_factor', options.replication_factor);
    return Object.freeze({
      class: 'SimpleStrategy',
      replicationFactor,
      key: `SimpleStrategy{replication_factor=${replicationFactor}}`,
    });
  }
  if (className === 'NetworkTopologyStrategy') {
    const factors: Array<[string, number]> = [];
    for (const [name, value] of entries) {
      if (name === 'replication_factor') {
        throw invalidArgument(
          "NetworkTopologyStrategy takes a factor per datacenter ('dc1': 3), not 'replication_factor'",
        );
      }
      if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw invalidArgument(`bad datacenter name '${name}'`);
      factors.push([name, parseFactor(name, value)]);
    }
    factors.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.freeze({
      class: 'NetworkTopologyStrategy',
      datacenters: new Map(factors),
      key: `NetworkTopologyStrategy{${factors.map(([dc, rf]) => `${dc}=${rf}`).join(',')}}`,
    });
  }
  throw invalidArgument(`unknown replication class '${rawClass}' (SimpleStrategy or NetworkTopologyStrategy)`);
}

function parseFactor(name: string, value: unknown): number {
  const factor = typeof value === 'string' && /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof factor !== 'number' || !Number.isInteger(factor) || factor < 0 || factor > MAX_REPLICATION_FACTOR) {
    throw invalidArgument(
      `replication factor '${name}' must be an integer in [0, ${MAX_REPLICATION_FACTOR}], got ${String(value)}`,
    );
  }
  return factor;
}
