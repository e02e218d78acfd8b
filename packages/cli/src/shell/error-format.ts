/**
 * How the shell reports a failed statement: `Name: message` on one line,
 * and for a SyntaxError the line of the statement it points at with a `^`
 * under the column (the node counts lines from 1 and columns from 0, in
 * UTF-16 code units, within the statement it was sent). In a script the
 * report starts with `file:line:`, the line where the statement starts.
 */
import { ConnectionError, QueryError } from './http-client.js';
import { displayWidth } from './table-format.js';

/** Characters of a long line shown on each side of the caret. */
const CARET_CONTEXT_CHARS = 60;

/** The offending line and a caret under `column` (both indented by two spaces); [] if the line is not in `text`. */
export function caretLines(text: string, line: number, column: number): string[] {
  const lines = text.split('\n');
  if (!Number.isInteger(line) || !Number.isInteger(column) || line < 1 || line > lines.length || column < 0) return [];
  const full = lines[line - 1]!.replace(/\r$/, '');
  const at = Math.min(column, full.length);
  const from = Math.max(0, at - CARET_CONTEXT_CHARS);
  const to = Math.min(full.length, at + CARET_CONTEXT_CHARS);
  const before = from > 0 ? '...' : '';
  const shown = printable(`${before}${full.slice(from, to)}${to < full.length ? '...' : ''}`);
  // Tabs stay tabs so that the caret lines up however the terminal expands them.
  const lead = printable(`${before}${full.slice(from, at)}`).replace(/[^\t]/gu, (c) => ' '.repeat(displayWidth(c)));
  return [`  ${shown}`, `  ${lead}^`];
}

/** Control characters other than tab would move the cursor: shown as `?`, one column each. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '?');
}

/** A failure the shell itself finds (a bad shell command, DESCRIBE of a missing table): printed as its message alone. */
export class ShellError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellError';
  }
}

export interface ErrorContext {
  /** The statement as sent. */
  readonly text: string;
  /** `script.cql:12:` in scripts; '' interactively and for -e. */
  readonly prefix: string;
}

/** The lines that report `error`. */
export function formatStatementError(error: unknown, context: ErrorContext): string[] {
  if (error instanceof QueryError) {
    const lines = [`${context.prefix}${error.errorName}: ${error.message}`];
    const { line, column } = error.fields;
    if (error.errorName === 'SyntaxError' && typeof line === 'number' && typeof column === 'number') {
      lines.push(...caretLines(context.text, line, column));
    }
    return lines;
  }
  if (error instanceof ConnectionError || error instanceof ShellError) return [`${context.prefix}${error.message}`];
  return [`${context.prefix}${error instanceof Error ? error.message : String(error)}`];
}
