/**
 * The internode transport contract. Gossip, and later the coordinator, talk to
 * peers only through a {@link Transport} they are given: production passes the
 * TCP transport from packages/node (persistent connections, length-prefixed
 * msgpackr frames, an HMAC handshake); simulations pass {@link SimNetwork}'s
 * in-memory transports, which drop, delay, duplicate, reorder and partition
 * messages from a seed.
 *
 * Every message crosses the wire as a typed, versioned record: one
 * {@link MessageCodec} per message kind turns the typed value into a plain
 * msgpack-able value and back, and `decode` validates what a peer sent —
 * malformed input is a `RT_BAD_MESSAGE` error, never a crash or a half-built
 * object. Both transports run every message through its codec, so a codec bug
 * shows up in simulation too.
 */

/** A node's internode address, `host:port`. It names a peer on the wire. */
export type PeerAddress = string;

export interface MessageCodec<T> {
  /** Stable name on the wire, e.g. `gossip.syn`. Unique per transport. */
  readonly kind: string;
  /** The version this build writes. `decode` accepts every version it still understands. */
  readonly version: number;
  /**
   * To a msgpack-able value: plain objects, arrays, strings, finite numbers,
   * booleans, null, bigint and Uint8Array. No class instances, no undefined.
   */
  encode(message: T): unknown;
  /** From what a peer sent with `version`. Throws RingtailError `RT_BAD_MESSAGE` when it does not fit. */
  decode(body: unknown, version: number): T;
}

/**
 * Receives one-way messages of one kind. Exceptions (and rejections, should it
 * return a promise) are logged and the message dropped. `from` is the sender's
 * own `localAddress` — on TCP the listen address it claimed in the handshake,
 * which the cluster-secret HMAC authenticates — not the socket's source port.
 */
export type MessageHandler<T> = (message: T, from: PeerAddress) => void;

/** Answers requests of one kind. A rejection travels back to the requester as an error. */
export type RequestHandler<Req, Res> = (message: Req, from: PeerAddress) => Res | Promise<Res>;

export interface RequestOptions {
  /** The request fails with `RT_TIMEOUT` if no answer arrives within this time. */
  readonly timeoutMs: number;
}

export interface Transport {
  /** Where peers reach this node. */
  readonly localAddress: PeerAddress;

  /** Routes one-way messages of `codec.kind` to `handler`. One handler per kind. */
  onMessage<T>(codec: MessageCodec<T>, handler: MessageHandler<T>): void;

  /** Routes requests of `request.kind` to `handler`; its result is sent back encoded with `response`. */
  onRequest<Req, Res>(request: MessageCodec<Req>, response: MessageCodec<Res>, handler: RequestHandler<Req, Res>): void;

  /**
   * Fire and forget, at most once. Returns false when the message was refused
   * at once because the queue towards `to` is full (backpressure) or the
   * transport is closed; true means it was queued, not that it arrived.
   * Messages to one peer that do arrive arrive in order on TCP (not in a
   * simulation with random delays). Throws — a local bug, not a network
   * condition — `RT_INVALID_ARGUMENT` for a malformed address or codec,
   * `RT_LIMIT_EXCEEDED` for a message over the transport's frame size, and
   * whatever `codec.encode` throws.
   */
  send<T>(to: PeerAddress, codec: MessageCodec<T>, message: T): boolean;

  /**
   * One request, one answer. Rejects with `RT_TIMEOUT` after `timeoutMs`,
   * `RT_LIMIT_EXCEEDED` when the queue towards `to` is full (or too many
   * requests are pending here, or the peer has too many of ours in progress),
   * `RT_UNREACHABLE` when the peer refuses the connection or the handshake,
   * the connection is lost before the answer, or the link is backing off after
   * such a failure, `RT_REMOTE` when the peer's handler failed (the message
   * carries its reason), `RT_BAD_MESSAGE` when the peer cannot decode the
   * request or handles no such kind, or the answer does not decode, and
   * `RT_CLOSED` after `close()`. Never throws synchronously.
   */
  request<Req, Res>(
    to: PeerAddress,
    request: MessageCodec<Req>,
    response: MessageCodec<Res>,
    message: Req,
    options: RequestOptions,
  ): Promise<Res>;

  /** Stops listening, closes connections, fails pending requests with `RT_CLOSED`. Idempotent. */
  close(): Promise<void>;
}
