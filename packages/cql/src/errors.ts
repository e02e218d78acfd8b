/**
 * The one error the parser throws. Cassandra reports these as `SyntaxException`;
 * the HTTP layer answers 400 `{"error": "SyntaxError", "line", "column", ...}`.
 */
import { type ErrorCode, ErrorCodes, RingtailError } from '@ringtail/codec';
import { MAX_EXPECTED_IN_MESSAGE } from './constants.js';

/** What the HTTP API calls this error (DESIGN.md §3.2). */
export const SYNTAX_ERROR_NAME = 'SyntaxError';

export class CqlSyntaxError extends RingtailError {
  /** DESIGN.md §3.2's error name, for the HTTP layer. */
  readonly kind = SYNTAX_ERROR_NAME;
  /** 1-based line of the offending input. */
  readonly line: number;
  /** 0-based column (UTF-16 code units from the start of the line), as cqlsh shows it. */
  readonly column: number;
  /** What the parser would have accepted at that point, e.g. `["FROM", "','"]`; empty when not a token mismatch. */
  readonly expected: readonly string[];

  /**
   * `detail` follows `line L:C `. The code is `RT_INVALID_ARGUMENT`, or
   * `RT_LIMIT_EXCEEDED` when a limit of constants.ts was crossed.
   */
  constructor(
    line: number,
    column: number,
    detail: string,
    expected: readonly string[] = [],
    code: ErrorCode = ErrorCodes.INVALID_ARGUMENT,
  ) {
    super(code, `line ${line}:${column} ${detail}`);
    this.line = line;
    this.column = column;
    this.expected = expected;
  }
}

/** `A`, `A or B`, `A, B or C`; long lists are cut. */
export function formatExpected(expected: readonly string[]): string {
  const shown = expected.slice(0, MAX_EXPECTED_IN_MESSAGE);
  const more = expected.length - shown.length;
  if (more > 0) return `${shown.join(', ')} or ${more} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}
