/**
 * One behaviour suite for every Transport implementation — SimNetwork's (with
 * no faults) and the TCP transport — so that code tested in simulation meets
 * the same contract on real sockets.
 */
import {
  type ErrorCode,
  ErrorCodes,
  type MessageCodec,
  type PeerAddress,
  RingtailError,
  type Transport,
} from '@ringtail/codec';
import { afterEach, describe, expect, it } from 'vitest';

export interface TransportFixture {
  /** A new transport the fixture's other transports can reach at its `localAddress`. */
  open(): Promise<Transport>;
  /** An address where no transport listens. */
  deadAddress(): Promise<PeerAddress>;
  /** Closes every transport it opened. */
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Bound of the queue towards one peer (TCP) or of one link's messages in flight (simulation). */
  maxQueuedMessages?: number;
}

export type FixtureFactory = (options: FixtureOptions) => Promise<TransportFixture>;

/** Polls `predicate` until it holds; fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves after `ms`, to let a network settle before checking that something did not happen. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function failure(promise: Promise<unknown>, code: ErrorCode): Promise<RingtailError> {
  const error = await promise.then(
    (value) => new Error(`expected ${code}, got the answer ${JSON.stringify(value, (_, v) => String(v))}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RingtailError);
  expect((error as RingtailError).code, (error as Error).message).toBe(code);
  return error as RingtailError;
}

function fail(message: string): never {
  throw new RingtailError(ErrorCodes.BAD_MESSAGE, message);
}

/** A message with every kind of value a codec may put on the wire. */
interface Rich {
  text: string;
  count: number;
  ratio: number;
  token: bigint;
  bytes: Uint8Array;
  list: (string | number | boolean | null)[];
  nested: { deeper: { values: number[] } };
}

export const richCodec: MessageCodec<Rich> = {
  kind: 'test.rich',
  version: 1,
  encode: (message) => ({ ...message }),
  decode(body) {
    const value = body as Partial<Rich>;
    if (typeof value !== 'object' || value === null) fail('not a map');
    if (typeof value.text !== 'string' || typeof value.count !== 'number' || typeof value.token !== 'bigint') {
      fail('missing fields');
    }
    if (!(value.bytes instanceof Uint8Array)) fail('bytes is not binary');
    return { ...(value as Rich), bytes: new Uint8Array(value.bytes) };
  },
};

/** A number, versioned: accepts versions 1..`maxVersion`, writes `version`; decodes to [value, version]. */
function numberCodec(
  kind: string,
  version: number,
  maxVersion = version,
): MessageCodec<number> & {
  seen: number[];
} {
  const seen: number[] = [];
  return {
    kind,
    version,
    seen,
    encode: (n) => n,
    decode(body, v) {
      if (v < 1 || v > maxVersion) fail(`${kind} version ${v} is not supported`);
      if (typeof body !== 'number') fail('not a number');
      seen.push(v);
      return body;
    },
  };
}

const text: MessageCodec<string> = {
  kind: 'test.text',
  version: 1,
  encode: (s) => s,
  decode: (body) => (typeof body === 'string' ? body : fail('not a string')),
};

export function transportConformanceSuite(name: string, makeFixture: FixtureFactory): void {
  describe(`Transport conformance: ${name}`, () => {
    const fixtures: TransportFixture[] = [];
    const fixture = async (options: FixtureOptions = {}) => {
      const made = await makeFixture(options);
      fixtures.push(made);
      return made;
    };
    /** Two transports of one fresh fixture. */
    const pair = async (options: FixtureOptions = {}): Promise<[Transport, Transport, TransportFixture]> => {
      const f = await fixture(options);
      return [await f.open(), await f.open(), f];
    };

    afterEach(async () => {
      for (const f of fixtures.splice(0)) await f.close();
    });

    it('delivers one-way messages in order, through the codec, from the sender’s address', async () => {
      const [a, b] = await pair();
      const got: [string, PeerAddress][] = [];
      b.onMessage(text, (message, from) => got.push([message, from]));
      const rich: Rich[] = [];
      b.onMessage(richCodec, (message) => rich.push(message));
      for (let i = 0; i < 20; i++) expect(a.send(b.localAddress, text, `m${i}`)).toBe(true);
      const sent: Rich = {
        text: 'héllo ☃',
        count: -42,
        ratio: 0.25,
        token: 2n ** 63n - 1n,
        bytes: Uint8Array.of(0, 1, 254, 255),
        list: ['two', 3, true, null],
        nested: { deeper: { values: [1.5, 2 ** 40, -(2 ** 53 - 1)] } },
      };
      a.send(b.localAddress, richCodec, sent);
      await waitFor(() => got.length === 20 && rich.length === 1, 'the messages');
      expect(got.map(([message]) => message)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
      expect(new Set(got.map(([, from]) => from))).toEqual(new Set([a.localAddress]));
      expect(rich[0]).toEqual(sent);
    });

    it('answers requests in both directions, with sync and async handlers', async () => {
      const [a, b] = await pair();
      const double = numberCodec('test.double', 1);
      b.onRequest(double, double, async (n, from) => {
        expect(from).toBe(a.localAddress);
        await sleep(1);
        return n * 2;
      });
      a.onRequest(double, double, (n) => n * 2);
      expect(await a.request(b.localAddress, double, double, 21, { timeoutMs: 5000 })).toBe(42);
      expect(await b.request(a.localAddress, double, double, 5, { timeoutMs: 5000 })).toBe(10);
    });

    it('matches many concurrent answers to their requests', async () => {
      const [a, b] = await pair();
      const square = numberCodec('test.square', 1);
      b.onRequest(square, square, async (n) => {
        if (n % 3 === 0) await sleep(n % 7);
        return n * n;
      });
      const answers = await Promise.all(
        Array.from({ length: 300 }, (_, n) => a.request(b.localAddress, square, square, n, { timeoutMs: 10_000 })),
      );
      expect(answers).toEqual(Array.from({ length: 300 }, (_, n) => n * n));
    });

    it('fails a request whose handler throws or rejects with RT_REMOTE, carrying the reason', async () => {
      const [a, b] = await pair();
      const sync = numberCodec('test.sync-fail', 1);
      const async = numberCodec('test.async-fail', 1);
      b.onRequest(sync, sync, () => {
        throw new Error('sync handler broke');
      });
      b.onRequest(async, async, async () => {
        throw new RingtailError(ErrorCodes.IO, 'disk on fire');
      });
      const first = await failure(a.request(b.localAddress, sync, sync, 1, { timeoutMs: 5000 }), ErrorCodes.REMOTE);
      expect(first.message).toContain('sync handler broke');
      const second = await failure(a.request(b.localAddress, async, async, 1, { timeoutMs: 5000 }), ErrorCodes.REMOTE);
      expect(second.message).toContain('RT_IO: disk on fire');
    });

    it('drops a message whose handler throws and keeps delivering', async () => {
      const [a, b] = await pair();
      const got: string[] = [];
      b.onMessage(text, (message) => {
        if (message === 'bad') throw new Error('handler broke');
        got.push(message);
      });
      a.send(b.localAddress, text, 'bad');
      a.send(b.localAddress, text, 'good');
      await waitFor(() => got.length === 1, 'the good message');
      expect(got).toEqual(['good']);
    });

    it('fails a request nobody answers in time with RT_TIMEOUT, and ignores the late answer', async () => {
      const [a, b] = await pair();
      const slow = numberCodec('test.slow', 1);
      let late = false;
      b.onRequest(slow, slow, async (n) => {
        await sleep(150);
        late = true;
        return n;
      });
      const started = Date.now();
      await failure(a.request(b.localAddress, slow, slow, 1, { timeoutMs: 50 }), ErrorCodes.TIMEOUT);
      expect(Date.now() - started).toBeLessThan(2000);
      await waitFor(() => late, 'the late answer');
      await sleep(20);
      expect(await a.request(b.localAddress, slow, slow, 7, { timeoutMs: 5000 })).toBe(7);
    });

    it('decodes with the version the sender wrote, and refuses versions the codec rejects', async () => {
      const [a, b] = await pair();
      const v2Reader = numberCodec('test.versioned', 2, 2);
      const got: number[] = [];
      b.onMessage(v2Reader, (n) => got.push(n));
      a.send(b.localAddress, numberCodec('test.versioned', 1), 1);
      a.send(b.localAddress, numberCodec('test.versioned', 2), 2);
      a.send(b.localAddress, numberCodec('test.versioned', 3), 3);
      a.send(b.localAddress, numberCodec('test.versioned', 2), 4);
      await waitFor(() => got.length === 3, 'the versions it reads');
      expect(got).toEqual([1, 2, 4]);
      expect(v2Reader.seen).toEqual([1, 2, 2]);

      const v1Only = numberCodec('test.v1-only', 1);
      b.onRequest(v1Only, v1Only, (n) => n);
      const refused = await failure(
        a.request(b.localAddress, numberCodec('test.v1-only', 2), v1Only, 1, { timeoutMs: 5000 }),
        ErrorCodes.BAD_MESSAGE,
      );
      expect(refused.message).toContain('version 2');
      const badAnswer = numberCodec('test.bad-answer', 1);
      b.onRequest(badAnswer, numberCodec('test.bad-answer-reply', 9), (n) => n);
      await failure(
        a.request(b.localAddress, badAnswer, numberCodec('test.bad-answer-reply', 1), 1, { timeoutMs: 5000 }),
        ErrorCodes.BAD_MESSAGE,
      );
    });

    it('drops messages of unknown kinds and refuses requests of unknown kinds with RT_BAD_MESSAGE', async () => {
      const [a, b] = await pair();
      const got: string[] = [];
      b.onMessage(text, (message) => got.push(message));
      a.send(b.localAddress, numberCodec('test.unknown', 1), 1);
      a.send(b.localAddress, text, 'after');
      await waitFor(() => got.length === 1, 'the known message');
      const unknown = numberCodec('test.unknown-request', 1);
      const error = await failure(
        a.request(b.localAddress, unknown, unknown, 1, { timeoutMs: 5000 }),
        ErrorCodes.BAD_MESSAGE,
      );
      expect(error.message).toContain('test.unknown-request');
    });

    it('fails requests to an address nobody listens at with RT_UNREACHABLE, soon', async () => {
      const f = await fixture();
      const a = await f.open();
      const dead = await f.deadAddress();
      const echo = numberCodec('test.echo', 1);
      expect(a.send(dead, text, 'into the void')).toBe(true);
      const started = Date.now();
      await failure(a.request(dead, echo, echo, 1, { timeoutMs: 10_000 }), ErrorCodes.UNREACHABLE);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('after close: send returns false, requests fail RT_CLOSED, pending ones too; close is idempotent', async () => {
      const [a, b] = await pair();
      const never = numberCodec('test.never', 1);
      let called = false;
      b.onRequest(never, never, () => {
        called = true;
        return new Promise<number>(() => {});
      });
      const pending = a.request(b.localAddress, never, never, 1, { timeoutMs: 10_000 });
      await waitFor(() => called, 'the request to arrive');
      await a.close();
      await failure(pending, ErrorCodes.CLOSED);
      expect(a.send(b.localAddress, text, 'x')).toBe(false);
      await failure(a.request(b.localAddress, never, never, 1, { timeoutMs: 1000 }), ErrorCodes.CLOSED);
      await a.close();
    });

    it('refuses sends beyond the queue bound (backpressure) and delivers exactly what it took', async () => {
      const [a, b] = await pair({ maxQueuedMessages: 8 });
      const got: string[] = [];
      b.onMessage(text, (message) => got.push(message));
      const accepted = Array.from({ length: 100 }, (_, i) => a.send(b.localAddress, text, `m${i}`));
      const echo = numberCodec('test.echo', 1);
      b.onRequest(echo, echo, (n) => n);
      const refused = a.request(b.localAddress, echo, echo, 1, { timeoutMs: 5000 });
      expect(accepted.filter(Boolean).length).toBe(8);
      expect(accepted.slice(0, 8).every(Boolean)).toBe(true);
      await failure(refused, ErrorCodes.LIMIT_EXCEEDED);
      await waitFor(() => got.length === 8, 'the accepted messages');
      await sleep(20);
      expect(got).toEqual(Array.from({ length: 8 }, (_, i) => `m${i}`));
      expect(a.send(b.localAddress, text, 'later')).toBe(true);
      await waitFor(() => got.length === 9, 'a message after the queue drained');
    });

    it('refuses malformed addresses, bad timeouts and duplicate handlers with RT_INVALID_ARGUMENT', async () => {
      const [a, b] = await pair();
      const echo = numberCodec('test.echo', 1);
      expect(() => a.send('no port', text, 'x')).toThrow(RingtailError);
      await failure(a.request('host:99999', echo, echo, 1, { timeoutMs: 100 }), ErrorCodes.INVALID_ARGUMENT);
      await failure(a.request(b.localAddress, echo, echo, 1, { timeoutMs: 0 }), ErrorCodes.INVALID_ARGUMENT);
      b.onMessage(text, () => {});
      expect(() => b.onMessage(text, () => {})).toThrow(/already registered/);
      expect(() => b.onRequest(text, text, (s) => s)).toThrow(/already registered/);
    });
  });
}
