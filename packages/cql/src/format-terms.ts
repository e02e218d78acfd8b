/** CQL text for terms and clauses; `parse(format(x))` gives back `x` (positions aside). */
import { formatCqlType } from '@ringtail/codec';
import type { ColumnCondition, Property, Relation, TableName, Term, UpdateCondition, UsingClause } from './ast.js';
import { formatIdentifier } from './keywords.js';

/** `'text'` with `'` doubled. */
export function formatString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Function names print bare where the parser reads them back (`token(` is reserved, yet a function). */
export function formatFunctionName(keyspace: string | null, name: string): string {
  if (keyspace !== null) return `${formatIdentifier(keyspace)}.${formatIdentifier(name)}`;
  return name === 'token' ? name : formatIdentifier(name);
}

export function formatTableName(table: TableName): string {
  const name = formatIdentifier(table.name);
  return table.keyspace === null ? name : `${formatIdentifier(table.keyspace)}.${name}`;
}

function formatTerms(terms: readonly Term[]): string {
  return terms.map(formatTerm).join(', ');
}

export function formatTerm(term: Term): string {
  switch (term.kind) {
    case 'string':
      return formatString(term.text);
    case 'integer':
    case 'float':
    case 'boolean':
    case 'hex':
    case 'uuid':
      return term.text;
    case 'null':
      return 'null';
    case 'bindMarker':
      return term.name === null ? '?' : `:${formatIdentifier(term.name)}`;
    case 'list':
      return `[${formatTerms(term.elements)}]`;
    case 'set':
      return `{${formatTerms(term.elements)}}`;
    case 'map':
      return `{${term.entries.map((e) => `${formatTerm(e.key)}: ${formatTerm(e.value)}`).join(', ')}}`;
    case 'tuple':
      return `(${formatTerms(term.elements)})`;
    case 'function':
      return `${formatFunctionName(term.keyspace, term.name)}(${formatTerms(term.args)})`;
    case 'typeHint':
      return `(${formatCqlType(term.type)}) ${formatTerm(term.term)}`;
  }
}

function formatColumns(columns: readonly string[]): string {
  return `(${columns.map(formatIdentifier).join(', ')})`;
}

export function formatRelation(relation: Relation): string {
  switch (relation.kind) {
    case 'compare':
      return `${formatIdentifier(relation.column)} ${relation.operator} ${formatTerm(relation.value)}`;
    case 'in':
      return `${formatIdentifier(relation.column)} IN (${formatTerms(relation.values)})`;
    case 'inMarker':
      return `${formatIdentifier(relation.column)} IN ${formatTerm(relation.marker)}`;
    case 'contains':
      return `${formatIdentifier(relation.column)} CONTAINS ${relation.key ? 'KEY ' : ''}${formatTerm(relation.value)}`;
    case 'token':
      return `token${formatColumns(relation.columns)} ${relation.operator} ${formatTerm(relation.value)}`;
    case 'tupleCompare':
      return `${formatColumns(relation.columns)} ${relation.operator} ${formatTerm(relation.value)}`;
    case 'tupleIn':
      return `${formatColumns(relation.columns)} IN (${formatTerms(relation.values)})`;
    case 'tupleInMarker':
      return `${formatColumns(relation.columns)} IN ${formatTerm(relation.marker)}`;
  }
}

export function formatWhere(relations: readonly Relation[]): string {
  return relations.length === 0 ? '' : ` WHERE ${relations.map(formatRelation).join(' AND ')}`;
}

function formatColumnCondition(condition: ColumnCondition): string {
  const element = condition.element === null ? '' : `[${formatTerm(condition.element)}]`;
  const target = `${formatIdentifier(condition.column)}${element}`;
  switch (condition.kind) {
    case 'compare':
      return `${target} ${condition.operator} ${formatTerm(condition.value)}`;
    case 'in':
      return `${target} IN (${formatTerms(condition.values)})`;
    case 'inMarker':
      return `${target} IN ${formatTerm(condition.marker)}`;
  }
}

export function formatCondition(condition: UpdateCondition | null): string {
  if (condition === null) return '';
  if (condition.kind === 'exists') return ' IF EXISTS';
  return ` IF ${condition.conditions.map(formatColumnCondition).join(' AND ')}`;
}

export function formatUsing(using: UsingClause): string {
  const parts: string[] = [];
  if (using.ttl !== null) parts.push(`TTL ${formatTerm(using.ttl)}`);
  if (using.timestamp !== null) parts.push(`TIMESTAMP ${formatTerm(using.timestamp)}`);
  return parts.length === 0 ? '' : ` USING ${parts.join(' AND ')}`;
}

export function formatProperties(properties: readonly Property[]): string {
  return properties.map((p) => `${formatIdentifier(p.name)} = ${formatTerm(p.value)}`).join(' AND ');
}
