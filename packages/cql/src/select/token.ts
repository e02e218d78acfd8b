/**
 * `token(k1, k2) op value` restrictions. Ringtail's tokens are unsigned 64-bit
 * (docs/ring.md), so a token value is an integer in [0, 2^64 - 1], typed as a
 * varint; `token(?, ?)` computes the token of a partition key. A restriction
 * becomes the half-open token interval [low, high); partitions sit in (token,
 * key) order, so that interval is a contiguous range of partition positions.
 */
import { type CqlType, type CqlValue, tokenOf, tokenOfPosition, tokenPrefix } from '@ringtail/codec';
import type { Term, TokenRelation } from '../ast.js';
import { formatRelation } from '../format-terms.js';
import type { TableMetadata } from '../schema/metadata.js';
import { invalidRequest } from '../semantic/errors.js';
import { partitionKeyBytes } from '../semantic/keys.js';

/** 2^64: one past the largest token. */
export const TOKEN_LIMIT = 1n << 64n;
const VARINT: CqlType = { kind: 'varint' };

/** Tokens t with low <= t < high. */
export interface TokenBounds {
  readonly low: bigint;
  readonly high: bigint;
  readonly hasStart: boolean;
  readonly hasEnd: boolean;
  readonly isEqual: boolean;
}

export type TypeValue = (term: Term, type: CqlType, what: string) => CqlValue | null;

function checkColumns(relation: TokenRelation, table: TableMetadata): void {
  const keyNames = table.partitionKey.map((c) => c.name);
  for (const name of relation.columns) {
    const column = table.columns.find((c) => c.name === name);
    if (column === undefined) throw invalidRequest(`Undefined column name ${name}`);
    if (column.kind !== 'partition_key') {
      throw invalidRequest(`The token() function is only supported on the partition key, found on ${name}`);
    }
  }
  const sameSet =
    relation.columns.length === keyNames.length &&
    keyNames.every((name) => relation.columns.includes(name)) &&
    new Set(relation.columns).size === keyNames.length;
  if (!sameSet) {
    throw invalidRequest('The token() function must be applied to all partition key components or none of them');
  }
  if (relation.columns.some((name, i) => name !== keyNames[i])) {
    throw invalidRequest(`The token function arguments must be in the partition key order: ${keyNames.join(', ')}`);
  }
}

function tokenValue(term: Term, table: TableMetadata, typeValue: TypeValue): bigint {
  if (term.kind === 'function' && term.name === 'token' && (term.keyspace === null || term.keyspace === 'system')) {
    if (term.args.length !== table.partitionKey.length) {
      throw invalidRequest(
        `Invalid number of arguments in call to function system.token: ${table.partitionKey.length} required but ${term.args.length} provided`,
      );
    }
    const values = table.partitionKey.map((column, i) => {
      const value = typeValue(term.args[i]!, column.type, `"${column.name}"`);
      if (value === null) throw invalidRequest(`Invalid null value for partition key part ${column.name}`);
      return value;
    });
    return tokenOf(partitionKeyBytes(table.partitionKey, values));
  }
  const value = typeValue(term, VARINT, 'token');
  if (value === null) throw invalidRequest('Invalid null token value');
  const token = value as bigint;
  if (token < 0n || token >= TOKEN_LIMIT) {
    throw invalidRequest(
      `Invalid token value ${token}: Ringtail tokens are unsigned 64-bit integers (0 to ${TOKEN_LIMIT - 1n})`,
    );
  }
  return token;
}

/** Merges `relation` into the token bounds so far, with Cassandra's messages for conflicting relations. */
export function tokenBound(
  relation: TokenRelation,
  existing: TokenBounds | undefined,
  table: TableMetadata,
  typeValue: TypeValue,
): TokenBounds {
  checkColumns(relation, table);
  const names = relation.columns.join(', ');
  if (relation.operator === '!=') throw invalidRequest(`Unsupported "!=" relation: ${formatRelation(relation)}`);
  if (existing?.isEqual) {
    throw invalidRequest(`${names} cannot be restricted by more than one relation if it includes an Equal`);
  }
  const token = tokenValue(relation.value, table, typeValue);
  const current = existing ?? { low: 0n, high: TOKEN_LIMIT, hasStart: false, hasEnd: false, isEqual: false };
  switch (relation.operator) {
    case '=':
      if (existing !== undefined) {
        throw invalidRequest(`Column "${names}" cannot be restricted by both an equality and an inequality relation`);
      }
      return { low: token, high: token + 1n, hasStart: true, hasEnd: true, isEqual: true };
    case '>':
    case '>=':
      if (current.hasStart) throw invalidRequest(`More than one restriction was found for the start bound on ${names}`);
      return { ...current, low: relation.operator === '>' ? token + 1n : token, hasStart: true };
    default:
      if (current.hasEnd) throw invalidRequest(`More than one restriction was found for the end bound on ${names}`);
      return { ...current, high: relation.operator === '<=' ? token + 1n : token, hasEnd: true };
  }
}

/** Whether the token of `position` (a partition position) lies within the bounds. */
export function tokenBoundsContain(bounds: TokenBounds, position: string): boolean {
  const token = tokenOfPosition(position);
  return token >= bounds.low && token < bounds.high;
}

/** The partition-position range of the bounds: [from, to), undefined for an open side; undefined if empty. */
export function tokenPositionRange(
  bounds: TokenBounds | undefined,
): { readonly from: string | undefined; readonly to: string | undefined } | undefined {
  if (bounds === undefined) return { from: undefined, to: undefined };
  if (bounds.low >= bounds.high || bounds.low >= TOKEN_LIMIT) return undefined;
  return {
    from: bounds.low === 0n ? undefined : tokenPrefix(bounds.low),
    to: bounds.high >= TOKEN_LIMIT ? undefined : tokenPrefix(bounds.high),
  };
}
