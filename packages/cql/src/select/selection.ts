/**
 * Selectors → result columns: `*`, columns (with aliases), `COUNT(*)`,
 * `count(c)`, `writetime(c)`, `ttl(c)` and `token(k...)`, named as Cassandra
 * names them (`count`, `writetime(v)`, `ttl(v)`, `system.token(k)`,
 * `system.count(v)`).
 */
import { type CqlType, isMultiCell } from '@ringtail/codec';
import type { SelectorExpression, SelectStatement } from '../ast-statements.js';
import type { ColumnMetadata, TableMetadata } from '../schema/metadata.js';
import { invalidRequest } from '../semantic/errors.js';
import { TERM_FUNCTION_NAMES } from '../semantic/functions.js';

export type SelectorPlan =
  | { readonly kind: 'column'; readonly column: ColumnMetadata }
  | { readonly kind: 'writetime'; readonly column: ColumnMetadata }
  | { readonly kind: 'ttl'; readonly column: ColumnMetadata }
  | { readonly kind: 'token' }
  | { readonly kind: 'countRows' }
  | { readonly kind: 'countColumn'; readonly column: ColumnMetadata };

export interface OutputColumn {
  readonly name: string;
  readonly type: CqlType;
  readonly selector: SelectorPlan;
}

export interface Selection {
  readonly output: readonly OutputColumn[];
  readonly aggregate: boolean;
  /** The table columns whose values the selectors read. */
  readonly columns: readonly ColumnMetadata[];
}

const BIGINT: CqlType = { kind: 'bigint' };
const INT: CqlType = { kind: 'int' };
/** Tokens are unsigned 64-bit (docs/ring.md): beyond bigint's range, so varint. */
const TOKEN_TYPE: CqlType = { kind: 'varint' };

function columnOf(table: TableMetadata, name: string): ColumnMetadata {
  const column = table.columns.find((c) => c.name === name);
  if (column === undefined) throw invalidRequest(`Undefined column name ${name}`);
  return column;
}

function cellFunction(kind: 'writetime' | 'ttl', column: ColumnMetadata): SelectorPlan {
  const name = kind === 'writetime' ? 'writeTime' : 'ttl';
  if (column.kind === 'partition_key' || column.kind === 'clustering') {
    throw invalidRequest(`Cannot use selection function ${name} on PRIMARY KEY part ${column.name}`);
  }
  if (isMultiCell(column.type)) {
    throw invalidRequest(`Cannot use selection function ${name} on non-frozen collection ${column.name}`);
  }
  return { kind, column };
}

function tokenSelector(expression: Extract<SelectorExpression, { kind: 'function' }>, table: TableMetadata) {
  const keyNames = table.partitionKey.map((c) => c.name);
  const args = expression.args.map((a) => (a.kind === 'column' ? columnOf(table, a.name).name : undefined));
  if (args.length !== keyNames.length || args.some((name, i) => name !== keyNames[i])) {
    throw invalidRequest(
      `token() must be applied to the partition key columns, in order: token(${keyNames.join(', ')})`,
    );
  }
  return `system.token(${keyNames.join(', ')})`;
}

function functionName(expression: Extract<SelectorExpression, { kind: 'function' }>): string {
  return expression.keyspace === null ? expression.name : `${expression.keyspace}.${expression.name}`;
}

function planExpression(
  expression: SelectorExpression,
  table: TableMetadata,
): Omit<OutputColumn, 'name'> & {
  readonly defaultName: string;
} {
  switch (expression.kind) {
    case 'column': {
      const column = columnOf(table, expression.name);
      return { defaultName: column.name, type: column.type, selector: { kind: 'column', column } };
    }
    case 'countRows':
      return { defaultName: 'count', type: BIGINT, selector: { kind: 'countRows' } };
    case 'writetime':
    case 'ttl': {
      const column = columnOf(table, expression.column);
      return {
        defaultName: `${expression.kind}(${column.name})`,
        type: expression.kind === 'writetime' ? BIGINT : INT,
        selector: cellFunction(expression.kind, column),
      };
    }
    case 'function': {
      const system = expression.keyspace === null || expression.keyspace === 'system';
      if (system && expression.name === 'token') {
        return { defaultName: tokenSelector(expression, table), type: TOKEN_TYPE, selector: { kind: 'token' } };
      }
      const only = expression.args.length === 1 ? expression.args[0]! : undefined;
      if (system && expression.name === 'count' && only?.kind === 'column') {
        const column = columnOf(table, only.name);
        return { defaultName: `system.count(${column.name})`, type: BIGINT, selector: { kind: 'countColumn', column } };
      }
      if (!system || !(TERM_FUNCTION_NAMES.includes(expression.name) || expression.name === 'count')) {
        throw invalidRequest(`Unknown function ${functionName(expression)}`);
      }
      throw invalidRequest(
        `Function system.${expression.name} is not supported in a selection (Ringtail selects columns, COUNT, WRITETIME, TTL and token())`,
      );
    }
    case 'cast':
      throw invalidRequest('CAST is not supported in a selection');
    case 'term':
      throw invalidRequest('Constants and bind markers are not supported in a selection');
  }
}

function columnsRead(output: readonly OutputColumn[]): ColumnMetadata[] {
  const columns = new Set<ColumnMetadata>();
  for (const { selector } of output) if ('column' in selector) columns.add(selector.column);
  return [...columns];
}

export function planSelection(statement: SelectStatement, table: TableMetadata): Selection {
  let output: OutputColumn[];
  if (statement.wildcard) {
    output = table.columns.map((column) => ({
      name: column.name,
      type: column.type,
      selector: { kind: 'column', column },
    }));
  } else {
    output = statement.selectors.map((s) => {
      const { defaultName, type, selector } = planExpression(s.expression, table);
      return { name: s.alias ?? defaultName, type, selector };
    });
  }
  const aggregate = output.some((o) => o.selector.kind === 'countRows' || o.selector.kind === 'countColumn');
  return { output, aggregate, columns: columnsRead(output) };
}
