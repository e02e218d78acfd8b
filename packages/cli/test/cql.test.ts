/** `ringtail cql` as a real process against a real node (`ringtail start`) on 127.0.0.1. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanUp, ringtail, tempDir, waitForHealthy } from './process.js';

let host: string;

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npx tsc -b packages/cli)`);
  const node = ringtail(['start', '--data-dir', await tempDir(), '--http-port', '0', '--log-format', 'json']);
  host = await node.waitForListening();
  await waitForHealthy(host);
});
afterAll(cleanUp);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ringtail cql --host <the node> ...args`, with `input` piped to stdin; bounded to 20 s. */
async function cql(args: readonly string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const run = ringtail(['cql', '--host', host, ...args], options);
  const { code } = await run.waitForExit(20_000);
  return { code, stdout: run.stdout(), stderr: run.stderr() } satisfies Run;
}

const SIMPLE = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

describe('ringtail cql', () => {
  it('runs -e statements and prints results as tables', async () => {
    const run = await cql([
      '-e',
      `CREATE KEYSPACE e1 WITH replication = ${SIMPLE};
       CREATE TABLE e1.t (k int, c int, v text, tags set<text>, n bigint, PRIMARY KEY (k, c));
       INSERT INTO e1.t (k, c, v, tags, n) VALUES (1, 1, 'one; two', {'b', 'a'}, 12345678901);
       INSERT INTO e1.t (k, c, v) VALUES (1, 22, 'it''s');
       SELECT c, v, tags, n FROM e1.t WHERE k = 1`,
    ]);
    expect(run).toEqual({
      code: 0,
      stdout: [
        '',
        '  c | v        | tags       |           n',
        '----+----------+------------+-------------',
        "  1 | one; two | {'a', 'b'} | 12345678901",
        " 22 | it's     | null       |        null",
        '',
        '(2 rows)',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('runs a -f script statement by statement, goes on after a failure, and exits 1', async () => {
    const script = join(await tempDir(), 'script.cql');
    await writeFile(
      script,
      [
        '-- a script; with comments',
        `CREATE KEYSPACE f1 WITH replication = ${SIMPLE};`,
        'USE f1;',
        'CREATE TABLE events (',
        '  id int, seq int, body text, /* a ; here */',
        '  PRIMARY KEY (id, seq)',
        ') WITH CLUSTERING ORDER BY (seq DESC);',
        'BEGIN BATCH',
        "  INSERT INTO events (id, seq, body) VALUES (1, 1, 'first;');",
        "  INSERT INTO events (id, seq, body) VALUES (1, 2, $$second 'one'$$);",
        'APPLY BATCH;',
        'SELECT * FROM events',
        '  WHER id = 1;',
        'SELECT * FROM nowhere;',
        'EXPAND ON',
        'SELECT * FROM events WHERE id = 1',
      ].join('\n'),
    );
    const run = await cql(['-f', script]);
    expect(run.code).toBe(1);
    const errors = run.stderr.split('\n');
    expect(errors[0]).toMatch(`${script}:12: SyntaxError: line 2:2 mismatched input 'WHER' expecting `);
    expect(errors.slice(1)).toEqual([
      '    WHER id = 1',
      '    ^',
      `${script}:14: InvalidRequest: unconfigured table nowhere`,
      '',
    ]);
    expect(run.stdout).toBe(
      [
        'Expanded output is now enabled.',
        '',
        '@ Row 1',
        '------+--------------',
        ' id   | 1',
        ' seq  | 2',
        " body | second 'one'",
        '',
        '@ Row 2',
        '------+--------',
        ' id   | 1',
        ' seq  | 1',
        ' body | first;',
        '',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });

  it('reads statements from piped stdin, after USE of -k', async () => {
    await cql([
      '-e',
      `CREATE KEYSPACE s1 WITH replication = ${SIMPLE}; CREATE TABLE s1.kv (k text PRIMARY KEY, v int)`,
    ]);
    const run = await cql(['-k', 's1'], {
      input: "INSERT INTO kv (k, v) VALUES ('a', 1);\nSELECT *\nFROM kv;\nDESC TABLES\n",
    });
    expect(run).toEqual({
      code: 0,
      stdout: '\n k | v\n---+---\n a | 1\n\n(1 rows)\n\nkv\n',
      stderr: '',
    });
  });

  it('prints DESCRIBE output that creates the same schema again', async () => {
    const created = await cql([
      '-e',
      `CREATE KEYSPACE "Shop" WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2} AND durable_writes = false;
       CREATE TABLE "Shop"."Orders" (
         tenant text, day date, "from" timestamp, id timeuuid, total decimal, lines list<frozen<map<text, int>>>,
         note text static, tags set<text>,
         PRIMARY KEY ((tenant, day), "from", id)
       ) WITH CLUSTERING ORDER BY ("from" DESC, id ASC)
         AND comment = 'orders; it''s' AND default_time_to_live = 3600 AND gc_grace_seconds = 3600
         AND compaction = {'class': 'TimeWindowCompactionStrategy', 'compaction_window_size': '1', 'compaction_window_unit': 'HOURS'};
       CREATE TABLE "Shop".plain (k int PRIMARY KEY)`,
    ]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const described = await cql(['-e', 'DESCRIBE KEYSPACE "Shop"']);
    expect(described.code).toBe(0);
    expect(described.stdout).toContain('CREATE TABLE "Shop"."Orders" (\n    tenant text,\n    day date,\n');
    expect(described.stdout).toContain(
      'PRIMARY KEY ((tenant, day), "from", id)\n) WITH CLUSTERING ORDER BY ("from" DESC, id ASC)',
    );

    expect((await cql(['-e', 'DROP KEYSPACE "Shop"'])).code).toBe(0);
    const recreated = await cql([], { input: described.stdout });
    expect(recreated).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await cql(['-e', 'DESC KEYSPACE "Shop"'])).stdout).toBe(described.stdout);
  });

  it('shows a syntax error with a caret under it, and exits 1', async () => {
    const run = await cql(['-e', 'SELECT * FORM system.local']);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "SyntaxError: line 1:9 mismatched input 'FORM' expecting FROM\n  SELECT * FORM system.local\n           ^\n",
    });
  });

  it('takes the node from RINGTAIL_HOST', async () => {
    const run = ringtail(['cql', '-e', 'SELECT cluster_name FROM system.local'], { env: { RINGTAIL_HOST: host } });
    expect((await run.waitForExit(10_000)).code).toBe(0);
    expect(run.stdout()).toBe('\n cluster_name\n--------------\n Ringtail\n\n(1 rows)\n');
  });

  it('refuses a keyspace that does not exist', async () => {
    expect(await cql(['-k', 'nope', '-e', 'SELECT 1'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "InvalidRequest: Keyspace 'nope' does not exist\n",
    });
  });

  it('exits 2 on usage errors', async () => {
    const cases: [string[], string][] = [
      [['--host', 'ftp://x'], 'ringtail cql: --host must be an http:// or https:// URL, got "ftp://x"'],
      [['-e', 'SELECT 1', '-f', 'x.cql'], 'ringtail cql: give -e or -f, not both'],
      [['-f', '/nonexistent/x.cql'], 'ringtail cql: cannot read /nonexistent/x.cql (ENOENT)'],
      [['--no-such-flag'], "error: unknown option '--no-such-flag'"],
    ];
    const runs = await Promise.all(cases.map(([args]) => cql(args)));
    runs.forEach((run, i) => {
      expect(run.code, cases[i]![1]).toBe(2);
      expect(run.stderr).toContain(cases[i]![1]);
    });
  });
});

describe('ringtail cql against a stopped node', () => {
  it('says so on one line and exits 1', async () => {
    const node = ringtail(['start', '--data-dir', await tempDir(), '--http-port', '0', '--log-format', 'json']);
    const stopped = await node.waitForListening();
    await waitForHealthy(stopped);
    node.child.kill('SIGTERM');
    expect((await node.waitForExit(10_000)).code).toBe(0);

    const run = ringtail(['cql', '--host', stopped, '-e', 'SELECT * FROM system.local']);
    expect((await run.waitForExit(10_000)).code).toBe(1);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toBe(
      `ringtail cql: cannot connect to ${stopped}: connection refused (is a node running there?)\n`,
    );
  });
});
