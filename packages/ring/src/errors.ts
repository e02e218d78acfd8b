import { ErrorCodes, RingtailError } from '@ringtail/codec';

/** Bad input to the ring (a membership, a strategy's options, an allocation request). */
export function invalidArgument(message: string): RingtailError {
  return new RingtailError(ErrorCodes.INVALID_ARGUMENT, message);
}

/** A configured bound of the ring (constants.ts) was exceeded. */
export function limitExceeded(message: string): RingtailError {
  return new RingtailError(ErrorCodes.LIMIT_EXCEEDED, message);
}
