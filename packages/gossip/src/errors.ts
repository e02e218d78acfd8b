import { ErrorCodes, RingtailError } from '@ringtail/codec';

/** A gossip message from a peer that does not fit its kind and version. */
export function badMessage(kind: string, detail: string): RingtailError {
  return new RingtailError(ErrorCodes.BAD_MESSAGE, `malformed ${kind}: ${detail}`);
}

/** Bad input from a caller of this package (an option, an application state). */
export function invalidArgument(message: string): RingtailError {
  return new RingtailError(ErrorCodes.INVALID_ARGUMENT, message);
}

/** A bound of constants.ts was exceeded by a local caller. */
export function limitExceeded(message: string): RingtailError {
  return new RingtailError(ErrorCodes.LIMIT_EXCEEDED, message);
}

/** The gossiper was used after stop(). */
export function closed(message: string): RingtailError {
  return new RingtailError(ErrorCodes.CLOSED, message);
}
