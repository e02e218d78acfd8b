/**
 * Prints a statement as canonical CQL on one line: keywords upper-case, names
 * quoted only when they must be, strings in single quotes. Parsing the output
 * gives back the same tree (positions aside), which the property tests check.
 */
import { formatCqlType } from '@ringtail/codec';
import type {
  AlterTableAction,
  Assignment,
  ColumnDefinition,
  ColumnOrder,
  CreateTableStatement,
  DeleteTarget,
  InsertStatement,
  SelectorExpression,
  SelectStatement,
  Statement,
} from './ast-statements.js';
import {
  formatCondition,
  formatFunctionName,
  formatProperties,
  formatTableName,
  formatTerm,
  formatUsing,
  formatWhere,
} from './format-terms.js';
import { formatIdentifier } from './keywords.js';

export function formatStatement(statement: Statement): string {
  switch (statement.kind) {
    case 'createKeyspace':
      return `CREATE KEYSPACE ${statement.ifNotExists ? 'IF NOT EXISTS ' : ''}${formatIdentifier(statement.keyspace)} WITH ${formatProperties(statement.properties)}`;
    case 'alterKeyspace':
      return `ALTER KEYSPACE ${formatIdentifier(statement.keyspace)} WITH ${formatProperties(statement.properties)}`;
    case 'dropKeyspace':
      return `DROP KEYSPACE ${statement.ifExists ? 'IF EXISTS ' : ''}${formatIdentifier(statement.keyspace)}`;
    case 'use':
      return `USE ${formatIdentifier(statement.keyspace)}`;
    case 'createTable':
      return formatCreateTable(statement);
    case 'alterTable':
      return `ALTER TABLE ${formatTableName(statement.table)} ${formatAlterAction(statement.action)}`;
    case 'dropTable':
      return `DROP TABLE ${statement.ifExists ? 'IF EXISTS ' : ''}${formatTableName(statement.table)}`;
    case 'truncate':
      return `TRUNCATE TABLE ${formatTableName(statement.table)}`;
    case 'insert':
      return formatInsert(statement);
    case 'update':
      return `UPDATE ${formatTableName(statement.table)}${formatUsing(statement.using)} SET ${statement.assignments.map(formatAssignment).join(', ')}${formatWhere(statement.where)}${formatCondition(statement.condition)}`;
    case 'delete': {
      const targets = statement.targets.map(formatDeleteTarget).join(', ');
      return `DELETE ${targets === '' ? '' : `${targets} `}FROM ${formatTableName(statement.table)}${formatUsing(statement.using)}${formatWhere(statement.where)}${formatCondition(statement.condition)}`;
    }
    case 'batch': {
      const type = statement.batchType === 'logged' ? '' : `${statement.batchType.toUpperCase()} `;
      const body = statement.statements.map((s) => `${formatStatement(s)}; `).join('');
      return `BEGIN ${type}BATCH${formatUsing(statement.using)} ${body}APPLY BATCH`;
    }
    case 'select':
      return formatSelect(statement);
  }
}

function formatColumnDefinition(column: ColumnDefinition): string {
  return `${formatIdentifier(column.name)} ${formatCqlType(column.type)}${column.isStatic ? ' STATIC' : ''}`;
}

function formatColumnOrder(order: ColumnOrder): string {
  return `${formatIdentifier(order.column)} ${order.direction.toUpperCase()}`;
}

function formatCreateTable(statement: CreateTableStatement): string {
  const partition = statement.partitionKey.map(formatIdentifier).join(', ');
  const key = [
    statement.partitionKey.length === 1 ? partition : `(${partition})`,
    ...statement.clusteringColumns.map(formatIdentifier),
  ].join(', ');
  const definitions = [...statement.columns.map(formatColumnDefinition), `PRIMARY KEY (${key})`].join(', ');
  const options: string[] = [];
  if (statement.clusteringOrder.length > 0) {
    options.push(`CLUSTERING ORDER BY (${statement.clusteringOrder.map(formatColumnOrder).join(', ')})`);
  }
  if (statement.properties.length > 0) options.push(formatProperties(statement.properties));
  const withClause = options.length === 0 ? '' : ` WITH ${options.join(' AND ')}`;
  return `CREATE TABLE ${statement.ifNotExists ? 'IF NOT EXISTS ' : ''}${formatTableName(statement.table)} (${definitions})${withClause}`;
}

function formatAlterAction(action: AlterTableAction): string {
  switch (action.kind) {
    case 'addColumns':
      return action.columns.length === 1
        ? `ADD ${formatColumnDefinition(action.columns[0]!)}`
        : `ADD (${action.columns.map(formatColumnDefinition).join(', ')})`;
    case 'dropColumns':
      return action.columns.length === 1
        ? `DROP ${formatIdentifier(action.columns[0]!)}`
        : `DROP (${action.columns.map(formatIdentifier).join(', ')})`;
    case 'renameColumns':
      return `RENAME ${action.renames.map((r) => `${formatIdentifier(r.from)} TO ${formatIdentifier(r.to)}`).join(' AND ')}`;
    case 'setProperties':
      return `WITH ${formatProperties(action.properties)}`;
  }
}

function formatInsert(statement: InsertStatement): string {
  const source = statement.source;
  const body =
    source.kind === 'json'
      ? `JSON ${formatTerm(source.json)}${source.defaultUnset ? ' DEFAULT UNSET' : ''}`
      : `(${source.columns.map(formatIdentifier).join(', ')}) VALUES (${source.values.map(formatTerm).join(', ')})`;
  return `INSERT INTO ${formatTableName(statement.table)} ${body}${statement.ifNotExists ? ' IF NOT EXISTS' : ''}${formatUsing(statement.using)}`;
}

function formatAssignment(assignment: Assignment): string {
  const column = formatIdentifier(assignment.column);
  switch (assignment.kind) {
    case 'set':
      return `${column} = ${formatTerm(assignment.value)}`;
    case 'setElement':
      return `${column}[${formatTerm(assignment.element)}] = ${formatTerm(assignment.value)}`;
    case 'add':
      return `${column} = ${column} + ${formatTerm(assignment.value)}`;
    case 'subtract':
      return `${column} = ${column} - ${formatTerm(assignment.value)}`;
    case 'prepend':
      return `${column} = ${formatTerm(assignment.value)} + ${column}`;
  }
}

function formatDeleteTarget(target: DeleteTarget): string {
  const element = target.element === null ? '' : `[${formatTerm(target.element)}]`;
  return `${formatIdentifier(target.column)}${element}`;
}

function formatSelectorExpression(expression: SelectorExpression): string {
  switch (expression.kind) {
    case 'column':
      return formatIdentifier(expression.name);
    case 'countRows':
      return 'COUNT(*)';
    case 'writetime':
      return `WRITETIME(${formatIdentifier(expression.column)})`;
    case 'ttl':
      return `TTL(${formatIdentifier(expression.column)})`;
    case 'cast':
      return `CAST(${formatSelectorExpression(expression.expression)} AS ${formatCqlType(expression.type)})`;
    case 'function':
      return `${formatFunctionName(expression.keyspace, expression.name)}(${expression.args.map(formatSelectorExpression).join(', ')})`;
    case 'term':
      return formatTerm(expression.term);
  }
}

function formatSelect(statement: SelectStatement): string {
  const parts = ['SELECT'];
  if (statement.json) parts.push('JSON');
  if (statement.distinct) parts.push('DISTINCT');
  parts.push(
    statement.wildcard
      ? '*'
      : statement.selectors
          .map((s) => {
            const alias = s.alias === null ? '' : ` AS ${formatIdentifier(s.alias)}`;
            return `${formatSelectorExpression(s.expression)}${alias}`;
          })
          .join(', '),
  );
  parts.push(`FROM ${formatTableName(statement.table)}${formatWhere(statement.where)}`);
  if (statement.orderBy.length > 0) parts.push(`ORDER BY ${statement.orderBy.map(formatColumnOrder).join(', ')}`);
  if (statement.perPartitionLimit !== null)
    parts.push(`PER PARTITION LIMIT ${formatTerm(statement.perPartitionLimit)}`);
  if (statement.limit !== null) parts.push(`LIMIT ${formatTerm(statement.limit)}`);
  if (statement.allowFiltering) parts.push('ALLOW FILTERING');
  return parts.join(' ');
}
