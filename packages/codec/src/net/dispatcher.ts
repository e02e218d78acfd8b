/**
 * The half of a {@link Transport} that does not depend on how envelopes move:
 * handler registration, request ids, request timeouts, decoding incoming
 * envelopes through their codecs, running handlers and building their answers.
 * {@link SimNetwork}'s transports and the TCP transport both delegate to it, so
 * the two agree on these semantics by construction; each adds only the moving
 * of envelopes (and the failures that come with it).
 */
import { type ErrorCode, ErrorCodes, isRingtailError, RingtailError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { TimerHandle, Timers } from '../runtime/timers.js';
import {
  DEFAULT_MAX_INBOUND_REQUESTS_PER_PEER,
  DEFAULT_MAX_PENDING_REQUESTS,
  MAX_REQUEST_ID,
  MAX_REQUEST_TIMEOUT_MS,
} from './constants.js';
import {
  checkKindAndVersion,
  type Envelope,
  errorBodyFromWire,
  errorEnvelope,
  type RemoteFailureCode,
} from './envelope.js';
import type { MessageCodec, MessageHandler, PeerAddress, RequestHandler } from './transport.js';

export interface TransportDispatcherOptions {
  /** Used in log lines and error messages. */
  readonly localAddress: PeerAddress;
  /** Request timeouts run on these. */
  readonly timers: Timers;
  readonly logger: Logger;
  /** Requests waiting for an answer at once. Default {@link DEFAULT_MAX_PENDING_REQUESTS}. */
  readonly maxPendingRequests?: number;
  /** Handlers running at once for one peer's requests. Default {@link DEFAULT_MAX_INBOUND_REQUESTS_PER_PEER}. */
  readonly maxInboundRequestsPerPeer?: number;
}

/** Sends an answer back the way the request came. Never throws; an answer that cannot be sent is lost. */
export type ReplyFunction = (answer: Envelope) => void;

/** A request registered with {@link TransportDispatcher.startRequest}, ready to be sent. */
export interface StartedRequest<Res> {
  readonly envelope: Envelope;
  /** Settles with the answer, or the failure passed to `failRequest`, or `RT_TIMEOUT`, or `RT_CLOSED`. */
  readonly result: Promise<Res>;
}

interface MessageRoute {
  readonly codec: MessageCodec<unknown>;
  readonly handler: MessageHandler<unknown>;
}

interface RequestRoute {
  readonly request: MessageCodec<unknown>;
  readonly response: MessageCodec<unknown>;
  readonly handler: RequestHandler<unknown, unknown>;
}

interface PendingRequest {
  readonly to: PeerAddress;
  readonly kind: string;
  readonly response: MessageCodec<unknown>;
  readonly resolve: (answer: unknown) => void;
  readonly reject: (error: RingtailError) => void;
  readonly timer: TimerHandle;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function describeError(error: unknown): string {
  if (isRingtailError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isSafeInteger(result) || result < 1) {
    throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `${name} must be a positive integer, got ${result}`);
  }
  return result;
}

export class TransportDispatcher {
  private readonly localAddress: PeerAddress;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly maxPendingRequests: number;
  private readonly maxInboundRequestsPerPeer: number;
  private readonly messageRoutes = new Map<string, MessageRoute>();
  private readonly requestRoutes = new Map<string, RequestRoute>();
  private readonly pending = new Map<number, PendingRequest>();
  private readonly inboundByPeer = new Map<PeerAddress, number>();
  private lastRequestId = 0;
  private closed = false;

  constructor(options: TransportDispatcherOptions) {
    this.localAddress = options.localAddress;
    this.timers = options.timers;
    this.logger = options.logger;
    this.maxPendingRequests = positiveInteger(
      options.maxPendingRequests,
      DEFAULT_MAX_PENDING_REQUESTS,
      'maxPendingRequests',
    );
    this.maxInboundRequestsPerPeer = positiveInteger(
      options.maxInboundRequestsPerPeer,
      DEFAULT_MAX_INBOUND_REQUESTS_PER_PEER,
      'maxInboundRequestsPerPeer',
    );
  }

  /** Requests sent and not yet answered, failed or timed out. */
  get pendingRequestCount(): number {
    return this.pending.size;
  }

  onMessage<T>(codec: MessageCodec<T>, handler: MessageHandler<T>): void {
    this.checkNewKind(codec);
    this.messageRoutes.set(codec.kind, { codec, handler: handler as MessageHandler<unknown> });
  }

  onRequest<Req, Res>(
    request: MessageCodec<Req>,
    response: MessageCodec<Res>,
    handler: RequestHandler<Req, Res>,
  ): void {
    checkKindAndVersion(response.kind, response.version);
    this.checkNewKind(request);
    this.requestRoutes.set(request.kind, {
      request,
      response,
      handler: handler as RequestHandler<unknown, unknown>,
    });
  }

  /** The envelope of a one-way message. Throws what `codec.encode` throws. */
  messageEnvelope<T>(codec: MessageCodec<T>, message: T): Envelope {
    checkKindAndVersion(codec.kind, codec.version);
    return { type: 'message', requestId: 0, kind: codec.kind, version: codec.version, body: codec.encode(message) };
  }

  /**
   * Encodes a request and registers it under a fresh id with its timeout.
   * Throws `RT_CLOSED`, `RT_INVALID_ARGUMENT` (a bad timeout or codec),
   * `RT_LIMIT_EXCEEDED` (too many pending requests) or what `encode` throws.
   */
  startRequest<Req, Res>(
    to: PeerAddress,
    request: MessageCodec<Req>,
    response: MessageCodec<Res>,
    message: Req,
    timeoutMs: number,
  ): StartedRequest<Res> {
    if (this.closed) throw new RingtailError(ErrorCodes.CLOSED, `transport ${this.localAddress} is closed`);
    if (!(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= MAX_REQUEST_TIMEOUT_MS)) {
      throw new RingtailError(
        ErrorCodes.INVALID_ARGUMENT,
        `timeoutMs must be in (0, ${MAX_REQUEST_TIMEOUT_MS}], got ${String(timeoutMs)}`,
      );
    }
    checkKindAndVersion(request.kind, request.version);
    checkKindAndVersion(response.kind, response.version);
    if (this.pending.size >= this.maxPendingRequests) {
      throw new RingtailError(
        ErrorCodes.LIMIT_EXCEEDED,
        `${this.pending.size} requests are already waiting for answers (the limit)`,
      );
    }
    const body = request.encode(message);
    const requestId = this.nextRequestId();
    const kind = request.kind;
    let settle!: Pick<PendingRequest, 'resolve' | 'reject'>;
    const result = new Promise<Res>((resolve, reject) => {
      settle = { resolve: resolve as (answer: unknown) => void, reject };
    });
    const timer = this.timers.setTimeout(
      () =>
        this.failRequest(
          requestId,
          new RingtailError(ErrorCodes.TIMEOUT, `request ${kind} to ${to} got no answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
      // A pending request keeps the process alive until it is answered or times out; close() cancels it.
      { keepAlive: true },
    );
    this.pending.set(requestId, { to, kind, response: response as MessageCodec<unknown>, timer, ...settle });
    return { envelope: { type: 'request', requestId, kind, version: request.version, body }, result };
  }

  /** Fails one pending request (it could not be sent, or its connection was lost). No-op if settled. */
  failRequest(requestId: number, error: RingtailError): void {
    const pending = this.pending.get(requestId);
    if (pending === undefined) return;
    this.pending.delete(requestId);
    pending.timer.cancel();
    pending.reject(error);
  }

  /** Fails every pending request to `to`, e.g. when the link to it went down. */
  failRequestsTo(to: PeerAddress, error: (kind: string) => RingtailError): void {
    for (const [requestId, pending] of [...this.pending]) {
      if (pending.to === to) this.failRequest(requestId, error(pending.kind));
    }
  }

  /**
   * Handles one envelope that arrived from `from`: runs the handler of a
   * message or request (answering the request through `reply`), or settles the
   * request an answer belongs to. Never throws; what cannot be handled is logged.
   */
  receive(envelope: Envelope, from: PeerAddress, reply: ReplyFunction): void {
    if (this.closed) return;
    switch (envelope.type) {
      case 'message':
        this.receiveMessage(envelope, from);
        return;
      case 'request':
        this.receiveRequest(envelope, from, reply);
        return;
      default:
        this.receiveAnswer(envelope, from);
    }
  }

  /** Fails pending requests with `RT_CLOSED` and stops handling envelopes. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const requestId of [...this.pending.keys()]) {
      this.failRequest(requestId, new RingtailError(ErrorCodes.CLOSED, `transport ${this.localAddress} closed`));
    }
  }

  private checkNewKind(codec: MessageCodec<unknown>): void {
    checkKindAndVersion(codec.kind, codec.version);
    if (this.messageRoutes.has(codec.kind) || this.requestRoutes.has(codec.kind)) {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `a handler for ${codec.kind} is already registered`);
    }
  }

  private nextRequestId(): number {
    // Ids wrap after 2^32 − 1; the pending bound is far below that, so a free id is always near.
    do {
      this.lastRequestId = this.lastRequestId >= MAX_REQUEST_ID ? 1 : this.lastRequestId + 1;
    } while (this.pending.has(this.lastRequestId));
    return this.lastRequestId;
  }

  private receiveMessage(envelope: Envelope, from: PeerAddress): void {
    const { kind, version } = envelope;
    const route = this.messageRoutes.get(kind);
    if (route === undefined) {
      this.logger.warn({ peer: from, kind, version }, 'dropped a message of a kind nothing handles');
      return;
    }
    let message: unknown;
    try {
      message = route.codec.decode(envelope.body, version);
    } catch (err) {
      this.logger.warn({ peer: from, kind, version, err }, 'dropped a message that does not decode');
      return;
    }
    try {
      const result: unknown = route.handler(message, from);
      if (isThenable(result)) {
        result.then(undefined, (err: unknown) =>
          this.logger.error({ peer: from, kind, err }, 'message handler failed; message dropped'),
        );
      }
    } catch (err) {
      this.logger.error({ peer: from, kind, err }, 'message handler failed; message dropped');
    }
  }

  private receiveRequest(envelope: Envelope, from: PeerAddress, reply: ReplyFunction): void {
    const { kind, version, requestId } = envelope;
    const refuse = (code: RemoteFailureCode, message: string): void =>
      reply(errorEnvelope(requestId, kind, code, message));
    const route = this.requestRoutes.get(kind);
    if (route === undefined) {
      this.logger.warn({ peer: from, kind, version }, 'refused a request of a kind nothing handles');
      refuse(ErrorCodes.BAD_MESSAGE, `${this.localAddress} has no handler for requests of kind ${kind}`);
      return;
    }
    let message: unknown;
    try {
      message = route.request.decode(envelope.body, version);
    } catch (err) {
      this.logger.warn({ peer: from, kind, version, err }, 'refused a request that does not decode');
      refuse(
        ErrorCodes.BAD_MESSAGE,
        `${this.localAddress} cannot decode ${kind} version ${version}: ${describeError(err)}`,
      );
      return;
    }
    const inProgress = this.inboundByPeer.get(from) ?? 0;
    if (inProgress >= this.maxInboundRequestsPerPeer) {
      this.logger.warn({ peer: from, kind, inProgress }, 'refused a request: too many from this peer in progress');
      refuse(ErrorCodes.LIMIT_EXCEEDED, `${this.localAddress} has ${inProgress} requests from ${from} in progress`);
      return;
    }
    this.inboundByPeer.set(from, inProgress + 1);
    let finished = false;
    const finish = (answer: Envelope): void => {
      if (finished) return;
      finished = true;
      const left = (this.inboundByPeer.get(from) ?? 1) - 1;
      if (left > 0) this.inboundByPeer.set(from, left);
      else this.inboundByPeer.delete(from);
      if (!this.closed) reply(answer);
    };
    const succeed = (answer: unknown): void => {
      let body: unknown;
      try {
        body = route.response.encode(answer);
      } catch (err) {
        this.logger.error({ peer: from, kind, err }, 'failed to encode an answer');
        finish(errorEnvelope(requestId, kind, ErrorCodes.REMOTE, `cannot encode the answer: ${describeError(err)}`));
        return;
      }
      finish({ type: 'response', requestId, kind: route.response.kind, version: route.response.version, body });
    };
    const fail = (err: unknown): void => {
      if (isRingtailError(err)) this.logger.debug({ peer: from, kind, err }, 'request handler failed');
      else this.logger.error({ peer: from, kind, err }, 'request handler failed');
      finish(errorEnvelope(requestId, kind, ErrorCodes.REMOTE, describeError(err)));
    };
    try {
      const result: unknown = route.handler(message, from);
      if (isThenable(result)) result.then(succeed, fail);
      else succeed(result);
    } catch (err) {
      fail(err);
    }
  }

  private receiveAnswer(envelope: Envelope, from: PeerAddress): void {
    const pending = this.pending.get(envelope.requestId);
    if (pending === undefined) {
      this.logger.debug({ peer: from, requestId: envelope.requestId }, 'dropped an answer nothing waits for');
      return;
    }
    if (pending.to !== from) {
      this.logger.warn(
        { peer: from, requestId: envelope.requestId, expected: pending.to },
        'dropped an answer from a peer the request was not sent to',
      );
      return;
    }
    const fail = (code: ErrorCode, message: string): void =>
      this.failRequest(envelope.requestId, new RingtailError(code, message));
    if (envelope.type === 'error') {
      let failure: { code: ErrorCode; message: string };
      try {
        failure = errorBodyFromWire(envelope.body, envelope.version);
      } catch (err) {
        failure = { code: ErrorCodes.BAD_MESSAGE, message: describeError(err) };
      }
      fail(failure.code, `request ${pending.kind} to ${from} failed: ${failure.message}`);
      return;
    }
    if (envelope.kind !== pending.response.kind) {
      fail(
        ErrorCodes.BAD_MESSAGE,
        `${from} answered ${pending.kind} with ${envelope.kind}, not ${pending.response.kind}`,
      );
      return;
    }
    let answer: unknown;
    try {
      answer = pending.response.decode(envelope.body, envelope.version);
    } catch (err) {
      fail(
        ErrorCodes.BAD_MESSAGE,
        `answer ${envelope.kind} version ${envelope.version} from ${from} does not decode: ${describeError(err)}`,
      );
      return;
    }
    this.pending.delete(envelope.requestId);
    pending.timer.cancel();
    pending.resolve(answer);
  }
}
