import { ErrorCodes, RingtailError } from '../errors.js';
import { MAX_WIRE_VALUE_DEPTH } from './constants.js';

/**
 * Checks that `value` keeps to what {@link MessageCodec.encode} may return —
 * plain objects, arrays, strings, finite numbers, booleans, null, bigint,
 * Uint8Array — so that a codec that works in simulation works over msgpack
 * too (msgpack would silently turn a Map into an object, or lose a class).
 * Throws `RT_INVALID_ARGUMENT` naming the first offending path.
 */
export function assertWireValue(value: unknown, kind: string): void {
  const problem = findProblem(value, 'body', 0);
  if (problem !== undefined) {
    throw new RingtailError(
      ErrorCodes.INVALID_ARGUMENT,
      `codec ${kind} encoded a value msgpack cannot carry: ${problem}`,
    );
  }
}

function findProblem(value: unknown, path: string, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}`;
    case 'object': {
      if (value === null || value instanceof Uint8Array) return undefined;
      if (depth >= MAX_WIRE_VALUE_DEPTH) return `${path} is nested deeper than ${MAX_WIRE_VALUE_DEPTH}`;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const problem = findProblem(value[i], `${path}[${i}]`, depth + 1);
          if (problem !== undefined) return problem;
        }
        return undefined;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        return `${path} is a ${(value as object).constructor?.name ?? 'class instance'}, not a plain object`;
      }
      for (const [key, field] of Object.entries(value)) {
        const problem = findProblem(field, `${path}.${key}`, depth + 1);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      return `${path} is ${typeof value}`;
  }
}
