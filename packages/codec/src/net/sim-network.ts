/**
 * An in-memory network for simulations: every {@link Transport} it hands out
 * talks to the others through links that drop, duplicate, delay (and so
 * reorder) and partition messages, all decided by the injected {@link Random}
 * and delivered through the injected {@link Timers}. With `seededRandom(seed)`
 * and `ManualTimers`, a run replays exactly from its seed. Documented in
 * docs/runtime.md ("Simulated network").
 *
 * Every message is encoded by its codec, checked to be msgpack-able
 * ({@link assertWireValue}), wrapped in the same envelope the TCP transport
 * sends, structured-cloned (the wire), and decoded by the receiver's codec, so
 * codec and envelope bugs show in simulation.
 *
 * Semantics, mirroring the TCP transport:
 * - The destination is resolved when a message is sent. An address with no
 *   open transport (never opened, or closed) swallows one-way messages (`send`
 *   still returns true) and fails requests with `RT_UNREACHABLE` one link
 *   delay later, like a refused connection; so does a transport closed while
 *   the message is on its way. A transport opened later at the same address is
 *   a new incarnation and gets none of its predecessor's traffic.
 * - A partition or a random drop loses the message silently: a request then
 *   fails with `RT_TIMEOUT`, like a black-holed packet. Partitions are checked
 *   when a message is sent and again when it arrives.
 * - Each link (sender towards one address) holds at most `maxInFlightPerLink`
 *   messages in flight; beyond that `send` returns false and `request` rejects
 *   `RT_LIMIT_EXCEEDED` (the TCP transport's per-peer queue bound).
 */
import { ErrorCodes, RingtailError } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import type { Random } from '../runtime/random.js';
import type { Timers } from '../runtime/timers.js';
import { parsePeerAddress } from './address.js';
import { DEFAULT_SIM_MAX_IN_FLIGHT_PER_LINK } from './constants.js';
import { TransportDispatcher } from './dispatcher.js';
import {
  ENVELOPE_TYPE_CODES,
  type Envelope,
  envelopeFromWire,
  envelopeToWire,
  errorEnvelope,
  type WireEnvelope,
} from './envelope.js';
import type {
  MessageCodec,
  MessageHandler,
  PeerAddress,
  RequestHandler,
  RequestOptions,
  Transport,
} from './transport.js';
import { assertWireValue } from './wire-value.js';

/** Faults applied to every link. Each message's delay is drawn uniformly from [minDelayMs, maxDelayMs]. */
export interface LinkFaults {
  /** Probability that a message is lost. Default 0. */
  dropRate: number;
  /** Probability that a message that is not lost arrives twice (each copy with its own delay). Default 0. */
  duplicateRate: number;
  /** Default 1. */
  minDelayMs: number;
  /** Default 1. With min < max, messages on one link can overtake each other. */
  maxDelayMs: number;
}

export interface SimNetworkOptions {
  random: Random;
  timers: Timers;
  faults?: Partial<LinkFaults>;
  /** Receives the transports' warnings (undecodable messages, failed handlers). Default silent. */
  logger?: Logger;
  /** Messages one link may have in flight. Default {@link DEFAULT_SIM_MAX_IN_FLIGHT_PER_LINK}. */
  maxInFlightPerLink?: number;
}

/** Counters over the network's life. `sent + duplicated = delivered + dropped + inFlight`. */
export interface SimNetworkStats {
  /** Messages, requests and answers accepted by `send`/`request`/a reply (refused ones are not counted). */
  readonly sent: number;
  /** Copies handed to their destination transport. */
  readonly delivered: number;
  /** Copies lost: a random drop, a partition, or no open transport at the address. */
  readonly dropped: number;
  /** Extra copies made by `duplicateRate`. */
  readonly duplicated: number;
}

const DEFAULT_FAULTS: LinkFaults = { dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 1 };

function checkFaults(faults: LinkFaults): LinkFaults {
  const { dropRate, duplicateRate, minDelayMs, maxDelayMs } = faults;
  const probability = (p: number) => typeof p === 'number' && p >= 0 && p <= 1;
  if (
    !probability(dropRate) ||
    !probability(duplicateRate) ||
    !(Number.isInteger(minDelayMs) && minDelayMs >= 0) ||
    !(Number.isInteger(maxDelayMs) && maxDelayMs >= minDelayMs)
  ) {
    throw new RingtailError(
      ErrorCodes.INVALID_ARGUMENT,
      `link faults need rates in [0, 1] and integer delays 0 <= min <= max, got ${JSON.stringify(faults)}`,
    );
  }
  return { dropRate, duplicateRate, minDelayMs, maxDelayMs };
}

export class SimNetwork {
  private readonly random: Random;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly maxInFlightPerLink: number;
  private faults: LinkFaults;
  private readonly endpoints = new Map<PeerAddress, SimTransport>();
  /** Partition group of each address in some group; undefined when healed. */
  private groupOf: Map<PeerAddress, number> | undefined;
  private readonly inFlightByLink = new Map<string, number>();
  private readonly counters = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };
  private inFlight = 0;

  constructor(options: SimNetworkOptions) {
    this.random = options.random;
    this.timers = options.timers;
    this.logger = options.logger ?? silentLogger;
    this.faults = checkFaults({ ...DEFAULT_FAULTS, ...options.faults });
    this.maxInFlightPerLink = options.maxInFlightPerLink ?? DEFAULT_SIM_MAX_IN_FLIGHT_PER_LINK;
    if (!(Number.isSafeInteger(this.maxInFlightPerLink) && this.maxInFlightPerLink > 0)) {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, 'maxInFlightPerLink must be a positive integer');
    }
  }

  /** A snapshot of the counters. */
  get stats(): SimNetworkStats {
    return { ...this.counters };
  }

  /** Copies sent and not yet delivered or dropped. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** A new endpoint at `address`. Throws `RT_INVALID_ARGUMENT` if an open transport has it; `close()` frees it. */
  transport(address: PeerAddress): Transport {
    parsePeerAddress(address);
    if (this.endpoints.has(address)) {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `address ${address} is already in use`);
    }
    const endpoint = new SimTransport(this, address, this.timers, this.logger.child({ address }));
    this.endpoints.set(address, endpoint);
    return endpoint;
  }

  /** Replaces the given fault settings on every link; messages already in flight keep their fate. */
  setFaults(faults: Partial<LinkFaults>): void {
    this.faults = checkFaults({ ...this.faults, ...faults });
  }

  /**
   * Cuts the network into `groups` (replacing any earlier partition): messages
   * between addresses in different groups are lost. An address in no group
   * talks to everyone. Throws `RT_INVALID_ARGUMENT` if an address is in two groups.
   */
  partition(...groups: PeerAddress[][]): void {
    const groupOf = new Map<PeerAddress, number>();
    groups.forEach((group, index) => {
      for (const address of group) {
        if (groupOf.has(address) && groupOf.get(address) !== index) {
          throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `${address} is in two partition groups`);
        }
        groupOf.set(address, index);
      }
    });
    this.groupOf = groupOf;
  }

  /** Ends the partition. */
  heal(): void {
    this.groupOf = undefined;
  }

  /** @internal Called by SimTransport.close(). */
  release(endpoint: SimTransport): void {
    if (this.endpoints.get(endpoint.localAddress) === endpoint) this.endpoints.delete(endpoint.localAddress);
  }

  /**
   * @internal Puts `envelope` on the link from `source` towards `to` (towards
   * exactly `target` for an answer). False when the link is full.
   */
  transmit(source: SimTransport, to: PeerAddress, envelope: Envelope, target?: SimTransport): boolean {
    const link = `${source.localAddress}\u0000${to}`;
    const onLink = this.inFlightByLink.get(link) ?? 0;
    if (onLink >= this.maxInFlightPerLink) return false;
    this.counters.sent++;
    const wire = envelopeToWire(envelope);
    const destination = target ?? this.endpoints.get(to);
    if (this.partitioned(source.localAddress, to)) {
      this.counters.dropped++;
      return true;
    }
    const { dropRate, duplicateRate } = this.faults;
    if (dropRate > 0 && this.random.next() < dropRate) {
      this.counters.dropped++;
      return true;
    }
    let copies = 1;
    if (duplicateRate > 0 && this.random.next() < duplicateRate && onLink + 1 < this.maxInFlightPerLink) {
      copies = 2;
      this.counters.duplicated++;
    }
    for (let i = 0; i < copies; i++) {
      this.inFlightByLink.set(link, (this.inFlightByLink.get(link) ?? 0) + 1);
      this.inFlight++;
      // Each copy is its own clone: a handler that mutates what it received cannot touch the other.
      const copy = structuredClone(wire);
      this.timers.setTimeout(() => this.arrive(link, source, to, copy, destination), this.drawDelayMs(), {
        keepAlive: true,
      });
    }
    return true;
  }

  private arrive(
    link: string,
    source: SimTransport,
    to: PeerAddress,
    wire: WireEnvelope,
    destination: SimTransport | undefined,
  ): void {
    const left = (this.inFlightByLink.get(link) ?? 1) - 1;
    if (left > 0) this.inFlightByLink.set(link, left);
    else this.inFlightByLink.delete(link);
    this.inFlight--;
    if (destination === undefined || destination.isClosed) {
      this.counters.dropped++;
      const [type, requestId] = wire;
      if (type === ENVELOPE_TYPE_CODES.request) source.unreachable(requestId, to);
      return;
    }
    if (this.partitioned(source.localAddress, to)) {
      this.counters.dropped++;
      return;
    }
    this.counters.delivered++;
    destination.deliver(wire, source);
  }

  private partitioned(a: PeerAddress, b: PeerAddress): boolean {
    if (this.groupOf === undefined) return false;
    const groupA = this.groupOf.get(a);
    const groupB = this.groupOf.get(b);
    return groupA !== undefined && groupB !== undefined && groupA !== groupB;
  }

  private drawDelayMs(): number {
    const { minDelayMs, maxDelayMs } = this.faults;
    return minDelayMs === maxDelayMs ? minDelayMs : minDelayMs + this.random.int(maxDelayMs - minDelayMs + 1);
  }
}

/** One endpoint of a {@link SimNetwork}. */
class SimTransport implements Transport {
  private readonly dispatcher: TransportDispatcher;
  private closed = false;

  constructor(
    private readonly network: SimNetwork,
    readonly localAddress: PeerAddress,
    timers: Timers,
    private readonly logger: Logger,
  ) {
    this.dispatcher = new TransportDispatcher({ localAddress, timers, logger });
  }

  get isClosed(): boolean {
    return this.closed;
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
    if (this.closed) return false;
    const envelope = this.dispatcher.messageEnvelope(codec, message);
    assertWireValue(envelope.body, codec.kind);
    return this.network.transmit(this, to, envelope);
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
    try {
      assertWireValue(envelope.body, request.kind);
    } catch (err) {
      this.dispatcher.failRequest(envelope.requestId, err as RingtailError);
      return result;
    }
    if (!this.network.transmit(this, to, envelope)) {
      this.dispatcher.failRequest(
        envelope.requestId,
        new RingtailError(ErrorCodes.LIMIT_EXCEEDED, `the link from ${this.localAddress} to ${to} is full`),
      );
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dispatcher.close();
    this.network.release(this);
  }

  /** @internal A copy arrived from `source`. */
  deliver(wire: WireEnvelope, source: SimTransport): void {
    let envelope: Envelope;
    try {
      envelope = envelopeFromWire(wire);
    } catch (err) {
      this.logger.warn({ peer: source.localAddress, err }, 'dropped a malformed envelope');
      return;
    }
    this.dispatcher.receive(envelope, source.localAddress, (answer) => {
      let checked = answer;
      try {
        assertWireValue(answer.body, answer.kind);
      } catch (err) {
        this.logger.error({ peer: source.localAddress, kind: answer.kind, err }, 'an answer cannot cross the wire');
        const reason = `the answer cannot cross the wire: ${(err as Error).message}`;
        checked = errorEnvelope(answer.requestId, answer.kind, ErrorCodes.REMOTE, reason);
      }
      if (!this.closed) this.network.transmit(this, source.localAddress, checked, source);
    });
  }

  /** @internal Request `requestId` reached no open transport at `to`. */
  unreachable(requestId: number, to: PeerAddress): void {
    this.dispatcher.failRequest(
      requestId,
      new RingtailError(ErrorCodes.UNREACHABLE, `no transport is listening at ${to}`),
    );
  }
}
