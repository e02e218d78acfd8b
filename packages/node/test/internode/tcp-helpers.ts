import { randomBytes } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { type PeerAddress, parsePeerAddress, seededRandom, systemTimers } from '@ringtail/codec';
import { startTcpTransport, type TcpTransport, type TcpTransportOptions } from '../../src/index.js';
import { decodeFrameBody, encodeFrame, FrameDecoder } from '../../src/internode/frame.js';
import {
  computeProof,
  type HandshakeFrame,
  handshakeFromWire,
  handshakeToWire,
  type Transcript,
} from '../../src/internode/handshake.js';
import { capturingLogger } from '../helpers.js';

export const CLUSTER = 'test-cluster';
export const SECRET = 'a shared secret of the test cluster';

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

export interface TestNode {
  transport: TcpTransport;
  records: Record<string, unknown>[];
}

/** Warnings logged by a node (pino level 40) whose message or fields mention `text`. */
export function warnings(node: TestNode, text: string): Record<string, unknown>[] {
  return node.records.filter((record) => record.level === 40 && JSON.stringify(record).includes(text));
}

/** TCP transports on 127.0.0.1 with capturing loggers; `closeAll` in afterEach. */
export class TestCluster {
  private readonly nodes: TcpTransport[] = [];

  async start(overrides: Partial<TcpTransportOptions> = {}): Promise<TestNode> {
    const { logger, records } = capturingLogger('info');
    const transport = await startTcpTransport({
      host: '127.0.0.1',
      port: 0,
      clusterName: CLUSTER,
      clusterSecret: SECRET,
      timers: systemTimers(),
      random: seededRandom(this.nodes.length + 1),
      logger,
      ...overrides,
      limits: { reconnectBaseMs: 20, reconnectMaxMs: 200, ...overrides.limits },
    });
    this.nodes.push(transport);
    return { transport, records };
  }

  async closeAll(): Promise<void> {
    for (const node of this.nodes.splice(0)) await node.close();
  }
}

/** A hand-driven client socket, for feeding a transport bytes no transport would send. */
export class RawPeer {
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);
  private readonly frames: unknown[] = [];
  private waiting: (() => void) | undefined;
  readonly closed: Promise<void>;
  isClosed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.decoder.append(chunk);
      for (let body = this.decoder.next(); body !== undefined; body = this.decoder.next()) {
        this.frames.push(decodeFrameBody(body));
      }
      this.waiting?.();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true;
        this.waiting?.();
        resolve();
      }),
    );
  }

  static async connect(address: PeerAddress): Promise<RawPeer> {
    const { host, port } = parsePeerAddress(address);
    const socket = connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawPeer(socket);
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  sendFrame(value: unknown): void {
    this.socket.write(encodeFrame(value, 64 * 1024 * 1024));
  }

  /** The next frame the transport sent, decoded; fails after `timeoutMs` or if the connection closes first. */
  async nextFrame(timeoutMs = 2000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.isClosed) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error('no frame in time');
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 20);
      });
    }
    return this.frames.shift();
  }

  /** Resolves true if the transport closes the connection within `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([this.closed.then(() => true), timedOut]);
    clearTimeout(timer);
    return result;
  }

  /**
   * Runs the dialer's side of the handshake by hand, as `from`, proving
   * `secret`. Returns the frames it sent (for replay tests) and the acceptor's answer.
   */
  async handshake(options: {
    to: PeerAddress;
    from: PeerAddress;
    secret?: string;
    clusterName?: string;
    hello?: HandshakeFrame;
    proof?: Uint8Array;
  }): Promise<{ hello: HandshakeFrame; proof: Uint8Array; last: HandshakeFrame }> {
    const clusterName = options.clusterName ?? CLUSTER;
    const hello: HandshakeFrame = options.hello ?? {
      type: 'hello',
      protocol: 'ringtail-internode',
      version: 1,
      clusterName,
      from: options.from,
      to: options.to,
      nonce: randomBytes(32),
    };
    this.sendFrame(handshakeToWire(hello));
    const challenge = handshakeFromWire((await this.nextFrame()) as unknown[]);
    if (challenge.type !== 'challenge' || hello.type !== 'hello') throw new Error(`got ${challenge.type}`);
    const transcript: Transcript = {
      clusterName,
      dialer: hello.from,
      acceptor: options.to,
      dialerNonce: hello.nonce,
      acceptorNonce: challenge.nonce,
    };
    const proof = options.proof ?? computeProof(Buffer.from(options.secret ?? SECRET), 'dialer', transcript);
    this.sendFrame(handshakeToWire({ type: 'proof', proof }));
    const last = handshakeFromWire((await this.nextFrame()) as unknown[]);
    return { hello, proof, last };
  }

  destroy(): void {
    this.socket.destroy();
  }
}
