import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  ErrorCodes,
  ManualClock,
  ManualTimers,
  type MessageCodec,
  parsePeerAddress,
  RingtailError,
} from '@ringtail/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFrameBody, encodeFrame, FrameDecoder } from '../../src/internode/frame.js';
import { AcceptorHandshake, handshakeFromWire, handshakeToWire } from '../../src/internode/handshake.js';
import { CLUSTER, freePort, RawPeer, SECRET, TestCluster, type TestNode, warnings } from './tcp-helpers.js';
import { failure, sleep, waitFor } from './transport-conformance.js';

const text: MessageCodec<string> = {
  kind: 'test.text',
  version: 1,
  encode: (s) => s,
  decode(body) {
    if (typeof body !== 'string') throw new RingtailError(ErrorCodes.BAD_MESSAGE, 'not a string');
    return body;
  },
};

const echo: MessageCodec<string> = { ...text, kind: 'test.echo' };

/** Collects what a node's `text` handler receives. */
function listen(node: TestNode): { message: string; from: string }[] {
  const got: { message: string; from: string }[] = [];
  node.transport.onMessage(text, (message, from) => got.push({ message, from }));
  node.transport.onRequest(echo, echo, (message) => message);
  return got;
}

const cluster = new TestCluster();
afterEach(() => cluster.closeAll());

describe('TCP transport handshake', () => {
  it.each([
    ['another cluster name', { clusterName: 'other-cluster' }, 'cluster name mismatch'],
    ['the wrong secret', { clusterSecret: 'not the secret' }, 'cluster secret'],
  ])('refuses a peer with %s: nothing is delivered, and both sides log why', async (_, override, reason) => {
    const a = await cluster.start(override);
    const b = await cluster.start();
    const got = listen(b);
    expect(a.transport.send(b.transport.localAddress, text, 'let me in')).toBe(true);
    const error = await failure(
      a.transport.request(b.transport.localAddress, echo, echo, 'hi', { timeoutMs: 5000 }),
      ErrorCodes.UNREACHABLE,
    );
    expect(error.message).toMatch(/handshake/);
    await waitFor(() => warnings(a, reason).length > 0 || warnings(b, reason).length > 0, 'the warnings');
    await sleep(50);
    expect(got).toEqual([]);
    expect(b.transport.stats().protocolErrors + a.transport.stats().protocolErrors).toBeGreaterThan(0);
    const logged = [...warnings(a, 'handshake failed'), ...warnings(b, 'handshake failed')];
    expect(logged.length).toBeGreaterThan(0);
    expect(logged[0]).toMatchObject({ msg: 'internode handshake failed; connection closed' });
  });

  it('authenticates the address a peer claims, even one nobody knows', async () => {
    const b = await cluster.start();
    const got = listen(b);
    const raw = await RawPeer.connect(b.transport.localAddress);
    const { last } = await raw.handshake({ to: b.transport.localAddress, from: '127.0.0.1:1' });
    expect(last.type).toBe('welcome');
    raw.sendFrame([1, 0, 'test.text', 1, 'from a stranger']);
    await waitFor(() => got.length === 1, 'the message');
    expect(got).toEqual([{ message: 'from a stranger', from: '127.0.0.1:1' }]);
    raw.destroy();
  });

  it('rejects a replayed proof: the acceptor’s nonce is fresh on every connection', async () => {
    const b = await cluster.start();
    const got = listen(b);
    const first = await RawPeer.connect(b.transport.localAddress);
    const recorded = await first.handshake({ to: b.transport.localAddress, from: '127.0.0.1:2' });
    expect(recorded.last.type).toBe('welcome');
    first.destroy();
    const replay = await RawPeer.connect(b.transport.localAddress);
    const replayed = await replay.handshake({
      to: b.transport.localAddress,
      from: '127.0.0.1:2',
      hello: recorded.hello,
      proof: recorded.proof,
    });
    expect(replayed.last).toEqual({ type: 'reject', reason: 'authentication failed' });
    expect(await replay.closedWithin(2000)).toBe(true);
    replay.sendFrame([1, 0, 'test.text', 1, 'sneaky']);
    await sleep(50);
    expect(got).toEqual([]);
    expect(warnings(b, 'cluster secret')).toHaveLength(1);
  });

  it('refuses a dialer that dialed another address than the acceptor’s own', async () => {
    const b = await cluster.start();
    const raw = await RawPeer.connect(b.transport.localAddress);
    const port = parsePeerAddress(b.transport.localAddress).port;
    raw.sendFrame(
      handshakeToWire({
        type: 'hello',
        protocol: 'ringtail-internode',
        version: 1,
        clusterName: CLUSTER,
        from: '127.0.0.1:3',
        to: `localhost:${port}`,
        nonce: new Uint8Array(32),
      }),
    );
    expect(handshakeFromWire((await raw.nextFrame()) as unknown[])).toMatchObject({ type: 'reject' });
    expect(await raw.closedWithin(2000)).toBe(true);
  });
});

describe('TCP transport against hostile bytes', () => {
  const hostile: [string, (raw: RawPeer) => void][] = [
    ['garbage in a well-framed body', (raw) => raw.write(Buffer.from([0, 0, 0, 3, 0xc1, 0xc1, 0xc1]))],
    ['random bytes', (raw) => raw.write(Buffer.from('f00dfacecafebabedeadbeef0123456789', 'hex'))],
    ['an oversize length prefix', (raw) => raw.write(Buffer.from([0xff, 0xff, 0xff, 0xff]))],
    ['a zero length prefix', (raw) => raw.write(Buffer.from([0, 0, 0, 0]))],
    ['an HTTP request', (raw) => raw.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))],
    ['a message before the handshake', (raw) => raw.sendFrame([1, 0, 'test.text', 1, 'too early'])],
    ['a welcome it never asked for', (raw) => raw.sendFrame([19, new Uint8Array(32)])],
  ];

  it.each(hostile)('closes a connection that sends %s, and keeps serving others', async (what, attack) => {
    const a = await cluster.start();
    const b = await cluster.start();
    const got = listen(b);
    const raw = await RawPeer.connect(b.transport.localAddress);
    attack(raw);
    expect(await raw.closedWithin(2000)).toBe(true);
    expect(b.transport.stats().protocolErrors).toBe(1);
    expect(warnings(b, 'connection closed')).toHaveLength(1);
    expect(await a.transport.request(b.transport.localAddress, echo, echo, 'still there?', { timeoutMs: 5000 })).toBe(
      'still there?',
    );
    expect(got, what).toEqual([]);
  });

  it('drops a malformed envelope or an undecodable body after the handshake, and keeps the connection', async () => {
    const b = await cluster.start();
    const got = listen(b);
    const raw = await RawPeer.connect(b.transport.localAddress);
    await raw.handshake({ to: b.transport.localAddress, from: '127.0.0.1:4' });
    raw.write(Buffer.from([0, 0, 0, 2, 0xc1, 0xc1]));
    raw.sendFrame([9, 0, 'test.text', 1, 'unknown type']);
    raw.sendFrame([1, 5, 'test.text', 1, 'a message with a request id']);
    raw.sendFrame([1, 0, 'test.text', 70_000, 'version out of range']);
    raw.sendFrame([1, 0, 'test.text', 1, 42]);
    raw.sendFrame([1, 0, 'test.nothing', 1, 'unknown kind']);
    raw.sendFrame([1, 0, 'test.text', 1, 'fine']);
    raw.sendFrame([2, 7, 'test.echo', 1, 'echo me']);
    await waitFor(() => got.length === 1, 'the good message');
    expect(got[0]?.message).toBe('fine');
    expect(await raw.nextFrame()).toEqual([3, 7, 'test.echo', 1, 'echo me']);
    expect(raw.isClosed).toBe(false);
    expect(b.transport.stats().protocolErrors).toBe(0);
    expect(warnings(b, 'dropped').length).toBe(6);
    raw.destroy();
  });

  it('closes an accepted connection that does not finish the handshake in time', async () => {
    const b = await cluster.start({ limits: { handshakeTimeoutMs: 100 } });
    const raw = await RawPeer.connect(b.transport.localAddress);
    expect(await raw.closedWithin(2000)).toBe(true);
    expect(warnings(b, 'no completed handshake')).toHaveLength(1);
  });

  it('bounds pending handshakes and inbound connections', async () => {
    const b = await cluster.start({ limits: { maxPendingHandshakes: 2, maxInboundConnections: 3 } });
    const address = b.transport.localAddress;
    const idle = [await RawPeer.connect(address), await RawPeer.connect(address)];
    const third = await RawPeer.connect(address);
    expect(await third.closedWithin(2000)).toBe(true);
    expect(b.transport.stats().refusedConnections).toBe(1);
    expect(warnings(b, 'too many open or handshaking')).toHaveLength(1);

    idle[0]!.destroy();
    await waitFor(() => b.transport.stats().inboundConnections === 1, 'the idle connection to go');
    const authenticated: RawPeer[] = [];
    for (const from of ['127.0.0.1:10', '127.0.0.1:11']) {
      const raw = await RawPeer.connect(address);
      await raw.handshake({ to: address, from });
      authenticated.push(raw);
    }
    expect(b.transport.stats().inboundConnections).toBe(3);
    const fourth = await RawPeer.connect(address);
    expect(await fourth.closedWithin(2000)).toBe(true);
    expect(b.transport.stats().refusedConnections).toBe(2);
    expect(authenticated.some((raw) => raw.isClosed)).toBe(false);
    for (const raw of [...idle, ...authenticated]) raw.destroy();
  });

  it('closes an authenticated connection that sends a frame over its limit; the sender’s requests fail', async () => {
    const a = await cluster.start();
    const b = await cluster.start({ limits: { maxFrameBytes: 1024, maxQueuedBytesPerPeer: 1024 * 1024 } });
    listen(b);
    expect(await a.transport.request(b.transport.localAddress, echo, echo, 'small', { timeoutMs: 5000 })).toBe('small');
    const big = 'x'.repeat(4096);
    await failure(
      a.transport.request(b.transport.localAddress, echo, echo, big, { timeoutMs: 5000 }),
      ErrorCodes.UNREACHABLE,
    );
    expect(warnings(b, 'over the 1024-byte limit')).toHaveLength(1);
    // B refuses to send what it would refuse to read, before it reaches the socket.
    expect(() => b.transport.send(a.transport.localAddress, text, big)).toThrow(/frame limit/);
    await failure(
      b.transport.request(a.transport.localAddress, echo, echo, big, { timeoutMs: 5000 }),
      ErrorCodes.LIMIT_EXCEEDED,
    );
    await waitFor(() => a.transport.stats().outboundConnections === 0, 'the link to close');
    expect(await a.transport.request(b.transport.localAddress, echo, echo, 'again', { timeoutMs: 5000 })).toBe('again');
  });
});

describe('TCP transport connections', () => {
  it('reconnects to a peer restarted on the same port', async () => {
    const a = await cluster.start();
    const port = await freePort();
    let b = await cluster.start({ port });
    listen(b);
    const address = b.transport.localAddress;
    expect(await a.transport.request(address, echo, echo, 'one', { timeoutMs: 5000 })).toBe('one');
    const hanging: MessageCodec<string> = { ...text, kind: 'test.hanging' };
    b.transport.onRequest(hanging, hanging, () => new Promise<string>(() => {}));
    const inFlight = a.transport.request(address, hanging, hanging, 'lost', { timeoutMs: 10_000 });
    await sleep(20);
    await b.transport.close();
    await failure(inFlight, ErrorCodes.UNREACHABLE);
    await failure(a.transport.request(address, echo, echo, 'down', { timeoutMs: 5000 }), ErrorCodes.UNREACHABLE);
    b = await cluster.start({ port });
    const got = listen(b);
    let answer: string | undefined;
    await waitFor(() => {
      a.transport.request(address, echo, echo, 'two', { timeoutMs: 1000 }).then(
        (value) => {
          answer = value;
        },
        () => {},
      );
      return answer === 'two';
    }, 'an answer from the restarted peer');
    expect(a.transport.send(address, text, 'hello again')).toBe(true);
    await waitFor(() => got.length === 1, 'a message to the restarted peer');
  });

  it('backs off exponentially, with jitter, through the injected timers, failing fast meanwhile', async () => {
    const timers = new ManualTimers(new ManualClock());
    const a = await cluster.start({ timers, limits: { reconnectBaseMs: 100, reconnectMaxMs: 400 } });
    const dead = `127.0.0.1:${await freePort()}`;
    const attempt = () =>
      failure(a.transport.request(dead, echo, echo, 'x', { timeoutMs: 60_000 }), ErrorCodes.UNREACHABLE);
    const dialed = async () => !(await attempt()).message.includes('retrying after a backoff');
    expect(await dialed()).toBe(true);
    // After failure n the delay is d/2 + random(0..d/2), d = min(400, 100 * 2^(n-1)).
    for (const d of [100, 200, 400, 400]) {
      timers.advance(d / 2 - 1);
      expect(await dialed()).toBe(false);
      expect(a.transport.send(dead, text, 'dropped while backing off')).toBe(true);
      timers.advance(d / 2 + 1);
      expect(await dialed()).toBe(true);
    }
    // Five failed dials each discarded the request frame queued for them; four messages met a backoff.
    expect(a.transport.stats().droppedFrames).toBe(9);
  });

  it('fails a dial whose peer accepts but never answers the hello', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const address = `127.0.0.1:${(silent.address() as { port: number }).port}`;
    try {
      const a = await cluster.start({ limits: { connectTimeoutMs: 100 } });
      const error = await failure(
        a.transport.request(address, echo, echo, 'x', { timeoutMs: 5000 }),
        ErrorCodes.UNREACHABLE,
      );
      expect(error.message).toContain('no completed handshake within 100 ms');
    } finally {
      silent.close();
    }
  });

  it('answers many concurrent requests between several nodes', async () => {
    const nodes = [await cluster.start(), await cluster.start(), await cluster.start()];
    const add: MessageCodec<[number, number]> = {
      kind: 'test.add',
      version: 1,
      encode: (pair) => pair,
      decode: (body) => body as [number, number],
    };
    const sum: MessageCodec<number> = { kind: 'test.sum', version: 1, encode: (n) => n, decode: (b) => b as number };
    for (const node of nodes) node.transport.onRequest(add, sum, ([x, y]) => x + y);
    const requests: Promise<boolean>[] = [];
    for (const from of nodes) {
      for (const to of nodes) {
        for (let i = 0; i < 400; i++) {
          requests.push(
            from.transport
              .request(to.transport.localAddress, add, sum, [i, i * 3], { timeoutMs: 10_000 })
              .then((answer) => answer === i * 4),
          );
        }
      }
    }
    const results = await Promise.all(requests);
    expect(results.every(Boolean)).toBe(true);
    expect(results).toHaveLength(3600);
  });

  it('stops taking messages for a peer that does not read, and never queues without bound', async () => {
    // A peer that completes the handshake, then never reads again.
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      const decoder = new FrameDecoder(1024);
      const handshake = new AcceptorHandshake({
        clusterName: CLUSTER,
        secret: Buffer.from(SECRET),
        localAddress: address,
        nonce: () => new Uint8Array(32).fill(7),
      });
      socket.on('data', (chunk: Buffer) => {
        decoder.append(chunk);
        for (let body = decoder.next(); body !== undefined; body = decoder.next()) {
          const step = handshake.receive(handshakeFromWire(decodeFrameBody(body) as unknown[]));
          if (step.reply) socket.write(encodeFrame(handshakeToWire(step.reply), 1024));
          if (step.peer) socket.pause();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (server.address() as { port: number }).port;
    const address = `127.0.0.1:${port}`;
    try {
      const a = await cluster.start({ limits: { maxQueuedMessagesPerPeer: 16 } });
      const payload = 'p'.repeat(64 * 1024);
      let accepted = 0;
      let refusedAt = -1;
      for (let i = 0; i < 2000 && refusedAt < 0; i++) {
        if (a.transport.send(address, text, payload)) accepted++;
        else refusedAt = i;
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(refusedAt).toBeGreaterThan(0);
      // What was accepted fits the queue plus what the kernel buffers hold: far below the 2000 offered.
      expect(accepted).toBeLessThan(1000);
      await failure(a.transport.request(address, echo, echo, 'x', { timeoutMs: 5000 }), ErrorCodes.LIMIT_EXCEEDED);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('close() leaves nothing that keeps the process alive', async () => {
    const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    const codec = fileURLToPath(new URL('../../../codec/dist/index.js', import.meta.url));
    expect(existsSync(dist), 'build first: npx tsc -b packages/node').toBe(true);
    const dead = await freePort();
    const script = `
      import { seededRandom, silentLogger, systemTimers } from ${JSON.stringify(codec)};
      import { startTcpTransport } from ${JSON.stringify(dist)};
      const options = (seed) => ({ host: '127.0.0.1', port: 0, clusterName: 'c', clusterSecret: 's',
        timers: systemTimers(), random: seededRandom(seed), logger: silentLogger });
      const codec = { kind: 'k', version: 1, encode: (x) => x, decode: (x) => x };
      const a = await startTcpTransport(options(1));
      const b = await startTcpTransport(options(2));
      b.onRequest(codec, codec, (x) => x);
      await a.request(b.localAddress, codec, codec, 1, { timeoutMs: 5000 });
      a.send('127.0.0.1:${dead}', codec, 'to a dead peer');
      const pending = a.request(b.localAddress, { ...codec, kind: 'unanswered' }, codec, 1, { timeoutMs: 60000 });
      pending.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 50));
      await a.close();
      await b.close();
      console.log('closed');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exitCode = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 10_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    expect(output).toContain('closed');
    expect(exitCode, output).toBe(0);
  });
});
