/**
 * CQL on an in-process node, for what the conformance corpus cannot show:
 * concurrency of conditional writes, metrics, the read bound, the schema
 * version, and a persisted schema that does not read back.
 */
import { ErrorCodes, isRingtailError, nodeFileSystem, systemRuntime } from '@ringtail/codec';
import { parseStatement, planModification } from '@ringtail/cql';
import { StorageEngine } from '@ringtail/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyedLock } from '../src/keyed-lock.js';
import { Node } from '../src/node.js';
import { storageTableOptions } from '../src/schema/schema-store.js';
import { SCHEMA_TABLE, SYSTEM_SCHEMA } from '../src/schema/system-tables.js';
import { capturingLogger, removeTempDirs, tempDir, testConfig } from './helpers.js';

const nodes: Node[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.stop();
  await removeTempDirs();
});

async function startNode(dataDir: string) {
  const { logger, records } = capturingLogger();
  const node = await Node.start(testConfig(dataDir), undefined, { logger });
  nodes.push(node);
  return { node, records };
}

type Body = Record<string, unknown> & { rows?: Record<string, unknown>[]; applied?: boolean; error?: string };

async function cql(node: Node, query: string, extra: Record<string, unknown> = {}): Promise<Body> {
  const response = await fetch(`${node.httpUrl}/cql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, ...extra }),
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()) as Body;
}

const KEYSPACE = "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}";

describe('CQL on a node', () => {
  it('applies exactly one of many concurrent IF NOT EXISTS, and compare-and-set loops never lose an update', async () => {
    const { node } = await startNode(await tempDir());
    await cql(node, KEYSPACE);
    await cql(node, 'CREATE TABLE ks.t (k int PRIMARY KEY, owner int, n int)');
    const claims = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        cql(node, 'INSERT INTO ks.t (k, owner) VALUES (1, ?) IF NOT EXISTS', { params: [i] }),
      ),
    );
    const winners = claims.filter((c) => c.applied === true);
    expect(winners).toHaveLength(1);
    const owner = (await cql(node, 'SELECT owner FROM ks.t WHERE k = 1')).rows![0]!.owner;
    for (const lost of claims.filter((c) => c.applied === false)) {
      expect(lost.rows).toEqual([expect.objectContaining({ '[applied]': false, k: 1, owner })]);
    }

    await cql(node, 'INSERT INTO ks.t (k, n) VALUES (2, 0)');
    const increment = async () => {
      let seen = 0;
      for (;;) {
        const answer = await cql(node, 'UPDATE ks.t SET n = ? WHERE k = 2 IF n = ?', { params: [seen + 1, seen] });
        if (answer.applied === true) return;
        seen = answer.rows![0]!.n as number;
      }
    };
    await Promise.all(Array.from({ length: 8 }, () => Promise.all([increment(), increment(), increment()])));
    expect((await cql(node, 'SELECT n FROM ks.t WHERE k = 2')).rows).toEqual([{ n: 24 }]);
  });

  it('counts statements by kind and outcome, and reports the schema tables in /metrics', async () => {
    const { node } = await startNode(await tempDir());
    await cql(node, KEYSPACE);
    await cql(node, 'CREATE TABLE ks.kv (k int PRIMARY KEY, v text)');
    await cql(node, "INSERT INTO ks.kv (k, v) VALUES (1, 'a')");
    await cql(node, 'INSERT INTO ks.kv (k, nope) VALUES (1, 2)');
    await cql(node, 'SELECT * FROM ks.kv', { consistency: 'TWO' });
    await cql(node, 'SELEC oops');
    const metrics = await (await fetch(`${node.httpUrl}/metrics`)).text();
    expect(metrics).toContain('ringtail_cql_statements_total{type="createKeyspace",outcome="ok"} 1');
    expect(metrics).toContain('ringtail_cql_statements_total{type="insert",outcome="ok"} 1');
    expect(metrics).toContain('ringtail_cql_statements_total{type="insert",outcome="invalid"} 1');
    expect(metrics).toContain('ringtail_cql_statements_total{type="select",outcome="unavailable"} 1');
    expect(metrics).toContain('ringtail_table_memtable_bytes{keyspace="ks",table="kv"}');
    expect(metrics).toContain('ringtail_table_memtable_bytes{keyspace="system_schema",table="keyspace_definitions"}');
    await cql(node, 'DROP TABLE ks.kv');
    expect(await (await fetch(`${node.httpUrl}/metrics`)).text()).not.toContain('table="kv"');
  });

  it('answers a write that storage refuses with its error, counts it, and keeps serving', async () => {
    // Records of at most half a segment: a 40 KB value is more than the commit log takes.
    const node = await Node.start(testConfig(await tempDir()), undefined, {
      logger: capturingLogger().logger,
      storage: { commitLog: { segmentSizeBytes: 64 * 1024 } },
    });
    nodes.push(node);
    await cql(node, KEYSPACE);
    await cql(node, 'CREATE TABLE ks.b (k int PRIMARY KEY, v blob)');
    const big = `0x${'ab'.repeat(40 * 1024)}`;
    const refused = await cql(node, 'INSERT INTO ks.b (k, v) VALUES (?, ?)', { params: [1, big] });
    expect(refused).toMatchObject({ error: 'InvalidRequest', message: expect.stringContaining('commit log record') });
    expect(await cql(node, 'INSERT INTO ks.b (k, v) VALUES (?, ?)', { params: [2, '0x01'] })).toEqual({
      applied: true,
    });
    // The refused row is nowhere: only the second one reads back.
    expect((await cql(node, 'SELECT k FROM ks.b')).rows).toEqual([{ k: 2 }]);
    const metrics = await (await fetch(`${node.httpUrl}/metrics`)).text();
    expect(metrics).toContain('ringtail_cql_statements_total{type="insert",outcome="invalid"} 1');
    expect(metrics).toContain('ringtail_cql_statements_total{type="insert",outcome="ok"} 1');
    expect(metrics).toContain('ringtail_http_in_flight_requests 0');
  });

  it('refuses, with a 400, a query that would examine more than 100,000 rows', async () => {
    const { node } = await startNode(await tempDir());
    await cql(node, KEYSPACE);
    await cql(node, 'CREATE TABLE ks.wide (p int, c int, v int, PRIMARY KEY (p, c))');
    for (let thousand = 0; thousand <= 100; thousand++) {
      const clusterings = Array.from({ length: 1000 }, (_, i) => thousand * 1000 + i);
      const answer = await cql(node, 'UPDATE ks.wide SET v = 1 WHERE p = 0 AND c IN ?', { params: [clusterings] });
      expect(answer).toEqual({ applied: true });
    }
    const response = await fetch(`${node.httpUrl}/cql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'SELECT COUNT(*) FROM ks.wide WHERE p = 0' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'InvalidRequest',
      message: expect.stringContaining(
        'Query aborted after examining more than 100000 partitions, rows and tombstones',
      ),
    });
    // Paged, the same rows read fine.
    const page = await cql(node, 'SELECT c FROM ks.wide WHERE p = 0', { pageSize: 10_000 });
    expect(page.rows).toHaveLength(10_000);
    expect(typeof page.pagingState).toBe('string');
  }, 60_000);

  it('publishes a schema version that changes with the schema and survives a restart', async () => {
    const dir = await tempDir();
    const first = (await startNode(dir)).node;
    const version = async (node: Node) =>
      (await cql(node, 'SELECT schema_version FROM system.local')).rows![0]!.schema_version as string;
    const empty = await version(first);
    await cql(first, KEYSPACE);
    const withKeyspace = await version(first);
    expect(withKeyspace).not.toBe(empty);
    await cql(first, 'CREATE TABLE ks.t (k int PRIMARY KEY)');
    const withTable = await version(first);
    expect(withTable).not.toBe(withKeyspace);
    await first.stop();
    nodes.splice(nodes.indexOf(first), 1);
    const { node: second, records } = await startNode(dir);
    expect(await version(second)).toBe(withTable);
    expect(records).toContainEqual(
      expect.objectContaining({ msg: 'schema loaded', keyspaces: 1, schemaVersion: withTable }),
    );
  });

  it('does not start on a keyspace definition that does not read back, and says where it is', async () => {
    const dir = await tempDir();
    const runtime = systemRuntime(nodeFileSystem());
    const engine = await StorageEngine.open({
      runtime,
      dataDirectory: dir,
      tables: [storageTableOptions(SCHEMA_TABLE)],
    });
    const insert = parseStatement(
      "INSERT INTO system_schema.keyspace_definitions (keyspace_name, definition) VALUES ('ks', '{\"format\": 99}')",
    );
    if (insert.kind !== 'insert') throw new Error('not an INSERT');
    const plan = planModification(insert, SYSTEM_SCHEMA, {
      currentKeyspace: null,
      binds: [],
      nowMicros: 1,
      random: runtime.random,
    });
    await engine.write(plan.mutation);
    await engine.close();
    const error = await Node.start(testConfig(dir), runtime, { logger: capturingLogger().logger }).catch((e) => e);
    expect(isRingtailError(error, ErrorCodes.CORRUPTION)).toBe(true);
    expect(error.message).toContain('system_schema.keyspace_definitions');
    expect(error.message).toContain('keyspace ks: invalid schema JSON at $.format: unsupported format 99');
  });
});

describe('ALTER TABLE on a running node', () => {
  it('applies compaction settings to the open table at once', async () => {
    const { node } = await startNode(await tempDir());
    await cql(node, KEYSPACE);
    const created = await cql(
      node,
      "CREATE TABLE ks.t (k int PRIMARY KEY, v text) WITH compaction = {'class': 'SizeTieredCompactionStrategy', 'enabled': 'false'}",
    );
    expect(created).toEqual({ applied: true });
    for (let i = 0; i < 4; i++) {
      expect((await cql(node, 'INSERT INTO ks.t (k, v) VALUES (?, ?)', { params: [i, `v${i}`] })).applied).toBe(true);
      expect((await fetch(`${node.httpUrl}/admin/flush`, { method: 'POST' })).status).toBe(200);
    }
    const liveSSTables = async () => {
      const text = await (await fetch(`${node.httpUrl}/metrics`)).text();
      return Number(/ringtail_table_live_sstables\{keyspace="ks",table="t"\} (\d+)/.exec(text)?.[1]);
    };
    expect(await liveSSTables()).toBe(4);
    const altered = await cql(node, "ALTER TABLE ks.t WITH compaction = {'class': 'SizeTieredCompactionStrategy'}");
    expect(altered.applied).toBe(true);
    const deadline = Date.now() + 10_000;
    while ((await liveSSTables()) !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await liveSSTables()).toBe(1);
    expect((await cql(node, 'SELECT COUNT(*) FROM ks.t')).rows).toEqual([{ count: '4' }]);
  });
});

describe('KeyedLock', () => {
  it('runs work on one key one at a time in call order, other keys in parallel, and forgets idle keys', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const step = (name: string, ms: number) => async () => {
      events.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([
      lock.run('a', step('a1', 20)),
      lock.run('a', step('a2', 1)),
      lock.run('b', step('b1', 1)),
      lock.run('a', () => Promise.reject(new Error('a3 failed'))).catch((e: Error) => e.message),
      lock.run('a', step('a4', 1)),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1', 'a3 failed', 'a4']);
    expect(events.indexOf('a1 end')).toBeLessThan(events.indexOf('a2 start'));
    expect(events.indexOf('b1 end')).toBeLessThan(events.indexOf('a1 end'));
    expect(events.indexOf('a2 end')).toBeLessThan(events.indexOf('a4 start'));
    expect(lock.size).toBe(0);
  });
});
