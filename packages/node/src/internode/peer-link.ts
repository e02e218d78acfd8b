/**
 * The outgoing side towards one peer: at most one dialed connection, the
 * bounded queue frames wait in while it connects or while the socket is full,
 * and exponential backoff with jitter after a failed attempt.
 *
 * States: idle (no connection) → connecting (frames queue) → open (frames are
 * written) → idle again when the connection closes. A failed attempt — a
 * refused or timed-out connect, a failed handshake — moves to backing-off
 * instead: for the backoff delay the link fails fast (`send` drops, `request`
 * rejects `RT_UNREACHABLE`) rather than queueing towards a peer known to be
 * down, then goes idle, and the next send dials again. Each further failure
 * doubles the delay, up to a maximum, so a dead peer is dialed ever more
 * rarely however much traffic it is sent.
 *
 * Every failure of the link fails the requests pending towards the peer with
 * `RT_UNREACHABLE` and drops the one-way messages still queued (they are
 * at-most-once), so nothing waits on a dead connection until its timeout.
 */
import { connect, type Socket } from 'node:net';
import {
  type Logger,
  type PeerAddress,
  parsePeerAddress,
  type Random,
  type TimerHandle,
  type Timers,
} from '@ringtail/codec';
import { Connection, type ConnectionEvents } from './connection.js';
import { FrameQueue } from './frame.js';
import type { HandshakeParams } from './handshake.js';

export interface PeerLinkOptions {
  readonly peer: PeerAddress;
  readonly handshake: HandshakeParams;
  readonly maxQueuedMessages: number;
  readonly maxQueuedBytes: number;
  readonly maxFrameBytes: number;
  readonly connectTimeoutMs: number;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  readonly timers: Timers;
  readonly random: Random;
  readonly logger: Logger;
  /** Envelopes arriving on the link's connection, protocol errors, new sockets: the transport's business. */
  readonly events: Pick<ConnectionEvents, 'onEnvelope' | 'onProtocolError'> & {
    onSocket(socket: Socket): void;
    /** The link failed: fail what is pending towards the peer. `queuedDropped` messages were discarded. */
    onFailure(link: PeerLink, reason: string, queuedDropped: number): void;
    /** A working connection closed: the link has nothing worth keeping and may be forgotten. */
    onIdle(link: PeerLink): void;
  };
}

/** What became of a frame handed to {@link PeerLink.send}. */
export type LinkSendResult = 'queued' | 'full' | 'backing-off';

export class PeerLink {
  private connection: Connection | undefined;
  private readonly queue: FrameQueue;
  /** Failed attempts in a row; reset by a completed handshake. */
  private failures = 0;
  private lastFailureReason = '';
  private backoff: TimerHandle | undefined;
  /** Whether the current connection completed its handshake. */
  private connectionOpened = false;
  private closed = false;

  constructor(private readonly options: PeerLinkOptions) {
    this.queue = new FrameQueue(options.maxQueuedMessages, options.maxQueuedBytes);
  }

  get peer(): PeerAddress {
    return this.options.peer;
  }

  get isOpen(): boolean {
    return this.connection?.state === 'open';
  }

  /** No connection and no backoff running: the link holds nothing but its failure count. */
  get isIdle(): boolean {
    return this.connection === undefined && this.backoff === undefined;
  }

  /** Why the last attempt failed (for `RT_UNREACHABLE` messages while backing off). */
  get lastFailure(): string {
    return this.lastFailureReason;
  }

  /** Queues a frame towards the peer, dialing if needed. */
  send(frame: Buffer): LinkSendResult {
    if (this.closed) return 'full';
    if (this.backoff !== undefined) return 'backing-off';
    if (this.connection === undefined) this.dial();
    return this.connection!.write(frame) ? 'queued' : 'full';
  }

  /** Tears the link down without callbacks (the transport is closing). */
  close(): void {
    this.closed = true;
    this.backoff?.cancel();
    this.backoff = undefined;
    this.connection?.close('transport closed');
    this.queue.clear();
  }

  private dial(): void {
    const { peer, events } = this.options;
    const { host, port } = parsePeerAddress(peer);
    const socket = connect({ host, port });
    events.onSocket(socket);
    this.connection = new Connection({
      socket,
      handshake: this.options.handshake,
      dialed: peer,
      queue: this.queue,
      maxFrameBytes: this.options.maxFrameBytes,
      handshakeTimeoutMs: this.options.connectTimeoutMs,
      timers: this.options.timers,
      logger: this.options.logger,
      events: {
        onOpen: () => {
          this.failures = 0;
          this.connectionOpened = true;
        },
        onEnvelope: (connection, envelope) => events.onEnvelope(connection, envelope),
        onProtocolError: (connection) => events.onProtocolError(connection),
        onClose: (connection, reason) => this.onClose(connection, reason),
      },
    });
  }

  private onClose(connection: Connection, reason: string): void {
    if (this.closed || connection !== this.connection) return;
    this.connection = undefined;
    const wasOpen = this.connectionOpened;
    this.connectionOpened = false;
    const dropped = this.queue.clear();
    this.options.events.onFailure(this, reason, dropped);
    if (wasOpen) {
      // A connection that worked and then closed (the peer stopped or restarted): the next send redials at once.
      this.options.events.onIdle(this);
      return;
    }
    this.failures++;
    this.lastFailureReason = reason;
    const delayMs = this.backoffDelayMs();
    this.options.logger.debug({ peer: this.peer, reason, failures: this.failures, delayMs }, 'cannot reach peer');
    this.backoff = this.options.timers.setTimeout(() => {
      // The link stays (idle, keeping its failure count) so that the next failure backs off longer.
      this.backoff = undefined;
    }, delayMs);
  }

  /**
   * Exponential backoff with "equal jitter": half the capped exponential delay,
   * plus a random part up to the other half, so peers that lost the same node
   * do not all come back at the same instant.
   */
  private backoffDelayMs(): number {
    const { reconnectBaseMs, reconnectMaxMs, random } = this.options;
    const exponent = Math.min(this.failures - 1, 30);
    const capped = Math.min(reconnectMaxMs, reconnectBaseMs * 2 ** exponent);
    const half = Math.floor(capped / 2);
    return capped - half + random.int(half + 1);
  }
}
