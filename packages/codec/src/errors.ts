/**
 * Every operational error in Ringtail extends {@link RingtailError} and carries a
 * stable `code` from {@link ErrorCodes}. Codes are documented in docs/errors.md;
 * test/errors.test.ts keeps the two in sync. Only the HTTP layer maps codes to
 * status codes.
 */

/** Stable error codes. Add a code here and a row in docs/errors.md together. */
export const ErrorCodes = {
  /** Bytes on disk (or from a peer) fail a checksum or a structural check. */
  CORRUPTION: 'RT_CORRUPTION',
  /** A caller passed an argument outside the documented contract. */
  INVALID_ARGUMENT: 'RT_INVALID_ARGUMENT',
  /** A configured bound (record size, queue length, request size, ...) was exceeded. */
  LIMIT_EXCEEDED: 'RT_LIMIT_EXCEEDED',
  /** A directory or file is locked by another process or another open instance. */
  LOCKED: 'RT_LOCKED',
  /** The object was used after close(). */
  CLOSED: 'RT_CLOSED',
  /** An operating-system I/O call failed; `cause` holds the system error. */
  IO: 'RT_IO',
  /** A file or directory that must exist does not. */
  NOT_FOUND: 'RT_NOT_FOUND',
  /** A file or directory that must not exist does. */
  ALREADY_EXISTS: 'RT_ALREADY_EXISTS',
  /** A file's format version is not one this build can read. */
  UNSUPPORTED_VERSION: 'RT_UNSUPPORTED_VERSION',
  /** A message from a peer does not decode as the kind and version it claims. */
  BAD_MESSAGE: 'RT_BAD_MESSAGE',
  /** An operation did not complete within its deadline. */
  TIMEOUT: 'RT_TIMEOUT',
  /** A peer cannot be reached: connection refused, handshake rejected, or the link is down. */
  UNREACHABLE: 'RT_UNREACHABLE',
  /** A peer's handler failed while answering a request; `message` carries the peer's reason. */
  REMOTE: 'RT_REMOTE',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class RingtailError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * Bytes that fail verification. Never a generic exception: callers that may
 * skip corrupt data (`replay({ skipCorruption: true })`) match on this type.
 */
export class CorruptionError extends RingtailError {
  /** The file holding the bad bytes. */
  readonly file: string;
  /** Byte offset in `file` where the bad record or block starts. */
  readonly offset: number;

  constructor(file: string, offset: number, detail: string, options?: { cause?: unknown }) {
    super(ErrorCodes.CORRUPTION, `corruption in ${file} at byte ${offset}: ${detail}`, options);
    this.file = file;
    this.offset = offset;
  }
}

export function isRingtailError(error: unknown, code?: ErrorCode): error is RingtailError {
  return error instanceof RingtailError && (code === undefined || error.code === code);
}
