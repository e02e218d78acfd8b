/**
 * The parser's view of the token stream: bounded look-ahead, no backtracking,
 * and the bookkeeping shared by every grammar rule (nesting depth, bind marker
 * numbering, and the set of alternatives tried at the current token, which
 * becomes the "expecting ..." of a syntax error).
 */
import { type ErrorCode, ErrorCodes } from '@ringtail/codec';
import type { SourcePosition } from './ast.js';
import type { StatementBase } from './ast-statements.js';
import { MAX_ERROR_TOKEN_CHARS } from './constants.js';
import { CqlSyntaxError, formatExpected } from './errors.js';
import { RESERVED_KEYWORDS } from './keywords.js';
import { type Lexer, PUNCTUATION, type Token } from './lexer.js';
import type { ResolvedOptions } from './options.js';

export interface Identifier {
  readonly name: string;
  readonly token: Token;
}

/** Labels for "a name goes here" end in `name`, e.g. `column name`; a selector may be a column name. */
function isNameLabel(label: string): boolean {
  return label === 'identifier' || label === 'selector' || label.endsWith(' name');
}

/** Bounded: the parser asks only about its own keywords, a fixed set of literals in this package. */
const keywordLabels = new Map<string, string>();

/** `FROM` for the keyword `from`; computed once per word (the parser asks for it at every probe). */
function keywordLabel(word: string): string {
  let label = keywordLabels.get(word);
  if (label === undefined) {
    label = word.toUpperCase();
    keywordLabels.set(word, label);
  }
  return label;
}

const PUNCT_LABELS: ReadonlyMap<string, string> = new Map(PUNCTUATION.map((p) => [p, `'${p}'`]));

export class Cursor {
  /** Tokens read from the lexer and not yet consumed; never more than the deepest look-ahead (4). */
  private readonly lookahead: Token[] = [];
  /** Tokens consumed so far; names the token the expectations below are about. */
  private consumed = 0;
  private expectedAt = -1;
  /** The first `expectedCount` entries count; may hold duplicates, which `fail` removes. Reused, not reallocated. */
  private readonly expected: string[] = [];
  private expectedCount = 0;
  private depth = 0;
  private bindMarkers = 0;
  /** Offset just past the last consumed token. */
  lastEnd = 0;

  constructor(
    private readonly lexer: Lexer,
    readonly options: ResolvedOptions,
  ) {}

  peek(k = 0): Token {
    const stats = this.options.stats;
    if (stats !== undefined) stats.parserSteps++;
    while (this.lookahead.length <= k) this.lookahead.push(this.lexer.next());
    return this.lookahead[k]!;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') {
      this.lookahead.shift();
      this.consumed++;
      this.lastEnd = token.end;
    }
    return token;
  }

  position(token: Token): SourcePosition {
    return { line: token.line, column: token.column, offset: token.offset };
  }

  /** Records that `label` would have been accepted at the current token. */
  note(label: string): void {
    if (this.expectedAt !== this.consumed) {
      this.expectedAt = this.consumed;
      this.expectedCount = 0;
    }
    this.expected[this.expectedCount++] = label;
  }

  // ------------------------------------------------------------ look-ahead without recording

  isWordAt(k: number, word: string): boolean {
    const token = this.peek(k);
    return token.kind === 'word' && token.value === word;
  }

  isPunctAt(k: number, punct: string): boolean {
    const token = this.peek(k);
    return token.kind === 'punct' && token.value === punct;
  }

  /** An unquoted non-reserved word or a quoted name. */
  isIdentifierAt(k: number): boolean {
    const token = this.peek(k);
    return token.kind === 'quotedName' || (token.kind === 'word' && !RESERVED_KEYWORDS.has(token.value));
  }

  // ------------------------------------------------------------ matching, recording what was tried

  atWord(word: string): boolean {
    this.note(keywordLabel(word));
    return this.isWordAt(0, word);
  }

  acceptWord(word: string): Token | null {
    return this.atWord(word) ? this.next() : null;
  }

  expectWord(word: string): Token {
    return this.acceptWord(word) ?? this.fail();
  }

  atPunct(punct: string): boolean {
    this.note(PUNCT_LABELS.get(punct) ?? punct);
    return this.isPunctAt(0, punct);
  }

  acceptPunct(punct: string): Token | null {
    return this.atPunct(punct) ? this.next() : null;
  }

  expectPunct(punct: string): Token {
    return this.acceptPunct(punct) ?? this.fail();
  }

  atIdentifier(label = 'identifier'): boolean {
    this.note(label);
    return this.isIdentifierAt(0);
  }

  expectIdentifier(label = 'identifier'): Identifier {
    if (!this.atIdentifier(label)) this.fail();
    const token = this.next();
    return { name: token.value, token };
  }

  // ------------------------------------------------------------ errors and bookkeeping

  /** Throws "mismatched input" at the current token, listing what was tried there. */
  fail(): never {
    const token = this.peek();
    const expected = this.expectedAt === this.consumed ? [...new Set(this.expected.slice(0, this.expectedCount))] : [];
    let detail =
      expected.length === 0
        ? `no viable alternative at input '${this.display(token)}'`
        : `mismatched input '${this.display(token)}' expecting ${formatExpected(expected)}`;
    if (token.kind === 'word' && RESERVED_KEYWORDS.has(token.value) && expected.some(isNameLabel)) {
      detail += ` (${token.value} is a reserved keyword: quote it as "${token.value}" to use it as a name)`;
    }
    throw new CqlSyntaxError(token.line, token.column, detail, expected);
  }

  /** An error about a token that parsed but is not allowed where it stands. */
  errorAt(at: Token | SourcePosition, detail: string, code: ErrorCode = ErrorCodes.INVALID_ARGUMENT): CqlSyntaxError {
    return new CqlSyntaxError(at.line, at.column, detail, [], code);
  }

  /** The offending input as an error message quotes it. */
  display(token: Token): string {
    if (token.kind === 'eof') return '<EOF>';
    const text = this.lexer.source.slice(token.offset, Math.min(token.end, token.offset + MAX_ERROR_TOKEN_CHARS));
    return token.end - token.offset > MAX_ERROR_TOKEN_CHARS ? `${text}...` : text;
  }

  /** Every recursive grammar rule goes through here, so hostile nesting ends in a syntax error, not a stack overflow. */
  enter(token: Token): void {
    this.depth++;
    if (this.depth > this.options.maxNestingDepth) {
      throw this.errorAt(
        token,
        `nesting deeper than ${this.options.maxNestingDepth} levels`,
        ErrorCodes.LIMIT_EXCEEDED,
      );
    }
  }

  leave(): void {
    this.depth--;
  }

  /** Starts a top-level statement: markers are numbered from 0 again. */
  resetStatement(): void {
    this.bindMarkers = 0;
    this.depth = 0;
  }

  get bindMarkerCount(): number {
    return this.bindMarkers;
  }

  /** The fields every statement ends with, once its last token is consumed. */
  finishStatement(
    start: Token,
    markersBefore: number,
  ): Pick<StatementBase, 'position' | 'endOffset' | 'bindMarkerCount'> {
    return {
      position: this.position(start),
      endOffset: this.lastEnd,
      bindMarkerCount: this.bindMarkers - markersBefore,
    };
  }

  nextBindMarkerIndex(token: Token): number {
    if (this.bindMarkers >= this.options.maxBindMarkers) {
      throw this.errorAt(
        token,
        `more than ${this.options.maxBindMarkers} bind markers in one statement`,
        ErrorCodes.LIMIT_EXCEEDED,
      );
    }
    return this.bindMarkers++;
  }
}
