/**
 * The requests of the http-write benchmark and the checks on their answers:
 * single-row INSERTs with bind parameters or with literals, and 100-row
 * UNLOGGED batches, into `ks.t (k blob PRIMARY KEY, v blob)`; a server
 * verified before timing, and rows read back with SELECT.
 */
import type { Pool } from 'undici';
import { type Answer, cql, post, type RandomRows } from './http-fixture.js';

export const TABLE = 'ks.t';
export const INSERT_BIND = `INSERT INTO ${TABLE} (k, v) VALUES (?, ?)`;
export const BATCH_ROWS = 100;
const BATCH_BIND = `BEGIN UNLOGGED BATCH ${`${INSERT_BIND}; `.repeat(BATCH_ROWS)}APPLY BATCH`;
const APPLIED = '{"applied":true}';
/** Rows of each shape written and read back before timing. */
const VERIFY_ROWS = 300;
/** At most this many rows of the timed phases are remembered and read back afterwards. */
const MAX_SAMPLED_ROWS = 2000;
const SAMPLE_EVERY = 97;
/** SELECTs in flight while reading rows back. */
const READ_BACK_CONCURRENCY = 50;

export interface Row {
  readonly key: string;
  readonly value: string;
}

export type ShapeName = 'bind' | 'literal' | 'batch';

/** The request bodies of one shape; every row made is offered to `seen`. */
export interface Shape {
  readonly name: ShapeName;
  readonly rowsPerRequest: number;
  body(rows: RandomRows, seen: (row: Row) => void): string;
  /** What a right answer from Ringtail is. */
  readonly check: (answer: Answer) => void;
}

/** Ringtail answers a 100-row batch with Cassandra's batch-size and unlogged-batch warnings after `applied`. */
function checkApplied(answer: Answer): void {
  if (answer.status !== 200 || !answer.text.startsWith(APPLIED.slice(0, -1))) {
    throw new Error(`expected 200 ${APPLIED}, got ${answer.status} ${answer.text.slice(0, 300)}`);
  }
}

export function checkExactlyApplied(answer: Answer): void {
  if (answer.status !== 200 || answer.text !== APPLIED) {
    throw new Error(`expected 200 ${APPLIED}, got ${answer.status} ${answer.text.slice(0, 300)}`);
  }
}

export const SHAPES: Readonly<Record<ShapeName, Shape>> = {
  bind: {
    name: 'bind',
    rowsPerRequest: 1,
    body(rows, seen) {
      const row = rows.next();
      seen(row);
      return `{"query":"${INSERT_BIND}","params":["${row.key}","${row.value}"]}`;
    },
    check: checkExactlyApplied,
  },
  literal: {
    name: 'literal',
    rowsPerRequest: 1,
    body(rows, seen) {
      const row = rows.next();
      seen(row);
      return `{"query":"INSERT INTO ${TABLE} (k, v) VALUES (${row.key}, ${row.value})"}`;
    },
    check: checkExactlyApplied,
  },
  batch: {
    name: 'batch',
    rowsPerRequest: BATCH_ROWS,
    body(rows, seen) {
      const params: string[] = [];
      for (let i = 0; i < BATCH_ROWS; i++) {
        const row = rows.next();
        seen(row);
        params.push(`"${row.key}"`, `"${row.value}"`);
      }
      return `{"query":"${BATCH_BIND}","params":[${params.join(',')}]}`;
    },
    check: checkApplied,
  },
};

/** Every SAMPLE_EVERY-th row offered, up to MAX_SAMPLED_ROWS. */
export class Sample {
  readonly rows: Row[] = [];
  private seen = 0;

  readonly offer = (row: Row): void => {
    if (this.seen++ % SAMPLE_EVERY === 0 && this.rows.length < MAX_SAMPLED_ROWS) this.rows.push(row);
  };
}

/** Each row read back with SELECT must hold exactly its value; `absent` keys must find nothing. */
export async function checkReadBack(pool: Pool, rows: readonly Row[], absent: readonly string[], what: string) {
  const select = `SELECT k, v FROM ${TABLE} WHERE k = ?`;
  for (let i = 0; i < rows.length; i += READ_BACK_CONCURRENCY) {
    await Promise.all(
      rows.slice(i, i + READ_BACK_CONCURRENCY).map(async (row) => {
        const found = (await cql(pool, select, [row.key])).rows as Array<{ k: string; v: string }> | undefined;
        if (found?.length !== 1 || found[0]!.k !== row.key || found[0]!.v !== row.value) {
          throw new Error(`${what}: row ${row.key} reads back as ${JSON.stringify(found).slice(0, 200)}`);
        }
      }),
    );
  }
  for (const key of absent) {
    const found = (await cql(pool, select, [key])).rows as unknown[] | undefined;
    if (found?.length !== 0) throw new Error(`${what}: never-written key ${key} is found`);
  }
}

/** Both servers must refuse a body without `query`: the baseline validates as Ringtail does. */
async function checkRefusesBadBody(pool: Pool, what: string): Promise<void> {
  const answer = await post(pool, '/cql', '{"params":[]}');
  if (answer.status !== 400) throw new Error(`${what}: a body without query got ${answer.status}, not 400`);
}

/** The bare server answers a write as Ringtail does, and refuses what Ringtail refuses. */
export async function verifyBaseline(pool: Pool, rows: RandomRows): Promise<void> {
  await checkRefusesBadBody(pool, 'bare fastify');
  for (const shape of Object.values(SHAPES))
    checkExactlyApplied(
      await post(
        pool,
        '/cql',
        shape.body(rows, () => {}),
      ),
    );
}

/**
 * Makes the table, then writes rows through every shape in `shapes` and reads
 * them back (one rewritten: the later write wins), and finds keys never
 * written absent; every answer is checked.
 */
export async function verifyRingtail(pool: Pool, rows: RandomRows, shapes: readonly Shape[]): Promise<void> {
  await checkRefusesBadBody(pool, 'ringtail');
  await cql(pool, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  await cql(pool, `CREATE TABLE ${TABLE} (k blob PRIMARY KEY, v blob)`);
  const written: Row[] = [];
  for (const shape of shapes) {
    for (let n = 0; n < VERIFY_ROWS; n += shape.rowsPerRequest) {
      shape.check(
        await post(
          pool,
          '/cql',
          shape.body(rows, (row) => written.push(row)),
        ),
      );
    }
  }
  const first = written[0]!;
  const rewritten = { key: first.key, value: rows.next().value };
  const again = JSON.stringify({ query: INSERT_BIND, params: [first.key, rewritten.value] });
  checkExactlyApplied(await post(pool, '/cql', again));
  written[0] = rewritten;
  await checkReadBack(pool, written, [rows.next().key, rows.next().key], 'ringtail (before timing)');
}
