import type { Random } from '@ringtail/codec';
import { MAX_NUM_TOKENS } from './constants.js';
import { invalidArgument } from './errors.js';
import type { TokenRing } from './ring.js';
import { tokenFromHalves } from './token.js';

const compareTokens = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Checks a token count: an integer in [1, MAX_NUM_TOKENS]. */
export function checkTokenCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_NUM_TOKENS) {
    throw invalidArgument(`token count must be an integer in [1, ${MAX_NUM_TOKENS}], got ${count}`);
  }
}

/**
 * `count` distinct tokens drawn uniformly from [0, 2^64), none already in
 * `avoid`; sorted. Deterministic for a seeded `random`.
 */
export function randomTokens(count: number, random: Random, avoid?: TokenRing): bigint[] {
  checkTokenCount(count);
  const taken = new Set<bigint>(avoid?.tokens());
  const tokens: bigint[] = [];
  while (tokens.length < count) {
    const token = tokenFromHalves(random.int(2 ** 32), random.int(2 ** 32));
    if (taken.has(token)) continue;
    taken.add(token);
    tokens.push(token);
  }
  return tokens.sort(compareTokens);
}
