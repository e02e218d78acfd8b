/**
 * Cuts the text a user types (or a script holds) into statements, the way
 * the shell must see it before anything is sent: a `;` ends a statement,
 * except inside a string (`'…'` with `''`, `$$…$$`), a quoted identifier
 * (`"…"` with `""`), a comment (`--`, `//`, `/* … *\/`), or a
 * `BEGIN … BATCH` before its `APPLY BATCH`. A shell command (`HELP`, `EXIT`,
 * `DESCRIBE`, … — the caller names them) also ends at the end of its line.
 *
 * Incremental: text may arrive in chunks of any size (lines from a
 * terminal, a whole file, single characters) and the result is the same.
 * Each character is looked at a bounded number of times, so a long script
 * splits in linear time. The splitter only splits; it understands no
 * grammar beyond what the rules above need.
 */

export interface SplitStatement {
  /**
   * From the statement's first significant character (comments and blanks
   * before it are dropped) to just before its `;`, trailing blanks removed.
   * Positions the server reports in it (line 1, column 0 = its first
   * character) map back to the input through `line` and `column`.
   */
  readonly text: string;
  /** 1-based line of the input where `text` starts. */
  readonly line: number;
  /** 0-based column (UTF-16 code units) in that line where `text` starts. */
  readonly column: number;
  /** `;`, the end of a shell command's line, or the end of the input. */
  readonly end: 'semicolon' | 'newline' | 'eof';
}

export interface SplitterOptions {
  /** Lower-case first words of statements that also end at the end of their line. */
  readonly lineCommands?: ReadonlySet<string>;
}

type Mode = 'code' | 'string' | 'identifier' | 'dollar' | 'lineComment' | 'blockComment';

const NO_COMMANDS: ReadonlySet<string> = new Set();

export class StatementSplitter {
  private readonly lineCommands: ReadonlySet<string>;
  private mode: Mode = 'code';
  /** Characters received but not scanned yet: they may be the first half of a two-character token. */
  private carry = '';
  /** Position of the next character to scan. */
  private line = 1;
  private column = 0;
  /** The statement in progress: text so far (scanned part), where it began, and what the rules need. */
  private text = '';
  private started = false;
  private startLine = 0;
  private startColumn = 0;
  private firstWord = '';
  private previousToken = '';
  private lastToken = '';

  constructor(options: SplitterOptions = {}) {
    this.lineCommands = options.lineCommands ?? NO_COMMANDS;
  }

  /** True while a statement has begun, or a comment is open, so that more input is expected. */
  get pending(): boolean {
    return this.started || this.mode !== 'code' || this.carry.trim() !== '';
  }

  /** 1-based line where the statement in progress began (the next line, if none has). */
  get pendingLine(): number {
    return this.started ? this.startLine : this.line;
  }

  /** Characters held for the statement in progress (for bounding it). */
  get pendingLength(): number {
    return this.text.length + this.carry.length;
  }

  /** Scans `chunk`; returns the statements it completed. */
  push(chunk: string): SplitStatement[] {
    const out: SplitStatement[] = [];
    this.scan(this.carry + chunk, false, out);
    return out;
  }

  /** The end of the input: the statement in progress, if anything significant was typed, ends here. */
  end(): SplitStatement | undefined {
    const out: SplitStatement[] = [];
    this.scan(this.carry, true, out);
    if (this.started) this.finish(out, 'eof');
    this.mode = 'code';
    return out[0];
  }

  /** Forgets the statement in progress (Ctrl-C); line counting goes on. */
  reset(): void {
    this.carry = '';
    this.mode = 'code';
    this.clearStatement();
  }

  private clearStatement(): void {
    this.text = '';
    this.started = false;
    this.firstWord = '';
    this.previousToken = '';
    this.lastToken = '';
  }

  private finish(out: SplitStatement[], end: SplitStatement['end']): void {
    out.push({ text: this.text.trimEnd(), line: this.startLine, column: this.startColumn, end });
    this.clearStatement();
  }

  private token(word: string): void {
    this.previousToken = this.lastToken;
    this.lastToken = word;
  }

  /**
   * Scans `input`. Unless `final`, a character whose meaning depends on the
   * next one (or a word that may go on) is kept in `carry` for the next call.
   */
  private scan(input: string, final: boolean, out: SplitStatement[]): void {
    this.carry = '';
    let i = 0;
    /** Where the current piece of statement text began in `input`. */
    let from = this.started ? 0 : -1;
    const advanceTo = (to: number): void => {
      for (; i < to; i++) {
        if (input.charCodeAt(i) === 10) {
          this.line++;
          this.column = 0;
        } else {
          this.column++;
        }
      }
    };
    /** `word`: the statement's first word, lower case; '' when it begins with anything else. */
    const begin = (word: string): void => {
      if (this.started) return;
      this.started = true;
      this.firstWord = word;
      this.startLine = this.line;
      this.startColumn = this.column;
      from = i;
    };
    const end = (endsAt: number, how: SplitStatement['end']): void => {
      this.text += input.slice(from, endsAt);
      from = -1;
      this.finish(out, how);
    };
    const needsMore = (at: number): boolean => at >= input.length && !final;

    while (i < input.length) {
      const c = input[i]!;
      const next = input[i + 1];
      switch (this.mode) {
        case 'lineComment':
          if (c === '\n') {
            this.mode = 'code'; // the newline itself is scanned as code: it may end a shell command
            continue;
          }
          advanceTo(i + 1);
          continue;
        case 'blockComment':
          if (c === '*' && needsMore(i + 1)) break;
          if (c === '*' && next === '/') {
            this.mode = 'code';
            advanceTo(i + 2);
          } else {
            advanceTo(i + 1);
          }
          continue;
        case 'string':
        case 'identifier': {
          const quote = this.mode === 'string' ? "'" : '"';
          if (c === quote && needsMore(i + 1)) break;
          if (c === quote && next === quote) advanceTo(i + 2);
          else {
            if (c === quote) this.mode = 'code';
            advanceTo(i + 1);
          }
          continue;
        }
        case 'dollar':
          if (c === '$' && needsMore(i + 1)) break;
          if (c === '$' && next === '$') {
            this.mode = 'code';
            advanceTo(i + 2);
          } else {
            advanceTo(i + 1);
          }
          continue;
        case 'code':
          break;
      }
      if (this.mode !== 'code') break; // a quote, `*` or `$` waits for the next chunk

      if (c === '-' || c === '/' || c === '$') {
        if (needsMore(i + 1)) break;
        if ((c === '-' && next === '-') || (c === '/' && next === '/')) {
          this.mode = 'lineComment';
          advanceTo(i + 2);
          continue;
        }
        if (c === '/' && next === '*') {
          this.mode = 'blockComment';
          advanceTo(i + 2);
          continue;
        }
        begin('');
        if (c === '$' && next === '$') {
          this.mode = 'dollar';
          this.token('');
          advanceTo(i + 2);
          continue;
        }
        this.token('');
        advanceTo(i + 1);
        continue;
      }
      if (c === '\n' && this.started && this.lineCommands.has(this.firstWord)) {
        end(i, 'newline');
        advanceTo(i + 1);
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
        advanceTo(i + 1);
        continue;
      }
      if (c === ';') {
        const inBatch = this.firstWord === 'begin' && !(this.previousToken === 'apply' && this.lastToken === 'batch');
        if (this.started && !inBatch) {
          end(i, 'semicolon');
        } else if (this.started) {
          this.token('');
        }
        advanceTo(i + 1);
        continue;
      }
      if (isWordStart(c) || isDigit(c)) {
        let to = i + 1;
        while (to < input.length && isWordPart(input[to]!)) to++;
        if (needsMore(to)) break; // the word may go on in the next chunk
        const word = isWordStart(c) ? input.slice(i, to).toLowerCase() : '';
        begin(word);
        this.token(word);
        advanceTo(to);
        continue;
      }
      begin('');
      this.token('');
      if (c === "'") this.mode = 'string';
      else if (c === '"') this.mode = 'identifier';
      advanceTo(i + 1);
    }

    this.carry = input.slice(i);
    if (from >= 0) this.text += input.slice(from, i);
  }
}

function isWordStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isWordPart(c: string): boolean {
  return isWordStart(c) || isDigit(c);
}
