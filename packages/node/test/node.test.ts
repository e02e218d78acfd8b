/** A real Node on 127.0.0.1: storage in a temp directory, HTTP on an ephemeral port. */

import { writeFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { ErrorCodes, isRingtailError, liveCell, type Mutation } from '@ringtail/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { Node } from '../src/node.js';
import type { QueryHandlerFactory } from '../src/query-handler.js';
import { capturingLogger, removeTempDirs, tempDir, testConfig } from './helpers.js';

const nodes: Node[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.stop();
  await removeTempDirs();
});

async function startNode(dataDir: string, options: Parameters<typeof Node.start>[2] = {}, overrides = {}) {
  const { logger, records } = capturingLogger();
  const node = await Node.start(testConfig(dataDir, overrides), undefined, { logger, ...options });
  nodes.push(node);
  return { node, records };
}

function post(node: Node, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method: 'POST', signal: AbortSignal.timeout(5000) };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  return fetch(`${node.httpUrl}${path}`, init);
}

function get(node: Node, path: string): Promise<Response> {
  return fetch(`${node.httpUrl}${path}`, { signal: AbortSignal.timeout(5000) });
}

function put(tableId: string, key: string, value: string): Mutation {
  const cell = liveCell('v', undefined, 1000, new TextEncoder().encode(value));
  const row = { clustering: '', liveness: undefined, deletion: undefined, cells: [cell], complexDeletions: [] };
  return {
    updates: [
      {
        tableId,
        key: new TextEncoder().encode(key),
        deletion: undefined,
        staticRow: undefined,
        rows: [row],
        rangeTombstones: [],
      },
    ],
  };
}

describe('Node', () => {
  it('serves /health, /status and CQL (the default query handler), and logs where it listens', async () => {
    const { node, records } = await startNode(await tempDir());
    expect(node.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(records).toContainEqual(
      expect.objectContaining({ msg: 'listening', http: node.httpUrl, component: 'node' }),
    );
    expect(await (await get(node, '/health')).json()).toEqual({ status: 'ok' });
    const status = await (await get(node, '/status')).json();
    expect(status).toEqual({
      clusterName: 'Ringtail',
      nodes: [
        {
          id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
          address: node.internodeAddress,
          http: node.httpUrl,
          dc: 'dc1',
          rack: 'rack1',
          status: 'UP',
          state: 'NORMAL',
          tokens: 16,
          ownership: 1,
          load: expect.any(Number),
        },
      ],
    });
    const response = await post(node, '/cql', { query: 'SELECT key, host_id, rpc_port FROM system.local' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      columns: [
        { name: 'key', type: 'text' },
        { name: 'host_id', type: 'uuid' },
        { name: 'rpc_port', type: 'int' },
      ],
      rows: [
        {
          key: 'local',
          host_id: (status as { nodes: { id: string }[] }).nodes[0]!.id,
          rpc_port: Number(new URL(node.httpUrl).port),
        },
      ],
    });
  });

  it('keeps its host id across restarts', async () => {
    const dir = await tempDir();
    const first = (await startNode(dir)).node;
    const id = first.status().nodes[0]?.id;
    await first.stop();
    const second = (await startNode(dir)).node;
    expect(second.status().nodes[0]?.id).toBe(id);
  });

  it('gives the query handler storage and hooks; load and table metrics follow its tables', async () => {
    const factory: QueryHandlerFactory = async ({ engine, metrics, setTableSource }) => {
      await engine.createTable({ tableId: 'tbl-1' });
      setTableSource(() => [{ tableId: 'tbl-1', keyspace: 'ks', table: 'kv' }]);
      return {
        async execute(request) {
          await engine.write(put('tbl-1', request.query, 'x'.repeat(1000)));
          metrics.recordStatement('insert', 0.001, 'ok');
          return { applied: true };
        },
      };
    };
    const { node } = await startNode(await tempDir(), { queryHandler: factory });
    for (let i = 0; i < 10; i++) expect((await post(node, '/cql', { query: `k${i}` })).status).toBe(200);
    expect((await post(node, '/admin/flush')).status).toBe(200);
    expect((await post(node, '/admin/compact')).status).toBe(200);
    const status = node.status().nodes[0]!;
    expect(status.load).toBeGreaterThan(10_000);
    const metrics = await (await get(node, '/metrics')).text();
    expect(metrics).toContain('ringtail_table_live_sstables{keyspace="ks",table="kv"} 1');
    expect(metrics).toContain('ringtail_cql_statements_total{type="insert",outcome="ok"} 10');
  });

  it('drain refuses queries and flushes; stop then closes cleanly', async () => {
    const { node } = await startNode(await tempDir());
    const response = await post(node, '/admin/drain');
    expect(await response.json()).toEqual({ operation: 'drain', status: 'done' });
    expect(node.state).toBe('drained');
    expect((await get(node, '/health')).status).toBe(503);
    expect(await (await post(node, '/cql', { query: 'q' })).json()).toMatchObject({ error: 'NotServing' });
    await node.stop();
    expect(node.state).toBe('stopped');
    await expect(get(node, '/health')).rejects.toThrow();
  });

  it('stop lets an in-flight request finish, and refuses new connections meanwhile', async () => {
    let release: () => void = () => {};
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const factory: QueryHandlerFactory = () => ({
      execute: () => {
        started();
        return new Promise((resolve) => (release = () => resolve({ applied: true })));
      },
    });
    const { node } = await startNode(await tempDir(), { queryHandler: factory });
    const inFlight = post(node, '/cql', { query: 'slow' });
    await running;
    const stopped = node.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(node.state).toBe('stopping');
    await expect(get(node, '/health')).rejects.toThrow(); // listener closed
    release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    await stopped;
    expect(node.state).toBe('stopped');
  });

  it('stop is bounded by drainTimeoutMs when a request never finishes', async () => {
    const factory: QueryHandlerFactory = () => ({ execute: () => new Promise(() => {}) });
    const { node, records } = await startNode(
      await tempDir(),
      { queryHandler: factory },
      { limits: { drainTimeoutMs: 200 } },
    );
    const hanging = post(node, '/cql', { query: 'forever' }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const began = performance.now();
    await node.stop();
    expect(performance.now() - began).toBeLessThan(2000);
    expect(await hanging).toBeInstanceOf(Error);
    expect(records).toContainEqual(expect.objectContaining({ msg: 'drain timed out; closing connections' }));
  });

  it('answers a client too slow to send its request with 408, and malformed HTTP with 400', async () => {
    const { node } = await startNode(await tempDir(), {}, { limits: { requestTimeoutMs: 300 } });
    const raw = async (bytes: string): Promise<string> => {
      const socket = connect(Number(new URL(node.httpUrl).port), '127.0.0.1');
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        answer += chunk;
      });
      socket.write(bytes);
      await new Promise((resolve) => socket.on('close', resolve));
      return answer;
    };
    const began = performance.now();
    const slow = await raw(
      'POST /cql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99\r\n\r\n{',
    );
    expect(performance.now() - began).toBeLessThan(3000);
    expect(slow).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(slow.slice(slow.indexOf('{')))).toEqual({
      error: 'RequestTimeout',
      message: 'the request was not received in time',
    });
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.slice(garbage.indexOf('{')))).toEqual({
      error: 'InvalidRequest',
      message: 'malformed HTTP request',
    });
  });

  it('refuses a data directory another node holds, naming it', async () => {
    const dir = await tempDir();
    await startNode(dir);
    const error = await Node.start(testConfig(dir), undefined, { logger: capturingLogger().logger }).catch((e) => e);
    expect(isRingtailError(error, ErrorCodes.LOCKED)).toBe(true);
    expect(error.message).toContain(`data directory ${dir} is in use by another Ringtail node`);
  });

  it('says when the data directory is not usable', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a-file'), 'x');
    const dataDir = join(dir, 'a-file', 'data');
    const error = await Node.start(testConfig(dataDir), undefined, { logger: capturingLogger().logger }).catch(
      (e) => e,
    );
    expect(isRingtailError(error, ErrorCodes.IO)).toBe(true);
    expect(error.message).toContain(`data directory ${dataDir} is not usable`);
  });

  it('says when the HTTP port is in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const config = testConfig(await tempDir(), { httpPort: port });
      const error = await Node.start(config, undefined, { logger: capturingLogger().logger }).catch((e) => e);
      expect(error.message).toBe(`port ${port} on 127.0.0.1 is already in use (EADDRINUSE)`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('rejects an invalid configuration before touching anything', async () => {
    const error = await Node.start(testConfig(await tempDir(), { numTokens: 0 })).catch((e) => e);
    expect(error.message).toBe('numTokens must be an integer from 1 to 1024, got 0');
  });
});
