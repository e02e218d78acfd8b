/** Statement nodes of the syntax tree; terms and shared clauses are in ast.ts. */
import type { CqlType } from '@ringtail/codec';
import type {
  Property,
  Relation,
  SourcePosition,
  SyntaxNode,
  TableName,
  Term,
  UpdateCondition,
  UsingClause,
} from './ast.js';

export interface StatementBase extends SyntaxNode {
  /** Offset just past the statement's last token (before any `;`): `text.slice(position.offset, endOffset)` is its source. */
  readonly endOffset: number;
  /** Bind markers inside this statement (for a batch, in the whole batch). */
  readonly bindMarkerCount: number;
}

// ---------------------------------------------------------------- keyspaces

/** `CREATE KEYSPACE [IF NOT EXISTS] ks WITH replication = {...} [AND durable_writes = b]`. */
export interface CreateKeyspaceStatement extends StatementBase {
  readonly kind: 'createKeyspace';
  readonly ifNotExists: boolean;
  readonly keyspace: string;
  readonly properties: readonly Property[];
}

/** `ALTER KEYSPACE ks WITH ...`. */
export interface AlterKeyspaceStatement extends StatementBase {
  readonly kind: 'alterKeyspace';
  readonly keyspace: string;
  readonly properties: readonly Property[];
}

export interface DropKeyspaceStatement extends StatementBase {
  readonly kind: 'dropKeyspace';
  readonly ifExists: boolean;
  readonly keyspace: string;
}

export interface UseStatement extends StatementBase {
  readonly kind: 'use';
  readonly keyspace: string;
}

// ---------------------------------------------------------------- tables

export interface ColumnDefinition extends SyntaxNode {
  readonly name: string;
  readonly type: CqlType;
  readonly isStatic: boolean;
}

export type SortDirection = 'asc' | 'desc';

export interface ColumnOrder extends SyntaxNode {
  readonly column: string;
  readonly direction: SortDirection;
}

/**
 * `CREATE TABLE`. The primary key, whether written inline (`k int PRIMARY KEY`)
 * or as a clause, is resolved into `partitionKey` and `clusteringColumns`;
 * that there is exactly one is checked here, that the names exist is left to
 * validation.
 */
export interface CreateTableStatement extends StatementBase {
  readonly kind: 'createTable';
  readonly ifNotExists: boolean;
  readonly table: TableName;
  readonly columns: readonly ColumnDefinition[];
  readonly partitionKey: readonly string[];
  readonly clusteringColumns: readonly string[];
  /** `WITH CLUSTERING ORDER BY (...)`, empty when absent. */
  readonly clusteringOrder: readonly ColumnOrder[];
  readonly properties: readonly Property[];
}

export interface DropTableStatement extends StatementBase {
  readonly kind: 'dropTable';
  readonly ifExists: boolean;
  readonly table: TableName;
}

export interface TruncateStatement extends StatementBase {
  readonly kind: 'truncate';
  readonly table: TableName;
}

export type AlterTableAction =
  | { readonly kind: 'addColumns'; readonly columns: readonly ColumnDefinition[] }
  | { readonly kind: 'dropColumns'; readonly columns: readonly string[] }
  | { readonly kind: 'renameColumns'; readonly renames: readonly ColumnRename[] }
  | { readonly kind: 'setProperties'; readonly properties: readonly Property[] };

export interface ColumnRename extends SyntaxNode {
  readonly from: string;
  readonly to: string;
}

export interface AlterTableStatement extends StatementBase {
  readonly kind: 'alterTable';
  readonly table: TableName;
  readonly action: AlterTableAction;
}

// ---------------------------------------------------------------- data

export type InsertSource =
  | { readonly kind: 'values'; readonly columns: readonly string[]; readonly values: readonly Term[] }
  /** `JSON '...' [DEFAULT NULL | DEFAULT UNSET]`: `json` is a string literal or a bind marker. */
  | { readonly kind: 'json'; readonly json: Term; readonly defaultUnset: boolean };

export interface InsertStatement extends StatementBase {
  readonly kind: 'insert';
  readonly table: TableName;
  readonly source: InsertSource;
  readonly ifNotExists: boolean;
  readonly using: UsingClause;
}

/**
 * One `SET` item. `add` is `c = c + v` or `c += v` (counter increment, list
 * append, set union, map merge); `subtract` is `c = c - v` or `c -= v`;
 * `prepend` is `l = v + l`; `setElement` is `m[k] = v` or `l[i] = v`.
 */
export type Assignment =
  | { readonly kind: 'set'; readonly column: string; readonly value: Term; readonly position: SourcePosition }
  | {
      readonly kind: 'setElement';
      readonly column: string;
      readonly element: Term;
      readonly value: Term;
      readonly position: SourcePosition;
    }
  | { readonly kind: 'add'; readonly column: string; readonly value: Term; readonly position: SourcePosition }
  | { readonly kind: 'subtract'; readonly column: string; readonly value: Term; readonly position: SourcePosition }
  | { readonly kind: 'prepend'; readonly column: string; readonly value: Term; readonly position: SourcePosition };

export interface UpdateStatement extends StatementBase {
  readonly kind: 'update';
  readonly table: TableName;
  readonly using: UsingClause;
  readonly assignments: readonly Assignment[];
  readonly where: readonly Relation[];
  readonly condition: UpdateCondition | null;
}

/** A column in `DELETE c, m[k] FROM`; `element` is the map key or list index. */
export interface DeleteTarget extends SyntaxNode {
  readonly column: string;
  readonly element: Term | null;
}

/** `DELETE [targets] FROM t [USING TIMESTAMP n] WHERE ... [IF ...]`; no targets deletes rows or partitions. */
export interface DeleteStatement extends StatementBase {
  readonly kind: 'delete';
  readonly targets: readonly DeleteTarget[];
  readonly table: TableName;
  /** Only `timestamp` is ever set: DELETE takes no TTL. */
  readonly using: UsingClause;
  readonly where: readonly Relation[];
  readonly condition: UpdateCondition | null;
}

export type ModificationStatement = InsertStatement | UpdateStatement | DeleteStatement;

export type BatchType = 'logged' | 'unlogged' | 'counter';

export interface BatchStatement extends StatementBase {
  readonly kind: 'batch';
  readonly batchType: BatchType;
  /** Only `timestamp` is ever set. */
  readonly using: UsingClause;
  readonly statements: readonly ModificationStatement[];
}

// ---------------------------------------------------------------- queries

export type SelectorExpression =
  | { readonly kind: 'column'; readonly name: string; readonly position: SourcePosition }
  /** `COUNT(*)` or `COUNT(1)`. */
  | { readonly kind: 'countRows'; readonly position: SourcePosition }
  | { readonly kind: 'writetime'; readonly column: string; readonly position: SourcePosition }
  | { readonly kind: 'ttl'; readonly column: string; readonly position: SourcePosition }
  | {
      readonly kind: 'cast';
      readonly expression: SelectorExpression;
      readonly type: CqlType;
      readonly position: SourcePosition;
    }
  /** `token(a, b)`, `toTimestamp(c)`, `now()`, `count(c)`, ... */
  | {
      readonly kind: 'function';
      readonly keyspace: string | null;
      readonly name: string;
      readonly args: readonly SelectorExpression[];
      readonly position: SourcePosition;
    }
  /** A constant, bind marker or collection inside a selector, e.g. the `'x'` of `blobAsText(0x61)`. */
  | { readonly kind: 'term'; readonly term: Term; readonly position: SourcePosition };

export interface Selector extends SyntaxNode {
  readonly expression: SelectorExpression;
  readonly alias: string | null;
}

export interface SelectStatement extends StatementBase {
  readonly kind: 'select';
  readonly json: boolean;
  readonly distinct: boolean;
  /** `SELECT *`; `selectors` is then empty. */
  readonly wildcard: boolean;
  readonly selectors: readonly Selector[];
  readonly table: TableName;
  readonly where: readonly Relation[];
  readonly orderBy: readonly ColumnOrder[];
  /** Integer literal or bind marker, null when absent. */
  readonly perPartitionLimit: Term | null;
  readonly limit: Term | null;
  readonly allowFiltering: boolean;
}

export type Statement =
  | CreateKeyspaceStatement
  | AlterKeyspaceStatement
  | DropKeyspaceStatement
  | UseStatement
  | CreateTableStatement
  | AlterTableStatement
  | DropTableStatement
  | TruncateStatement
  | InsertStatement
  | UpdateStatement
  | DeleteStatement
  | BatchStatement
  | SelectStatement;

export type StatementKind = Statement['kind'];
