/**
 * One internode TCP connection, dialed or accepted: it runs the handshake
 * (handshake.ts), then turns frames into envelopes for its owner and writes the
 * owner's frames with backpressure — a frame waits in a bounded queue while
 * `socket.write` says the socket is full, until `drain`.
 *
 * Anything that breaks the protocol — bytes that are not frames, an oversize
 * length, a frame before the handshake completes, a failed handshake, a
 * handshake that takes too long — closes the connection with a warning; a
 * well-framed body that does not decode is dropped with a warning. Nothing
 * reaches the owner before the handshake completes.
 */
import type { Socket } from 'node:net';
import {
  type Envelope,
  envelopeFromWire,
  type Logger,
  type PeerAddress,
  type TimerHandle,
  type Timers,
} from '@ringtail/codec';
import { MAX_HANDSHAKE_FRAME_BYTES, TCP_KEEPALIVE_INITIAL_DELAY_MS } from './constants.js';
import { decodeFrameBody, encodeFrame, FrameDecoder, type FrameQueue } from './frame.js';
import {
  AcceptorHandshake,
  DialerHandshake,
  HandshakeFailure,
  type HandshakeFrame,
  type HandshakeParams,
  handshakeFromWire,
  handshakeToWire,
  isHandshakeTypeCode,
} from './handshake.js';

export type ConnectionState = 'handshaking' | 'open' | 'closed';

export interface ConnectionEvents {
  /** The handshake completed: `connection.peer` is authenticated and envelopes flow. */
  onOpen(connection: Connection): void;
  onEnvelope(connection: Connection, envelope: Envelope): void;
  /** Called once, whatever closed the connection; `reason` is for logs and failed requests. */
  onClose(connection: Connection, reason: string): void;
  /** The peer broke the protocol or failed the handshake (already logged). */
  onProtocolError(connection: Connection): void;
}

export interface ConnectionOptions {
  readonly socket: Socket;
  readonly handshake: HandshakeParams;
  /** Set for a dialed connection: the address dialed. An accepted one learns it from the handshake. */
  readonly dialed?: PeerAddress;
  /** Where frames wait for the socket. A dialer's queue belongs to its peer link and outlives the connection. */
  readonly queue: FrameQueue;
  readonly maxFrameBytes: number;
  /** The handshake (and, for a dialer, the TCP connect) must complete within this time. */
  readonly handshakeTimeoutMs: number;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly events: ConnectionEvents;
}

export class Connection {
  private stateNow: ConnectionState = 'handshaking';
  private peerAddress: PeerAddress | undefined;
  private readonly socket: Socket;
  private readonly handshake: DialerHandshake | AcceptorHandshake;
  private readonly decoder = new FrameDecoder(MAX_HANDSHAKE_FRAME_BYTES);
  private readonly queue: FrameQueue;
  private handshakeTimer: TimerHandle | undefined;
  private waitingForDrain = false;
  private socketError: Error | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: ConnectionOptions) {
    const { socket, dialed } = options;
    this.socket = socket;
    this.queue = options.queue;
    this.logger = options.logger;
    this.peerAddress = dialed;
    this.handshake =
      dialed === undefined ? new AcceptorHandshake(options.handshake) : new DialerHandshake(options.handshake, dialed);
    this.handshakeTimer = options.timers.setTimeout(() => {
      // A peer that never answers the TCP connect is down, not misbehaving: its link logs that.
      if (socket.connecting) this.close(`connect timed out after ${options.handshakeTimeoutMs} ms`);
      else this.protocolError({}, `no completed handshake within ${options.handshakeTimeoutMs} ms`);
    }, options.handshakeTimeoutMs);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, TCP_KEEPALIVE_INITIAL_DELAY_MS);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', (err) => {
      this.socketError = err;
    });
    socket.on('close', () =>
      this.finish(this.socketError === undefined ? 'connection closed by the peer' : this.socketError.message),
    );
    if (this.handshake instanceof DialerHandshake) {
      const hello = this.handshake.hello();
      if (socket.connecting) socket.once('connect', () => this.writeHandshake(hello));
      else this.writeHandshake(hello);
    }
  }

  get state(): ConnectionState {
    return this.stateNow;
  }

  get isDialer(): boolean {
    return this.options.dialed !== undefined;
  }

  /** The authenticated peer (for a dialer, the address dialed, even before the handshake). */
  get peer(): PeerAddress | undefined {
    return this.peerAddress;
  }

  /** `ip:port` of the other end of the socket, for log lines. */
  get remote(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /**
   * Queues a frame and writes what the socket takes now; frames queued while
   * the handshake runs go out when it completes. False when the queue is full
   * or the connection closed.
   */
  write(frame: Buffer): boolean {
    if (this.stateNow === 'closed' || !this.queue.push(frame)) return false;
    this.pump();
    return true;
  }

  /** Closes the socket at once. `onClose` follows with `reason`. */
  close(reason: string): void {
    if (this.stateNow === 'closed') return;
    this.socket.destroy();
    this.finish(reason);
  }

  private pump(): void {
    while (this.stateNow === 'open' && !this.waitingForDrain) {
      const frame = this.queue.shift();
      if (frame === undefined) return;
      if (!this.socket.write(frame)) {
        this.waitingForDrain = true;
        // An accepted connection only answers; while its answers back up, stop
        // reading requests, so TCP flow control slows the peer down.
        if (!this.isDialer) this.socket.pause();
      }
    }
  }

  private onDrain(): void {
    this.waitingForDrain = false;
    if (!this.isDialer) this.socket.resume();
    this.pump();
  }

  private onData(chunk: Buffer): void {
    if (this.stateNow === 'closed') return;
    this.decoder.append(chunk);
    // A frame's handling may close the connection: look again before each frame.
    while (this.state !== 'closed') {
      let body: Buffer | undefined;
      try {
        body = this.decoder.next();
      } catch (err) {
        this.protocolError({ err }, 'broken framing');
        return;
      }
      if (body === undefined) return;
      this.onFrame(body);
    }
  }

  private onFrame(body: Buffer): void {
    let value: unknown;
    try {
      value = decodeFrameBody(body);
    } catch (err) {
      if (this.stateNow === 'handshaking') this.protocolError({ err }, 'undecodable frame during the handshake');
      else this.logger.warn({ peer: this.peerAddress, remote: this.remote, err }, 'dropped an undecodable frame');
      return;
    }
    const code = Array.isArray(value) ? (value[0] as unknown) : undefined;
    if (isHandshakeTypeCode(code)) {
      if (this.stateNow === 'open') this.protocolError({}, 'a handshake frame after the handshake');
      else this.onHandshakeFrame(value as unknown[]);
      return;
    }
    if (this.stateNow === 'handshaking') {
      this.protocolError({}, 'a frame before the handshake completed');
      return;
    }
    let envelope: Envelope;
    try {
      envelope = envelopeFromWire(value);
    } catch (err) {
      this.logger.warn({ peer: this.peerAddress, remote: this.remote, err }, 'dropped a malformed envelope');
      return;
    }
    this.options.events.onEnvelope(this, envelope);
  }

  private onHandshakeFrame(value: unknown[]): void {
    let step: { reply?: HandshakeFrame; peer?: PeerAddress };
    try {
      step = this.handshake.receive(handshakeFromWire(value));
    } catch (err) {
      if (!(err instanceof HandshakeFailure)) throw err;
      this.failHandshake(err);
      return;
    }
    if (step.reply !== undefined) this.writeHandshake(step.reply);
    if (step.peer !== undefined) this.open(step.peer);
  }

  private open(peer: PeerAddress): void {
    this.stateNow = 'open';
    this.peerAddress = peer;
    this.handshakeTimer?.cancel();
    this.handshakeTimer = undefined;
    this.decoder.maxFrameBytes = this.options.maxFrameBytes;
    this.logger.debug({ peer, remote: this.remote, dialed: this.isDialer }, 'internode connection open');
    this.options.events.onOpen(this);
    this.pump();
  }

  private writeHandshake(frame: HandshakeFrame): void {
    if (this.stateNow === 'closed') return;
    this.socket.write(encodeFrame(handshakeToWire(frame), MAX_HANDSHAKE_FRAME_BYTES));
  }

  private failHandshake(failure: HandshakeFailure): void {
    // A dialer knows whom it dialed; an acceptor only what the peer claimed, unproven.
    const who =
      this.handshake instanceof AcceptorHandshake
        ? { claimed: this.handshake.claimedAddress }
        : { peer: this.peerAddress };
    this.logger.warn(
      { ...who, remote: this.remote, dialed: this.isDialer, reason: failure.message },
      'internode handshake failed; connection closed',
    );
    this.options.events.onProtocolError(this);
    if (failure.tellPeer) {
      // Best effort: say why, then close once the reason is handed to the kernel.
      const reject = encodeFrame(
        handshakeToWire({ type: 'reject', reason: failure.peerReason }),
        MAX_HANDSHAKE_FRAME_BYTES,
      );
      this.socket.end(reject, () => this.socket.destroy());
    } else {
      this.socket.destroy();
    }
    this.finish(`handshake failed: ${failure.message}`);
  }

  private protocolError(fields: object, reason: string): void {
    if (this.stateNow === 'closed') return;
    this.logger.warn(
      { ...fields, peer: this.peerAddress, remote: this.remote, state: this.stateNow, reason },
      'internode protocol error; connection closed',
    );
    this.options.events.onProtocolError(this);
    this.close(`protocol error: ${reason}`);
  }

  private finish(reason: string): void {
    if (this.stateNow === 'closed') return;
    const wasOpen = this.stateNow === 'open';
    this.stateNow = 'closed';
    this.handshakeTimer?.cancel();
    this.handshakeTimer = undefined;
    if (!this.isDialer) this.queue.clear();
    if (wasOpen)
      this.logger.debug({ peer: this.peerAddress, remote: this.remote, reason }, 'internode connection closed');
    this.options.events.onClose(this, reason);
  }
}
