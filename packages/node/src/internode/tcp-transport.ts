/**
 * The production {@link Transport}: persistent TCP connections between nodes,
 * length-prefixed msgpack frames (frame.ts), an HMAC handshake proving the
 * cluster secret on every connection (handshake.ts), request ids and timeouts
 * (codec's TransportDispatcher, shared with SimNetwork), bounded per-peer
 * queues with backpressure, and reconnection with backoff (peer-link.ts).
 *
 * Topology: a node dials one connection to each peer it sends to and sends
 * its messages and requests there; the peer answers on the same connection.
 * Between two nodes that both talk there are thus two connections, one dialed
 * by each. Envelopes of any type are accepted on either, from the address the
 * handshake authenticated. Formats and limits: docs/formats/internode.md.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import {
  type Envelope,
  ErrorCodes,
  envelopeToWire,
  errorEnvelope,
  formatPeerAddress,
  isRingtailError,
  type Logger,
  type MessageCodec,
  type MessageHandler,
  type PeerAddress,
  parsePeerAddress,
  type Random,
  type RequestHandler,
  type RequestOptions,
  RingtailError,
  type Timers,
  type Transport,
  TransportDispatcher,
} from '@ringtail/codec';
import { Connection, type ConnectionEvents } from './connection.js';
import { encodeFrame, FrameQueue } from './frame.js';
import type { HandshakeParams } from './handshake.js';
import { PeerLink } from './peer-link.js';
import { resolveTcpTransportOptions, type TcpTransportLimits, type TcpTransportOptions } from './tcp-options.js';

/** Counters and gauges of one TCP transport, for metrics and tests. */
export interface TcpTransportStats {
  /** Accepted connections open now (handshaking or not). */
  readonly inboundConnections: number;
  /** Peers with an open dialed connection now. */
  readonly outboundConnections: number;
  /** Requests waiting for an answer now. */
  readonly pendingRequests: number;
  /** Connections closed for breaking the protocol or failing the handshake, since start. */
  readonly protocolErrors: number;
  /** Accepted connections closed at once because a connection bound was reached, since start. */
  readonly refusedConnections: number;
  /**
   * Frames accepted but never written, since start: queued frames (messages,
   * requests, answers) discarded when their link failed, and messages sent to a
   * peer while its link backed off.
   */
  readonly droppedFrames: number;
}

export interface TcpTransport extends Transport {
  stats(): TcpTransportStats;
}

/** Listens on `options.host:options.port` and resolves once it does. Throws `RT_INVALID_ARGUMENT` or `RT_IO`. */
export async function startTcpTransport(options: TcpTransportOptions): Promise<TcpTransport> {
  const resolved = resolveTcpTransportOptions(options);
  const server = createServer({ noDelay: true });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      const where = formatPeerAddress(options.host, options.port);
      reject(new RingtailError(ErrorCodes.IO, `cannot listen on ${where}: ${err.message}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const localAddress = options.advertisedAddress ?? formatPeerAddress(options.host, port);
  return new TcpTransportImpl(server, localAddress, resolved);
}

type Resolved = ReturnType<typeof resolveTcpTransportOptions>;

class TcpTransportImpl implements TcpTransport {
  private readonly dispatcher: TransportDispatcher;
  private readonly limits: TcpTransportLimits;
  private readonly timers: Timers;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly handshake: HandshakeParams;
  private readonly links = new Map<PeerAddress, PeerLink>();
  private readonly inbound = new Set<Connection>();
  /** Every socket not yet closed, dialed or accepted: close() destroys what any code path left behind. */
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | undefined;
  private protocolErrors = 0;
  private refusedConnections = 0;
  private droppedFrames = 0;

  constructor(
    private readonly server: Server,
    readonly localAddress: PeerAddress,
    resolved: Resolved,
  ) {
    this.limits = resolved.limits;
    this.timers = resolved.timers;
    this.random = resolved.random;
    this.logger = resolved.logger.child({ component: 'internode', address: localAddress });
    this.handshake = {
      clusterName: resolved.clusterName,
      secret: resolved.secret,
      localAddress,
      nonce: () => randomBytes(resolved.nonceBytes),
    };
    this.dispatcher = new TransportDispatcher({
      localAddress,
      timers: this.timers,
      logger: this.logger,
      maxPendingRequests: this.limits.maxPendingRequests,
      maxInboundRequestsPerPeer: this.limits.maxInboundRequestsPerPeer,
    });
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (err) => this.logger.error({ err }, 'internode server error'));
    this.logger.info({}, 'internode transport listening');
  }

  stats(): TcpTransportStats {
    let outboundConnections = 0;
    for (const link of this.links.values()) if (link.isOpen) outboundConnections++;
    return {
      inboundConnections: this.inbound.size,
      outboundConnections,
      pendingRequests: this.dispatcher.pendingRequestCount,
      protocolErrors: this.protocolErrors,
      refusedConnections: this.refusedConnections,
      droppedFrames: this.droppedFrames,
    };
  }

  onMessage<T>(codec: MessageCodec<T>, handler: MessageHandler<T>): void {
    this.dispatcher.onMessage(codec, handler);
  }

  onRequest<Req, Res>(
    request: MessageCodec<Req>,
    response: MessageCodec<Res>,
    handler: RequestHandler<Req, Res>,
  ): void {
    this.dispatcher.onRequest(request, response, handler);
  }

  send<T>(to: PeerAddress, codec: MessageCodec<T>, message: T): boolean {
    parsePeerAddress(to);
    if (this.closing !== undefined) return false;
    const frame = this.frameOf(this.dispatcher.messageEnvelope(codec, message));
    const link = this.linkTo(to);
    if (link === undefined) return false;
    const result = link.send(frame);
    // Towards a peer that just failed, a message is lost as it would be on the way (at most once).
    if (result === 'backing-off') this.droppedFrames++;
    return result !== 'full';
  }

  async request<Req, Res>(
    to: PeerAddress,
    request: MessageCodec<Req>,
    response: MessageCodec<Res>,
    message: Req,
    options: RequestOptions,
  ): Promise<Res> {
    parsePeerAddress(to);
    const { envelope, result } = this.dispatcher.startRequest(to, request, response, message, options.timeoutMs);
    let frame: Buffer;
    try {
      frame = this.frameOf(envelope);
    } catch (err) {
      this.dispatcher.failRequest(envelope.requestId, err as RingtailError);
      return result;
    }
    const link = this.linkTo(to);
    if (link === undefined) {
      this.dispatcher.failRequest(
        envelope.requestId,
        new RingtailError(ErrorCodes.LIMIT_EXCEEDED, `links to ${this.limits.maxOutboundPeers} peers are open already`),
      );
    } else {
      const sent = link.send(frame);
      if (sent === 'full') {
        this.dispatcher.failRequest(
          envelope.requestId,
          new RingtailError(ErrorCodes.LIMIT_EXCEEDED, `the queue towards ${to} is full`),
        );
      } else if (sent === 'backing-off') {
        const reason = `${to} is unreachable (last attempt: ${link.lastFailure}); retrying after a backoff`;
        this.dispatcher.failRequest(envelope.requestId, new RingtailError(ErrorCodes.UNREACHABLE, reason));
      }
    }
    return result;
  }

  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.dispatcher.close();
    for (const link of this.links.values()) link.close();
    this.links.clear();
    for (const connection of this.inbound) connection.close('transport closed');
    this.inbound.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.closing = new Promise((resolve) => this.server.close(() => resolve()));
    this.logger.info({}, 'internode transport closed');
    return this.closing;
  }

  /** Encodes an envelope as a frame; throws `RT_LIMIT_EXCEEDED` (too large) or `RT_INVALID_ARGUMENT`. */
  private frameOf(envelope: Envelope): Buffer {
    return encodeFrame(envelopeToWire(envelope), this.limits.maxFrameBytes);
  }

  /** The link towards `to`, made if needed; undefined when links to `maxOutboundPeers` peers are busy. */
  private linkTo(to: PeerAddress): PeerLink | undefined {
    const existing = this.links.get(to);
    if (existing !== undefined) return existing;
    if (this.links.size >= this.limits.maxOutboundPeers) {
      // Forget idle links (peers that failed a while ago) to make room.
      for (const [peer, link] of this.links) if (link.isIdle) this.links.delete(peer);
      if (this.links.size >= this.limits.maxOutboundPeers) return undefined;
    }
    const link = new PeerLink({
      peer: to,
      handshake: this.handshake,
      maxQueuedMessages: this.limits.maxQueuedMessagesPerPeer,
      maxQueuedBytes: this.limits.maxQueuedBytesPerPeer,
      maxFrameBytes: this.limits.maxFrameBytes,
      connectTimeoutMs: this.limits.connectTimeoutMs,
      reconnectBaseMs: this.limits.reconnectBaseMs,
      reconnectMaxMs: this.limits.reconnectMaxMs,
      timers: this.timers,
      random: this.random,
      logger: this.logger,
      events: {
        onEnvelope: (connection, envelope) => this.receive(connection, envelope),
        onProtocolError: () => {
          this.protocolErrors++;
        },
        onSocket: (socket) => this.track(socket),
        onFailure: (failed, reason, queuedDropped) => {
          this.droppedFrames += queuedDropped;
          this.dispatcher.failRequestsTo(
            failed.peer,
            (kind) => new RingtailError(ErrorCodes.UNREACHABLE, `request ${kind} to ${failed.peer} failed: ${reason}`),
          );
        },
        onIdle: (idle) => {
          if (this.links.get(idle.peer) === idle) this.links.delete(idle.peer);
        },
      },
    });
    this.links.set(to, link);
    return link;
  }

  private accept(socket: Socket): void {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    let handshaking = 0;
    for (const connection of this.inbound) if (connection.state === 'handshaking') handshaking++;
    if (this.inbound.size >= this.limits.maxInboundConnections || handshaking >= this.limits.maxPendingHandshakes) {
      this.refusedConnections++;
      this.logger.warn(
        { remote, inbound: this.inbound.size, handshaking },
        'refused an internode connection: too many open or handshaking',
      );
      socket.destroy();
      return;
    }
    this.track(socket);
    const events: ConnectionEvents = {
      onOpen: () => {},
      onEnvelope: (connection, envelope) => this.receive(connection, envelope),
      onProtocolError: () => {
        this.protocolErrors++;
      },
      onClose: (connection) => {
        this.inbound.delete(connection);
      },
    };
    this.inbound.add(
      new Connection({
        socket,
        handshake: this.handshake,
        queue: new FrameQueue(this.limits.maxQueuedMessagesPerPeer, this.limits.maxQueuedBytesPerPeer),
        maxFrameBytes: this.limits.maxFrameBytes,
        handshakeTimeoutMs: this.limits.handshakeTimeoutMs,
        timers: this.timers,
        logger: this.logger,
        events,
      }),
    );
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** An envelope from an authenticated connection; answers go back on the same connection. */
  private receive(connection: Connection, envelope: Envelope): void {
    const from = connection.peer!;
    this.dispatcher.receive(envelope, from, (answer) => {
      let frame: Buffer;
      try {
        frame = this.frameOf(answer);
      } catch (err) {
        this.logger.warn({ peer: from, kind: answer.kind, err }, 'cannot send an answer; the requester gets an error');
        const code = isRingtailError(err, ErrorCodes.LIMIT_EXCEEDED) ? ErrorCodes.LIMIT_EXCEEDED : ErrorCodes.REMOTE;
        frame = this.frameOf(errorEnvelope(answer.requestId, answer.kind, code, (err as Error).message));
      }
      if (!connection.write(frame)) {
        this.logger.debug({ peer: from, kind: answer.kind }, 'dropped an answer: its connection is full or closed');
      }
    });
  }
}
