/**
 * Keyspace and table options from `WITH` clauses, validated as Cassandra
 * does (KeyspaceAttributes, TableAttributes, the strategies' validateOptions).
 */
import type { Property } from '../ast.js';
import {
  DEFAULT_COMPACTION_MAX_THRESHOLD,
  DEFAULT_COMPACTION_MIN_THRESHOLD,
  DEFAULT_GC_GRACE_SECONDS,
  MAX_TTL_SEC,
} from '../semantic/constants.js';
import { invalidRequest } from '../semantic/errors.js';
import type { CompactionOptions, ReplicationOptions, TableOptions } from './metadata.js';
import { booleanOption, integerOption, mapProperty, textProperty } from './properties.js';

const LOCATOR_PREFIX = 'org.apache.cassandra.locator.';
const COMPACTION_PREFIX = 'org.apache.cassandra.db.compaction.';
const INT32_MAX = 2_147_483_647;
/** A replication factor beyond this is surely a typo; Cassandra has no bound but the ring's size. */
const MAX_REPLICATION_FACTOR = 1000;

export const DEFAULT_TABLE_OPTIONS: TableOptions = {
  defaultTimeToLiveSec: 0,
  gcGraceSeconds: DEFAULT_GC_GRACE_SECONDS,
  compaction: {
    class: 'SizeTieredCompactionStrategy',
    minThreshold: DEFAULT_COMPACTION_MIN_THRESHOLD,
    maxThreshold: DEFAULT_COMPACTION_MAX_THRESHOLD,
  },
  comment: '',
};

function replicationFactor(text: string): number {
  if (!/^\d+$/.test(text.trim())) {
    if (/^-\d+$/.test(text.trim())) throw invalidRequest(`Replication factor must be non-negative; found ${text}`);
    throw invalidRequest(`Replication factor must be numeric; found ${text}`);
  }
  const value = Number(text.trim());
  if (value > MAX_REPLICATION_FACTOR) {
    throw invalidRequest(`Replication factor must be at most ${MAX_REPLICATION_FACTOR}; found ${text}`);
  }
  return value;
}

/** `replication = {'class': ..., ...}` for keyspace `keyspace`. */
export function replicationOptions(property: Property, keyspace: string): ReplicationOptions {
  const options = mapProperty(property);
  const className = options.get('class');
  if (className === undefined) throw invalidRequest('Missing replication strategy class');
  options.delete('class');
  const short = className.startsWith(LOCATOR_PREFIX) ? className.slice(LOCATOR_PREFIX.length) : className;
  if (short === 'SimpleStrategy') {
    const rf = options.get('replication_factor');
    if (rf === undefined) throw invalidRequest('SimpleStrategy requires a replication_factor strategy option.');
    options.delete('replication_factor');
    if (options.size > 0) {
      throw invalidRequest(
        `Unrecognized strategy option {${[...options.keys()].join(', ')}} passed to SimpleStrategy for keyspace ${keyspace}`,
      );
    }
    return { class: 'SimpleStrategy', replicationFactor: replicationFactor(rf) };
  }
  if (short === 'NetworkTopologyStrategy') {
    if (options.has('replication_factor')) {
      throw invalidRequest(
        'NetworkTopologyStrategy: replication_factor (expansion to every datacenter) is not supported; give each datacenter its replication factor',
      );
    }
    if (options.size === 0) throw invalidRequest('Configuration for at least one datacenter must be present');
    const datacenters: Record<string, number> = {};
    for (const [dc, rf] of options) {
      Object.defineProperty(datacenters, dc, { value: replicationFactor(rf), enumerable: true, writable: true });
    }
    return { class: 'NetworkTopologyStrategy', datacenters };
  }
  throw invalidRequest(`Unable to find replication strategy class '${className}'`);
}

/** Keyspace properties: `replication` (required unless `altering`) and `durable_writes`. */
export function keyspaceOptions(
  properties: readonly Property[],
  keyspace: string,
  altering: boolean,
): { replication: ReplicationOptions | undefined; durableWrites: boolean | undefined } {
  let replication: ReplicationOptions | undefined;
  let durableWrites: boolean | undefined;
  for (const property of properties) {
    if (property.name === 'replication') replication = replicationOptions(property, keyspace);
    else if (property.name === 'durable_writes')
      durableWrites = booleanOption('durable_writes', textProperty(property));
    else throw invalidRequest(`Unknown property '${property.name}'`);
  }
  if (replication === undefined && !altering) throw invalidRequest("Missing mandatory option 'replication'");
  return { replication, durableWrites };
}

const WINDOW_UNITS = ['MINUTES', 'HOURS', 'DAYS'] as const;

function compactionOptions(property: Property): CompactionOptions {
  const options = mapProperty(property);
  const className = options.get('class');
  if (className === undefined) throw invalidRequest("Missing sub-option 'class' for the 'compaction' option.");
  options.delete('class');
  const short = className.startsWith(COMPACTION_PREFIX) ? className.slice(COMPACTION_PREFIX.length) : className;
  const take = (name: string): string | undefined => {
    const value = options.get(name);
    options.delete(name);
    return value;
  };
  const enabledText = take('enabled');
  const enabled = enabledText === undefined ? true : booleanOption('enabled', enabledText);
  const minText = take('min_threshold');
  const maxText = take('max_threshold');
  const minThreshold =
    minText === undefined ? DEFAULT_COMPACTION_MIN_THRESHOLD : integerOption('min_threshold', minText, 2, INT32_MAX);
  const maxThreshold =
    maxText === undefined
      ? Math.max(DEFAULT_COMPACTION_MAX_THRESHOLD, minThreshold)
      : integerOption('max_threshold', maxText, 2, INT32_MAX);
  if (minThreshold > maxThreshold) {
    throw invalidRequest(`min_threshold cannot be greater than max_threshold (${minThreshold} > ${maxThreshold})`);
  }
  let result: CompactionOptions;
  if (short === 'SizeTieredCompactionStrategy') {
    result = { class: 'SizeTieredCompactionStrategy', minThreshold, maxThreshold };
  } else if (short === 'TimeWindowCompactionStrategy') {
    const unitText = (take('compaction_window_unit') ?? 'DAYS').toUpperCase();
    const windowUnit = WINDOW_UNITS.find((u) => u === unitText);
    if (windowUnit === undefined) {
      throw invalidRequest(`${unitText} is not valid for compaction_window_unit (one of ${WINDOW_UNITS.join(', ')})`);
    }
    const sizeText = take('compaction_window_size');
    const windowSize = sizeText === undefined ? 1 : integerOption('compaction_window_size', sizeText, 1, INT32_MAX);
    result = { class: 'TimeWindowCompactionStrategy', windowUnit, windowSize, minThreshold, maxThreshold };
  } else {
    throw invalidRequest(`Unable to find compaction strategy class '${className}'`);
  }
  if (options.size > 0) {
    throw invalidRequest(`Properties specified [${[...options.keys()].join(', ')}] are not understood by ${short}`);
  }
  return enabled ? result : { ...result, enabled: false };
}

/** Table properties over `base` (the defaults for CREATE, the current options for ALTER). */
export function tableOptions(properties: readonly Property[], base: TableOptions): TableOptions {
  let options = base;
  for (const property of properties) {
    switch (property.name) {
      case 'default_time_to_live':
        options = {
          ...options,
          defaultTimeToLiveSec: integerOption('default_time_to_live', textProperty(property), 0, MAX_TTL_SEC),
        };
        break;
      case 'gc_grace_seconds':
        options = {
          ...options,
          gcGraceSeconds: integerOption('gc_grace_seconds', textProperty(property), 0, INT32_MAX),
        };
        break;
      case 'compaction':
        options = { ...options, compaction: compactionOptions(property) };
        break;
      case 'comment':
        if (property.value.kind !== 'string') throw invalidRequest("Invalid value for 'comment': expected a string");
        options = { ...options, comment: property.value.text };
        break;
      default:
        throw invalidRequest(`Unknown property '${property.name}'`);
    }
  }
  return options;
}
