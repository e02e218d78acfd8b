import { describe, expect, it } from 'vitest';
import { ErrorCodes, RingtailError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { TransportDispatcher } from '../../src/net/dispatcher.js';
import type { Envelope } from '../../src/net/envelope.js';
import type { MessageCodec } from '../../src/net/transport.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { ManualTimers } from '../../src/runtime/timers.js';

const number: MessageCodec<number> = {
  kind: 'test.number',
  version: 1,
  encode: (n) => n,
  decode: (body) => body as number,
};

function dispatcher(options: { maxPendingRequests?: number; maxInboundRequestsPerPeer?: number } = {}) {
  const timers = new ManualTimers(new ManualClock());
  return {
    timers,
    dispatcher: new TransportDispatcher({ localAddress: 'me:1', timers, logger: silentLogger, ...options }),
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RingtailError);
  return (error as RingtailError).code;
}

describe('TransportDispatcher', () => {
  it('gives requests distinct ids and bounds how many wait for answers', async () => {
    const { dispatcher: d } = dispatcher({ maxPendingRequests: 2 });
    const first = d.startRequest('peer:1', number, number, 1, 1000);
    const second = d.startRequest('peer:1', number, number, 2, 1000);
    expect(first.envelope.requestId).not.toBe(second.envelope.requestId);
    expect(() => d.startRequest('peer:1', number, number, 3, 1000)).toThrow(
      expect.objectContaining({ code: ErrorCodes.LIMIT_EXCEEDED }),
    );
    d.close();
    expect(await codeOf(first.result)).toBe(ErrorCodes.CLOSED);
    expect(await codeOf(second.result)).toBe(ErrorCodes.CLOSED);
  });

  it('times requests out through the injected timers', async () => {
    const { dispatcher: d, timers } = dispatcher();
    const { result } = d.startRequest('peer:1', number, number, 1, 50);
    timers.advance(49);
    expect(d.pendingRequestCount).toBe(1);
    timers.advance(1);
    expect(await codeOf(result)).toBe(ErrorCodes.TIMEOUT);
    expect(timers.pendingCount).toBe(0);
  });

  it('takes answers only from the peer the request went to', async () => {
    const { dispatcher: d } = dispatcher();
    const { envelope, result } = d.startRequest('peer:1', number, number, 1, 1000);
    const answer: Envelope = {
      type: 'response',
      requestId: envelope.requestId,
      kind: 'test.number',
      version: 1,
      body: 2,
    };
    d.receive(answer, 'impostor:1', () => {});
    expect(d.pendingRequestCount).toBe(1);
    d.receive(answer, 'peer:1', () => {});
    expect(await result).toBe(2);
  });

  it('answers RT_LIMIT_EXCEEDED beyond the handlers one peer may keep busy', async () => {
    const { dispatcher: d } = dispatcher({ maxInboundRequestsPerPeer: 2 });
    const release: (() => void)[] = [];
    d.onRequest(number, number, (n) => new Promise<number>((resolve) => release.push(() => resolve(n))));
    const answers: Envelope[] = [];
    const request = (requestId: number, from: string) =>
      d.receive({ type: 'request', requestId, kind: 'test.number', version: 1, body: requestId }, from, (answer) =>
        answers.push(answer),
      );
    request(1, 'a:1');
    request(2, 'a:1');
    request(3, 'a:1');
    request(4, 'b:1');
    expect(answers).toEqual([
      expect.objectContaining({
        type: 'error',
        requestId: 3,
        body: expect.objectContaining({ code: 'RT_LIMIT_EXCEEDED' }),
      }),
    ]);
    for (const go of release) go();
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers.map((answer) => [answer.type, answer.requestId])).toEqual([
      ['error', 3],
      ['response', 1],
      ['response', 2],
      ['response', 4],
    ]);
    request(5, 'a:1');
    expect(release).toHaveLength(4);
  });

  it('refuses kinds and versions the wire cannot carry', () => {
    const { dispatcher: d } = dispatcher();
    expect(() => d.onMessage({ ...number, kind: '' }, () => {})).toThrow(/1 to 64 characters/);
    expect(() => d.onMessage({ ...number, version: 1.5 }, () => {})).toThrow(/version/);
    expect(() => d.messageEnvelope({ ...number, version: 70_000 }, 1)).toThrow(/version/);
  });
});
