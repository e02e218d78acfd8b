/**
 * The one place that turns errors into HTTP answers (DESIGN.md §3.2): every
 * error body is `{error: NAME, message, ...}`. RingtailError codes map through
 * {@link STATUS_BY_CODE} (test/errors.test.ts checks that every code of codec's
 * ErrorCodes is there); parser, coordinator, fastify and HTTP-layer errors are
 * recognised before that. Anything else is a 500 ServerError whose details go
 * to the log, never to the client.
 */
import { type ErrorCode, ErrorCodes, isRingtailError, type JsonValue } from '@ringtail/codec';
import { SYNTAX_ERROR_NAME, UNAUTHORIZED_ERROR_NAME } from '@ringtail/cql';

/** The `error` names a client may see, and the status each comes with. */
export const ERROR_STATUS = {
  [SYNTAX_ERROR_NAME]: 400,
  InvalidRequest: 400,
  [UNAUTHORIZED_ERROR_NAME]: 403,
  NotFound: 404,
  RequestTimeout: 408,
  RequestTooLarge: 413,
  UnsupportedMediaType: 415,
  ServerError: 500,
  NotImplemented: 501,
  Unavailable: 503,
  Overloaded: 503,
  NotServing: 503,
  WriteTimeout: 504,
  ReadTimeout: 504,
} as const;

export type ErrorName = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  readonly error: ErrorName;
  readonly message: string;
  readonly [field: string]: JsonValue;
}

export interface ErrorReply {
  readonly statusCode: number;
  readonly body: ErrorBody;
  /** The error is not one the API describes: log it with its stack. */
  readonly unexpected: boolean;
}

/** How each RingtailError code is answered. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, ErrorName>> = {
  [ErrorCodes.INVALID_ARGUMENT]: 'InvalidRequest',
  [ErrorCodes.LIMIT_EXCEEDED]: 'InvalidRequest',
  [ErrorCodes.NOT_FOUND]: 'InvalidRequest',
  [ErrorCodes.ALREADY_EXISTS]: 'InvalidRequest',
  [ErrorCodes.CLOSED]: 'NotServing',
  [ErrorCodes.CORRUPTION]: 'ServerError',
  [ErrorCodes.LOCKED]: 'ServerError',
  [ErrorCodes.IO]: 'ServerError',
  [ErrorCodes.UNSUPPORTED_VERSION]: 'ServerError',
  // Internode failures; the coordinator turns the ones a client should see into Unavailable or a timeout.
  [ErrorCodes.BAD_MESSAGE]: 'ServerError',
  [ErrorCodes.TIMEOUT]: 'ServerError',
  [ErrorCodes.UNREACHABLE]: 'ServerError',
  [ErrorCodes.REMOTE]: 'ServerError',
};

/** An answer the HTTP layer itself decides on (not found, overloaded, not serving, ...). */
export class ApiError extends Error {
  constructor(
    readonly error: ErrorName,
    message: string,
    readonly fields: { readonly [field: string]: JsonValue } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorReply(name: ErrorName, message: string, fields: { [field: string]: JsonValue } = {}): ErrorReply {
  return { statusCode: ERROR_STATUS[name], body: { ...fields, error: name, message }, unexpected: false };
}

export interface ErrorContext {
  /** For the 500 message, so a client can quote it to an operator. */
  readonly requestId: string;
  readonly bodyLimitBytes: number;
}

export function toErrorReply(error: unknown, context: ErrorContext): ErrorReply {
  if (error instanceof ApiError) return errorReply(error.error, error.message, { ...error.fields });
  const kind = (error as { kind?: unknown } | null)?.kind;
  if (kind === SYNTAX_ERROR_NAME && isRingtailError(error)) {
    const { line, column } = error as unknown as { line: number; column: number };
    return errorReply(SYNTAX_ERROR_NAME, error.message, { line, column });
  }
  if (kind === UNAUTHORIZED_ERROR_NAME && isRingtailError(error))
    return errorReply(UNAUTHORIZED_ERROR_NAME, error.message);
  if (kind === 'Unavailable' || kind === 'WriteTimeout' || kind === 'ReadTimeout') {
    const e = error as { message: string; consistency: string; required: number; alive?: number; received?: number };
    const fields: { [field: string]: JsonValue } = { consistency: e.consistency, required: e.required };
    if (kind === 'Unavailable') fields.alive = e.alive ?? 0;
    else fields.received = e.received ?? 0;
    return errorReply(kind, e.message, fields);
  }
  if (isRingtailError(error)) {
    const name = STATUS_BY_CODE[error.code];
    if (name !== 'ServerError') return errorReply(name, error.message);
  } else {
    const known = fastifyErrorReply(error, context);
    if (known !== undefined) return known;
  }
  const reply = errorReply(
    'ServerError',
    `internal error while serving request ${context.requestId}; the node's log has the details`,
  );
  return { ...reply, unexpected: true };
}

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  validation?: readonly AjvError[];
  validationContext?: unknown;
}

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: { missingProperty?: string; additionalProperty?: string; allowedValues?: readonly unknown[] };
}

/** Errors fastify raises while reading and validating a request. */
function fastifyErrorReply(error: unknown, context: ErrorContext): ErrorReply | undefined {
  const e = (error ?? {}) as FastifyLikeError;
  if (e.validation !== undefined && e.validation.length > 0) return validationReply(e.validation[0]!);
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errorReply('RequestTooLarge', `request body is larger than the limit of ${context.bodyLimitBytes} bytes`, {
        limitBytes: context.bodyLimitBytes,
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errorReply('InvalidRequest', 'request body is not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errorReply('InvalidRequest', 'request body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errorReply('UnsupportedMediaType', 'unsupported content type; send application/json');
  }
  // Other fastify request errors (bad URL, content length mismatch, ...) carry a 4xx and a safe message.
  const status = e.statusCode;
  if (typeof e.code === 'string' && e.code.startsWith('FST_') && typeof status === 'number' && status < 500) {
    return { ...errorReply('InvalidRequest', String(e.message)), statusCode: status };
  }
  return undefined;
}

/** Names the offending field, e.g. `field 'pageSize' must be integer`. */
function validationReply(failure: AjvError): ErrorReply {
  const path = failure.instancePath.slice(1).replaceAll('/', '.');
  if (failure.keyword === 'required' && failure.params.missingProperty !== undefined) {
    const field = path === '' ? failure.params.missingProperty : `${path}.${failure.params.missingProperty}`;
    return errorReply('InvalidRequest', `field '${field}' is required`, { field });
  }
  if (failure.keyword === 'additionalProperties' && failure.params.additionalProperty !== undefined) {
    const field = path === '' ? failure.params.additionalProperty : `${path}.${failure.params.additionalProperty}`;
    return errorReply('InvalidRequest', `unknown field '${field}'`, { field });
  }
  let detail = failure.message ?? 'is invalid';
  if (failure.keyword === 'enum' && failure.params.allowedValues !== undefined) {
    detail = `must be one of ${failure.params.allowedValues.join(', ')}`;
  }
  if (path === '') return errorReply('InvalidRequest', `request body ${detail}`);
  return errorReply('InvalidRequest', `field '${path}' ${detail}`, { field: path });
}
