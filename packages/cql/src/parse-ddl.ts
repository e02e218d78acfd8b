/** Keyspace and table definitions: CREATE, ALTER, DROP, TRUNCATE, USE. */
import type { Literal, MapLiteral, Property, Term } from './ast.js';
import { LITERAL_KINDS } from './ast.js';
import type {
  AlterKeyspaceStatement,
  AlterTableAction,
  AlterTableStatement,
  ColumnDefinition,
  ColumnOrder,
  ColumnRename,
  CreateKeyspaceStatement,
  CreateTableStatement,
  DropKeyspaceStatement,
  DropTableStatement,
  TruncateStatement,
  UseStatement,
} from './ast-statements.js';
import type { Cursor } from './cursor.js';
import type { Token } from './lexer.js';
import { parseColumnOrder } from './parse-select.js';
import { parseTableName, parseTerm, parseType } from './parse-terms.js';

const LITERAL_KIND_SET: ReadonlySet<string> = new Set(LITERAL_KINDS);

function isPropertyValue(term: Term): term is Literal | MapLiteral {
  return LITERAL_KIND_SET.has(term.kind) || term.kind === 'map';
}

function parseIfNotExists(c: Cursor): boolean {
  if (c.acceptWord('if') === null) return false;
  c.expectWord('not');
  c.expectWord('exists');
  return true;
}

function parseIfExists(c: Cursor): boolean {
  if (c.acceptWord('if') === null) return false;
  c.expectWord('exists');
  return true;
}

/** `KEYSPACE` or its old synonym `SCHEMA`. */
function acceptKeyspaceWord(c: Cursor): boolean {
  return c.acceptWord('keyspace') !== null || c.acceptWord('schema') !== null;
}

/** `TABLE` or its old synonym `COLUMNFAMILY`. */
function acceptTableWord(c: Cursor): boolean {
  return c.acceptWord('table') !== null || c.acceptWord('columnfamily') !== null;
}

/** One `name = value`: a constant or a map literal. Adds to `properties`, rejecting a name given twice. */
function parseProperty(c: Cursor, properties: Property[]): void {
  const name = c.expectIdentifier('property name');
  c.expectPunct('=');
  const value = parseTerm(c);
  if (!isPropertyValue(value)) {
    throw c.errorAt(value.position, `the value of property ${name.name} must be a constant or a map literal`);
  }
  if (properties.some((p) => p.name === name.name)) {
    throw c.errorAt(name.token, `multiple definitions for property ${name.name}`);
  }
  properties.push({ name: name.name, value, position: c.position(name.token) });
}

function parseProperties(c: Cursor): Property[] {
  const properties: Property[] = [];
  do parseProperty(c, properties);
  while (c.acceptWord('and') !== null);
  return properties;
}

/** After CREATE. */
export function parseCreate(
  c: Cursor,
  start: Token,
  markersBefore: number,
): CreateKeyspaceStatement | CreateTableStatement {
  if (acceptKeyspaceWord(c)) {
    const ifNotExists = parseIfNotExists(c);
    const keyspace = c.expectIdentifier('keyspace name').name;
    c.expectWord('with');
    const properties = parseProperties(c);
    return { kind: 'createKeyspace', ifNotExists, keyspace, properties, ...c.finishStatement(start, markersBefore) };
  }
  if (acceptTableWord(c)) return parseCreateTable(c, start, markersBefore);
  return c.fail();
}

interface PrimaryKey {
  partitionKey: string[];
  clusteringColumns: string[];
}

function parseCreateTable(c: Cursor, start: Token, markersBefore: number): CreateTableStatement {
  const ifNotExists = parseIfNotExists(c);
  const table = parseTableName(c);
  const open = c.expectPunct('(');
  c.enter(open);
  const columns: ColumnDefinition[] = [];
  let primaryKey: PrimaryKey | null = null;
  let first = true;
  do {
    if (!first && c.isPunctAt(0, ')')) break; // a trailing comma, as Cassandra allows
    first = false;
    const keyword = c.peek();
    if (c.acceptWord('primary') !== null) {
      c.expectWord('key');
      primaryKey = onlyPrimaryKey(c, primaryKey, keyword, parsePrimaryKeyClause(c));
      continue;
    }
    const column = parseColumnDefinition(c);
    columns.push(column);
    const inline = c.peek();
    if (c.acceptWord('primary') !== null) {
      c.expectWord('key');
      primaryKey = onlyPrimaryKey(c, primaryKey, inline, { partitionKey: [column.name], clusteringColumns: [] });
    }
  } while (c.acceptPunct(',') !== null);
  const close = c.expectPunct(')');
  c.leave();
  if (primaryKey === null) throw c.errorAt(close, 'no PRIMARY KEY specified (exactly one is required)');
  let clusteringOrder: ColumnOrder[] = [];
  const properties: Property[] = [];
  if (c.acceptWord('with') !== null) {
    do {
      const keyword = c.peek();
      if (c.atWord('clustering') && c.isWordAt(1, 'order')) {
        if (clusteringOrder.length > 0) throw c.errorAt(keyword, 'CLUSTERING ORDER BY is given twice');
        clusteringOrder = parseClusteringOrder(c);
      } else {
        parseProperty(c, properties);
      }
    } while (c.acceptWord('and') !== null);
  }
  return {
    kind: 'createTable',
    ifNotExists,
    table,
    columns,
    partitionKey: primaryKey.partitionKey,
    clusteringColumns: primaryKey.clusteringColumns,
    clusteringOrder,
    properties,
    ...c.finishStatement(start, markersBefore),
  };
}

/** `key`, unless a primary key was already declared. */
function onlyPrimaryKey(c: Cursor, existing: PrimaryKey | null, at: Token, key: PrimaryKey): PrimaryKey {
  if (existing !== null) throw c.errorAt(at, 'multiple PRIMARY KEY definitions (exactly one is required)');
  return key;
}

/** `name type [STATIC]`. */
function parseColumnDefinition(c: Cursor): ColumnDefinition {
  const name = c.expectIdentifier('column name');
  const type = parseType(c);
  const isStatic = c.acceptWord('static') !== null;
  return { name: name.name, type, isStatic, position: c.position(name.token) };
}

/** After PRIMARY KEY: `(pk, c1, c2)` or `((pk1, pk2), c1, c2)`. */
function parsePrimaryKeyClause(c: Cursor): PrimaryKey {
  const open = c.expectPunct('(');
  c.enter(open);
  const partitionKey: string[] = [];
  const inner = c.acceptPunct('(');
  if (inner !== null) {
    c.enter(inner);
    do partitionKey.push(c.expectIdentifier('column name').name);
    while (c.acceptPunct(',') !== null);
    c.expectPunct(')');
    c.leave();
  } else {
    partitionKey.push(c.expectIdentifier('column name').name);
  }
  const clusteringColumns: string[] = [];
  while (c.acceptPunct(',') !== null) clusteringColumns.push(c.expectIdentifier('column name').name);
  c.expectPunct(')');
  c.leave();
  return { partitionKey, clusteringColumns };
}

function parseClusteringOrder(c: Cursor): ColumnOrder[] {
  c.expectWord('clustering');
  c.expectWord('order');
  c.expectWord('by');
  const open = c.expectPunct('(');
  c.enter(open);
  const orders: ColumnOrder[] = [];
  do orders.push(parseColumnOrder(c));
  while (c.acceptPunct(',') !== null);
  c.expectPunct(')');
  c.leave();
  return orders;
}

/** After ALTER. */
export function parseAlter(
  c: Cursor,
  start: Token,
  markersBefore: number,
): AlterKeyspaceStatement | AlterTableStatement {
  if (acceptKeyspaceWord(c)) {
    const keyspace = c.expectIdentifier('keyspace name').name;
    c.expectWord('with');
    const properties = parseProperties(c);
    return { kind: 'alterKeyspace', keyspace, properties, ...c.finishStatement(start, markersBefore) };
  }
  if (!acceptTableWord(c)) return c.fail();
  const table = parseTableName(c);
  let action: AlterTableAction;
  if (c.acceptWord('add') !== null) {
    action = { kind: 'addColumns', columns: parseParenthesisedOrSingle(c, parseColumnDefinition) };
  } else if (c.acceptWord('drop') !== null) {
    action = {
      kind: 'dropColumns',
      columns: parseParenthesisedOrSingle(c, (k) => k.expectIdentifier('column name').name),
    };
  } else if (c.acceptWord('rename') !== null) {
    const renames: ColumnRename[] = [];
    do {
      const from = c.expectIdentifier('column name');
      c.expectWord('to');
      const to = c.expectIdentifier('column name').name;
      renames.push({ from: from.name, to, position: c.position(from.token) });
    } while (c.acceptWord('and') !== null);
    action = { kind: 'renameColumns', renames };
  } else if (c.acceptWord('with') !== null) {
    action = { kind: 'setProperties', properties: parseProperties(c) };
  } else {
    return c.fail();
  }
  return { kind: 'alterTable', table, action, ...c.finishStatement(start, markersBefore) };
}

/** `item` or `(item, item, ...)`. */
function parseParenthesisedOrSingle<T>(c: Cursor, item: (c: Cursor) => T): T[] {
  const open = c.acceptPunct('(');
  if (open === null) return [item(c)];
  c.enter(open);
  const items: T[] = [];
  do items.push(item(c));
  while (c.acceptPunct(',') !== null);
  c.expectPunct(')');
  c.leave();
  return items;
}

/** After DROP. */
export function parseDrop(c: Cursor, start: Token, markersBefore: number): DropKeyspaceStatement | DropTableStatement {
  if (acceptKeyspaceWord(c)) {
    const ifExists = parseIfExists(c);
    const keyspace = c.expectIdentifier('keyspace name').name;
    return { kind: 'dropKeyspace', ifExists, keyspace, ...c.finishStatement(start, markersBefore) };
  }
  if (!acceptTableWord(c)) return c.fail();
  const ifExists = parseIfExists(c);
  const table = parseTableName(c);
  return { kind: 'dropTable', ifExists, table, ...c.finishStatement(start, markersBefore) };
}

/** After TRUNCATE: `[TABLE] t`. */
export function parseTruncate(c: Cursor, start: Token, markersBefore: number): TruncateStatement {
  acceptTableWord(c);
  const table = parseTableName(c);
  return { kind: 'truncate', table, ...c.finishStatement(start, markersBefore) };
}

/** After USE. */
export function parseUse(c: Cursor, start: Token, markersBefore: number): UseStatement {
  const keyspace = c.expectIdentifier('keyspace name').name;
  return { kind: 'use', keyspace, ...c.finishStatement(start, markersBefore) };
}
