import { describe, expect, it, onTestFailed } from 'vitest';
import { ErrorCodes, RingtailError } from '../../src/errors.js';
import { SimNetwork, type SimNetworkOptions } from '../../src/net/sim-network.js';
import type { MessageCodec, PeerAddress, Transport } from '../../src/net/transport.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { type Random, seededRandom } from '../../src/runtime/random.js';
import { ManualTimers } from '../../src/runtime/timers.js';

/** A seed from RINGTAIL_SEED or a fresh one, printed if the test fails. */
function testSeed(label: string): number {
  const fromEnv = process.env.RINGTAIL_SEED;
  const seed = fromEnv === undefined ? (Math.random() * 2 ** 32) >>> 0 : Number(fromEnv);
  onTestFailed(() => console.log(`[${label}] seed ${seed} (rerun with RINGTAIL_SEED=${seed})`));
  return seed;
}

const text: MessageCodec<string> = {
  kind: 'test.text',
  version: 1,
  encode: (message) => message,
  decode(body) {
    if (typeof body !== 'string') throw new RingtailError(ErrorCodes.BAD_MESSAGE, 'not a string');
    return body;
  },
};

const number: MessageCodec<number> = {
  kind: 'test.number',
  version: 1,
  encode: (message) => message,
  decode(body) {
    if (typeof body !== 'number') throw new RingtailError(ErrorCodes.BAD_MESSAGE, 'not a number');
    return body;
  },
};

interface Sim {
  clock: ManualClock;
  timers: ManualTimers;
  network: SimNetwork;
  open(address: PeerAddress): Transport;
  /** Messages of kind `text` received, as `to<-from:message`, in arrival order. */
  received: string[];
}

function sim(random: Random, options: Partial<SimNetworkOptions> = {}): Sim {
  const clock = new ManualClock();
  const timers = new ManualTimers(clock);
  const network = new SimNetwork({ random, timers, ...options });
  const received: string[] = [];
  return {
    clock,
    timers,
    network,
    received,
    open(address) {
      const transport = network.transport(address);
      transport.onMessage(text, (message, from) => received.push(`${address}<-${from}:${message}`));
      return transport;
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<RingtailError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RingtailError);
  return error as RingtailError;
}

/** Lets promise callbacks (request answers, async handlers) run between timer steps. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SimNetwork', () => {
  it('delivers through the injected timers, after the link delay', () => {
    const s = sim(seededRandom(1), { faults: { minDelayMs: 5, maxDelayMs: 5 } });
    const a = s.open('a:1');
    s.open('b:1');
    expect(a.send('b:1', text, 'hello')).toBe(true);
    expect(s.received).toEqual([]);
    s.timers.advance(4);
    expect(s.received).toEqual([]);
    s.timers.advance(1);
    expect(s.received).toEqual(['b:1<-a:1:hello']);
    expect(s.network.stats).toEqual({ sent: 1, delivered: 1, dropped: 0, duplicated: 0 });
  });

  it('runs each message through its codec and a structured clone', () => {
    const s = sim(seededRandom(1));
    const a = s.open('a:1');
    const b = s.open('b:1');
    const sent = { nested: { list: [1n, 'x', true, null] }, bytes: new Uint8Array([1, 2]) };
    const decodedWith: number[] = [];
    const got: unknown[] = [];
    const object: MessageCodec<typeof sent> = {
      kind: 'test.object',
      version: 3,
      encode: (message) => message,
      decode(body, version) {
        decodedWith.push(version);
        return body as typeof sent;
      },
    };
    b.onMessage(object, (message) => got.push(message));
    a.send('b:1', object, sent);
    s.timers.advance(1);
    expect(got).toEqual([sent]);
    expect(got[0]).not.toBe(sent);
    expect(decodedWith).toEqual([3]);

    const mapCodec: MessageCodec<Map<string, number>> = {
      kind: 'test.map',
      version: 1,
      encode: (message) => message,
      decode: () => new Map(),
    };
    expect(() => a.send('b:1', mapCodec, new Map([['k', 1]]))).toThrow(/msgpack cannot carry: body is a Map/);
    const undefinedCodec: MessageCodec<object> = { ...mapCodec, kind: 'test.undef', encode: () => ({ x: undefined }) };
    expect(() => a.send('b:1', undefinedCodec, {})).toThrow(/body.x is undefined/);
  });

  it('answers requests over the same links', async () => {
    const s = sim(seededRandom(2), { faults: { minDelayMs: 3, maxDelayMs: 3 } });
    const a = s.open('a:1');
    const b = s.open('b:1');
    b.onRequest(number, number, (n, from) => {
      expect(from).toBe('a:1');
      return n * 2;
    });
    let answer: number | undefined;
    void a.request('b:1', number, number, 21, { timeoutMs: 100 }).then((n) => {
      answer = n;
    });
    s.timers.advance(5);
    await flush();
    expect(answer).toBeUndefined();
    s.timers.advance(1);
    await flush();
    expect(answer).toBe(42);
    expect(s.network.stats).toEqual({ sent: 2, delivered: 2, dropped: 0, duplicated: 0 });
  });

  it('drops and duplicates at the configured rates', () => {
    const seed = testSeed('sim-rates');
    const s = sim(seededRandom(seed), { faults: { dropRate: 0.3, duplicateRate: 0.2 } });
    const a = s.open('a:1');
    s.open('b:1');
    const total = 5000;
    for (let i = 0; i < total; i++) a.send('b:1', text, String(i));
    s.timers.advance(1);
    const { sent, delivered, dropped, duplicated } = s.network.stats;
    expect(sent).toBe(total);
    expect(dropped / total).toBeGreaterThan(0.27);
    expect(dropped / total).toBeLessThan(0.33);
    const kept = total - dropped;
    expect(duplicated / kept).toBeGreaterThan(0.17);
    expect(duplicated / kept).toBeLessThan(0.23);
    expect(delivered).toBe(kept + duplicated);
    expect(s.received.length).toBe(delivered);
    expect(new Set(s.received).size).toBe(kept);
    expect(s.network.inFlightCount).toBe(0);
  });

  it('reorders with random delays within [min, max], and keeps order with a fixed delay', () => {
    const seed = testSeed('sim-reorder');
    const s = sim(seededRandom(seed), { faults: { minDelayMs: 10, maxDelayMs: 20 } });
    const a = s.open('a:1');
    s.open('b:1');
    for (let i = 0; i < 200; i++) a.send('b:1', text, String(i));
    s.timers.advance(9);
    expect(s.received).toEqual([]);
    s.timers.advance(11);
    const order = s.received.map((line) => Number(line.split(':').at(-1)));
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(order).not.toEqual([...order].sort((x, y) => x - y));

    s.received.length = 0;
    s.network.setFaults({ minDelayMs: 7, maxDelayMs: 7 });
    for (let i = 0; i < 50; i++) a.send('b:1', text, String(i));
    s.timers.advance(7);
    expect(s.received.map((line) => Number(line.split(':').at(-1)))).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('partitions groups from each other; addresses in no group talk to everyone; heal restores', async () => {
    const s = sim(seededRandom(3));
    const [a, b, c, d] = ['a:1', 'b:1', 'c:1', 'd:1'].map((address) => s.open(address)) as Transport[];
    s.network.partition(['a:1', 'b:1'], ['c:1']);
    a!.send('b:1', text, 'ab');
    a!.send('c:1', text, 'ac');
    c!.send('a:1', text, 'ca');
    d!.send('a:1', text, 'da');
    d!.send('c:1', text, 'dc');
    c!.send('d:1', text, 'cd');
    c!.onRequest(number, number, (n) => n);
    const timedOut = failure(a!.request('c:1', number, number, 1, { timeoutMs: 50 }));
    s.timers.advance(1);
    expect(s.received.sort()).toEqual(['a:1<-d:1:da', 'b:1<-a:1:ab', 'c:1<-d:1:dc', 'd:1<-c:1:cd']);
    expect(s.network.stats.dropped).toBe(3);
    s.timers.advance(50);
    expect((await timedOut).code).toBe(ErrorCodes.TIMEOUT);

    // A message in flight when the partition starts is lost on arrival.
    s.network.heal();
    a!.send('c:1', text, 'in flight');
    s.network.partition(['a:1'], ['c:1']);
    s.timers.advance(1);
    expect(s.received).not.toContain('c:1<-a:1:in flight');

    s.network.heal();
    s.received.length = 0;
    a!.send('c:1', text, 'healed');
    s.timers.advance(1);
    expect(s.received).toEqual(['c:1<-a:1:healed']);
    expect(() => s.network.partition(['a:1'], ['a:1', 'b:1'])).toThrow(/two partition groups/);
    expect(b).toBeDefined();
  });

  it('drops messages to unknown or closed addresses and fails requests there with RT_UNREACHABLE', async () => {
    const s = sim(seededRandom(4), { faults: { minDelayMs: 2, maxDelayMs: 2 } });
    const a = s.open('a:1');
    const b = s.open('b:1');
    expect(a.send('nobody:1', text, 'lost')).toBe(true);
    const unreachable = failure(a.request('nobody:1', number, number, 1, { timeoutMs: 1000 }));
    s.timers.advance(2);
    const error = await unreachable;
    expect(error.code).toBe(ErrorCodes.UNREACHABLE);
    expect(s.network.stats.dropped).toBe(2);

    expect(() => s.network.transport('b:1')).toThrow(/already in use/);
    a.send('b:1', text, 'to the old b');
    await b.close();
    const reopened = s.open('b:1');
    s.timers.advance(2);
    expect(s.received).toEqual([]);
    a.send('b:1', text, 'to the new b');
    s.timers.advance(2);
    expect(s.received).toEqual(['b:1<-a:1:to the new b']);
    expect(reopened.localAddress).toBe('b:1');
  });

  it('bounds the messages in flight on a link', async () => {
    const s = sim(seededRandom(5), { maxInFlightPerLink: 3 });
    const a = s.open('a:1');
    s.open('b:1');
    s.open('c:1');
    expect([1, 2, 3, 4].map((i) => a.send('b:1', text, String(i)))).toEqual([true, true, true, false]);
    expect(a.send('c:1', text, 'another link')).toBe(true);
    expect((await failure(a.request('b:1', number, number, 1, { timeoutMs: 10 }))).code).toBe(
      ErrorCodes.LIMIT_EXCEEDED,
    );
    s.timers.advance(1);
    expect(a.send('b:1', text, '5')).toBe(true);
    expect(s.network.stats.sent).toBe(5);
  });

  it('refuses bad fault settings and bad addresses', () => {
    const s = sim(seededRandom(6));
    expect(() => s.network.setFaults({ dropRate: 1.5 })).toThrow(/rates in \[0, 1\]/);
    expect(() => s.network.setFaults({ minDelayMs: 5, maxDelayMs: 2 })).toThrow(RingtailError);
    expect(() => s.network.transport('no-port')).toThrow(/not a peer address/);
    const a = s.open('a:1');
    expect(() => a.send('a', text, 'x')).toThrow(/not a peer address/);
  });

  it('replays the same delivery trace from the same seed', async () => {
    const seed = testSeed('sim-trace');
    const first = await traceOf(seed);
    expect(first.length).toBeGreaterThan(100);
    expect(await traceOf(seed)).toEqual(first);
    expect(await traceOf(seed + 1)).not.toEqual(first);
  });
});

/**
 * Five nodes exchange messages and requests over lossy, duplicating, slow
 * links while a partition comes and goes; returns every arrival with its time.
 */
async function traceOf(seed: number): Promise<string[]> {
  const root = seededRandom(seed);
  const workload = root.fork();
  const s = sim(root.fork(), { faults: { dropRate: 0.1, duplicateRate: 0.1, minDelayMs: 1, maxDelayMs: 30 } });
  const addresses = ['n1:7000', 'n2:7000', 'n3:7000', 'n4:7000', 'n5:7000'];
  const trace: string[] = [];
  const nodes = addresses.map((address) => {
    const transport = s.network.transport(address);
    transport.onMessage(text, (message, from) => trace.push(`${s.clock.monotonicMs()} ${address}<-${from} ${message}`));
    transport.onRequest(number, number, (n, from) => {
      trace.push(`${s.clock.monotonicMs()} ${address}<-${from} request ${n}`);
      return n + 1;
    });
    return transport;
  });
  for (let step = 0; step < 300; step++) {
    if (step === 100) s.network.partition(addresses.slice(0, 2), addresses.slice(2));
    if (step === 200) s.network.heal();
    const from = workload.int(nodes.length);
    const to = addresses[workload.int(addresses.length)]!;
    if (workload.next() < 0.7) {
      nodes[from]!.send(to, text, `m${step}`);
    } else {
      nodes[from]!.request(to, number, number, step, { timeoutMs: 100 }).then(
        (n) => trace.push(`${s.clock.monotonicMs()} ${addresses[from]} answer ${n}`),
        (e: RingtailError) => trace.push(`${s.clock.monotonicMs()} ${addresses[from]} ${e.code} ${step}`),
      );
    }
    s.timers.advance(workload.int(5));
    await flush();
  }
  for (let i = 0; i < 200; i++) {
    s.timers.advance(1);
    await flush();
  }
  const stats = s.network.stats;
  expect(stats.sent + stats.duplicated).toBe(stats.delivered + stats.dropped);
  for (const node of nodes) await node.close();
  return trace;
}
