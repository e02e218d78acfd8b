/**
 * The syntax tree of Ringtail's CQL subset (docs/cql.md). Names are already
 * normalised (unquoted identifiers lower-cased, quoted ones verbatim). Literals
 * keep their source text and kind: an integer literal becomes an int, bigint,
 * varint, float, decimal or timestamp only when validated against the schema.
 */
import type { CqlType } from '@ringtail/codec';

/** Where a node starts: 1-based line, 0-based column (UTF-16 code units), 0-based offset into the text. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export interface SyntaxNode {
  readonly position: SourcePosition;
}

// ---------------------------------------------------------------- terms

/** Literal kinds. `text` holds the decoded value for strings and the source text for the rest. */
export const LITERAL_KINDS = ['string', 'integer', 'float', 'boolean', 'hex', 'uuid'] as const;
export type LiteralKind = (typeof LITERAL_KINDS)[number];

/**
 * A constant. `integer` text may start with `-` and have leading zeros;
 * `float` text is as written (`1.5`, `1e10`, `-2.5E-3`, `1.`) or one of
 * `NaN`, `-NaN`, `Infinity`, `-Infinity`; `boolean` is `true` or `false`;
 * `hex` is `0x…` as written; `uuid` is the 8-4-4-4-12 text as written.
 */
export interface Literal extends SyntaxNode {
  readonly kind: LiteralKind;
  readonly text: string;
}

export interface NullLiteral extends SyntaxNode {
  readonly kind: 'null';
}

/**
 * `?` (name null) or `:name`. `index` counts every marker of the top-level
 * statement (a batch is one statement) from 0 in order of appearance.
 */
export interface BindMarker extends SyntaxNode {
  readonly kind: 'bindMarker';
  readonly index: number;
  readonly name: string | null;
}

export interface ListLiteral extends SyntaxNode {
  readonly kind: 'list';
  readonly elements: readonly Term[];
}

export interface SetLiteral extends SyntaxNode {
  readonly kind: 'set';
  readonly elements: readonly Term[];
}

/** `{k: v, ...}`. `{}` parses as an empty map; validation accepts it for a set column too. */
export interface MapLiteral extends SyntaxNode {
  readonly kind: 'map';
  readonly entries: readonly MapEntry[];
}

export interface MapEntry {
  readonly key: Term;
  readonly value: Term;
}

export interface TupleLiteral extends SyntaxNode {
  readonly kind: 'tuple';
  readonly elements: readonly Term[];
}

/** `now()`, `uuid()`, `toTimestamp(now())`, `token(?)`; unquoted names are lower-cased. */
export interface FunctionCall extends SyntaxNode {
  readonly kind: 'function';
  readonly keyspace: string | null;
  readonly name: string;
  readonly args: readonly Term[];
}

/** `(int) ?`, `(bigint) 3`: a term with the type it must be read as. */
export interface TypeHint extends SyntaxNode {
  readonly kind: 'typeHint';
  readonly type: CqlType;
  readonly term: Term;
}

export type Term =
  | Literal
  | NullLiteral
  | BindMarker
  | ListLiteral
  | SetLiteral
  | MapLiteral
  | TupleLiteral
  | FunctionCall
  | TypeHint;

// ---------------------------------------------------------------- shared clauses

export interface TableName extends SyntaxNode {
  readonly keyspace: string | null;
  readonly name: string;
}

/** `name = value` in a WITH clause; duplicate names are a syntax error. */
export interface Property extends SyntaxNode {
  readonly name: string;
  readonly value: Literal | MapLiteral;
}

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A WHERE relation. `!=` parses but no read path accepts it (Cassandra neither). */
export type Relation =
  | ColumnRelation
  | InRelation
  | InMarkerRelation
  | ContainsRelation
  | TokenRelation
  | TupleRelation
  | TupleInRelation
  | TupleInMarkerRelation;

/** `c = v`, `c < v`, ... */
export interface ColumnRelation extends SyntaxNode {
  readonly kind: 'compare';
  readonly column: string;
  readonly operator: ComparisonOperator;
  readonly value: Term;
}

/** `c IN (v, ...)`; the list may be empty. */
export interface InRelation extends SyntaxNode {
  readonly kind: 'in';
  readonly column: string;
  readonly values: readonly Term[];
}

/** `c IN ?`: one marker bound to a list of values. */
export interface InMarkerRelation extends SyntaxNode {
  readonly kind: 'inMarker';
  readonly column: string;
  readonly marker: BindMarker;
}

/** `c CONTAINS v` (key false) or `c CONTAINS KEY v` (key true). */
export interface ContainsRelation extends SyntaxNode {
  readonly kind: 'contains';
  readonly column: string;
  readonly key: boolean;
  readonly value: Term;
}

/** `token(a, b) > token(?)`, `token(a) <= 123`. */
export interface TokenRelation extends SyntaxNode {
  readonly kind: 'token';
  readonly columns: readonly string[];
  readonly operator: ComparisonOperator;
  readonly value: Term;
}

/** `(c1, c2) > (1, 2)`; the value is a tuple literal or a bind marker. */
export interface TupleRelation extends SyntaxNode {
  readonly kind: 'tupleCompare';
  readonly columns: readonly string[];
  readonly operator: ComparisonOperator;
  readonly value: Term;
}

/** `(c1, c2) IN ((1, 2), (3, 4))`. */
export interface TupleInRelation extends SyntaxNode {
  readonly kind: 'tupleIn';
  readonly columns: readonly string[];
  readonly values: readonly Term[];
}

/** `(c1, c2) IN ?`. */
export interface TupleInMarkerRelation extends SyntaxNode {
  readonly kind: 'tupleInMarker';
  readonly columns: readonly string[];
  readonly marker: BindMarker;
}

/** `USING TTL n AND TIMESTAMP n`; each an integer literal or a bind marker, null when absent. */
export interface UsingClause {
  readonly ttl: Term | null;
  readonly timestamp: Term | null;
}

/** `IF EXISTS` or `IF c = v AND m[k] != v AND c IN (...)` on UPDATE and DELETE. */
export type UpdateCondition = ExistsCondition | ColumnConditions;

export interface ExistsCondition extends SyntaxNode {
  readonly kind: 'exists';
}

export interface ColumnConditions extends SyntaxNode {
  readonly kind: 'columns';
  readonly conditions: readonly ColumnCondition[];
}

/** One `IF` condition; `element` is the `[k]` of `m[k] = v`, null for the whole column. */
export type ColumnCondition = CompareCondition | InCondition | InMarkerCondition;

export interface CompareCondition extends SyntaxNode {
  readonly kind: 'compare';
  readonly column: string;
  readonly element: Term | null;
  readonly operator: ComparisonOperator;
  readonly value: Term;
}

export interface InCondition extends SyntaxNode {
  readonly kind: 'in';
  readonly column: string;
  readonly element: Term | null;
  readonly values: readonly Term[];
}

export interface InMarkerCondition extends SyntaxNode {
  readonly kind: 'inMarker';
  readonly column: string;
  readonly element: Term | null;
  readonly marker: BindMarker;
}
