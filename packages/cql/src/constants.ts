/** Limits of the CQL parser, in one place (docs/cql.md, "Limits"). */

/** Longest statement accepted by `parseStatement`, and longest single statement in a script, in UTF-16 code units. */
export const MAX_STATEMENT_LENGTH_CHARS = 1024 * 1024;

/** Longest text accepted by `parseStatements` (a file run with `ringtail cql -f`), in UTF-16 code units. */
export const MAX_SCRIPT_LENGTH_CHARS = 64 * 1024 * 1024;

/**
 * Deepest nesting of collection and tuple literals, parentheses, function calls
 * and type arguments. Deeper input is a syntax error, never a stack overflow:
 * every recursive step of the parser passes through one depth check.
 */
export const MAX_NESTING_DEPTH = 64;

/** Most bind markers in one statement (a batch counts as one); the native protocol counts values in a uint16. */
export const MAX_BIND_MARKERS = 65_535;

/** Longest piece of offending input quoted in an error message; longer tokens are cut and end in `...`. */
export const MAX_ERROR_TOKEN_CHARS = 40;

/** Most alternatives listed after "expecting" in an error message. */
export const MAX_EXPECTED_IN_MESSAGE = 12;
