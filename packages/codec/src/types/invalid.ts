/**
 * The one way the type system reports bad input: a {@link RingtailError} with
 * code INVALID_ARGUMENT. Callers that read bytes from disk wrap it into a
 * CorruptionError (they know the file and offset; this layer does not).
 */
import { ErrorCodes, RingtailError } from '../errors.js';

export function invalid(message: string): RingtailError {
  return new RingtailError(ErrorCodes.INVALID_ARGUMENT, message);
}

const MAX_DESCRIBED_CHARS = 40;

/** A short, human-readable rendering of an arbitrary JS value for error messages. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_DESCRIBED_CHARS ? `${value.slice(0, MAX_DESCRIBED_CHARS)}…` : value;
      return JSON.stringify(shown);
    }
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Uint8Array) return `a Uint8Array of ${value.length} bytes`;
      if (Array.isArray(value)) return `an array of ${value.length} elements`;
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
