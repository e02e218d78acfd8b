/**
 * Application states: the versioned key/value pairs each endpoint gossips about
 * itself (Cassandra's ApplicationState → VersionedValue). Values are strings on
 * the wire; the keys below have a fixed syntax, checked both when a node sets
 * its own state and when a peer's message is decoded, so every value a
 * gossiper holds for a known key parses. Other keys (upper-case identifiers)
 * are free-form strings, for what later layers add.
 */
import { isPeerAddress, MAX_PEER_ADDRESS_CHARS } from '@ringtail/codec';
import {
  MAX_KEY_LENGTH,
  MAX_NAME_LENGTH,
  MAX_SCHEMA_VERSION_LENGTH,
  MAX_TOKENS,
  MAX_VALUE_LENGTH,
} from './constants.js';
import { invalidArgument } from './errors.js';

export const ApplicationStateKeys = {
  /** Where the node is in its life: {@link NodeStatus}. */
  STATUS: 'STATUS',
  /** The node's tokens: ascending, distinct decimal integers in [0, 2^64), comma-separated. */
  TOKENS: 'TOKENS',
  /** Datacenter name. */
  DC: 'DC',
  /** Rack name. */
  RACK: 'RACK',
  /** Where clients reach the node's HTTP API, `host:port` (IPv6 hosts in brackets). */
  HTTP_ADDRESS: 'HTTP_ADDRESS',
  /** Bytes of data the node holds, a non-negative decimal integer. */
  LOAD: 'LOAD',
  /** The schema version the node runs; nodes agree on the schema when these are equal. */
  SCHEMA: 'SCHEMA',
} as const;

export type ApplicationStateKey = (typeof ApplicationStateKeys)[keyof typeof ApplicationStateKeys];

/** One application state to set: a key and its string value. */
export interface ApplicationStateEntry {
  readonly key: string;
  readonly value: string;
}

/** A value with the version its owner gave it. Versions of one endpoint grow across all its keys and its heartbeat. */
export interface VersionedValue {
  readonly value: string;
  readonly version: number;
}

/**
 * BOOT: joining (bootstrapping); NORMAL: owns its tokens; LEAVING:
 * decommissioning; LEFT: decommissioned; REMOVED: removed by an operator
 * (`Gossiper.removeEndpoint`). LEFT and REMOVED are dead states: the endpoint
 * is no longer a member, and its state is evicted at `expiresAtMs`.
 */
export type NodeStatusName = 'BOOT' | 'NORMAL' | 'LEAVING' | 'LEFT' | 'REMOVED';

export interface NodeStatus {
  readonly name: NodeStatusName;
  /** Wall-clock milliseconds since the epoch at which a dead state is evicted; dead states only. */
  readonly expiresAtMs?: number;
}

const STATUS_NAMES: readonly NodeStatusName[] = ['BOOT', 'NORMAL', 'LEAVING', 'LEFT', 'REMOVED'];
const DEAD_STATUSES: ReadonlySet<string> = new Set(['LEFT', 'REMOVED']);

const KEY_PATTERN = /^[A-Z][A-Z0-9_]*$/;
const DECIMAL_PATTERN = /^(0|[1-9][0-9]*)$/;
/** Printable ASCII without space or comma. */
const PRINTABLE_PATTERN = /^[\x21-\x2b\x2d-\x7e]+$/;
/** Whether `text` holds no control character (C0 or DEL). */
function hasNoControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

const MAX_TOKEN = (1n << 64n) - 1n;

export function isDeadStatus(name: string): boolean {
  return DEAD_STATUSES.has(name);
}

/**
 * Addresses already found valid. Every gossip message names every endpoint,
 * so the same few addresses are checked over and over; bounded, and cleared
 * when full.
 */
const validAddresses = new Set<string>();
const MAX_CACHED_ADDRESSES = 16 * 1024;

/** Why `address` is not a valid peer address (`host:port`), or undefined if it is. */
export function addressProblem(address: unknown): string | undefined {
  if (typeof address === 'string' && validAddresses.has(address)) return undefined;
  if (isPeerAddress(address)) {
    if (validAddresses.size >= MAX_CACHED_ADDRESSES) validAddresses.clear();
    validAddresses.add(address);
    return undefined;
  }
  const shown = typeof address === 'string' ? JSON.stringify(address.slice(0, MAX_PEER_ADDRESS_CHARS)) : typeof address;
  return `${shown} is not an address (host:port)`;
}

/** Why `key` is not a valid application state key, or undefined if it is. */
export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'a key must be a string';
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(key)) {
    return `key ${JSON.stringify(key.slice(0, MAX_KEY_LENGTH))} is not an upper-case identifier of at most ${MAX_KEY_LENGTH} characters`;
  }
  return undefined;
}

/** Why `value` is not valid for `key` (which must be valid), or undefined if it is. */
export function valueProblem(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `the value of ${key} must be a string`;
  if (value.length > MAX_VALUE_LENGTH) return `the value of ${key} is longer than ${MAX_VALUE_LENGTH} characters`;
  switch (key) {
    case ApplicationStateKeys.STATUS:
      return statusProblem(value);
    case ApplicationStateKeys.TOKENS:
      return tokensProblem(value);
    case ApplicationStateKeys.DC:
    case ApplicationStateKeys.RACK:
      return value.length === 0 || value.length > MAX_NAME_LENGTH || !hasNoControlCharacters(value)
        ? `${key} must be 1 to ${MAX_NAME_LENGTH} characters without control characters`
        : undefined;
    case ApplicationStateKeys.HTTP_ADDRESS: {
      const problem = addressProblem(value);
      return problem === undefined ? undefined : `${key}: ${problem}`;
    }
    case ApplicationStateKeys.LOAD:
      return DECIMAL_PATTERN.test(value) && Number.isSafeInteger(Number(value))
        ? undefined
        : `${key} must be a non-negative safe integer in decimal`;
    case ApplicationStateKeys.SCHEMA:
      return value.length === 0 || value.length > MAX_SCHEMA_VERSION_LENGTH || !PRINTABLE_PATTERN.test(value)
        ? `${key} must be 1 to ${MAX_SCHEMA_VERSION_LENGTH} printable characters`
        : undefined;
    default:
      return undefined;
  }
}

function statusProblem(value: string): string | undefined {
  const comma = value.indexOf(',');
  const name = comma < 0 ? value : value.slice(0, comma);
  if (!(STATUS_NAMES as readonly string[]).includes(name)) {
    return `STATUS must start with one of ${STATUS_NAMES.join(', ')}`;
  }
  if (isDeadStatus(name)) {
    const expiry = comma < 0 ? '' : value.slice(comma + 1);
    if (!DECIMAL_PATTERN.test(expiry) || !Number.isSafeInteger(Number(expiry))) {
      return `STATUS ${name} must carry its expiry: ${name},<milliseconds since the epoch>`;
    }
  } else if (comma >= 0) {
    return `STATUS ${name} carries no expiry`;
  }
  return undefined;
}

function tokensProblem(value: string): string | undefined {
  if (value.length === 0) return 'TOKENS must hold at least one token';
  const parts = value.split(',');
  if (parts.length > MAX_TOKENS) return `TOKENS holds more than ${MAX_TOKENS} tokens`;
  let previous = -1n;
  for (const part of parts) {
    if (!DECIMAL_PATTERN.test(part) || part.length > 20) return 'TOKENS must be decimal integers in [0, 2^64)';
    const token = BigInt(part);
    if (token > MAX_TOKEN) return 'TOKENS must be decimal integers in [0, 2^64)';
    if (token <= previous) return 'TOKENS must be ascending and distinct';
    previous = token;
  }
  return undefined;
}

/** Throws RT_INVALID_ARGUMENT unless `key` and `value` form a valid application state. */
export function checkApplicationState(key: string, value: string): void {
  const problem = keyProblem(key) ?? valueProblem(key, value);
  if (problem !== undefined) throw invalidArgument(problem);
}

// Typed constructors: each returns the entry to pass to Gossiper.setApplicationStates.

export function statusState(name: NodeStatusName, expiresAtMs?: number): ApplicationStateEntry {
  const value = isDeadStatus(name) ? `${name},${expiresAtMs ?? ''}` : name;
  if (!isDeadStatus(name) && expiresAtMs !== undefined) throw invalidArgument(`STATUS ${name} carries no expiry`);
  checkApplicationState(ApplicationStateKeys.STATUS, value);
  return { key: ApplicationStateKeys.STATUS, value };
}

/** Tokens in any order; stored ascending. Duplicates are rejected. */
export function tokensState(tokens: readonly bigint[]): ApplicationStateEntry {
  const sorted = [...tokens].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const value = sorted.map((t) => t.toString(10)).join(',');
  checkApplicationState(ApplicationStateKeys.TOKENS, value);
  return { key: ApplicationStateKeys.TOKENS, value };
}

export function datacenterState(dc: string): ApplicationStateEntry {
  checkApplicationState(ApplicationStateKeys.DC, dc);
  return { key: ApplicationStateKeys.DC, value: dc };
}

export function rackState(rack: string): ApplicationStateEntry {
  checkApplicationState(ApplicationStateKeys.RACK, rack);
  return { key: ApplicationStateKeys.RACK, value: rack };
}

export function httpAddressState(address: string): ApplicationStateEntry {
  checkApplicationState(ApplicationStateKeys.HTTP_ADDRESS, address);
  return { key: ApplicationStateKeys.HTTP_ADDRESS, value: address };
}

export function loadState(loadBytes: number): ApplicationStateEntry {
  const value = Number.isSafeInteger(loadBytes) && loadBytes >= 0 ? String(loadBytes) : 'invalid';
  checkApplicationState(ApplicationStateKeys.LOAD, value);
  return { key: ApplicationStateKeys.LOAD, value };
}

export function schemaVersionState(schemaVersion: string): ApplicationStateEntry {
  checkApplicationState(ApplicationStateKeys.SCHEMA, schemaVersion);
  return { key: ApplicationStateKeys.SCHEMA, value: schemaVersion };
}

// Typed readers. They accept only values that passed validation, which every value a gossiper holds has.

export function parseStatus(value: string): NodeStatus {
  checkApplicationState(ApplicationStateKeys.STATUS, value);
  const [name, expiry] = value.split(',') as [NodeStatusName, string | undefined];
  return expiry === undefined ? { name } : { name, expiresAtMs: Number(expiry) };
}

export function parseTokens(value: string): bigint[] {
  checkApplicationState(ApplicationStateKeys.TOKENS, value);
  return value.split(',').map((part) => BigInt(part));
}

export function parseLoad(value: string): number {
  checkApplicationState(ApplicationStateKeys.LOAD, value);
  return Number(value);
}
