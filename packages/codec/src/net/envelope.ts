/**
 * The envelope every internode message travels in, shared by both transports:
 * the TCP transport msgpacks it into a frame, {@link SimNetwork} structured-
 * clones it. Both read it back through {@link envelopeFromWire}, which treats
 * its input as untrusted. Format: docs/formats/internode.md ("Envelope").
 */
import { ErrorCodes, RingtailError } from '../errors.js';
import {
  ERROR_BODY_VERSION,
  MAX_MESSAGE_KIND_CHARS,
  MAX_MESSAGE_VERSION,
  MAX_REMOTE_ERROR_MESSAGE_CHARS,
  MAX_REQUEST_ID,
} from './constants.js';

/** `message`: one-way; `request`: wants an answer; `response`/`error`: the answer to `requestId`. */
export type EnvelopeType = 'message' | 'request' | 'response' | 'error';

export interface Envelope {
  readonly type: EnvelopeType;
  /** 0 for a `message`; otherwise the requester's id (1 to 2^32 − 1), echoed by the answer. */
  readonly requestId: number;
  /** The codec kind of `body`. An `error` carries the kind of the request it answers. */
  readonly kind: string;
  /** The codec version `body` was encoded with (for an `error`, {@link ERROR_BODY_VERSION}). */
  readonly version: number;
  /** What the codec's `encode` returned; for an `error`, an {@link RemoteErrorBody}. */
  readonly body: unknown;
}

/** On the wire: a 5-element array, the type as a small number. */
export type WireEnvelope = [type: number, requestId: number, kind: string, version: number, body: unknown];

/** Wire numbers of the envelope types. 16 and up are the TCP handshake's (node/src/internode/handshake.ts). */
export const ENVELOPE_TYPE_CODES: Readonly<Record<EnvelopeType, number>> = {
  message: 1,
  request: 2,
  response: 3,
  error: 4,
};

const TYPE_BY_CODE: readonly (EnvelopeType | undefined)[] = [undefined, 'message', 'request', 'response', 'error'];

/** The error codes an `error` envelope may carry; the requester rejects with the same code. */
export type RemoteFailureCode =
  | typeof ErrorCodes.REMOTE
  | typeof ErrorCodes.BAD_MESSAGE
  | typeof ErrorCodes.LIMIT_EXCEEDED;

/**
 * Body of an `error` envelope. `RT_REMOTE`: the handler failed (message: its
 * error); `RT_BAD_MESSAGE`: the peer could not decode the request or has no
 * handler for its kind; `RT_LIMIT_EXCEEDED`: the peer has too many requests
 * from this node in progress, or the answer is over its size limit.
 */
export interface RemoteErrorBody {
  readonly code: RemoteFailureCode;
  readonly message: string;
}

const REMOTE_FAILURE_CODES: ReadonlySet<string> = new Set([
  ErrorCodes.REMOTE,
  ErrorCodes.BAD_MESSAGE,
  ErrorCodes.LIMIT_EXCEEDED,
]);

function bad(detail: string): RingtailError {
  return new RingtailError(ErrorCodes.BAD_MESSAGE, `malformed envelope: ${detail}`);
}

function isUint(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

/** Checks a codec's kind and version as the wire will carry them. Throws `RT_INVALID_ARGUMENT`. */
export function checkKindAndVersion(kind: unknown, version: unknown): void {
  if (typeof kind !== 'string' || kind.length === 0 || kind.length > MAX_MESSAGE_KIND_CHARS) {
    throw new RingtailError(
      ErrorCodes.INVALID_ARGUMENT,
      `a message kind is 1 to ${MAX_MESSAGE_KIND_CHARS} characters, got ${JSON.stringify(kind)}`,
    );
  }
  if (!isUint(version, MAX_MESSAGE_VERSION)) {
    throw new RingtailError(
      ErrorCodes.INVALID_ARGUMENT,
      `codec ${kind}: a version is an integer from 0 to ${MAX_MESSAGE_VERSION}, got ${String(version)}`,
    );
  }
}

export function envelopeToWire(envelope: Envelope): WireEnvelope {
  return [ENVELOPE_TYPE_CODES[envelope.type], envelope.requestId, envelope.kind, envelope.version, envelope.body];
}

/** Reads an envelope a peer sent. Throws `RT_BAD_MESSAGE` when `value` is not one. */
export function envelopeFromWire(value: unknown): Envelope {
  if (!Array.isArray(value) || value.length !== 5) throw bad('not a 5-element array');
  const [typeCode, requestId, kind, version, body] = value as unknown[];
  const type = typeof typeCode === 'number' ? TYPE_BY_CODE[typeCode] : undefined;
  if (type === undefined) throw bad(`unknown type ${String(typeCode)}`);
  if (!isUint(requestId, MAX_REQUEST_ID)) throw bad(`request id ${String(requestId)}`);
  if ((type === 'message') !== (requestId === 0)) throw bad(`a ${type} with request id ${requestId}`);
  if (typeof kind !== 'string' || kind.length === 0 || kind.length > MAX_MESSAGE_KIND_CHARS) {
    throw bad('kind is not a string of 1 to 64 characters');
  }
  if (!isUint(version, MAX_MESSAGE_VERSION)) throw bad(`version ${String(version)}`);
  return { type, requestId, kind, version, body };
}

export function errorEnvelope(requestId: number, kind: string, code: RemoteFailureCode, message: string): Envelope {
  const body: RemoteErrorBody = { code, message: message.slice(0, MAX_REMOTE_ERROR_MESSAGE_CHARS) };
  return { type: 'error', requestId, kind, version: ERROR_BODY_VERSION, body };
}

/** Reads the body of an `error` envelope. Throws `RT_BAD_MESSAGE` when it is not one. */
export function errorBodyFromWire(body: unknown, version: number): RemoteErrorBody {
  if (version !== ERROR_BODY_VERSION) throw bad(`error body version ${version}`);
  if (typeof body !== 'object' || body === null) throw bad('error body is not a map');
  const { code, message } = body as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !REMOTE_FAILURE_CODES.has(code)) throw bad(`error code ${String(code)}`);
  if (typeof message !== 'string' || message.length > MAX_REMOTE_ERROR_MESSAGE_CHARS) throw bad('error message');
  return { code: code as RemoteFailureCode, message };
}
