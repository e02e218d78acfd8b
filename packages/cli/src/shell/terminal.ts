/**
 * The interactive shell's terminal, on node:readline: line editing,
 * history (kept in a file across sessions), prompts, and Ctrl-C — which
 * clears the statement being typed, or stops waiting for one that runs.
 * Lines typed while a statement runs are kept and read in order.
 */
import { createInterface, type Interface } from 'node:readline';
import { MAX_HISTORY_ENTRIES } from './constants.js';
import { loadHistory, saveHistory } from './history.js';
import type { LineEvent, LineInput } from './session.js';

export interface TerminalOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Line editing and escape sequences; false when either side is not a terminal. */
  readonly terminal: boolean;
  /** Where history is kept; none when undefined. */
  readonly historyFile: string | undefined;
  /** Ctrl-C while no prompt waits (a statement runs). */
  onInterrupt(): void;
  /** A problem with the history file: said once, the session goes on. */
  warn(message: string): void;
}

export class TerminalInput implements LineInput {
  private readonly rl: Interface;
  private readonly lines: string[] = [];
  private waiting: ((event: LineEvent) => void) | undefined;
  private closed = false;
  private history: readonly string[];

  constructor(private readonly options: TerminalOptions) {
    this.history = options.historyFile === undefined ? [] : loadHistory(options.historyFile);
    this.rl = createInterface({
      input: options.input,
      output: options.output,
      terminal: options.terminal,
      history: [...this.history],
      historySize: options.historyFile === undefined ? 0 : MAX_HISTORY_ENTRIES,
      removeHistoryDuplicates: true,
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    this.rl.on('history', (history: string[]) => {
      this.history = history;
    });
    this.rl.on('line', (line) => this.deliver({ kind: 'line', text: line }, () => this.lines.push(line)));
    this.rl.on('close', () => {
      this.closed = true;
      this.deliver({ kind: 'eof' }, () => {});
    });
    this.rl.on('SIGINT', () => {
      if (this.waiting === undefined) {
        this.options.onInterrupt();
        return;
      }
      // Forget what was typed on this line, leave `^C` after it, and take a fresh line.
      this.rl.write(null, { ctrl: true, name: 'e' });
      this.rl.write(null, { ctrl: true, name: 'u' });
      this.options.output.write('^C\n');
      this.deliver({ kind: 'interrupt' }, () => {});
    });
  }

  next(prompt: string): Promise<LineEvent> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve({ kind: 'line', text: line });
    if (this.closed) return Promise.resolve({ kind: 'eof' });
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.rl.setPrompt(prompt);
      this.rl.prompt();
    });
  }

  /** Saves the history and lets go of the terminal. */
  close(): void {
    this.rl.close();
    if (this.options.historyFile === undefined) return;
    const problem = saveHistory(this.options.historyFile, this.history);
    if (problem !== undefined) this.options.warn(problem);
  }

  private deliver(event: LineEvent, otherwise: () => void): void {
    const waiting = this.waiting;
    if (waiting === undefined) {
      otherwise();
      return;
    }
    this.waiting = undefined;
    waiting(event);
  }
}
