/**
 * fast-check arbitraries for fuzzing `POST /cql`: statements built from a
 * small CQL grammar over the fuzz schema's real names (so many reach
 * validation and execution, not just the parser), corpus statements mutated
 * at the character and token level, and request bodies around them.
 */
import fc from 'fast-check';

/** The schema the fuzz node starts with (fuzz.test.ts creates it). */
export const FUZZ_SCHEMA = [
  "CREATE KEYSPACE fz WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  'CREATE TABLE fz.kv (k int PRIMARY KEY, v text, n bigint, b blob, f double, u uuid, ts timestamp)',
  'CREATE TABLE fz.wide (p text, c int, d text, s int static, v int, PRIMARY KEY (p, c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC)',
  'CREATE TABLE fz.colls (k int PRIMARY KEY, l list<int>, st set<text>, m map<text, int>, fl frozen<list<int>>)',
  "CREATE KEYSPACE scratch WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
];

/** Valid statements of every form: seeds for mutation. */
export const CORPUS = [
  'SELECT * FROM fz.kv',
  'SELECT k, v, writetime(v), ttl(v) FROM fz.kv WHERE k = 1',
  'SELECT * FROM fz.kv WHERE k IN (1, 2, 3)',
  "SELECT p, c, d, v FROM fz.wide WHERE p = 'a' AND c > 1 AND c <= 5 ORDER BY c ASC LIMIT 10",
  "SELECT * FROM fz.wide WHERE p = 'a' AND (c, d) > (1, 'x') PER PARTITION LIMIT 2",
  "SELECT COUNT(*) FROM fz.wide WHERE p IN ('a', 'b')",
  'SELECT DISTINCT p, s FROM fz.wide',
  'SELECT JSON * FROM fz.colls WHERE k = 1',
  'SELECT token(k), k FROM fz.kv WHERE token(k) > 0 AND token(k) <= 9223372036854775807',
  "SELECT * FROM fz.colls WHERE st CONTAINS 'x' ALLOW FILTERING",
  "SELECT * FROM fz.kv WHERE v = 'x' ALLOW FILTERING",
  "SELECT * FROM system.local WHERE key = 'local'",
  "SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = 'fz'",
  "INSERT INTO fz.kv (k, v, n, b, f, u, ts) VALUES (1, 'one', 1, 0xcafe, 1.5, uuid(), '2024-01-01')",
  "INSERT INTO fz.kv (k, v) VALUES (2, 'two') USING TTL 100 AND TIMESTAMP 123",
  "INSERT INTO fz.kv (k, v) VALUES (3, 'three') IF NOT EXISTS",
  'INSERT INTO fz.kv JSON \'{"k": 4, "v": "json"}\'',
  "INSERT INTO fz.wide (p, c, d, s, v) VALUES ('a', 1, 'x', 7, 1)",
  "UPDATE fz.kv SET v = 'upd', n = 2 WHERE k = 1 IF v = 'one'",
  'UPDATE fz.kv USING TTL 5 SET f = -0.5 WHERE k IN (5, 6)',
  "UPDATE fz.colls SET l = l + [1, 2], st = st - {'a'}, m['k'] = 3 WHERE k = 1",
  "UPDATE fz.colls SET m = {'a': 1}, fl = [3] WHERE k = 1 IF m['a'] = null",
  "UPDATE fz.wide SET s = 3 WHERE p = 'a' IF s > 1",
  'DELETE FROM fz.kv WHERE k = 1',
  'DELETE v, n FROM fz.kv USING TIMESTAMP 99 WHERE k = 2 IF EXISTS',
  "DELETE FROM fz.wide WHERE p = 'a' AND c >= 1 AND c < 3",
  "DELETE m['k'], st FROM fz.colls WHERE k = 1",
  'BEGIN BATCH INSERT INTO fz.kv (k, v) VALUES (?, ?); UPDATE fz.kv SET n = 1 WHERE k = 1; APPLY BATCH',
  'BEGIN UNLOGGED BATCH USING TIMESTAMP 5 DELETE FROM fz.kv WHERE k = 9 APPLY BATCH',
  'SELECT * FROM fz.kv WHERE k = ? AND v = :named ALLOW FILTERING',
  "CREATE TABLE IF NOT EXISTS scratch.t1 (a int, b text, c set<int>, PRIMARY KEY ((a, b))) WITH comment = 'x'",
  "CREATE TABLE IF NOT EXISTS scratch.t2 (a int, b int, PRIMARY KEY (a, b)) WITH compaction = {'class': 'TimeWindowCompactionStrategy'}",
  'ALTER TABLE scratch.t1 ADD d map<text, frozen<list<int>>>',
  'ALTER TABLE scratch.t1 DROP d',
  'ALTER TABLE scratch.t2 WITH gc_grace_seconds = 10 AND default_time_to_live = 60',
  'DROP TABLE IF EXISTS scratch.t2',
  'TRUNCATE scratch.t1',
  "CREATE KEYSPACE IF NOT EXISTS scratch2 WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1}",
  'DROP KEYSPACE IF EXISTS scratch2',
  'USE fz',
  '/* comment */ SELECT v -- trailing\nFROM fz.kv',
];

/** The fuzz tables' columns and types, so that most generated statements name real columns with fitting values. */
interface TableSpec {
  readonly name: string;
  readonly partitionKey: readonly string[];
  readonly clustering: readonly string[];
  readonly columns: Readonly<Record<string, string>>;
}

const SPECS: readonly TableSpec[] = [
  {
    name: 'fz.kv',
    partitionKey: ['k'],
    clustering: [],
    columns: { k: 'int', v: 'text', n: 'bigint', b: 'blob', f: 'double', u: 'uuid', ts: 'timestamp' },
  },
  {
    name: 'fz.wide',
    partitionKey: ['p'],
    clustering: ['c', 'd'],
    columns: { p: 'text', c: 'int', d: 'text', s: 'int', v: 'int' },
  },
  {
    name: 'fz.colls',
    partitionKey: ['k'],
    clustering: [],
    columns: { k: 'int', l: 'list<int>', st: 'set<text>', m: 'map<text, int>', fl: 'frozen<list<int>>' },
  },
  { name: 'system.local', partitionKey: ['key'], clustering: [], columns: { key: 'text', rack: 'text' } },
  { name: 'nope', partitionKey: ['k'], clustering: [], columns: { k: 'int' } },
];
const SCRATCH_TABLES = ['scratch.t1', 'scratch.t2', 'scratch.t3'];
const NAMES = ['k', 'v', 'n', 'b', 'f', 'u', 'ts', 'p', 'c', 'd', 's', 'l', 'st', 'm', 'fl', 'key', 'x'];
const TYPES = [
  'int',
  'text',
  'bigint',
  'varint',
  'decimal',
  'double',
  'float',
  'boolean',
  'timestamp',
  'date',
  'uuid',
  'timeuuid',
  'blob',
  'inet',
  'ascii',
  'smallint',
  'tinyint',
  'counter',
  'duration',
  'list<int>',
  'set<text>',
  'map<text, int>',
  'frozen<list<set<int>>>',
  'list<list<int>>',
  'frozen<int>',
];
const KEYWORDS = [
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'IN',
  'IF',
  'EXISTS',
  'NOT',
  'NULL',
  'INSERT',
  'INTO',
  'VALUES',
  'UPDATE',
  'SET',
  'DELETE',
  'BATCH',
  'APPLY',
  'BEGIN',
  'USING',
  'TTL',
  'TIMESTAMP',
  'TOKEN',
  'LIMIT',
  'ORDER',
  'BY',
  'ALLOW',
  'FILTERING',
  'CONTAINS',
  'KEY',
  'PRIMARY',
  'CREATE',
  'TABLE',
  'KEYSPACE',
  'WITH',
  'DROP',
  'ALTER',
  'ADD',
  'TRUNCATE',
  'USE',
  'JSON',
  'DISTINCT',
  'COUNT',
  'PER',
  'PARTITION',
];
const PUNCTUATION = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ';',
  '.',
  ':',
  '?',
  '=',
  '<',
  '>',
  '<=',
  '>=',
  '!=',
  '+',
  '-',
  '*',
  "'",
  '"',
  '$$',
  '--',
  '/*',
  '*/',
  '\n',
  '\u0000',
  '\uffff',
  '\ud800',
  '☃',
  '0x',
];

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const maybe = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: '' });

const quotedIdentifier = fc.string({ minLength: 1, maxLength: 6 }).map((s) => `"${s.replaceAll('"', '""')}"`);
const identifier = fc.oneof(
  { weight: 6, arbitrary: pick(NAMES) },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/) },
  { weight: 1, arbitrary: quotedIdentifier },
);

const stringLiteral = fc.string({ maxLength: 12 }).map((s) => `'${s.replaceAll("'", "''")}'`);
const intLiteral = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -5, max: 100 }).map(String) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: pick(['2147483648', '-9223372036854775809', '18446744073709551616', '007', '?', ':k']) },
);
const numberLiteral = fc.oneof(
  intLiteral,
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.double().map((d) => (Number.isNaN(d) ? 'NaN' : String(d))),
  pick(['0', '-0', '1e400', '1.', 'Infinity', '-NaN']),
);
const scalarLiteral: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: numberLiteral },
  { weight: 4, arbitrary: stringLiteral },
  {
    weight: 1,
    arbitrary: pick(['true', 'false', 'null', '?', ':name', ':k', 'now()', 'uuid()', 'toTimestamp(now())']),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 8 }).map((b) => `0x${Buffer.from(b).toString('hex')}`) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: pick(["'2024-01-01'", "'2024-01-01 10:00:00+0000'", "'::1'", "'not a date'"]) },
);
/** Any term, collections and tuples included, nested a little. */
const { literal } = fc.letrec<{ literal: string }>((tie) => ({
  literal: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 8, arbitrary: scalarLiteral },
    { weight: 1, arbitrary: fc.array(tie('literal'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`) },
    { weight: 1, arbitrary: fc.array(tie('literal'), { maxLength: 3 }).map((xs) => `{${xs.join(', ')}}`) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(tie('literal'), tie('literal')), { maxLength: 3 })
        .map((xs) => `{${xs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    },
    {
      weight: 1,
      arbitrary: fc.array(tie('literal'), { minLength: 1, maxLength: 3 }).map((xs) => `(${xs.join(', ')})`),
    },
  ),
}));

/** A term that fits `type` most of the time. */
function termFor(type: string | undefined): fc.Arbitrary<string> {
  let fitting: fc.Arbitrary<string>;
  switch (type) {
    case 'int':
      fitting = intLiteral;
      break;
    case 'bigint':
      fitting = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
      break;
    case 'double':
      fitting = fc.double().map((d) => (Number.isNaN(d) ? 'NaN' : String(d)));
      break;
    case 'text':
      fitting = stringLiteral;
      break;
    case 'blob':
      fitting = fc.uint8Array({ maxLength: 8 }).map((b) => `0x${Buffer.from(b).toString('hex')}`);
      break;
    case 'uuid':
      fitting = fc.oneof(fc.uuid(), fc.constant('uuid()'));
      break;
    case 'timestamp':
      fitting = fc.oneof(intLiteral, pick(["'2024-01-01'", "'2024-05-01 10:00:00+0000'", 'toTimestamp(now())']));
      break;
    case 'list<int>':
    case 'frozen<list<int>>':
      fitting = fc.array(intLiteral, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`);
      break;
    case 'set<text>':
      fitting = fc.array(stringLiteral, { maxLength: 3 }).map((xs) => `{${xs.join(', ')}}`);
      break;
    case 'map<text, int>':
      fitting = fc
        .array(fc.tuple(stringLiteral, intLiteral), { maxLength: 3 })
        .map((xs) => `{${xs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`);
      break;
    default:
      return literal;
  }
  return fc.oneof({ weight: 5, arbitrary: fitting }, { weight: 1, arbitrary: literal });
}

/** A column of `spec` most of the time, with a term for it. */
function columnValue(spec: TableSpec): fc.Arbitrary<readonly [string, string]> {
  const names = Object.keys(spec.columns);
  return fc
    .oneof({ weight: 6, arbitrary: pick(names) }, { weight: 1, arbitrary: identifier })
    .chain((column) => termFor(spec.columns[column]).map((value) => [column, value] as const));
}

const operator = pick(['=', '<', '>', '<=', '>=', '!=', 'IN', 'CONTAINS', 'CONTAINS KEY']);
const inList = (value: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.array(value, { maxLength: 4 }).map((xs) => `(${xs.join(', ')})`),
    fc.constant('?'),
  );

/** A WHERE clause: usually the whole partition key by `=` or IN, then clustering and other relations. */
function where(spec: TableSpec): fc.Arbitrary<string> {
  const keyRelation = (column: string) =>
    fc.oneof(
      { weight: 4, arbitrary: termFor(spec.columns[column]).map((v) => `${column} = ${v}`) },
      { weight: 1, arbitrary: inList(termFor(spec.columns[column])).map((v) => `${column} IN ${v}`) },
    );
  const clusteringRelation = (column: string) =>
    fc
      .tuple(pick(['=', '<', '>', '<=', '>=', 'IN']), termFor(spec.columns[column]))
      .map(([op, v]) => (op === 'IN' ? `${column} IN (${v})` : `${column} ${op} ${v}`));
  const other = fc.oneof(
    columnValue(spec).chain(([c, v]) => operator.map((op) => `${c} ${op} ${v}`)),
    fc
      .tuple(pick(spec.partitionKey), pick(['>', '<=', '>=']), fc.oneof(intLiteral, numberLiteral))
      .map(([c, op, v]) => `token(${c}) ${op} ${v}`),
    fc
      .array(identifier, { minLength: 1, maxLength: 3 })
      .map((cs) => `(${cs.join(', ')}) > (${cs.map(() => '1').join(', ')})`),
  );
  return fc
    .tuple(
      fc.oneof(
        { weight: 6, arbitrary: fc.tuple(...spec.partitionKey.map(keyRelation)) },
        { weight: 1, arbitrary: fc.constant([] as string[]) },
      ),
      fc.array(
        fc.oneof(...(spec.clustering.length > 0 ? spec.clustering : spec.partitionKey).map(clusteringRelation)),
        {
          maxLength: spec.clustering.length,
        },
      ),
      fc.array(other, { maxLength: 2 }),
    )
    .map(([keys, clustering, rest]) => [...keys, ...clustering, ...rest])
    .filter((relations) => relations.length > 0)
    .map((relations) => ` WHERE ${relations.join(' AND ')}`);
}

const limitValue = fc.oneof({ weight: 5, arbitrary: intLiteral }, { weight: 1, arbitrary: scalarLiteral });
const using = maybe(
  fc
    .tuple(maybe(limitValue.map((v) => `TTL ${v}`)), maybe(limitValue.map((v) => `TIMESTAMP ${v}`)))
    .map(([a, b]) => ` USING ${[a, b].filter((x) => x !== '').join(' AND ') || 'TTL 1'}`),
);

function condition(spec: TableSpec): fc.Arbitrary<string> {
  return fc.oneof(
    pick([' IF EXISTS', ' IF EXISTS', ' IF NOT EXISTS']),
    fc
      .array(
        columnValue(spec).chain(([c, v]) =>
          fc.oneof(
            { weight: 4, arbitrary: pick(['=', '!=', '<', '>=']).map((op) => `${c} ${op} ${v}`) },
            { weight: 1, arbitrary: fc.tuple(scalarLiteral, literal).map(([e, x]) => `${c}[${e}] = ${x}`) },
            { weight: 1, arbitrary: fc.constant(`${c} IN (${v}, null)`) },
          ),
        ),
        { minLength: 1, maxLength: 3 },
      )
      .map((cs) => ` IF ${cs.join(' AND ')}`),
  );
}

const selector = (spec: TableSpec) =>
  fc.oneof(
    { weight: 6, arbitrary: pick(Object.keys(spec.columns)) },
    { weight: 1, arbitrary: identifier },
    { weight: 1, arbitrary: pick(Object.keys(spec.columns)).map((c) => `writetime(${c})`) },
    { weight: 1, arbitrary: pick(Object.keys(spec.columns)).map((c) => `ttl(${c})`) },
    { weight: 1, arbitrary: pick(spec.partitionKey).map((c) => `token(${c})`) },
    { weight: 1, arbitrary: pick(['COUNT(*)', 'count(1)', 'now()', 'CAST(k AS text)']) },
    { weight: 1, arbitrary: fc.tuple(pick(Object.keys(spec.columns)), identifier).map(([c, a]) => `${c} AS ${a}`) },
  );

const tableSpec = fc.oneof(
  { weight: 8, arbitrary: pick(SPECS.slice(0, 3)) },
  { weight: 1, arbitrary: pick(SPECS.slice(3)) },
);
/** The table as a statement names it: qualified, or relying on the request's keyspace. */
const tableName = (spec: TableSpec) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(spec.name) },
    { weight: 1, arbitrary: fc.constant(spec.name.split('.').pop()!) },
  );

const select = tableSpec.chain((spec) =>
  fc
    .tuple(
      fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: pick(['JSON ', 'DISTINCT ']) }),
      fc.oneof(
        fc.constant('*'),
        fc.array(selector(spec), { minLength: 1, maxLength: 4 }).map((s) => s.join(', ')),
      ),
      tableName(spec),
      maybe(where(spec)),
      maybe(pick([...spec.clustering, 'v']).chain((c) => pick(['ASC', 'DESC']).map((d) => ` ORDER BY ${c} ${d}`))),
      maybe(limitValue.map((v) => ` PER PARTITION LIMIT ${v}`)),
      maybe(limitValue.map((v) => ` LIMIT ${v}`)),
      fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constant(' ALLOW FILTERING') }),
    )
    .map(([mod, sel, t, w, o, ppl, l, af]) => `SELECT ${mod}${sel} FROM ${t}${w}${o}${ppl}${l}${af}`),
);

const insert = tableSpec.chain((spec) =>
  fc
    .tuple(
      tableName(spec),
      fc.tuple(
        ...[...spec.partitionKey, ...spec.clustering].map((c) => termFor(spec.columns[c]).map((v) => [c, v] as const)),
      ),
      fc.array(columnValue(spec), { maxLength: 4 }),
      fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constant(' IF NOT EXISTS') }),
      using,
    )
    .map(([t, keys, rest, ine, u]) => {
      const cvs = [...keys, ...rest];
      return `INSERT INTO ${t} (${cvs.map(([c]) => c).join(', ')}) VALUES (${cvs.map(([, v]) => v).join(', ')})${ine}${u}`;
    }),
);

const assignment = (spec: TableSpec) =>
  columnValue(spec).chain(([c, v]) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(`${c} = ${v}`) },
      { weight: 2, arbitrary: pick(['+', '-']).map((op) => `${c} = ${c} ${op} ${v}`) },
      { weight: 1, arbitrary: scalarLiteral.map((e) => `${c}[${e}] = ${v}`) },
      { weight: 1, arbitrary: fc.constant(`${c} = ${v} + ${c}`) },
    ),
  );
const update = tableSpec.chain((spec) =>
  fc
    .tuple(
      tableName(spec),
      using,
      fc.array(assignment(spec), { minLength: 1, maxLength: 3 }),
      where(spec),
      maybe(condition(spec)),
    )
    .map(([t, u, as, w, c]) => `UPDATE ${t}${u} SET ${as.join(', ')}${w}${c}`),
);

const deletion = tableSpec.chain((spec) =>
  fc
    .tuple(
      fc.array(
        fc.oneof(
          pick(Object.keys(spec.columns)),
          fc.tuple(pick(Object.keys(spec.columns)), scalarLiteral).map(([c, e]) => `${c}[${e}]`),
        ),
        { maxLength: 3 },
      ),
      tableName(spec),
      maybe(limitValue.map((v) => ` USING TIMESTAMP ${v}`)),
      where(spec),
      maybe(condition(spec)),
    )
    .map(([ts, t, u, w, c]) => `DELETE ${ts.join(', ')}${ts.length > 0 ? ' ' : ''}FROM ${t}${u}${w}${c}`),
);

const batch = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: pick(['', 'UNLOGGED ']) }, { weight: 1, arbitrary: fc.constant('COUNTER ') }),
    maybe(limitValue.map((v) => ` USING TIMESTAMP ${v}`)),
    fc.array(fc.oneof(insert, update, deletion), { minLength: 0, maxLength: 4 }),
  )
  .map(([kind, u, ss]) => `BEGIN ${kind}BATCH${u} ${ss.join('; ')} APPLY BATCH`);

const columnDefinition = fc
  .tuple(
    identifier,
    pick(TYPES),
    fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: pick([' STATIC', ' PRIMARY KEY']) }),
  )
  .map(([c, t, mod]) => `${c} ${t}${mod}`);
const ddl = fc.oneof(
  fc
    .tuple(
      pick(SCRATCH_TABLES),
      fc.array(columnDefinition, { minLength: 1, maxLength: 4 }),
      maybe(fc.array(identifier, { minLength: 1, maxLength: 3 }).map((ks) => `, PRIMARY KEY (${ks.join(', ')})`)),
      maybe(
        pick([
          " WITH comment = 'c'",
          ' WITH CLUSTERING ORDER BY (c DESC)',
          ' WITH gc_grace_seconds = -1',
          " WITH compaction = {'class': 'SizeTieredCompactionStrategy', 'min_threshold': 1}",
          ' WITH default_time_to_live = 1',
        ]),
      ),
    )
    .map(([t, cols, pk, w]) => `CREATE TABLE IF NOT EXISTS ${t} (${cols.join(', ')}${pk})${w}`),
  fc.tuple(pick(SCRATCH_TABLES), columnDefinition).map(([t, c]) => `ALTER TABLE ${t} ADD ${c}`),
  fc.tuple(pick(SCRATCH_TABLES), identifier).map(([t, c]) => `ALTER TABLE ${t} DROP ${c}`),
  pick(SCRATCH_TABLES).map((t) => `DROP TABLE IF EXISTS ${t}`),
  pick(SCRATCH_TABLES).map((t) => `TRUNCATE ${t}`),
  fc
    .tuple(pick(['scratch3', 'scratch4', 'system', 'fz']), fc.oneof(intLiteral, literal))
    .map(
      ([k, rf]) =>
        `CREATE KEYSPACE IF NOT EXISTS ${k} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': ${rf}}`,
    ),
  pick(['scratch3', 'scratch4', 'system_schema']).map((k) => `DROP KEYSPACE IF EXISTS ${k}`),
  identifier.map((k) => `USE ${k}`),
);

/** A statement from the grammar. */
export const generatedStatement: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: select },
  { weight: 3, arbitrary: insert },
  { weight: 3, arbitrary: update },
  { weight: 2, arbitrary: deletion },
  { weight: 1, arbitrary: batch },
  { weight: 1, arbitrary: ddl },
);

/** One edit of a statement's text. */
const mutation = fc.oneof(
  fc.tuple(fc.nat(), fc.nat({ max: 12 })).map(([at, n]) => (s: string) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + s.slice(i + n);
  }),
  fc
    .tuple(fc.nat(), fc.oneof(pick(KEYWORDS), pick(PUNCTUATION), fc.string({ maxLength: 3 }), literal))
    .map(([at, token]) => (s: string) => {
      const i = at % (s.length + 1);
      return `${s.slice(0, i)} ${token} ${s.slice(i)}`;
    }),
  fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 20 })).map(([at, from, n]) => (s: string) => {
    const i = at % (s.length + 1);
    const j = from % (s.length + 1);
    return s.slice(0, i) + s.slice(j, j + n) + s.slice(i);
  }),
  fc.nat().map((at) => (s: string) => s.slice(0, at % (s.length + 1))),
  fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })).map(([at, ch]) => (s: string) => {
    const i = at % Math.max(1, s.length);
    return s.slice(0, i) + ch + s.slice(i + 1);
  }),
);

/** A corpus or generated statement with one to four edits. */
export const mutatedStatement: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(pick(CORPUS), generatedStatement), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([s, edits]) => edits.reduce((text, edit) => edit(text), s));

const statement = fc.oneof(
  { weight: 4, arbitrary: generatedStatement },
  { weight: 4, arbitrary: mutatedStatement },
  { weight: 1, arbitrary: pick(CORPUS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

const jsonParam: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(null)),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 1,
    arbitrary: pick(['0xcafe', '2024-01-01', '123e4567-e89b-12d3-a456-426614174000', '9223372036854775808']),
  },
);

const consistency = fc.oneof(
  { weight: 8, arbitrary: fc.constant('ONE') },
  { weight: 3, arbitrary: pick(['ANY', 'QUORUM', 'ALL', 'LOCAL_ONE', 'LOCAL_QUORUM', 'EACH_QUORUM']) },
  { weight: 1, arbitrary: pick(['TWO', 'THREE']) },
);
const keyspace = fc.oneof(
  { weight: 6, arbitrary: fc.constant('fz') },
  { weight: 1, arbitrary: pick(['scratch', 'system', 'nope', 'FZ']) },
);
const params = fc.oneof(
  fc.array(jsonParam, { maxLength: 4 }),
  fc.dictionary(pick(['k', 'v', 'name', 'named', 'p']), jsonParam, { maxKeys: 3 }),
);

/** A `POST /cql` body: the statement plus whatever else a client might send, each field now and then. */
export const requestBody: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    statement.filter((q) => q.length > 0),
    fc.option(params, { freq: 2 }),
    fc.option(consistency, { freq: 2 }),
    fc.option(keyspace, { freq: 2 }),
    fc.option(fc.integer({ min: 1, max: 10_000 }), { freq: 2 }),
    fc.oneof(
      { weight: 9, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.oneof(fc.base64String({ maxLength: 40 }), fc.string({ maxLength: 10 })) },
    ),
  )
  .map(([query, p, c, k, pageSize, pagingState]) => {
    const body: Record<string, unknown> = { query };
    // Bind values mostly only with markers: otherwise nearly every request fails on their count.
    if (p !== null && (/[?:]/.test(query) || !Array.isArray(p))) body.params = p;
    if (c !== null) body.consistency = c;
    if (k !== null) body.keyspace = k;
    if (pageSize !== null) body.pageSize = pageSize;
    if (pagingState !== null) body.pagingState = pagingState;
    return body;
  });
