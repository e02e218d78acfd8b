/**
 * Properties of the write side against a simple model:
 *
 * - an INSERT into a random table (keys of every scalar type and of frozen
 *   collections, ASC and DESC clustering, regular and static columns of
 *   every kind), with random values given as CQL literals or as JSON bind
 *   values, plans to a mutation that decodes back to exactly those values;
 * - random DDL sequences only ever succeed or throw a RingtailError, keep the
 *   schema's invariants, and the schema survives serializeSchema /
 *   deserializeSchema with the same schemaVersion; damaged schema JSON is
 *   refused with a RingtailError.
 */
import { Buffer } from 'node:buffer';
import {
  type Cell,
  CQL_SCALAR_KINDS,
  type CqlScalarKind,
  type CqlType,
  type CqlValue,
  compareValues,
  decodeComparable,
  decodeComparableKey,
  deserializeValue,
  formatCqlType,
  formatDate,
  formatDecimal,
  initChecksums,
  isMultiCell,
  type JsonValue,
  normalizeValue,
  RingtailError,
  type Row,
  seededRandom,
  serializeValue,
  valueToJson,
} from '@ringtail/codec';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applySchemaStatement,
  CqlInvalidRequestError,
  deserializeSchema,
  emptySchema,
  formatIdentifier,
  formatString,
  isSchemaStatement,
  parseStatement,
  planModification,
  type Schema,
  schemaVersion,
  serializeSchema,
  type TableMetadata,
} from '../src/index.js';

const NOW_MICROS = 1_700_000_000_000_000;

beforeAll(async () => {
  await initChecksums();
});

// ------------------------------------------------------------------ values

const KEY_SCALARS: readonly CqlScalarKind[] = CQL_SCALAR_KINDS.filter((kind) => kind !== 'counter');

const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;

const bytes = (min: number, max: number) =>
  fc.oneof(
    fc.uint8Array({ minLength: min, maxLength: max }),
    fc
      .array(fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff), { minLength: min, maxLength: max })
      .map((a) => Uint8Array.from(a)),
  );

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function uuidOf(b: Uint8Array, version1: boolean): string {
  const copy = Uint8Array.from(b);
  copy[6] = (copy[6]! & 0x0f) | (version1 ? 0x10 : 0x40);
  copy[8] = (copy[8]! & 0x3f) | 0x80;
  const h = hex(copy);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function scalarValue(kind: CqlScalarKind): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'ascii':
      return fc.string({ unit: 'binary-ascii', maxLength: 6 });
    case 'text':
      return fc.oneof(
        fc.string({ unit: 'binary', maxLength: 6 }),
        fc.string({ unit: fc.constantFrom("'", '\0', 'a', '\u00ff', '\u{10000}', '$'), maxLength: 4 }),
      );
    case 'int':
      return fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer());
    case 'smallint':
      return fc.integer({ min: -32768, max: 32767 });
    case 'tinyint':
      return fc.integer({ min: -128, max: 127 });
    case 'bigint':
    case 'counter':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'varint':
      return fc.oneof(fc.bigInt({ min: -300n, max: 300n }), fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n }));
    case 'float':
      return fc.oneof(fc.float(), fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, 1.5));
    case 'double':
      return fc.oneof(fc.double(), fc.constantFrom(0, -0, Number.NaN, Number.NEGATIVE_INFINITY, 1e21));
    case 'decimal':
      return fc
        .tuple(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.integer({ min: -30, max: 30 }))
        .map(([unscaled, scale]) => ({ unscaled, scale }));
    case 'boolean':
      return fc.boolean();
    case 'timestamp':
      return fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -MAX_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS }));
    case 'date':
      // Days since the epoch: mostly within years 1..9999 (printable as 'YYYY-MM-DD'), some far outside.
      return fc.oneof(fc.integer({ min: -719_162, max: 2_932_896 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
    case 'uuid':
      return bytes(16, 16).map((b) => uuidOf(b, false));
    case 'timeuuid':
      return bytes(16, 16).map((b) => uuidOf(b, true));
    case 'blob':
      return bytes(0, 6);
    case 'inet':
      return fc
        .oneof(bytes(4, 4), bytes(16, 16))
        .map((b) =>
          b.length === 4
            ? Array.from(b).join('.')
            : (hex(b).match(/.{4}/g) ?? []).map((g) => g.replace(/^0+(?=.)/, '')).join(':'),
        );
  }
}

/** Types a key can have: scalars and frozen collections of them, nested up to `depth`. */
function keyType(depth: number): fc.Arbitrary<CqlType> {
  const scalar = fc.constantFrom(...KEY_SCALARS).map((kind): CqlType => ({ kind }));
  if (depth === 0) return scalar;
  const inner = keyType(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: scalar },
    fc.record({ kind: fc.constantFrom('list' as const, 'set' as const), element: inner, frozen: fc.constant(true) }),
    fc.record({ kind: fc.constant('map' as const), key: inner, value: inner, frozen: fc.constant(true) }),
  );
}

/** Types of regular and static columns: key types, and non-frozen collections of them. */
const columnType: fc.Arbitrary<CqlType> = fc.oneof(
  { weight: 3, arbitrary: keyType(1) },
  fc.record({
    kind: fc.constantFrom('list' as const, 'set' as const),
    element: keyType(1),
    frozen: fc.constant(false),
  }),
  fc.record({ kind: fc.constant('map' as const), key: keyType(1), value: keyType(1), frozen: fc.constant(false) }),
);

function rawValue(type: CqlType): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'list':
    case 'set':
      return fc.array(rawValue(type.element), { maxLength: 3 });
    case 'map':
      return fc.array(fc.tuple(rawValue(type.key), rawValue(type.value)), { maxLength: 3 });
    default:
      return scalarValue(type.kind);
  }
}

/** A canonical (normalised) value of `type`. */
function canonicalValue(type: CqlType): fc.Arbitrary<CqlValue> {
  return rawValue(type).map((raw) => normalizeValue(type, raw)!);
}

function floatingLiteral(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Object.is(value, -0)) return '-0.0';
  return String(value);
}

/** `value` as a CQL literal, or undefined when CQL has no literal for it (a date outside years 1..9999). */
function literalOf(type: CqlType, value: CqlValue): string | undefined {
  const all = (items: readonly (string | undefined)[]) => (items.includes(undefined) ? undefined : items.join(', '));
  switch (type.kind) {
    case 'ascii':
    case 'text':
    case 'inet':
      return formatString(value as string);
    case 'int':
    case 'smallint':
    case 'tinyint':
    case 'bigint':
    case 'varint':
    case 'counter':
    case 'timestamp':
      return String(value);
    case 'float':
    case 'double':
      return floatingLiteral(value as number);
    case 'decimal':
      return formatDecimal(value as Parameters<typeof formatDecimal>[0]);
    case 'boolean':
      return String(value);
    case 'date': {
      const text = formatDate(value as number);
      return text === undefined ? undefined : formatString(text);
    }
    case 'uuid':
    case 'timeuuid':
      return value as string;
    case 'blob':
      return `0x${hex(value as Uint8Array)}`;
    case 'list': {
      const items = all((value as readonly CqlValue[]).map((e) => literalOf(type.element, e)));
      return items === undefined ? undefined : `[${items}]`;
    }
    case 'set': {
      const items = all((value as readonly CqlValue[]).map((e) => literalOf(type.element, e)));
      return items === undefined ? undefined : `{${items}}`;
    }
    case 'map': {
      const entries = value as ReadonlyArray<readonly [CqlValue, CqlValue]>;
      const keys = entries.map(([k]) => literalOf(type.key, k));
      const values = entries.map(([, v]) => literalOf(type.value, v));
      if (keys.includes(undefined) || values.includes(undefined)) return undefined;
      return `{${keys.map((k, i) => `${k}: ${values[i]}`).join(', ')}}`;
    }
  }
}

/**
 * Equal values: equal in CQL order, and (`exact`) with equal serialized bytes.
 * Keys and collection cell paths are stored byte-comparable, which keeps a
 * decimal's value but not its scale (docs/types.md): only order equality
 * holds for them.
 */
function sameValue(type: CqlType, actual: CqlValue, expected: CqlValue, exact: boolean): boolean {
  if (compareValues(type, actual, expected) !== 0) return false;
  return !exact || hex(serializeValue(type, actual)) === hex(serializeValue(type, expected));
}

// ------------------------------------------------------------------ tables and inserts

interface ColumnSpec {
  readonly name: string;
  readonly type: CqlType;
  readonly kind: 'partition_key' | 'clustering' | 'regular' | 'static';
  readonly order: 'asc' | 'desc';
}

/** Column names: plain, mixed-case and odd ones (printed quoted), keywords. */
const columnName = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/) },
  fc.constantFrom('select', 'key', 'ttl', 'Value', 'with space', 'quo"te', 'ünï'),
);

const tableSpec: fc.Arbitrary<ColumnSpec[]> = fc
  .record({
    partition: fc.integer({ min: 1, max: 3 }),
    clustering: fc.integer({ min: 0, max: 3 }),
    regular: fc.integer({ min: 0, max: 4 }),
    statics: fc.integer({ min: 0, max: 2 }),
  })
  .chain(({ partition, clustering, regular, statics }) => {
    const staticCount = clustering === 0 ? 0 : statics;
    const total = partition + clustering + regular + staticCount;
    return fc
      .tuple(
        fc.uniqueArray(columnName, { minLength: total, maxLength: total }),
        fc.array(keyType(2), { minLength: partition + clustering, maxLength: partition + clustering }),
        fc.array(columnType, { minLength: regular + staticCount, maxLength: regular + staticCount }),
        fc.array(fc.constantFrom('asc' as const, 'desc' as const), { minLength: clustering, maxLength: clustering }),
      )
      .map(([names, keyTypes, otherTypes, orders]) =>
        names.map((name, i): ColumnSpec => {
          if (i < partition) return { name, type: keyTypes[i]!, kind: 'partition_key', order: 'asc' };
          if (i < partition + clustering) {
            return { name, type: keyTypes[i]!, kind: 'clustering', order: orders[i - partition]! };
          }
          const kind = i < partition + clustering + regular ? 'regular' : 'static';
          return { name, type: otherTypes[i - partition - clustering]!, kind, order: 'asc' };
        }),
      );
  });

function createTableText(columns: readonly ColumnSpec[]): string {
  const id = formatIdentifier;
  const definitions = columns.map(
    (c) => `${id(c.name)} ${formatCqlType(c.type)}${c.kind === 'static' ? ' STATIC' : ''}`,
  );
  const pk = columns.filter((c) => c.kind === 'partition_key').map((c) => id(c.name));
  const ck = columns.filter((c) => c.kind === 'clustering');
  const key = `PRIMARY KEY ((${pk.join(', ')})${ck.map((c) => `, ${id(c.name)}`).join('')})`;
  const order =
    ck.length === 0
      ? ''
      : ` WITH CLUSTERING ORDER BY (${ck.map((c) => `${id(c.name)} ${c.order.toUpperCase()}`).join(', ')})`;
  return `CREATE TABLE ks.t (${definitions.join(', ')}, ${key})${order}`;
}

/** One value to insert: null, or a value and how it is sent (a literal, or a bind marker). */
interface Given {
  readonly column: ColumnSpec;
  readonly value: CqlValue | null;
  readonly asBind: boolean;
}

interface Insert {
  readonly given: Given[];
  readonly named: boolean;
  /** Only static columns with the partition key: the clustering is left out. */
  readonly staticOnly: boolean;
}

function insertOf(columns: readonly ColumnSpec[]): fc.Arbitrary<Insert> {
  const hasStatics = columns.some((c) => c.kind === 'static');
  return fc.boolean().chain((wantStaticOnly) => {
    const staticOnly = wantStaticOnly && hasStatics;
    const included = columns.filter((c) => c.kind === 'partition_key' || (staticOnly ? c.kind === 'static' : true));
    const givens = included.map((column) => {
      const key = column.kind === 'partition_key' || column.kind === 'clustering';
      return fc.record({
        column: fc.constant(column),
        present: key ? fc.constant(true) : fc.boolean(),
        value: key ? canonicalValue(column.type) : fc.option(canonicalValue(column.type), { freq: 4 }),
        asBind: fc.boolean(),
      });
    });
    return fc.record({ given: fc.tuple(...givens), named: fc.boolean() }).map(({ given, named }) => ({
      given: given
        .filter(
          (g) =>
            g.present ||
            (staticOnly && g.column.kind === 'static' && g === given.find((x) => x.column.kind === 'static')),
        )
        .map((g) => ({ column: g.column, value: g.value, asBind: g.asBind })),
      named,
      staticOnly,
    }));
  });
}

function insertText(insert: Insert): { text: string; binds: JsonValue[] | Record<string, JsonValue> } {
  const positional: JsonValue[] = [];
  const named: Record<string, JsonValue> = {};
  const terms = insert.given.map((g, i) => {
    const literal = g.value === null ? 'null' : literalOf(g.column.type, g.value);
    if (!g.asBind && literal !== undefined) return literal;
    const json = g.value === null ? null : valueToJson(g.column.type, g.value);
    if (insert.named) {
      named[`b${i}`] = json;
      return `:b${i}`;
    }
    positional.push(json);
    return '?';
  });
  const names = insert.given.map((g) => formatIdentifier(g.column.name));
  return {
    text: `INSERT INTO ks.t (${names.join(', ')}) VALUES (${terms.join(', ')})`,
    binds: insert.named ? named : positional,
  };
}

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** What a row says of one column: a value, null (a tombstone or an overwrite with nothing), or absent. */
function readColumn(row: Row | undefined, column: ColumnSpec, timestampMicros: number): CqlValue | null | 'absent' {
  const cells = (row?.cells ?? []).filter((c: Cell) => c.column === column.name);
  const type = column.type;
  if (!isMultiCell(type)) {
    if (cells.length === 0) return 'absent';
    expect(cells).toHaveLength(1);
    const cell = cells[0]!;
    expect(cell.timestampMicros).toBe(timestampMicros);
    return cell.value === undefined ? null : deserializeValue(type, cell.value);
  }
  const deletion = row?.complexDeletions.find((d) => d.column === column.name);
  if (deletion === undefined) {
    expect(cells).toHaveLength(0);
    return 'absent';
  }
  // An overwrite: the old collection is deleted just before the new elements.
  expect(deletion.deletion.markedForDeleteAtMicros).toBe(timestampMicros - 1);
  if (cells.length === 0) return null;
  for (const cell of cells) expect(cell.value).toBeDefined();
  switch (type.kind) {
    case 'list':
      return cells.map((c) => deserializeValue(type.element, c.value!));
    case 'set':
      return cells.map((c) => decodeComparable(type.element, latin1Bytes(c.path!)));
    case 'map':
      return cells.map(
        (c) => [decodeComparable(type.key, latin1Bytes(c.path!)), deserializeValue(type.value, c.value!)] as const,
      );
    default:
      throw new Error(`multi-cell ${type.kind}`);
  }
}

/** An empty non-frozen collection is no collection at all, as in Cassandra. */
function expectedStored(column: ColumnSpec, value: CqlValue | null): CqlValue | null {
  if (value !== null && isMultiCell(column.type) && (value as readonly unknown[]).length === 0) return null;
  return value;
}

function checkPlannedInsert(schema: Schema, table: TableMetadata, insert: Insert): void {
  const { text, binds } = insertText(insert);
  const statement = parseStatement(text);
  if (statement.kind !== 'insert') throw new Error('not an insert');
  const partitionGiven = insert.given.filter((g) => g.column.kind === 'partition_key');
  const emptyKey =
    partitionGiven.length === 1 &&
    serializeValue(partitionGiven[0]!.column.type, partitionGiven[0]!.value!).length === 0;
  const plan = () =>
    planModification(statement, schema, {
      currentKeyspace: null,
      binds,
      nowMicros: NOW_MICROS,
      random: seededRandom(7),
    });
  if (emptyKey) {
    expect(plan).toThrow(new CqlInvalidRequestError('Key may not be empty'));
    return;
  }
  const { mutation } = plan();
  expect(mutation.updates).toHaveLength(1);
  const update = mutation.updates[0]!;
  expect(update.tableId).toBe(table.id);
  const keyValues = decodeComparableKey(
    table.partitionKey.map((c) => ({ type: c.type, order: 'asc' as const })),
    update.key,
  );
  partitionGiven.forEach((g, i) => {
    const position = table.partitionKey.findIndex((c) => c.name === g.column.name);
    expect(sameValue(g.column.type, keyValues[position]!, g.value!, false), `partition key ${g.column.name}`).toBe(
      true,
    );
    expect(i).toBeLessThan(keyValues.length);
  });
  let row: Row | undefined;
  if (insert.staticOnly) {
    expect(update.rows).toHaveLength(0);
  } else {
    expect(update.rows).toHaveLength(1);
    row = update.rows[0]!;
    expect(row.liveness?.timestampMicros).toBe(NOW_MICROS);
    const clusteringValues = decodeComparableKey(
      table.clustering.map((c) => ({ type: c.type, order: c.clusteringOrder ?? 'asc' })),
      latin1Bytes(row.clustering),
    );
    expect(clusteringValues).toHaveLength(table.clustering.length);
    for (const g of insert.given.filter((x) => x.column.kind === 'clustering')) {
      const position = table.clustering.findIndex((c) => c.name === g.column.name);
      expect(
        sameValue(g.column.type, clusteringValues[position]!, g.value!, false),
        `clustering ${g.column.name}`,
      ).toBe(true);
    }
  }
  const staticRow = update.staticRow;
  if (!insert.given.some((g) => g.column.kind === 'static')) expect(staticRow).toBeUndefined();
  expect(update.rangeTombstones).toHaveLength(0);
  expect(update.deletion).toBeUndefined();
  for (const column of table.columns.filter((c) => c.kind === 'regular' || c.kind === 'static')) {
    const spec: ColumnSpec = { name: column.name, type: column.type, kind: column.kind as 'regular', order: 'asc' };
    const stored = readColumn(column.kind === 'static' ? staticRow : row, spec, NOW_MICROS);
    const given = insert.given.find((g) => g.column.name === column.name);
    if (given === undefined) {
      expect(stored, `column ${column.name} not given`).toBe('absent');
      continue;
    }
    const expected = expectedStored(spec, given.value);
    if (expected === null) expect(stored, `column ${column.name}`).toBeNull();
    else {
      expect(stored === null || stored === 'absent', `column ${column.name} missing`).toBe(false);
      expect(
        sameValue(column.type, stored as CqlValue, expected, !isMultiCell(column.type)),
        `column ${column.name}`,
      ).toBe(true);
    }
  }
}

describe('INSERT plans decode back to the inserted values', () => {
  it('for random tables, values, literals and bind values', () => {
    const base = applySchemaStatement(
      emptySchema(),
      parseStatement(
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      ) as never,
      { newTableId: () => 'unused' },
    ).schema;
    fc.assert(
      fc.property(
        tableSpec.chain((columns) =>
          fc.tuple(fc.constant(columns), fc.array(insertOf(columns), { minLength: 1, maxLength: 4 })),
        ),
        ([columns, inserts]) => {
          const create = parseStatement(createTableText(columns));
          if (!isSchemaStatement(create)) throw new Error('not DDL');
          const schema = applySchemaStatement(base, create, {
            newTableId: () => '00000000-0000-4000-8000-000000000001',
          }).schema;
          const table = schema.keyspaces.get('ks')!.tables.get('t')!;
          for (const insert of inserts) checkPlannedInsert(schema, table, insert);
        },
      ),
      { numRuns: Number(process.env.RT_RUNS ?? 150) },
    );
  });
});

// ------------------------------------------------------------------ DDL sequences

/** Mostly names that exist or will, sometimes system keyspaces, odd cases and names too long or invalid. */
const keyspaceName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('ks', 'ks2') },
  fc.constantFrom('Ks', '"Ks"', 'system', 'system_schema', 'k'.repeat(49), '"bad-name"'),
);
const tableName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('t', 't2', 't3') },
  fc.constantFrom('T', '"T"', '"bad-name"', 'x'.repeat(49)),
);
/** Mostly one table (`ks.t`, or `t` in the session keyspace ks), so that ALTERs find it. */
const qualifiedTable = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('ks.t', 't') },
  { weight: 3, arbitrary: fc.tuple(keyspaceName, tableName).map(([k, t]) => `${k}.${t}`) },
  tableName,
);
const ddlColumn = fc.constantFrom('a', 'b', 'c', 'd', 'v', 'w', '"A"', 'ttl');
const keyColumnType = fc.constantFrom('int', 'text', 'blob', 'timeuuid', 'frozen<list<int>>', 'frozen<map<int, text>>');
const ddlType = fc.oneof(
  { weight: 3, arbitrary: keyColumnType },
  fc.constantFrom('counter', 'list<int>', 'set<text>', 'map<text, int>', 'frozen<map<int, frozen<set<text>>>>'),
);
const small = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }) },
  fc.constantFrom(-1, 630720000, 630720001, 2147483648),
);

const replication = fc.oneof(
  { weight: 4, arbitrary: small.map((rf) => `{'class': 'SimpleStrategy', 'replication_factor': ${rf}}`) },
  {
    weight: 2,
    arbitrary: fc
      .uniqueArray(fc.tuple(fc.constantFrom('dc1', 'dc2', '__proto__', 'replication_factor'), small), {
        maxLength: 3,
        selector: ([dc]) => dc,
      })
      .map((dcs) => `{'class': 'NetworkTopologyStrategy'${dcs.map(([dc, rf]) => `, '${dc}': ${rf}`).join('')}}`),
  },
  fc.constantFrom("{'class': 'Nope'}", "{'replication_factor': 1}", "{'class': 'SimpleStrategy'}", "'SimpleStrategy'"),
);

const tableProperty = fc.oneof(
  small.map((n) => `default_time_to_live = ${n}`),
  small.map((n) => `gc_grace_seconds = ${n}`),
  fc.constantFrom(
    "compaction = {'class': 'SizeTieredCompactionStrategy', 'min_threshold': 2}",
    "compaction = {'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'HOURS', 'compaction_window_size': 6}",
    "compaction = {'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'YEARS'}",
    "compaction = {'class': 'LeveledCompactionStrategy'}",
    "compaction = {'min_threshold': 5, 'max_threshold': 4, 'class': 'SizeTieredCompactionStrategy'}",
    "comment = 'a ''quoted'' comment'",
    'comment = 5',
    'bloom_filter_fp_chance = 0.1',
  ),
);

/** Distinct properties: the parser refuses one given twice. */
const tableProperties = (min: number) =>
  fc.uniqueArray(tableProperty, { minLength: min, maxLength: 2, selector: (p) => p.split(' ')[0] });

/** Mostly well-formed tables (distinct columns, keys among them, orders matching), sometimes not. */
const createTable = fc
  .record({
    ifNotExists: fc.boolean(),
    table: qualifiedTable,
    columns: fc.uniqueArray(fc.tuple(ddlColumn, ddlType, fc.nat(9)), {
      minLength: 1,
      maxLength: 6,
      selector: ([name]) => name,
    }),
    keyTypes: fc.array(keyColumnType, { minLength: 5, maxLength: 5 }),
    partitionCount: fc.integer({ min: 1, max: 2 }),
    clusteringCount: fc.integer({ min: 0, max: 2 }),
    orders: fc.array(fc.constantFrom('ASC', 'DESC'), { minLength: 2, maxLength: 2 }),
    withOrder: fc.boolean(),
    hostile: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, fc.tuple(ddlColumn, ddlColumn)),
    properties: tableProperties(0),
  })
  .map(
    ({
      ifNotExists,
      table,
      columns,
      keyTypes,
      partitionCount,
      clusteringCount,
      orders,
      withOrder,
      hostile,
      properties,
    }) => {
      const names = columns.map(([name]) => name);
      const partition = names.slice(0, partitionCount);
      const clustering = names.slice(partitionCount, partitionCount + clusteringCount);
      if (partition.length === 0) partition.push(names[0]!);
      const definitions = columns.map(([name, type, n], i) => {
        // Key columns mostly get a key type, now and then any type; other columns are sometimes static.
        const isKey = i < partition.length + clustering.length;
        return `${name} ${isKey && n > 0 ? keyTypes[i % 5] : type}${n === 9 && !isKey ? ' STATIC' : ''}`;
      });
      const key = hostile
        ? `PRIMARY KEY ((${hostile[0]}), ${hostile[1]})`
        : `PRIMARY KEY ((${partition.join(', ')})${clustering.map((c) => `, ${c}`).join('')})`;
      const withs = [
        ...(withOrder && clustering.length > 0
          ? [`CLUSTERING ORDER BY (${clustering.map((c, i) => `${c} ${orders[i]}`).join(', ')})`]
          : []),
        ...properties,
      ];
      return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${table} (${definitions.join(', ')}, ${key})${withs.length > 0 ? ` WITH ${withs.join(' AND ')}` : ''}`;
    },
  );

const columnDefinition = fc
  .tuple(ddlColumn, ddlType, fc.nat(4))
  .map(([c, type, n]) => `${c} ${type}${n === 0 ? ' STATIC' : ''}`);

/** Weighted so that tables get created, then altered, before they are dropped. */
const ddlStatement: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.boolean(), keyspaceName, replication, fc.option(fc.constantFrom('true', 'false', "'maybe'")))
      .map(
        ([ifNotExists, ks, r, durable]) =>
          `CREATE KEYSPACE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${ks} WITH replication = ${r}${durable === null ? '' : ` AND durable_writes = ${durable}`}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        keyspaceName,
        fc.oneof(
          replication.map((r) => `replication = ${r}`),
          fc.constant('durable_writes = false'),
        ),
      )
      .map(([ks, property]) => `ALTER KEYSPACE ${ks} WITH ${property}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.boolean(), fc.oneof(fc.constant('ks3'), keyspaceName))
      .map(([ifExists, ks]) => `DROP KEYSPACE ${ifExists ? 'IF EXISTS ' : ''}${ks}`),
  },
  { weight: 6, arbitrary: createTable },
  {
    weight: 4,
    arbitrary: fc
      .tuple(qualifiedTable, fc.array(columnDefinition, { minLength: 1, maxLength: 3 }))
      .map(([t, cs]) =>
        cs.length === 1 ? `ALTER TABLE ${t} ADD ${cs[0]}` : `ALTER TABLE ${t} ADD (${cs.join(', ')})`,
      ),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(qualifiedTable, fc.array(ddlColumn, { minLength: 1, maxLength: 3 }))
      .map(([t, cs]) =>
        cs.length === 1 ? `ALTER TABLE ${t} DROP ${cs[0]}` : `ALTER TABLE ${t} DROP (${cs.join(', ')})`,
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(qualifiedTable, ddlColumn, ddlColumn)
      .map(([t, a, b]) => `ALTER TABLE ${t} RENAME ${a} TO ${b}`),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(qualifiedTable, tableProperties(1))
      .map(([t, ps]) => `ALTER TABLE ${t} WITH ${ps.join(' AND ')}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.boolean(), qualifiedTable)
      .map(([ifExists, t]) => `DROP TABLE ${ifExists ? 'IF EXISTS ' : ''}${t}`),
  },
);

/** The invariants every table of a schema keeps, whatever DDL made it. */
function checkInvariants(schema: Schema): void {
  for (const [name, keyspace] of schema.keyspaces) {
    expect(keyspace.name).toBe(name);
    for (const [tableName, table] of keyspace.tables) {
      expect(table.name).toBe(tableName);
      expect(table.keyspace).toBe(name);
      const names = table.columns.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      expect(table.partitionKey.length).toBeGreaterThan(0);
      table.partitionKey.forEach((c, i) => {
        expect([c.kind, c.position]).toEqual(['partition_key', i]);
      });
      table.clustering.forEach((c, i) => {
        expect([c.kind, c.position]).toEqual(['clustering', i]);
        expect(['asc', 'desc']).toContain(c.clusteringOrder);
      });
      const rest = table.columns.filter((c) => c.kind === 'regular' || c.kind === 'static');
      for (const c of rest) expect([c.position, c.clusteringOrder]).toEqual([-1, undefined]);
      for (const c of [...table.partitionKey, ...table.clustering]) {
        expect(isMultiCell(c.type) || c.type.kind === 'counter').toBe(false);
      }
      if (table.clustering.length === 0) expect(rest.some((c) => c.kind === 'static')).toBe(false);
      const counters = rest.filter((c) => c.type.kind === 'counter').length;
      expect(counters === 0 || counters === rest.length).toBe(true);
      expect(table.columns).toHaveLength(table.partitionKey.length + table.clustering.length + rest.length);
    }
  }
}

function checkPersisted(schema: Schema): void {
  const text = serializeSchema(schema);
  const read = deserializeSchema(text);
  expect(serializeSchema(read)).toBe(text);
  expect(schemaVersion(read)).toBe(schemaVersion(schema));
  expect(schemaVersion(schema)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  checkInvariants(read);
}

function expectRingtailError(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof RingtailError)) throw error;
  }
}

describe('random DDL sequences', () => {
  it('only succeed or throw a RingtailError; the schema keeps its invariants and persists', () => {
    fc.assert(
      fc.property(fc.array(ddlStatement, { minLength: 1, maxLength: 25 }), (random) => {
        const texts = [
          "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
          "CREATE KEYSPACE ks2 WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2}",
          'CREATE TABLE ks.t (a int, b text, c int, v int, w set<text>, PRIMARY KEY (a, b, c))',
          ...random,
        ];
        let schema = emptySchema();
        let tables = 0;
        let nowMicros = NOW_MICROS;
        for (const text of texts) {
          nowMicros += 1000;
          expectRingtailError(() => {
            const statement = parseStatement(text);
            if (!isSchemaStatement(statement)) throw new Error(`not DDL: ${text}`);
            const result = applySchemaStatement(schema, statement, {
              newTableId: () => `00000000-0000-4000-8000-${String(++tables).padStart(12, '0')}`,
              currentKeyspace: 'ks',
              nowMicros,
            });
            if (result.change === 'none') expect(result.schema).toBe(schema);
            schema = result.schema;
          });
          checkInvariants(schema);
        }
        checkPersisted(schema);
      }),
      { numRuns: Number(process.env.RT_RUNS ?? 150) },
    );
  });

  it('keeps the schema version when the same schema is built again', () => {
    const texts = [
      "CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc2': 2, 'dc1': 3}",
      "CREATE TABLE ks.t (k int, c text, v map<text, int>, s int static, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC) AND compaction = {'class': 'TimeWindowCompactionStrategy'}",
      'ALTER TABLE ks.t DROP (v, s)',
      'CREATE TABLE ks.a (k int PRIMARY KEY)',
    ];
    const build = () => {
      let schema = emptySchema();
      let nowMicros = NOW_MICROS;
      for (const text of texts) {
        const statement = parseStatement(text);
        if (!isSchemaStatement(statement)) throw new Error('not DDL');
        schema = applySchemaStatement(schema, statement, {
          newTableId: () => `id-${text.length}`,
          nowMicros: nowMicros++,
        }).schema;
      }
      return schema;
    };
    const version = schemaVersion(build());
    expect(schemaVersion(build())).toBe(version);
    expect(schemaVersion(deserializeSchema(serializeSchema(build())))).toBe(version);
  });

  it('refuses damaged schema JSON with a RingtailError', () => {
    let schema = emptySchema();
    for (const text of [
      "CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}",
      "CREATE TABLE ks.t (k int, c text, v list<int>, s int static, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC) AND compaction = {'class': 'TimeWindowCompactionStrategy'}",
      'ALTER TABLE ks.t DROP v',
    ]) {
      schema = applySchemaStatement(schema, parseStatement(text) as never, {
        newTableId: () => 'id',
        nowMicros: 5,
      }).schema;
    }
    const json = JSON.parse(serializeSchema(schema)) as JsonValue;
    const junk = fc.constantFrom<JsonValue>(
      null,
      true,
      -1,
      1.5,
      'x',
      2 ** 60,
      [],
      {},
      // Well-typed but inconsistent: kinds, types and names that break a table's rules.
      'static',
      'clustering',
      'partition_key',
      'regular',
      'desc',
      'k',
      'c',
      'counter',
      'list<int>',
      'frozen<counter>',
      1,
      0,
    );
    /** Every path in `json` to an object member or array element. */
    const paths: (string | number)[][] = [];
    const walk = (value: JsonValue, path: (string | number)[]) => {
      if (Array.isArray(value)) {
        for (const [i, v] of value.entries()) walk(v, [...path, i]);
      } else if (value !== null && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      if (path.length > 0) paths.push(path);
    };
    walk(json, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths), junk, fc.boolean(), (path, replacement, remove) => {
        const copy = structuredClone(json) as Record<string | number, JsonValue>;
        let parent: Record<string | number, JsonValue> = copy;
        for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, JsonValue>;
        const last = path[path.length - 1]!;
        if (remove && !Array.isArray(parent)) delete parent[last];
        else parent[last] = replacement;
        expectRingtailError(() => checkInvariants(deserializeSchema(JSON.stringify(copy))));
      }),
      { numRuns: Number(process.env.RT_RUNS ?? 400) },
    );
    for (const text of ['', '{', 'null', '[]', '{"format":2,"keyspaces":[]}', serializeSchema(schema).slice(0, 50)]) {
      expect(() => deserializeSchema(text)).toThrow(CqlInvalidRequestError);
    }
  });
});
