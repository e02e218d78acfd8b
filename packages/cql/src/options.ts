import { ErrorCodes, RingtailError } from '@ringtail/codec';
import {
  MAX_BIND_MARKERS,
  MAX_NESTING_DEPTH,
  MAX_SCRIPT_LENGTH_CHARS,
  MAX_STATEMENT_LENGTH_CHARS,
} from './constants.js';

/**
 * Work counters, for tests and benchmarks that check the parser is linear
 * without timing it. Pass an object; the parser adds to its fields.
 */
export interface ParseStats {
  /** Tokens produced by the lexer. */
  tokens: number;
  /** Characters the lexer looked at, including the ones it looked at twice (uuid probes, string bodies). */
  lexerSteps: number;
  /** Token look-ups by the parser (every peek, match and consume). */
  parserSteps: number;
}

/** Lower limits than the defaults of constants.ts (a server may want smaller ones); never higher. */
export interface ParseOptions {
  readonly maxStatementLengthChars?: number;
  readonly maxScriptLengthChars?: number;
  readonly maxNestingDepth?: number;
  readonly maxBindMarkers?: number;
  readonly stats?: ParseStats;
}

export interface ResolvedOptions {
  readonly maxStatementLengthChars: number;
  readonly maxScriptLengthChars: number;
  readonly maxNestingDepth: number;
  readonly maxBindMarkers: number;
  readonly stats: ParseStats | undefined;
}

function limit(name: string, value: number | undefined, ceiling: number): number {
  if (value === undefined) return ceiling;
  if (!Number.isSafeInteger(value) || value < 1 || value > ceiling) {
    throw new RingtailError(
      ErrorCodes.INVALID_ARGUMENT,
      `${name} must be an integer from 1 to ${ceiling}, got ${value}`,
    );
  }
  return value;
}

export function resolveOptions(options: ParseOptions | undefined): ResolvedOptions {
  return {
    maxStatementLengthChars: limit(
      'maxStatementLengthChars',
      options?.maxStatementLengthChars,
      MAX_STATEMENT_LENGTH_CHARS,
    ),
    maxScriptLengthChars: limit('maxScriptLengthChars', options?.maxScriptLengthChars, MAX_SCRIPT_LENGTH_CHARS),
    maxNestingDepth: limit('maxNestingDepth', options?.maxNestingDepth, MAX_NESTING_DEPTH),
    maxBindMarkers: limit('maxBindMarkers', options?.maxBindMarkers, MAX_BIND_MARKERS),
    stats: options?.stats,
  };
}
