/**
 * Turns CQL text into tokens on demand, left to right, looking at each
 * character a bounded number of times (linear in the input). Token rules
 * follow Cassandra's Lexer.g; see docs/cql.md, "Lexical structure".
 */
import { CqlSyntaxError } from './errors.js';
import type { ParseStats } from './options.js';

export type TokenKind = 'word' | 'quotedName' | 'string' | 'integer' | 'float' | 'hex' | 'uuid' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** word: lower-cased; quotedName and string: decoded; punct: the symbol; eof: ''; others: the source text. */
  readonly value: string;
  /** Offset of the first character, and just past the last. */
  readonly offset: number;
  readonly end: number;
  /** 1-based line, 0-based column. */
  readonly line: number;
  readonly column: number;
}

/** Every punctuation token: `( ) [ ] { } , ; . * = < > + - : ?` and `<= >= != += -=`. */
export const PUNCTUATION: readonly string[] = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ';',
  '.',
  '*',
  '=',
  '<',
  '>',
  '+',
  '-',
  ':',
  '?',
  '<=',
  '>=',
  '!=',
  '+=',
  '-=',
];
/** Punctuation by the code of its first character; the two-character ones end in `=`. */
const ONE_CHAR_PUNCT = new Map<number, string>(
  PUNCTUATION.filter((p) => p.length === 1).map((p) => [p.charCodeAt(0), p]),
);
const TWO_CHAR_PUNCT = new Map<number, string>(
  PUNCTUATION.filter((p) => p.length === 2).map((p) => [p.charCodeAt(0), p]),
);
const EQUALS = 61;

const UUID_LENGTH = 36;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
function isWordChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12;
}

/** A character as an error message shows it: quoted when printable, U+XXXX otherwise. */
function describeCharacter(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0) || (code >= 0xd800 && code <= 0xdfff)) {
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${char}'`;
}

export class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    readonly source: string,
    private readonly stats: ParseStats | undefined,
  ) {}

  /** The next token; `eof` forever once the text is consumed. */
  next(): Token {
    this.skipSpaceAndComments();
    const source = this.source;
    const start = this.pos;
    const line = this.line;
    const column = start - this.lineStart;
    if (start >= source.length) return { kind: 'eof', value: '', offset: start, end: start, line, column };
    const c = source.charCodeAt(start);
    let kind: TokenKind;
    let value: string | undefined;
    if (isHexDigit(c) && this.uuidAt(start)) {
      kind = 'uuid';
      this.pos = start + UUID_LENGTH;
    } else if (c === 48 && (source.charCodeAt(start + 1) | 0x20) === 120) {
      kind = 'hex';
      let i = start + 2;
      while (i < source.length && isHexDigit(source.charCodeAt(i))) i++;
      this.pos = i;
    } else if (isDigit(c) || (c === 45 && isDigit(source.charCodeAt(start + 1)))) {
      kind = this.scanNumber(start);
    } else if (isLetter(c)) {
      let i = start + 1;
      while (i < source.length && isWordChar(source.charCodeAt(i))) i++;
      this.pos = i;
      kind = 'word';
      value = source.slice(start, i).toLowerCase();
    } else if (c === 39) {
      kind = 'string';
      value = this.scanQuoted(start, "'", 'string literal');
    } else if (c === 36 && source.charCodeAt(start + 1) === 36) {
      kind = 'string';
      value = this.scanDollarString(start);
    } else if (c === 34) {
      kind = 'quotedName';
      value = this.scanQuoted(start, '"', 'quoted identifier');
      if (value === '') throw this.errorAt(line, column, 'empty quoted identifier ""');
    } else {
      const two = source.charCodeAt(start + 1) === EQUALS ? TWO_CHAR_PUNCT.get(c) : undefined;
      value = two ?? ONE_CHAR_PUNCT.get(c);
      if (value === undefined)
        throw this.errorAt(
          line,
          column,
          `unexpected character ${describeCharacter(String.fromCodePoint(source.codePointAt(start) ?? 0))}`,
        );
      kind = 'punct';
      this.pos = start + value.length;
    }
    const end = this.pos;
    if (this.stats !== undefined) {
      this.stats.tokens++;
      this.stats.lexerSteps += end - start;
    }
    return { kind, value: value ?? source.slice(start, end), offset: start, end, line, column };
  }

  private errorAt(line: number, column: number, detail: string): CqlSyntaxError {
    return new CqlSyntaxError(line, column, detail);
  }

  /** Moves to `target`, counting the line breaks passed. */
  private advanceTo(target: number): void {
    const source = this.source;
    for (let i = this.pos; i < target; i++) {
      if (source.charCodeAt(i) === 10) {
        this.line++;
        this.lineStart = i + 1;
      }
    }
    if (this.stats !== undefined) this.stats.lexerSteps += target - this.pos;
    this.pos = target;
  }

  private skipSpaceAndComments(): void {
    const source = this.source;
    for (;;) {
      const c = source.charCodeAt(this.pos);
      const d = source.charCodeAt(this.pos + 1);
      if (isSpace(c)) {
        this.advanceTo(this.pos + 1);
      } else if ((c === 45 && d === 45) || (c === 47 && d === 47)) {
        const newline = source.indexOf('\n', this.pos);
        this.advanceTo(newline === -1 ? source.length : newline);
      } else if (c === 47 && d === 42) {
        const close = source.indexOf('*/', this.pos + 2);
        if (close === -1) throw this.errorAt(this.line, this.pos - this.lineStart, 'unterminated comment /* ...');
        this.advanceTo(close + 2);
      } else {
        return;
      }
    }
  }

  /** Whether an unquoted 8-4-4-4-12 uuid starts at `start`. Looks at most 36 characters ahead. */
  private uuidAt(start: number): boolean {
    const source = this.source;
    if (start + UUID_LENGTH > source.length || source.charCodeAt(start + 8) !== 45) return false;
    let i = 0;
    for (; i < UUID_LENGTH; i++) {
      const c = source.charCodeAt(start + i);
      const hyphen = i === 8 || i === 13 || i === 18 || i === 23;
      if (hyphen ? c !== 45 : !isHexDigit(c)) break;
    }
    if (this.stats !== undefined) this.stats.lexerSteps += i;
    return i === UUID_LENGTH;
  }

  /** `-?DIGIT+` is an integer; a fraction (`1.`, `1.5`) or an exponent (`1e10`, `2.5E-3`) makes a float. */
  private scanNumber(start: number): TokenKind {
    const source = this.source;
    let i = start + 1;
    while (i < source.length && isDigit(source.charCodeAt(i))) i++;
    let kind: TokenKind = 'integer';
    if (source.charCodeAt(i) === 46) {
      kind = 'float';
      i++;
      while (i < source.length && isDigit(source.charCodeAt(i))) i++;
    }
    if ((source.charCodeAt(i) | 0x20) === 101) {
      let j = i + 1;
      const sign = source.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      if (isDigit(source.charCodeAt(j))) {
        while (j < source.length && isDigit(source.charCodeAt(j))) j++;
        kind = 'float';
        i = j;
      }
    }
    this.pos = i;
    return kind;
  }

  /** `'it''s'` or `"Quoted ""name"""`: the quote doubled stands for itself. */
  private scanQuoted(start: number, quote: string, what: string): string {
    const source = this.source;
    const line = this.line;
    const column = start - this.lineStart;
    const parts: string[] = [];
    let from = start + 1;
    for (;;) {
      const close = source.indexOf(quote, from);
      if (close === -1) throw this.errorAt(line, column, `unterminated ${what}`);
      parts.push(source.slice(from, close));
      if (source[close + 1] === quote) {
        parts.push(quote);
        from = close + 2;
      } else {
        this.advanceTo(close + 1);
        return parts.length === 1 ? parts[0]! : parts.join('');
      }
    }
  }

  /** `$$any text, 'quotes' included$$`: no escapes, ends at the first `$$`. */
  private scanDollarString(start: number): string {
    const close = this.source.indexOf('$$', start + 2);
    if (close === -1) throw this.errorAt(this.line, start - this.lineStart, 'unterminated string literal $$...');
    this.advanceTo(close + 2);
    return this.source.slice(start + 2, close);
  }
}
