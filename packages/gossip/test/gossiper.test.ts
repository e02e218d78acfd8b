/**
 * One or two gossipers driven by hand: messages are handed to their handlers
 * directly (RecordingTransport), time moves with ManualTimers.
 */
import {
  ErrorCodes,
  isRingtailError,
  ManualClock,
  ManualTimers,
  type PeerAddress,
  seededRandom,
} from '@ringtail/codec';
import { describe, expect, it } from 'vitest';
import {
  type EndpointStateDelta,
  type GossipAck,
  type GossipEventName,
  Gossiper,
  type GossiperOptions,
  type GossipShutdown,
  type GossipSyn,
  gossipAck2Codec,
  gossipAckCodec,
  gossipShutdownCodec,
  gossipSynCodec,
  MAX_APPLICATION_STATES,
  MAX_ENDPOINTS,
  normalPhi,
  SHUTDOWN_HEARTBEAT_VERSION,
  statusState,
  tokensState,
} from '../src/index.js';
import { RecordingTransport } from './helpers.js';

const A = '10.0.0.1:7000';
const B = '10.0.0.2:7000';
const X = '10.0.0.9:7000';

class Env {
  readonly clock = new ManualClock();
  readonly timers = new ManualTimers(this.clock);
  readonly transports = new Map<PeerAddress, RecordingTransport>();
  readonly events: string[] = [];

  gossiper(address: PeerAddress, options: Partial<GossiperOptions> = {}): Gossiper {
    const transport = new RecordingTransport(address);
    this.transports.set(address, transport);
    const g = new Gossiper({
      address,
      seeds: [],
      transport,
      clock: this.clock,
      timers: this.timers,
      random: seededRandom(7),
      generation: 1000,
      clusterName: 'test',
      ...options,
    });
    for (const event of ['join', 'restart', 'up', 'down', 'removed'] as GossipEventName[]) {
      g.on(event, (view) => this.events.push(`${address} ${event} ${(view as { address: string }).address}`));
    }
    g.on('change', (c) => this.events.push(`${address} change ${c.address} ${c.key}=${c.value}`));
    return g;
  }

  /** Delivers every recorded message to its destination until none is left; returns how many. */
  pump(): number {
    let delivered = 0;
    for (let busy = true; busy; ) {
      busy = false;
      for (const [from, transport] of this.transports) {
        for (const { to, kind, message } of transport.take()) {
          const target = this.transports.get(to);
          if (target === undefined) continue;
          const codec = { 'gossip.syn': gossipSynCodec, 'gossip.ack': gossipAckCodec, 'gossip.ack2': gossipAck2Codec }[
            kind
          ];
          if (codec !== undefined) target.deliver(codec as typeof gossipSynCodec, message as GossipSyn, from);
          else target.deliver(gossipShutdownCodec, message as GossipShutdown, from);
          delivered += 1;
          busy = true;
        }
      }
    }
    return delivered;
  }

  take(): string[] {
    return this.events.splice(0);
  }
}

/** A state of endpoint X as a peer would send it. */
function stateOfX(
  generation: number,
  heartbeatVersion: number,
  states: EndpointStateDelta['states'] = [{ key: 'STATUS', value: 'NORMAL', version: 1 }],
  fromVersion = 0,
): EndpointStateDelta {
  return { address: X, generation, heartbeatVersion, fromVersion, states };
}

function ack2(...states: EndpointStateDelta[]) {
  return { clusterName: 'test', states };
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Gossiper', () => {
  it('validates its options', () => {
    const env = new Env();
    const bad: Partial<GossiperOptions>[] = [
      { address: 'no-port' },
      { generation: 0 },
      { generation: 2 ** 31 },
      { generation: 1.5 },
      { intervalMs: 0 },
      { phiThreshold: -1 },
      { clusterName: '' },
      { seeds: ['bad seed'] },
      { initialStates: [{ key: 'STATUS', value: 'WHATEVER' }] },
    ];
    for (const options of bad) {
      expect(
        isRingtailError(
          errorOf(() => env.gossiper(A, options)),
          ErrorCodes.INVALID_ARGUMENT,
        ),
      ).toBe(true);
    }
  });

  it('gossips to a seed while it knows no live node, and lists itself in the SYN', () => {
    const env = new Env();
    const a = env.gossiper(A, { seeds: [A, B], initialStates: [statusState('BOOT')] });
    expect(a.seedAddresses()).toEqual([B]);
    a.start();
    env.timers.advance(1000);
    const sent = env.transports.get(A)!.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(B);
    expect(sent[0]!.kind).toBe('gossip.syn');
    const syn = sent[0]!.message as GossipSyn;
    expect(syn.clusterName).toBe('test');
    expect(syn.digests).toEqual([{ address: A, generation: 1000, maxVersion: a.endpoint(A)!.heartbeatVersion }]);
    expect(a.stats.rounds).toBe(1);
  });

  it('meets a peer in one exchange and sees it UP when its next heartbeat arrives', () => {
    const env = new Env();
    const a = env.gossiper(A, { seeds: [B], initialStates: [statusState('NORMAL'), tokensState([5n, 3n])] });
    const b = env.gossiper(B, { seeds: [], initialStates: [statusState('NORMAL')] });
    a.start();
    b.start();
    env.take();
    // b knows no one and has no seeds: it waits. a's first round reaches b; one exchange teaches both.
    env.timers.advance(1000);
    env.pump();
    expect(a.members()).toEqual([A, B]);
    expect(b.members()).toEqual([A, B]);
    expect(a.isAlive(B)).toBe(false);
    expect(b.endpoint(A)!.tokens).toEqual([3n, 5n]);
    // b's ACK pushes b's state to a; a's ACK2 answers b's request for a's.
    expect(env.take()).toEqual([
      `${A} join ${B}`,
      `${A} change ${B} STATUS=NORMAL`,
      `${B} join ${A}`,
      `${B} change ${A} STATUS=NORMAL`,
      `${B} change ${A} TOKENS=3,5`,
    ]);
    // The next rounds carry newer heartbeats: UP on both sides.
    for (let i = 0; i < 3; i++) {
      env.timers.advance(1000);
      env.pump();
    }
    expect(a.liveEndpoints()).toEqual([B]);
    expect(b.liveEndpoints()).toEqual([A]);
    expect(env.take().sort()).toEqual([`${A} up ${B}`, `${B} up ${A}`]);
    // A change made now reaches the peer with the next exchange.
    b.setApplicationState('SCHEMA', 'abc');
    expect(env.take()).toEqual([`${B} change ${B} SCHEMA=abc`]);
    for (let i = 0; i < 2; i++) {
      env.timers.advance(1000);
      env.pump();
    }
    expect(a.endpoint(B)!.schemaVersion).toBe('abc');
  });

  it('ignores messages from another cluster', () => {
    const env = new Env();
    const a = env.gossiper(A);
    a.start();
    const transport = env.transports.get(A)!;
    transport.deliver(
      gossipSynCodec,
      { clusterName: 'other', digests: [{ address: X, generation: 5, maxVersion: 5 }] },
      X,
    );
    transport.deliver(gossipAck2Codec, { clusterName: 'other', states: [stateOfX(5, 5)] }, X);
    expect(transport.take()).toEqual([]);
    expect(a.endpoint(X)).toBeUndefined();
    expect(a.stats.foreignMessages).toBe(2);
  });

  it('answers a SYN: asks for what it lacks and pushes what the initiator lacks', () => {
    const env = new Env();
    const a = env.gossiper(A, { initialStates: [statusState('NORMAL')] });
    a.start();
    const transport = env.transports.get(A)!;
    transport.deliver(
      gossipSynCodec,
      { clusterName: 'test', digests: [{ address: X, generation: 5, maxVersion: 9 }] },
      X,
    );
    const [sent] = transport.take();
    expect(sent!.to).toBe(X);
    const ack = sent!.message as GossipAck;
    expect(ack.requests).toEqual([{ address: X, generation: 5, maxVersion: 0 }]);
    expect(ack.states.map((s) => [s.address, s.fromVersion])).toEqual([[A, 0]]);
  });

  it('answers an ACK with an ACK2 carrying what was requested', () => {
    const env = new Env();
    const a = env.gossiper(A, { initialStates: [statusState('NORMAL')] });
    a.start();
    const transport = env.transports.get(A)!;
    transport.deliver(
      gossipAckCodec,
      { clusterName: 'test', requests: [{ address: A, generation: 1000, maxVersion: 0 }], states: [stateOfX(5, 2)] },
      X,
    );
    expect(a.endpoint(X)?.generation).toBe(5);
    const [sent] = transport.take();
    expect(sent!.kind).toBe('gossip.ack2');
    expect((sent!.message as { states: EndpointStateDelta[] }).states.map((s) => s.address)).toEqual([A]);
  });

  it('treats a new generation as a restart: DOWN, restart, then UP on its next heartbeat', () => {
    const env = new Env();
    const a = env.gossiper(A);
    a.start();
    const t = env.transports.get(A)!;
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 2)), B);
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 3)), B);
    expect(a.isAlive(X)).toBe(true);
    env.take();
    t.deliver(gossipAck2Codec, ack2(stateOfX(12, 1, [{ key: 'STATUS', value: 'BOOT', version: 1 }])), B);
    expect(env.take()).toEqual([`${A} down ${X}`, `${A} restart ${X}`, `${A} change ${X} STATUS=BOOT`]);
    expect(a.isAlive(X)).toBe(false);
    t.deliver(gossipAck2Codec, ack2(stateOfX(12, 2, [], 1)), B);
    expect(env.take()).toEqual([`${A} up ${X}`]);
    // An old generation is ignored from now on.
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 99)), B);
    expect(a.endpoint(X)!.generation).toBe(12);
  });

  it('ignores an implausible generation jump, a delta with a gap, and states about itself', () => {
    const env = new Env();
    const a = env.gossiper(A);
    a.start();
    const t = env.transports.get(A)!;
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 2, [], 1)), B); // unknown endpoint, not a whole state
    expect(a.endpoint(X)).toBeUndefined();
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 2)), B);
    t.deliver(gossipAck2Codec, ack2(stateOfX(10 + 366 * 24 * 3600, 2)), B);
    expect(a.endpoint(X)!.generation).toBe(10);
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 9, [{ key: 'LOAD', value: '5', version: 8 }], 7)), B); // held: 2
    expect(a.endpoint(X)!.loadBytes).toBeUndefined();
    t.deliver(gossipAck2Codec, ack2({ ...stateOfX(2000, 5), address: A }), B);
    expect(a.endpoint(A)!.generation).toBe(1000);
  });

  it('marks an endpoint that announces its shutdown DOWN for good (that generation)', () => {
    const env = new Env();
    const a = env.gossiper(A);
    a.start();
    const t = env.transports.get(A)!;
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 2)), B);
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 3)), B);
    env.take();
    t.deliver(gossipShutdownCodec, { clusterName: 'test', state: stateOfX(10, SHUTDOWN_HEARTBEAT_VERSION) }, X);
    expect(env.take()).toEqual([`${A} down ${X}`]);
    expect(a.endpoint(X)!.shutdown).toBe(true);
    // Stale gossip relayed by a peer that missed the announcement cannot bring it back.
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 4, [], 3)), B);
    expect(a.isAlive(X)).toBe(false);
    // And the next round tells others: the digest carries the shutdown version.
    env.timers.advance(5000);
    const syn = t.take('gossip.syn')[0];
    expect((syn?.message as GossipSyn | undefined)?.digests.find((d) => d.address === X)?.maxVersion).toBe(
      SHUTDOWN_HEARTBEAT_VERSION,
    );
  });

  it('convicts a silent endpoint once phi passes the threshold, not before', () => {
    const env = new Env();
    const a = env.gossiper(A);
    a.start();
    const t = env.transports.get(A)!;
    for (let hb = 1; hb <= 30; hb++) {
      t.deliver(gossipAck2Codec, ack2(stateOfX(10, hb)), B);
      env.timers.advance(1000);
    }
    expect(a.isAlive(X)).toBe(true);
    const silentFromMs = env.clock.monotonicMs() - 1000;
    // Intervals: the initial 2000 ms, then 29 of 1000 ms; σ is below the 500 ms floor; 3000 ms pause allowed.
    const mean = (2000 + 29 * 1000) / 30;
    let expectedMs = 0;
    while (normalPhi(expectedMs, mean + 3000, 500) <= 8) expectedMs += 1;
    while (a.isAlive(X)) env.timers.advance(100);
    const tookMs = env.clock.monotonicMs() - silentFromMs;
    expect(tookMs).toBeGreaterThanOrEqual(expectedMs);
    expect(tookMs).toBeLessThanOrEqual(expectedMs + 1000); // convictions happen in the once-a-second status check
    expect(a.stats.convictions).toBe(1);
    expect(a.unreachableEndpoints()).toEqual([X]);
    // A newer heartbeat brings it back.
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 31)), B);
    expect(a.isAlive(X)).toBe(true);
  });

  it('convicts no one right after a local pause', () => {
    const env = new Env();
    const a = env.gossiper(A);
    a.start();
    const t = env.transports.get(A)!;
    for (let hb = 1; hb <= 10; hb++) {
      t.deliver(gossipAck2Codec, ack2(stateOfX(10, hb)), B);
      env.timers.advance(1000);
    }
    // The process stalls for 60 s: the clock moves, no timer runs.
    env.clock.advanceMs(60_000);
    env.timers.advance(1000);
    expect(a.isAlive(X)).toBe(true);
    env.timers.advance(3000);
    expect(a.isAlive(X)).toBe(true);
    // Once the pause grace (5 s) is over, a silent endpoint is convicted as usual.
    env.timers.advance(3000);
    expect(a.isAlive(X)).toBe(false);
  });

  it('removes a LEFT member, evicts it at expiry, then quarantines its generation', () => {
    const env = new Env();
    const a = env.gossiper(A, { quarantineMs: 60_000 });
    a.start();
    const t = env.transports.get(A)!;
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 2)), B);
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 3)), B);
    env.take();
    const expiresAtMs = Math.floor(env.clock.nowMicros() / 1000) + 10_000;
    t.deliver(
      gossipAck2Codec,
      ack2(stateOfX(10, 5, [{ key: 'STATUS', value: `LEFT,${expiresAtMs}`, version: 4 }], 3)),
      B,
    );
    expect(env.take()).toEqual([`${A} change ${X} STATUS=LEFT,${expiresAtMs}`, `${A} down ${X}`, `${A} removed ${X}`]);
    expect(a.members()).toEqual([A]);
    expect(a.unreachableEndpoints()).toEqual([]);
    expect(a.endpoint(X)!.status).toEqual({ name: 'LEFT', expiresAtMs });
    env.timers.advance(11_000);
    expect(a.endpoint(X)).toBeUndefined();
    expect(a.stats.evictions).toBe(1);
    // Stale gossip of that generation is ignored while quarantined...
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 3)), B);
    expect(a.endpoint(X)).toBeUndefined();
    expect(a.stats.quarantinedStates).toBe(1);
    // ...and no one is asked for it.
    t.deliver(gossipSynCodec, { clusterName: 'test', digests: [{ address: X, generation: 10, maxVersion: 3 }] }, B);
    expect((t.take('gossip.ack')[0]!.message as GossipAck).requests).toEqual([]);
    // A newer generation is a real restart and is let in at once.
    t.deliver(gossipAck2Codec, ack2(stateOfX(11, 1)), B);
    expect(a.endpoint(X)!.generation).toBe(11);
    expect(env.take()).toContain(`${A} join ${X}`);
  });

  it('removeEndpoint spreads a REMOVED tombstone under a newer generation', () => {
    const env = new Env();
    const a = env.gossiper(A, { deadStateRetentionMs: 3600_000 });
    a.start();
    const t = env.transports.get(A)!;
    const tokens = tokensState([1n, 2n]);
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 2, [{ ...tokens, version: 1 }])), B);
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 3, [], 2)), B);
    env.take();
    expect(a.removeEndpoint(X)).toBe(true);
    expect(env.take()).toEqual([
      `${A} down ${X}`,
      `${A} change ${X} TOKENS=1,2`,
      expect.stringMatching(new RegExp(`^${A} change ${X} STATUS=REMOVED,\\d+$`)),
      `${A} removed ${X}`,
    ]);
    const view = a.endpoint(X)!;
    expect(view.generation).toBe(11);
    expect(view.member).toBe(false);
    expect(view.tokens).toEqual([1n, 2n]);
    expect(view.status!.expiresAtMs).toBe(Math.floor(env.clock.nowMicros() / 1000) + 3600_000);
    expect(a.removeEndpoint(X)).toBe(false);
    expect(a.removeEndpoint('10.9.9.9:1')).toBe(false);
    expect(
      isRingtailError(
        errorOf(() => a.removeEndpoint(A)),
        ErrorCodes.INVALID_ARGUMENT,
      ),
    ).toBe(true);
    // The old generation cannot bring it back.
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 50, [], 3)), B);
    expect(a.members()).toEqual([A]);
  });

  it('validates local application states and versions them', () => {
    const env = new Env();
    const a = env.gossiper(A);
    const before = a.endpoint(A)!;
    expect(
      isRingtailError(
        errorOf(() =>
          a.setApplicationStates([
            { key: 'DC', value: 'dc1' },
            { key: 'TOKENS', value: '3,1' },
          ]),
        ),
        ErrorCodes.INVALID_ARGUMENT,
      ),
    ).toBe(true);
    expect(a.endpoint(A)!.states).toEqual(before.states);
    for (const [key, value] of [
      ['lower', 'x'],
      ['LOAD', '1.5'],
      ['HTTP_ADDRESS', 'localhost'],
      ['RACK', ''],
      ['RACK', 'a\nb'],
    ] as const) {
      expect(
        isRingtailError(
          errorOf(() => a.setApplicationState(key, value)),
          ErrorCodes.INVALID_ARGUMENT,
        ),
      ).toBe(true);
    }
    a.setApplicationState('DC', 'dc1');
    const version = a.endpoint(A)!.states.get('DC')!.version;
    a.setApplicationState('DC', 'dc1');
    expect(a.endpoint(A)!.states.get('DC')!.version).toBe(version);
    a.setApplicationState('DC', 'dc2');
    expect(a.endpoint(A)!.states.get('DC')!.version).toBeGreaterThan(version);
    const many = Array.from({ length: MAX_APPLICATION_STATES }, (_, i) => ({ key: `K${i}`, value: 'v' }));
    expect(
      isRingtailError(
        errorOf(() => a.setApplicationStates(many)),
        ErrorCodes.LIMIT_EXCEEDED,
      ),
    ).toBe(true);
  });

  it('announces a graceful stop to live peers, then ignores everything', () => {
    const env = new Env();
    const a = env.gossiper(A);
    a.start();
    const t = env.transports.get(A)!;
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 2)), B);
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 3)), B);
    t.take();
    a.stop();
    const sent = t.take();
    expect(sent.map((s) => [s.to, s.kind])).toEqual([[X, 'gossip.shutdown']]);
    const { state } = sent[0]!.message as GossipShutdown;
    expect(state.heartbeatVersion).toBe(SHUTDOWN_HEARTBEAT_VERSION);
    expect(state.address).toBe(A);
    expect(a.running).toBe(false);
    expect(a.isAlive(A)).toBe(false);
    t.deliver(gossipAck2Codec, ack2(stateOfX(10, 4, [], 3)), B);
    expect(a.stats.messagesReceived).toBe(2);
    env.timers.advance(10_000);
    expect(t.take()).toEqual([]);
    expect(env.timers.pendingCount).toBe(0);
    expect(
      isRingtailError(
        errorOf(() => a.setApplicationState('DC', 'x')),
        ErrorCodes.CLOSED,
      ),
    ).toBe(true);
    expect(
      isRingtailError(
        errorOf(() => a.start()),
        ErrorCodes.CLOSED,
      ),
    ).toBe(true);
    a.stop();
  });

  it('keeps gossiping when a listener throws', () => {
    const env = new Env();
    const a = env.gossiper(A);
    const seen: string[] = [];
    a.on('join', () => {
      throw new Error('listener bug');
    });
    const unsubscribe = a.on('join', (v) => seen.push(v.address));
    a.start();
    env.transports.get(A)!.deliver(gossipAck2Codec, ack2(stateOfX(10, 2)), B);
    expect(seen).toEqual([X]);
    unsubscribe();
    env.transports.get(A)!.deliver(gossipAck2Codec, ack2({ ...stateOfX(10, 2), address: B }), B);
    expect(seen).toEqual([X]);
    expect(a.members()).toEqual([A, B, X]);
  });

  it('tracks at most MAX_ENDPOINTS endpoints', () => {
    const env = new Env();
    const a = env.gossiper(A);
    a.start();
    const states = Array.from({ length: MAX_ENDPOINTS }, (_, i) => ({
      ...stateOfX(10, 1, []),
      address: `10.${i >> 8}.${i & 255}.77:7000`,
    }));
    env.transports.get(A)!.deliver(gossipAck2Codec, ack2(...states), B);
    expect(a.endpointViews()).toHaveLength(MAX_ENDPOINTS);
    expect(a.stats.overflowStates).toBe(1);
  });

  it('picks live peers, sometimes an unreachable one, sometimes a seed', () => {
    const env = new Env();
    const seed = '10.0.0.50:7000';
    const a = env.gossiper(A, { seeds: [seed], random: seededRandom(3) });
    a.start();
    const t = env.transports.get(A)!;
    const live = ['10.0.0.11:7000', '10.0.0.12:7000', '10.0.0.13:7000'];
    const dead = '10.0.0.14:7000';
    for (const address of [...live, dead]) t.deliver(gossipAck2Codec, ack2({ ...stateOfX(10, 1), address }), B);
    const targets = new Map<string, number>();
    for (let round = 0; round < 300; round++) {
      // Keep the live ones beating; the dead one stays silent.
      for (const address of live) {
        t.deliver(gossipAck2Codec, ack2({ ...stateOfX(10, round + 2, [], 1), address }), B);
      }
      env.timers.advance(1000);
      for (const { to } of t.take('gossip.syn')) targets.set(to, (targets.get(to) ?? 0) + 1);
    }
    for (const address of live) expect(targets.get(address)).toBeGreaterThan(70);
    // Unreachable: probability 1 / (3 live + 1) per round; seed: 1 / (3 + 1) per round.
    expect(targets.get(dead)).toBeGreaterThan(40);
    expect(targets.get(dead)).toBeLessThan(120);
    expect(targets.get(seed)).toBeGreaterThan(40);
    expect(targets.get(seed)).toBeLessThan(120);
  });
});
