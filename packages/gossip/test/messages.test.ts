import { assertWireValue, ErrorCodes, isRingtailError, type MessageCodec } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EndpointStateDelta,
  gossipAck2Codec,
  gossipAckCodec,
  gossipShutdownCodec,
  gossipSynCodec,
  MAX_APPLICATION_STATES,
  MAX_DIGESTS_PER_MESSAGE,
  MAX_MESSAGE_CHARS,
  MAX_VALUE_LENGTH,
  SHUTDOWN_HEARTBEAT_VERSION,
} from '../src/index.js';
import { clusterNameArb, stateArb, uniqueDigestsArb, uniqueStatesArb } from './arbitraries.js';

/** What a transport does: encode, check it can cross msgpack, copy, decode. */
function roundTrip<T>(codec: MessageCodec<T>, message: T): T {
  const body = codec.encode(message);
  assertWireValue(body, codec.kind);
  return codec.decode(structuredClone(body), codec.version);
}

function decodeError(codec: MessageCodec<unknown>, body: unknown, version = 1): unknown {
  try {
    codec.decode(body, version);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('gossip message codecs', () => {
  it('have stable kinds at version 1', () => {
    expect(
      [gossipSynCodec, gossipAckCodec, gossipAck2Codec, gossipShutdownCodec].map((c) => [c.kind, c.version]),
    ).toEqual([
      ['gossip.syn', 1],
      ['gossip.ack', 1],
      ['gossip.ack2', 1],
      ['gossip.shutdown', 1],
    ]);
  });

  it('round-trip every valid SYN, ACK and ACK2', () => {
    fc.assert(
      fc.property(clusterNameArb, uniqueDigestsArb, uniqueStatesArb, (clusterName, digests, states) => {
        expect(roundTrip(gossipSynCodec, { clusterName, digests })).toEqual({ clusterName, digests });
        expect(roundTrip(gossipAckCodec, { clusterName, requests: digests, states })).toEqual({
          clusterName,
          requests: digests,
          states,
        });
        expect(roundTrip(gossipAck2Codec, { clusterName, states })).toEqual({ clusterName, states });
      }),
    );
  });

  it('round-trips a shutdown, which must carry a whole state at the shutdown heartbeat', () => {
    fc.assert(
      fc.property(clusterNameArb, stateArb, (clusterName, s) => {
        const state = { ...s, heartbeatVersion: SHUTDOWN_HEARTBEAT_VERSION, fromVersion: 0 };
        expect(roundTrip(gossipShutdownCodec, { clusterName, state })).toEqual({ clusterName, state });
      }),
    );
    const state = { address: 'a.b:1', generation: 5, heartbeatVersion: 9, fromVersion: 0, states: [] };
    const body = gossipShutdownCodec.encode({ clusterName: 'c', state });
    expect(isRingtailError(decodeError(gossipShutdownCodec, body), ErrorCodes.BAD_MESSAGE)).toBe(true);
  });

  it('accept integers msgpack hands over as bigint', () => {
    const body = { cluster: 'c', digests: ['h:1', 17n, 2n ** 40n] };
    expect(gossipSynCodec.decode(body, 1).digests).toEqual([{ address: 'h:1', generation: 17, maxVersion: 2 ** 40 }]);
  });

  it('travel as flat lists', () => {
    const state: EndpointStateDelta = {
      address: 'h:1',
      generation: 3,
      heartbeatVersion: 9,
      fromVersion: 1,
      states: [{ key: 'DC', value: 'dc1', version: 2 }],
    };
    expect(
      gossipAck2Codec.encode({ clusterName: 'c', states: [state, { ...state, address: 'g:2', states: [] }] }),
    ).toEqual({ cluster: 'c', states: ['h:1', 3, 9, 1, 1, 'DC', 'dc1', 2, 'g:2', 3, 9, 1, 0] });
    expect(
      gossipSynCodec.encode({ clusterName: 'c', digests: [{ address: 'h:1', generation: 3, maxVersion: 9 }] }),
    ).toEqual({ cluster: 'c', digests: ['h:1', 3, 9] });
  });

  const syn = (...digests: unknown[][]) => ({ cluster: 'c', digests: digests.flat() });
  /** A state as [address, generation, heartbeat, fromVersion, entries, count?]. */
  const state = (over: Partial<Record<number, unknown>> = {}): unknown[] => {
    const base: unknown[] = ['h:1', 10, 5, 0, [['STATUS', 'NORMAL', 3]]];
    for (const [i, v] of Object.entries(over)) base[Number(i)] = v;
    return base;
  };
  const ack2 = (...states: unknown[][]) => ({
    cluster: 'c',
    states: states.flatMap(([a, g, h, f, entries, count]) => [
      a,
      g,
      h,
      f,
      count ?? (entries as unknown[]).length,
      ...(entries as unknown[][]).flat(),
    ]),
  });
  const tooManyChars = Array.from({ length: Math.ceil(MAX_MESSAGE_CHARS / MAX_VALUE_LENGTH) + 1 }, (_, i) =>
    state({ 0: `h${i}:1`, 4: [['BLOB', 'x'.repeat(MAX_VALUE_LENGTH), 1]] }),
  );
  const syn_ = gossipSynCodec as MessageCodec<unknown>;
  const ack_ = gossipAckCodec as MessageCodec<unknown>;
  const ack2_ = gossipAck2Codec as MessageCodec<unknown>;

  it.each<[string, MessageCodec<unknown>, unknown, number?]>([
    ['an unsupported version', syn_, { cluster: 'c', digests: [] }, 2],
    ['a body that is not a record', syn_, [['c'], []]],
    ['null', syn_, null],
    ['bytes', syn_, new Uint8Array(3)],
    ['an unknown field', syn_, { cluster: 'c', digests: [], extra: 1 }],
    ['a missing field', ack_, { cluster: 'c', requests: [] }],
    ['an empty cluster name', syn_, { cluster: '', digests: [] }],
    ['a cluster name that is a number', syn_, { cluster: 7, digests: [] }],
    ['digests that are not a list', syn_, { cluster: 'c', digests: {} }],
    ['a digest cut short', syn_, syn(['h:1', 1])],
    ['nested digests', syn_, { cluster: 'c', digests: [['h:1', 1, 1]] }],
    ['a digest without a port', syn_, syn(['h', 1, 1])],
    ['generation 0', syn_, syn(['h:1', 0, 1])],
    ['a negative version', syn_, syn(['h:1', 1, -1])],
    ['a fractional version', syn_, syn(['h:1', 1, 1.5])],
    ['a version as a string', syn_, syn(['h:1', 1, '1'])],
    ['a generation of 2^31', syn_, syn(['h:1', 2 ** 31, 1])],
    ['a huge bigint', syn_, syn(['h:1', 1, 2n ** 60n])],
    ['two digests for one address', syn_, syn(['h:1', 1, 1], ['h:1', 2, 1])],
    [
      'too many digests',
      syn_,
      syn(...Array.from({ length: MAX_DIGESTS_PER_MESSAGE + 1 }, (_, i) => [`h${i}:1`, 1, 1])),
    ],
    ['a state header cut short', ack2_, { cluster: 'c', states: ['h:1', 10, 5, 0] }],
    ['a state whose entries are cut short', ack2_, ack2(state({ 5: 2 }))],
    ['a count that is not a number', ack2_, ack2(state({ 5: 'one' }))],
    ['a lower-case key', ack2_, ack2(state({ 4: [['status', 'NORMAL', 3]] }))],
    ['an unknown status', ack2_, ack2(state({ 4: [['STATUS', 'DYING', 3]] }))],
    ['LEFT without expiry', ack2_, ack2(state({ 4: [['STATUS', 'LEFT', 3]] }))],
    ['unsorted tokens', ack2_, ack2(state({ 4: [['TOKENS', '5,3', 3]] }))],
    ['a token of 2^64', ack2_, ack2(state({ 4: [['TOKENS', '18446744073709551616', 3]] }))],
    ['a negative load', ack2_, ack2(state({ 4: [['LOAD', '-1', 3]] }))],
    ['a bad HTTP address', ack2_, ack2(state({ 4: [['HTTP_ADDRESS', 'no port', 3]] }))],
    ['a value that is a number', ack2_, ack2(state({ 4: [['X', 5, 3]] }))],
    ['an oversized value', ack2_, ack2(state({ 4: [['X', 'x'.repeat(MAX_VALUE_LENGTH + 1), 3]] }))],
    [
      'a key twice',
      ack2_,
      ack2(
        state({
          4: [
            ['X', 'a', 3],
            ['X', 'b', 4],
          ],
        }),
      ),
    ],
    [
      'too many application states',
      ack2_,
      ack2(state({ 4: Array.from({ length: MAX_APPLICATION_STATES + 1 }, (_, i) => [`K${i}`, 'v', i + 1]) })),
    ],
    ['a state at its base version', ack2_, ack2(state({ 3: 3 }))],
    [
      'an application state at the shutdown version',
      ack2_,
      ack2(state({ 4: [['X', 'a', SHUTDOWN_HEARTBEAT_VERSION]] })),
    ],
    ['two states for one address', ack2_, ack2(state(), state())],
    ['states over the size budget', ack2_, ack2(...tooManyChars)],
    [
      'a shutdown with two states',
      gossipShutdownCodec as MessageCodec<unknown>,
      { cluster: 'c', state: ack2(state({ 2: SHUTDOWN_HEARTBEAT_VERSION }), state({ 0: 'g:1' })).states },
    ],
    ['a shutdown without a state', gossipShutdownCodec as MessageCodec<unknown>, { cluster: 'c', state: [] }],
  ])('reject %s with RT_BAD_MESSAGE', (_what, codec, body, version) => {
    const error = decodeError(codec, body, version);
    expect(isRingtailError(error, ErrorCodes.BAD_MESSAGE)).toBe(true);
  });

  it('fail on arbitrary input only with RT_BAD_MESSAGE', () => {
    const codecs = [gossipSynCodec, gossipAckCodec, gossipAck2Codec, gossipShutdownCodec] as MessageCodec<unknown>[];
    fc.assert(
      fc.property(
        fc.constantFrom(...codecs),
        fc.anything({ withBigInt: true, withTypedArray: true }),
        (codec, body) => {
          const error = decodeError(codec, body);
          expect(error === undefined || isRingtailError(error, ErrorCodes.BAD_MESSAGE)).toBe(true);
        },
      ),
    );
    // Near misses: valid messages with one element replaced.
    fc.assert(
      fc.property(uniqueStatesArb, fc.anything(), fc.nat(), (states, junk, where) => {
        const body = gossipAck2Codec.encode({ clusterName: 'c', states }) as { states: unknown[] };
        if (body.states.length === 0) return;
        body.states[where % body.states.length] = junk;
        const error = decodeError(gossipAck2Codec as MessageCodec<unknown>, body);
        expect(error === undefined || isRingtailError(error, ErrorCodes.BAD_MESSAGE)).toBe(true);
      }),
    );
  });

  it('keep a maximal endpoint state within one message', () => {
    const states = Array.from({ length: MAX_APPLICATION_STATES }, (_, i) => ({
      key: `K${i}`,
      value: 'v'.repeat(MAX_VALUE_LENGTH),
      version: i + 1,
    }));
    const big: EndpointStateDelta = { address: 'h:1', generation: 1, heartbeatVersion: 99, fromVersion: 0, states };
    expect(roundTrip(gossipAck2Codec, { clusterName: 'c', states: [big] }).states[0]).toEqual(big);
  });
});
