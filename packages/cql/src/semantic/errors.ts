/**
 * Errors of validation against the schema. Cassandra reports these as
 * `InvalidRequestException` (and `UnauthorizedException` for changes to the
 * system keyspaces); the HTTP layer answers 400 `{"error": "InvalidRequest"}`
 * (DESIGN.md §3.2) or 403 for `Unauthorized`. Both carry the code
 * RT_INVALID_ARGUMENT, or RT_LIMIT_EXCEEDED when a limit of constants.ts was
 * crossed.
 */
import { type ErrorCode, ErrorCodes, RingtailError } from '@ringtail/codec';

/** What the HTTP API calls a request that is well-formed but invalid against the schema (DESIGN.md §3.2). */
export const INVALID_REQUEST_ERROR_NAME = 'InvalidRequest';
/** What the HTTP API calls a request refused for lack of permission (system keyspaces). */
export const UNAUTHORIZED_ERROR_NAME = 'Unauthorized';

export class CqlInvalidRequestError extends RingtailError {
  /** DESIGN.md §3.2's error name, for the HTTP layer. */
  readonly kind: typeof INVALID_REQUEST_ERROR_NAME | typeof UNAUTHORIZED_ERROR_NAME;

  constructor(
    message: string,
    options?: {
      cause?: unknown;
      code?: ErrorCode;
      kind?: typeof INVALID_REQUEST_ERROR_NAME | typeof UNAUTHORIZED_ERROR_NAME;
    },
  ) {
    super(options?.code ?? ErrorCodes.INVALID_ARGUMENT, message, { cause: options?.cause });
    this.kind = options?.kind ?? INVALID_REQUEST_ERROR_NAME;
  }
}

export function invalidRequest(message: string, cause?: unknown): CqlInvalidRequestError {
  return new CqlInvalidRequestError(message, { cause });
}

export function limitExceeded(message: string): CqlInvalidRequestError {
  return new CqlInvalidRequestError(message, { code: ErrorCodes.LIMIT_EXCEEDED });
}

export function unauthorized(message: string): CqlInvalidRequestError {
  return new CqlInvalidRequestError(message, { kind: UNAUTHORIZED_ERROR_NAME });
}

/** The message of an error thrown by the codec's validators, for wrapping. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
