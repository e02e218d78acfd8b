/**
 * Where statements come from, and what the session's outcome is. An
 * interactive session reads lines with prompts until EXIT or Ctrl-D and
 * goes on after a failed statement; a script (-e, -f, or piped stdin) runs
 * statement by statement, also going on after a failure as cqlsh does, and
 * reports whether every statement succeeded. Statements are cut by
 * statement-splitter.ts; the last one of a script needs no `;`.
 */
import { MAX_PENDING_STATEMENT_CHARS } from './constants.js';
import type { CqlShell, ShellOutput } from './shell.js';
import { SHELL_COMMAND_WORDS } from './shell-commands.js';
import { type SplitStatement, StatementSplitter } from './statement-splitter.js';

export type LineEvent =
  | { readonly kind: 'line'; readonly text: string }
  | { readonly kind: 'eof' }
  /** Ctrl-C while the prompt waited. */
  | { readonly kind: 'interrupt' };

/** A terminal: shows `prompt`, resolves with the next line typed. */
export interface LineInput {
  next(prompt: string): Promise<LineEvent>;
}

/** Reads lines from `input` until EXIT or its end. */
export async function runInteractive(shell: CqlShell, input: LineInput, output: ShellOutput): Promise<void> {
  const splitter = new StatementSplitter({ lineCommands: SHELL_COMMAND_WORDS });
  for (;;) {
    const event = await input.next(splitter.pending ? shell.continuationPrompt() : shell.prompt());
    if (event.kind === 'eof') {
      output.write('\n');
      return;
    }
    if (event.kind === 'interrupt') {
      splitter.reset();
      continue;
    }
    for (const statement of splitter.push(`${event.text}\n`)) {
      if ((await shell.run(statement.text)) === 'exit') return;
    }
    if (splitter.pendingLength > MAX_PENDING_STATEMENT_CHARS) {
      output.writeError(tooLong(''));
      splitter.reset();
    }
  }
}

export interface ScriptOptions {
  /** Names the input in error lines (`script.cql:12: ...`); undefined for -e, whose errors need no place. */
  readonly sourceName?: string;
}

/**
 * Runs the statements of `chunks` (a whole text, or lines as they arrive)
 * in order; resolves true when every one succeeded. EXIT stops the script.
 */
export async function runScript(
  shell: CqlShell,
  chunks: AsyncIterable<string> | Iterable<string>,
  output: ShellOutput,
  options: ScriptOptions = {},
): Promise<boolean> {
  const splitter = new StatementSplitter({ lineCommands: SHELL_COMMAND_WORDS });
  const prefix = (line: number): string => (options.sourceName === undefined ? '' : `${options.sourceName}:${line}: `);
  let succeeded = true;
  const runAll = async (statements: readonly SplitStatement[]): Promise<boolean> => {
    for (const statement of statements) {
      const outcome = await shell.run(statement.text, prefix(statement.line));
      if (outcome === 'exit') return false;
      if (outcome === 'failed') succeeded = false;
    }
    return true;
  };
  for await (const chunk of chunks) {
    if (!(await runAll(splitter.push(chunk)))) return succeeded;
    if (splitter.pendingLength > MAX_PENDING_STATEMENT_CHARS) {
      output.writeError(tooLong(prefix(splitter.pendingLine)));
      return false;
    }
  }
  const last = splitter.end();
  if (last !== undefined) await runAll([last]);
  return succeeded;
}

function tooLong(prefix: string): string {
  return `${prefix}statement is longer than ${MAX_PENDING_STATEMENT_CHARS} characters and has not ended with ';'; giving up on it (an unclosed quote or comment?)\n`;
}
