/**
 * Parsed statements by query text, least recently used evicted first: what
 * Cassandra's prepared statements give a driver, for a client that sends
 * the same text with new bind values — a write of one row per request parses
 * its INSERT once. Only statements with bind markers are kept: they are the
 * ones written to be sent again, while statements of literals (a new text
 * per row, typically) would only churn the cache. The parser's trees are
 * immutable (every field readonly), so one tree serves every request that
 * sends its text; planning also keeps what it derives from a tree and a
 * table (cql's insert shapes) for as long as both are current.
 *
 * Bounded twice: by entries, and by the characters of the texts kept (a tree
 * takes about ten times its text in memory). A text longer than
 * `maxTextChars` is parsed every time. Statements that fail to parse are not
 * kept: their error is thrown again each time.
 */
import { parseStatement, type Statement } from '@ringtail/cql';

export class StatementCache {
  /** In order of last use, oldest first (a Map iterates in insertion order). */
  private readonly entries = new Map<string, Statement>();
  /** The text used last, at the end of `entries`: using it again leaves the order as it is. */
  private newest: string | undefined;
  private chars = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxChars: number,
    readonly maxTextChars: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The statement `text` parses to; a CqlSyntaxError as parseStatement throws it. */
  parse(text: string): Statement {
    const cached = this.entries.get(text);
    if (cached !== undefined) {
      // Moving an entry to the end is a delete and an insert, whose holes make the Map
      // rehash every few requests; a client repeating one statement never needs it.
      if (text !== this.newest) {
        this.entries.delete(text);
        this.entries.set(text, cached);
        this.newest = text;
      }
      return cached;
    }
    const statement = parseStatement(text);
    if (statement.bindMarkerCount > 0 && text.length <= this.maxTextChars) this.add(text, statement);
    return statement;
  }

  private add(text: string, statement: Statement): void {
    this.entries.set(text, statement);
    this.newest = text;
    this.chars += text.length;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }
}
