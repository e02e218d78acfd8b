import { ErrorCodes, isRingtailError } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ApplicationStateKeys,
  checkApplicationState,
  datacenterState,
  EndpointView,
  httpAddressState,
  loadState,
  parseLoad,
  parseStatus,
  parseTokens,
  rackState,
  schemaVersionState,
  statusState,
  tokensState,
  type VersionedValue,
} from '../src/index.js';

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const MAX_TOKEN = (1n << 64n) - 1n;

describe('application states', () => {
  it('build and parse each well-known key', () => {
    expect(statusState('NORMAL')).toEqual({ key: 'STATUS', value: 'NORMAL' });
    expect(statusState('LEFT', 1_700_000_000_000)).toEqual({ key: 'STATUS', value: 'LEFT,1700000000000' });
    expect(parseStatus('REMOVED,12')).toEqual({ name: 'REMOVED', expiresAtMs: 12 });
    expect(parseStatus('BOOT')).toEqual({ name: 'BOOT' });
    expect(tokensState([MAX_TOKEN, 0n, 42n]).value).toBe(`0,42,${MAX_TOKEN}`);
    expect(datacenterState('eu-west')).toEqual({ key: 'DC', value: 'eu-west' });
    expect(rackState('r 1')).toEqual({ key: 'RACK', value: 'r 1' });
    expect(httpAddressState('[::1]:9080')).toEqual({ key: 'HTTP_ADDRESS', value: '[::1]:9080' });
    expect(loadState(123)).toEqual({ key: 'LOAD', value: '123' });
    expect(parseLoad('123')).toBe(123);
    expect(schemaVersionState('4f1c')).toEqual({ key: 'SCHEMA', value: '4f1c' });
    expect(Object.values(ApplicationStateKeys)).toEqual([
      'STATUS',
      'TOKENS',
      'DC',
      'RACK',
      'HTTP_ADDRESS',
      'LOAD',
      'SCHEMA',
    ]);
  });

  it('round-trip any token set', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.bigInt({ min: 0n, max: MAX_TOKEN }), { minLength: 1, maxLength: 1024 }),
        (tokens) => {
          expect(parseTokens(tokensState(tokens).value)).toEqual([...tokens].sort((a, b) => (a < b ? -1 : 1)));
        },
      ),
      { numRuns: 50 },
    );
  });

  it.each<[string, () => unknown]>([
    ['a dead status without expiry', () => statusState('LEFT')],
    ['a live status with expiry', () => statusState('NORMAL', 5)],
    ['no tokens', () => tokensState([])],
    ['a duplicate token', () => tokensState([1n, 1n])],
    ['a negative token', () => tokensState([-1n])],
    ['a token of 2^64', () => tokensState([1n << 64n])],
    ['1025 tokens', () => tokensState(Array.from({ length: 1025 }, (_, i) => BigInt(i)))],
    ['an empty datacenter', () => datacenterState('')],
    ['a rack with a newline', () => rackState('a\nb')],
    ['an HTTP address without port', () => httpAddressState('localhost')],
    ['a negative load', () => loadState(-1)],
    ['a fractional load', () => loadState(1.5)],
    ['a schema version with a space', () => schemaVersionState('a b')],
    ['a token with a leading zero', () => checkApplicationState('TOKENS', '01')],
    ['a lower-case key', () => checkApplicationState('status', 'NORMAL')],
    ['a key with a dash', () => checkApplicationState('HOST-ID', 'x')],
    ['an unknown status', () => parseStatus('ZOMBIE')],
  ])('reject %s', (_what, run) => {
    expect(isRingtailError(errorOf(run), ErrorCodes.INVALID_ARGUMENT)).toBe(true);
  });

  it('accept free-form values for other keys', () => {
    checkApplicationState('HOST_ID', '');
    checkApplicationState('RELEASE_VERSION', 'any text, even with spaces');
  });

  it('are read through EndpointView', () => {
    const states = new Map<string, VersionedValue>([
      ['STATUS', { value: 'LEAVING', version: 1 }],
      ['TOKENS', { value: '7,9', version: 2 }],
      ['DC', { value: 'dc1', version: 3 }],
      ['RACK', { value: 'r1', version: 4 }],
      ['HTTP_ADDRESS', { value: 'h:9080', version: 5 }],
      ['LOAD', { value: '77', version: 6 }],
      ['SCHEMA', { value: 's1', version: 7 }],
    ]);
    const view = new EndpointView('h:7000', 3, 9, true, states);
    expect([view.status, view.tokens, view.datacenter, view.rack, view.httpAddress, view.loadBytes]).toEqual([
      { name: 'LEAVING' },
      [7n, 9n],
      'dc1',
      'r1',
      'h:9080',
      77,
    ]);
    expect(view.schemaVersion).toBe('s1');
    expect(view.member).toBe(true);
    expect(view.shutdown).toBe(false);
    const empty = new EndpointView('h:7000', 3, 9, false, new Map());
    expect([empty.status, empty.tokens, empty.loadBytes, empty.member]).toEqual([undefined, [], undefined, true]);
  });
});
