/**
 * fast-check generators of syntax trees the parser can produce. Positions,
 * bind marker indexes and counts are dummies: the round-trip test compares
 * trees without them and checks the numbering separately.
 */
import { type CqlType, parseCqlType } from '@ringtail/codec';
import fc from 'fast-check';
import {
  type Assignment,
  type BatchStatement,
  type BindMarker,
  CONTEXTUAL_KEYWORDS,
  type ColumnCondition,
  type ColumnDefinition,
  type ColumnOrder,
  type DeleteStatement,
  type InsertStatement,
  type Literal,
  type MapLiteral,
  type Property,
  RESERVED_KEYWORDS,
  type Relation,
  type SelectorExpression,
  type SelectStatement,
  type Statement,
  type TableName,
  type Term,
  type UpdateCondition,
  type UpdateStatement,
  type UsingClause,
} from '../src/index.js';

const P = { line: 0, column: 0, offset: 0 };
const BASE = { position: P, endOffset: 0, bindMarkerCount: 0 };

const TYPE_TEXTS = [
  'int',
  'text',
  'bigint',
  'counter',
  'blob',
  'timeuuid',
  'list<int>',
  'set<text>',
  'map<text, int>',
  'frozen<list<frozen<set<int>>>>',
  'map<int, frozen<map<text, blob>>>',
];
export const cqlType: fc.Arbitrary<CqlType> = fc.constantFrom(...TYPE_TEXTS.map(parseCqlType));
const scalarType: fc.Arbitrary<CqlType> = fc.constantFrom(...['int', 'text', 'varint'].map(parseCqlType));

/** Plain names, keywords (the printer must quote them), and names that need quoting. */
export const identifier: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...RESERVED_KEYWORDS, ...CONTEXTUAL_KEYWORDS) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 4, unit: 'binary' }) },
);

const digits = fc.stringMatching(/^[0-9]{1,6}$/);
const sign = fc.constantFrom('', '-');

const literal: fc.Arbitrary<Literal> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }).map((text) => ({ kind: 'string' as const, text, position: P })),
  fc
    .bigInt({ min: -(2n ** 70n), max: 2n ** 70n })
    .map((n) => ({ kind: 'integer' as const, text: `${n}`, position: P })),
  fc
    .tuple(
      sign,
      digits,
      fc.option(fc.stringMatching(/^[0-9]{0,4}$/)),
      fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits)),
    )
    .filter(([, , fraction, exponent]) => fraction !== null || exponent !== null)
    .map(([s, whole, fraction, exponent]) => ({
      kind: 'float' as const,
      text: `${s}${whole}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : exponent.join('')}`,
      position: P,
    })),
  fc
    .constantFrom('NaN', '-NaN', 'Infinity', '-Infinity')
    .map((text) => ({ kind: 'float' as const, text, position: P })),
  fc.constantFrom('true', 'false').map((text) => ({ kind: 'boolean' as const, text, position: P })),
  fc
    .tuple(fc.constantFrom('0x', '0X'), fc.stringMatching(/^[0-9a-fA-F]{0,10}$/))
    .map(([x, hex]) => ({ kind: 'hex' as const, text: `${x}${hex}`, position: P })),
  fc
    .tuple(fc.uuid(), fc.boolean())
    .map(([u, upper]) => ({ kind: 'uuid' as const, text: upper ? u.toUpperCase() : u, position: P })),
);

export const bindMarker: fc.Arbitrary<BindMarker> = fc
  .option(identifier, { freq: 2 })
  .map((name) => ({ kind: 'bindMarker', index: 0, name, position: P }));

const integerOrMarker: fc.Arbitrary<Term> = fc.oneof(
  fc
    .bigInt({ min: -(2n ** 40n), max: 2n ** 40n })
    .map((n) => ({ kind: 'integer' as const, text: `${n}`, position: P })),
  bindMarker,
);

const { term } = fc.letrec<{ term: Term }>((tie) => {
  const terms = (minLength: number) => fc.array(tie('term'), { minLength, maxLength: 3 });
  return {
    term: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      literal,
      literal,
      fc.constant({ kind: 'null' as const, position: P }),
      bindMarker,
      terms(0).map((elements) => ({ kind: 'list' as const, elements, position: P })),
      terms(1).map((elements) => ({ kind: 'set' as const, elements, position: P })),
      fc
        .array(fc.record({ key: tie('term'), value: tie('term') }), { maxLength: 3 })
        .map((entries) => ({ kind: 'map' as const, entries, position: P })),
      terms(1).map((elements) => ({ kind: 'tuple' as const, elements, position: P })),
      fc
        .tuple(fc.option(identifier, { freq: 4 }), identifier, terms(0))
        .map(([keyspace, name, args]) => ({ kind: 'function' as const, keyspace, name, args, position: P })),
      fc
        .tuple(cqlType, tie('term'))
        .map(([type, inner]) => ({ kind: 'typeHint' as const, type, term: inner, position: P })),
    ),
  };
});

export { term };

const tableName: fc.Arbitrary<TableName> = fc
  .tuple(fc.option(identifier), identifier)
  .map(([keyspace, name]) => ({ keyspace, name, position: P }));

const properties = (minLength: number): fc.Arbitrary<Property[]> =>
  fc.uniqueArray(
    fc.record({
      name: identifier,
      value: fc.oneof(
        literal,
        fc
          .array(fc.record({ key: term, value: term }), { maxLength: 3 })
          .map((entries): MapLiteral => ({ kind: 'map', entries, position: P })),
      ),
      position: fc.constant(P),
    }),
    { minLength, maxLength: 3, selector: (p) => p.name },
  );

const operator = fc.constantFrom('=' as const, '!=' as const, '<' as const, '<=' as const, '>' as const, '>=' as const);
const columns = fc.array(identifier, { minLength: 1, maxLength: 3 });
const someTerms = fc.array(term, { maxLength: 3 });

const relation: fc.Arbitrary<Relation> = fc.oneof(
  fc.record({
    kind: fc.constant('compare' as const),
    column: identifier,
    operator,
    value: term,
    position: fc.constant(P),
  }),
  fc.record({ kind: fc.constant('in' as const), column: identifier, values: someTerms, position: fc.constant(P) }),
  fc.record({
    kind: fc.constant('inMarker' as const),
    column: identifier,
    marker: bindMarker,
    position: fc.constant(P),
  }),
  fc.record({
    kind: fc.constant('contains' as const),
    column: identifier,
    key: fc.boolean(),
    value: term,
    position: fc.constant(P),
  }),
  fc.record({ kind: fc.constant('token' as const), columns, operator, value: term, position: fc.constant(P) }),
  fc.record({ kind: fc.constant('tupleCompare' as const), columns, operator, value: term, position: fc.constant(P) }),
  fc.record({ kind: fc.constant('tupleIn' as const), columns, values: someTerms, position: fc.constant(P) }),
  fc.record({ kind: fc.constant('tupleInMarker' as const), columns, marker: bindMarker, position: fc.constant(P) }),
);
const where = fc.array(relation, { minLength: 1, maxLength: 3 });

const element = fc.option(term, { freq: 2 });
const columnCondition: fc.Arbitrary<ColumnCondition> = fc.oneof(
  fc.record({
    kind: fc.constant('compare' as const),
    column: identifier,
    element,
    operator,
    value: term,
    position: fc.constant(P),
  }),
  fc.record({
    kind: fc.constant('in' as const),
    column: identifier,
    element,
    values: someTerms,
    position: fc.constant(P),
  }),
  fc.record({
    kind: fc.constant('inMarker' as const),
    column: identifier,
    element,
    marker: bindMarker,
    position: fc.constant(P),
  }),
);
const condition: fc.Arbitrary<UpdateCondition | null> = fc.oneof(
  fc.constant(null),
  fc.constant({ kind: 'exists' as const, position: P }),
  fc
    .array(columnCondition, { minLength: 1, maxLength: 3 })
    .map((conditions) => ({ kind: 'columns' as const, conditions, position: P })),
);

const using = (allowTtl: boolean): fc.Arbitrary<UsingClause> =>
  fc.record({ ttl: allowTtl ? fc.option(integerOrMarker) : fc.constant(null), timestamp: fc.option(integerOrMarker) });

const insert: fc.Arbitrary<InsertStatement> = fc
  .record({
    table: tableName,
    source: fc.oneof(
      fc
        .array(fc.tuple(identifier, term), { minLength: 1, maxLength: 4 })
        .map((pairs) => ({ kind: 'values' as const, columns: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) })),
      fc.record({ kind: fc.constant('json' as const), json: term, defaultUnset: fc.boolean() }),
    ),
    ifNotExists: fc.boolean(),
    using: using(true),
  })
  .map((r) => ({ kind: 'insert', ...r, ...BASE }));

const assignment: fc.Arbitrary<Assignment> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('set' as const, 'add' as const, 'subtract' as const, 'prepend' as const),
    column: identifier,
    value: term,
    position: fc.constant(P),
  }),
  fc.record({
    kind: fc.constant('setElement' as const),
    column: identifier,
    element: term,
    value: term,
    position: fc.constant(P),
  }),
);

const update: fc.Arbitrary<UpdateStatement> = fc
  .record({
    table: tableName,
    using: using(true),
    assignments: fc.array(assignment, { minLength: 1, maxLength: 3 }),
    where,
    condition,
  })
  .map((r) => ({ kind: 'update', ...r, ...BASE }));

const deleteStatement: fc.Arbitrary<DeleteStatement> = fc
  .record({
    targets: fc.array(fc.record({ column: identifier, element, position: fc.constant(P) }), { maxLength: 3 }),
    table: tableName,
    using: using(false),
    where,
    condition,
  })
  .map((r) => ({ kind: 'delete', ...r, ...BASE }));

const batch: fc.Arbitrary<BatchStatement> = fc
  .record({
    batchType: fc.constantFrom('logged' as const, 'unlogged' as const, 'counter' as const),
    using: using(false),
    statements: fc.array(fc.oneof(insert, update, deleteStatement), { maxLength: 3 }),
  })
  .map((r) => ({ kind: 'batch', ...r, ...BASE }));

/** Selector terms never start with a function call: that would read back as a selector function. */
const selectorTerm = term.filter((t) => t.kind !== 'function');

const { selectorExpression } = fc.letrec<{ selectorExpression: SelectorExpression }>((tie) => ({
  selectorExpression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    identifier.map((name) => ({ kind: 'column' as const, name, position: P })),
    fc.constant({ kind: 'countRows' as const, position: P }),
    fc.record({
      kind: fc.constantFrom('writetime' as const, 'ttl' as const),
      column: identifier,
      position: fc.constant(P),
    }),
    fc.record({
      kind: fc.constant('cast' as const),
      expression: tie('selectorExpression'),
      type: scalarType,
      position: fc.constant(P),
    }),
    fc.record({
      kind: fc.constant('function' as const),
      keyspace: fc.option(identifier, { freq: 4 }),
      name: identifier,
      args: fc.array(tie('selectorExpression'), { maxLength: 3 }),
      position: fc.constant(P),
    }),
    selectorTerm.map((t) => ({ kind: 'term' as const, term: t, position: P })),
  ),
}));

const columnOrder: fc.Arbitrary<ColumnOrder> = fc.record({
  column: identifier,
  direction: fc.constantFrom('asc' as const, 'desc' as const),
  position: fc.constant(P),
});

const select: fc.Arbitrary<SelectStatement> = fc
  .record({
    json: fc.boolean(),
    distinct: fc.boolean(),
    wildcard: fc.boolean(),
    selectors: fc.array(
      fc.record({
        expression: selectorExpression,
        alias: fc.option(identifier, { freq: 3 }),
        position: fc.constant(P),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    table: tableName,
    where: fc.array(relation, { maxLength: 3 }),
    orderBy: fc.array(columnOrder, { maxLength: 2 }),
    perPartitionLimit: fc.option(integerOrMarker),
    limit: fc.option(integerOrMarker),
    allowFiltering: fc.boolean(),
  })
  .map((r) => ({ kind: 'select', ...r, selectors: r.wildcard ? [] : r.selectors, ...BASE }));

const columnDefinition: fc.Arbitrary<ColumnDefinition> = fc.record({
  name: identifier,
  type: cqlType,
  isStatic: fc.boolean(),
  position: fc.constant(P),
});

const ddl: fc.Arbitrary<Statement> = fc.oneof(
  fc
    .record({ ifNotExists: fc.boolean(), keyspace: identifier, properties: properties(1) })
    .map((r) => ({ kind: 'createKeyspace' as const, ...r, ...BASE })),
  fc
    .record({ keyspace: identifier, properties: properties(1) })
    .map((r) => ({ kind: 'alterKeyspace' as const, ...r, ...BASE })),
  fc
    .record({ ifExists: fc.boolean(), keyspace: identifier })
    .map((r) => ({ kind: 'dropKeyspace' as const, ...r, ...BASE })),
  identifier.map((keyspace) => ({ kind: 'use' as const, keyspace, ...BASE })),
  fc
    .record({
      ifNotExists: fc.boolean(),
      table: tableName,
      columns: fc.array(columnDefinition, { maxLength: 4 }),
      partitionKey: columns,
      clusteringColumns: fc.array(identifier, { maxLength: 2 }),
      clusteringOrder: fc.array(columnOrder, { maxLength: 2 }),
      properties: properties(0),
    })
    .map((r) => ({ kind: 'createTable' as const, ...r, ...BASE })),
  fc
    .record({
      table: tableName,
      action: fc.oneof(
        fc
          .array(columnDefinition, { minLength: 1, maxLength: 3 })
          .map((cs) => ({ kind: 'addColumns' as const, columns: cs })),
        columns.map((cs) => ({ kind: 'dropColumns' as const, columns: cs })),
        fc
          .array(fc.record({ from: identifier, to: identifier, position: fc.constant(P) }), {
            minLength: 1,
            maxLength: 2,
          })
          .map((renames) => ({ kind: 'renameColumns' as const, renames })),
        properties(1).map((ps) => ({ kind: 'setProperties' as const, properties: ps })),
      ),
    })
    .map((r) => ({ kind: 'alterTable' as const, ...r, ...BASE })),
  fc.record({ ifExists: fc.boolean(), table: tableName }).map((r) => ({ kind: 'dropTable' as const, ...r, ...BASE })),
  tableName.map((table) => ({ kind: 'truncate' as const, table, ...BASE })),
);

export const statement: fc.Arbitrary<Statement> = fc.oneof(ddl, insert, update, deleteStatement, batch, select);
