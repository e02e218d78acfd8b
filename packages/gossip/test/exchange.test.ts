import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EndpointState } from '../src/endpoint-state.js';
import { answerRequests, examineDigests, StateBudget, shuffleInPlace } from '../src/exchange.js';
import type { EndpointStateDelta } from '../src/index.js';
import { stateSizeChars } from '../src/messages.js';

/** A state with keys set at the given versions and the heartbeat at `heartbeat`. */
function held(
  address: string,
  generation: number,
  heartbeat: number,
  keys: Record<string, number> = {},
): EndpointState {
  const state = new EndpointState(address, generation, heartbeat);
  for (const [key, version] of Object.entries(keys)) state.put(key, `${key}@${version}`, version);
  return state;
}

function mapOf(...states: EndpointState[]): Map<string, EndpointState> {
  return new Map(states.map((s) => [s.address, s]));
}

describe('EndpointState', () => {
  it('reports the highest version of heartbeat and keys, and deltas above a version', () => {
    const s = held('a:1', 7, 5, { STATUS: 2, LOAD: 9 });
    expect(s.maxVersion).toBe(9);
    expect(s.digest()).toEqual({ address: 'a:1', generation: 7, maxVersion: 9 });
    expect(s.delta(4)).toEqual({
      address: 'a:1',
      generation: 7,
      heartbeatVersion: 5,
      fromVersion: 4,
      states: [{ key: 'LOAD', value: 'LOAD@9', version: 9 }],
    });
    expect(s.delta(0).states.map((e) => e.key)).toEqual(['STATUS', 'LOAD']);
  });

  it('merges only newer values, and refuses a delta that would skip changes', () => {
    const s = held('a:1', 7, 5, { STATUS: 2 });
    const delta = (fromVersion: number, heartbeatVersion: number, states: EndpointStateDelta['states']) => ({
      address: 'a:1',
      generation: 7,
      heartbeatVersion,
      fromVersion,
      states,
    });
    // Base 6 is above what is held (5): version 6 could be missing.
    expect(s.merge(delta(6, 9, [{ key: 'LOAD', value: '1', version: 8 }]))).toBeUndefined();
    expect(s.get('LOAD')).toBeUndefined();
    const merged = s.merge(
      delta(1, 9, [
        { key: 'LOAD', value: '1', version: 8 },
        { key: 'STATUS', value: 'old', version: 2 },
      ]),
    );
    expect(merged).toEqual({ changed: [{ key: 'LOAD', value: '1', version: 8 }], heartbeatAdvanced: true });
    expect(s.get('STATUS')).toEqual({ value: 'STATUS@2', version: 2 });
    expect(s.maxVersion).toBe(9);
    // Another generation never merges.
    expect(s.merge({ ...delta(0, 99, []), generation: 8 })).toBeUndefined();
  });
});

describe('examineDigests (the responder of a SYN)', () => {
  const local = mapOf(
    held('self:1', 100, 50, { STATUS: 1 }),
    held('same:1', 10, 20, { STATUS: 3 }),
    held('newer:1', 12, 4, { STATUS: 2 }),
    held('older:1', 5, 8),
    held('unmentioned:1', 3, 3, { DC: 1 }),
  );

  it('requests what it lacks, sends what the initiator lacks, and skips what is equal', () => {
    const answer = examineDigests(
      local,
      [
        { address: 'self:1', generation: 100, maxVersion: 40 }, // initiator is behind on me: send
        { address: 'same:1', generation: 10, maxVersion: 20 }, // equal: nothing
        { address: 'newer:1', generation: 11, maxVersion: 99 }, // I hold a newer generation: send whole
        { address: 'older:1', generation: 6, maxVersion: 1 }, // initiator holds a newer generation: request all
        { address: 'unknown:1', generation: 1, maxVersion: 5 }, // never heard of: request all
      ],
      'self:1',
    );
    expect(answer.requests).toEqual([
      { address: 'older:1', generation: 6, maxVersion: 0 },
      { address: 'unknown:1', generation: 1, maxVersion: 0 },
    ]);
    expect(answer.states.map((s) => [s.address, s.fromVersion])).toEqual([
      ['self:1', 40],
      ['newer:1', 0],
      ['unmentioned:1', 0],
    ]);
    expect(answer.skipped).toBe(0);
  });

  it('asks for what is above its version when the initiator is ahead, but never about itself', () => {
    const answer = examineDigests(
      local,
      [
        { address: 'same:1', generation: 10, maxVersion: 25 },
        { address: 'self:1', generation: 100, maxVersion: 99 },
        { address: 'self:1x', generation: 1, maxVersion: 1 },
      ],
      'self:1',
      (address) => address === 'self:1x',
    );
    expect(answer.requests).toEqual([{ address: 'same:1', generation: 10, maxVersion: 20 }]);
  });

  it('sends what was asked for, whole when its generation moved on', () => {
    const { states } = answerRequests(local, [
      { address: 'same:1', generation: 10, maxVersion: 2 },
      { address: 'newer:1', generation: 11, maxVersion: 3 },
      { address: 'older:1', generation: 6, maxVersion: 0 }, // I hold an older generation: nothing to give
      { address: 'unknown:1', generation: 1, maxVersion: 0 },
      { address: 'self:1', generation: 100, maxVersion: 50 }, // up to date: nothing
    ]);
    expect(states.map((s) => [s.address, s.fromVersion, s.states.length])).toEqual([
      ['same:1', 2, 1],
      ['newer:1', 0, 1],
    ]);
  });

  it('keeps to the message budget, deferring whole states', () => {
    const big = mapOf(...Array.from({ length: 10 }, (_, i) => held(`n${i}:1`, 1, 1, { A: 1, B: 2 })));
    const one = stateSizeChars(big.get('n0:1')!.delta(0));
    const answer = examineDigests(big, [], 'me:1', undefined, one * 3 + 1);
    expect(answer.states).toHaveLength(3);
    expect(answer.skipped).toBe(7);
    const budget = new StateBudget(10);
    budget.add(big.get('n0:1')!.delta(0));
    expect(budget.states).toEqual([]);
  });

  it('brings two holders to the same state in one exchange (model check)', () => {
    // Two views of the same owners' histories, each at a random point (a random generation and version).
    const ownerArb = fc.record({
      gen: fc.integer({ min: 1, max: 3 }),
      history: fc.array(fc.constantFrom('A', 'B', 'C', 'HB'), { minLength: 1, maxLength: 12 }),
    });
    const pointArb = fc.option(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.nat()), { nil: undefined });
    fc.assert(
      fc.property(fc.array(fc.tuple(ownerArb, pointArb, pointArb), { minLength: 1, maxLength: 6 }), (owners) => {
        const x = new Map<string, EndpointState>();
        const y = new Map<string, EndpointState>();
        owners.forEach(([owner, px, py], i) => {
          const address = `o${i}:1`;
          for (const [view, point] of [
            [x, px],
            [y, py],
          ] as const) {
            if (point === undefined) continue;
            const generation = Math.min(point[0], owner.gen);
            view.set(address, replay(address, generation, owner.history, point[1]));
          }
        });
        // x initiates: SYN → y answers ACK → x applies and answers ACK2 → y applies.
        const digests = shuffleInPlace(
          [...x.values()].map((s) => s.digest()),
          (b) => Math.floor(b / 2),
        );
        const ack = examineDigests(y, digests, 'y:1');
        for (const s of ack.states) apply(x, s);
        const ack2 = answerRequests(x, ack.requests);
        for (const s of ack2.states) apply(y, s);
        expect(summary(x)).toEqual(summary(y));
      }),
    );
  });
});

/** The owner's state at generation `generation` after the first `upTo` steps of `history`. */
function replay(address: string, generation: number, history: string[], upTo: number): EndpointState {
  const state = new EndpointState(address, generation, 0);
  history.slice(0, (upTo % history.length) + 1).forEach((step, i) => {
    if (step === 'HB') state.setHeartbeat(i + 1);
    else state.put(step, `${generation}/${i}`, i + 1);
  });
  return state;
}

/** What a gossiper does with a received state, without the events. */
function apply(view: Map<string, EndpointState>, delta: EndpointStateDelta): void {
  const mine = view.get(delta.address);
  if (mine === undefined || delta.generation > mine.generation) {
    if (delta.fromVersion === 0) view.set(delta.address, EndpointState.fromWhole(delta));
  } else if (delta.generation === mine.generation) {
    mine.merge(delta);
  }
}

function summary(view: Map<string, EndpointState>): unknown {
  return [...view.values()]
    .map((s) => [s.address, s.generation, s.maxVersion, s.heartbeatVersion, s.entries()])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}
