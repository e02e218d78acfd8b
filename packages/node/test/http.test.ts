/** The HTTP API in process, through fastify's inject, with a fake node behind it. */
import { ErrorCodes, RingtailError } from '@ringtail/codec';
import { CqlSyntaxError } from '@ringtail/cql';
import type { TableStats } from '@ringtail/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../src/config.js';
import { ReplicaTimeoutError, UnavailableError } from '../src/errors.js';
import type { AdminOperations, NodeState } from '../src/http/api.js';
import { InFlightLimiter } from '../src/http/guards.js';
import { createHttpServer, type HttpServer } from '../src/http/server.js';
import { NodeMetrics, type StorageSnapshot } from '../src/metrics.js';
import type { CqlRequest, CqlResponse, QueryHandler } from '../src/query-handler.js';
import { capturingLogger } from './helpers.js';

interface Harness {
  app: HttpServer;
  state: NodeState;
  handler: QueryHandler;
  requests: CqlRequest[];
  calls: string[];
  metrics: NodeMetrics;
  records: Record<string, unknown>[];
}

const apps: HttpServer[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

const STATS: TableStats = {
  tableId: 't-1',
  liveSSTables: 2,
  sstableBytes: 4096,
  memtableBytes: 512,
  flushingMemtableBytes: 0,
  partitionCountEstimate: 10,
  sstableTombstones: 0,
  pendingCompactions: 0,
  compactionsRunning: 0,
  compactionsCompleted: 0,
};

function harness(options: { limits?: Partial<HttpLimits>; compact?: boolean } = {}): Harness {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const { logger, records } = capturingLogger();
  const limiter = new InFlightLimiter(limits.maxInFlightRequests);
  const storage: StorageSnapshot = {
    commitLogBytes: 1000,
    tables: [{ ref: { tableId: 't-1', keyspace: 'ks', table: 'events' }, stats: STATS }],
  };
  const metrics = new NodeMetrics({ storage: () => storage, inFlightRequests: () => limiter.inFlight });
  const h: Harness = {
    state: 'serving',
    requests: [],
    calls: [],
    metrics,
    records,
    handler: {
      execute: async (request) => {
        h.requests.push(request);
        return { columns: [{ name: 'k', type: 'int' }], rows: [{ k: 1 }] };
      },
    },
    app: undefined as unknown as HttpServer,
  };
  const admin: AdminOperations = {
    flush: async () => void h.calls.push('flush'),
    compact: options.compact === false ? undefined : async () => void h.calls.push('compact'),
    drain: async () => {
      h.calls.push('drain');
      h.state = 'drained';
    },
  };
  h.app = createHttpServer({
    logger,
    limits,
    limiter,
    metrics,
    admin,
    state: () => h.state,
    queryHandler: () => h.handler,
    status: () => ({
      clusterName: 'Test',
      nodes: [
        {
          id: '3f1c7a3e-0000-4000-8000-000000000001',
          address: '127.0.0.1:7000',
          http: 'http://127.0.0.1:9080',
          dc: 'dc1',
          rack: 'rack1',
          status: 'UP',
          state: 'NORMAL',
          tokens: 16,
          ownership: 1,
          load: 5096,
        },
      ],
    }),
  });
  apps.push(h.app);
  return h;
}

function postCql(h: Harness, body: unknown, contentType = 'application/json') {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return h.app.inject({ method: 'POST', url: '/cql', headers: { 'content-type': contentType }, payload });
}

describe('POST /cql', () => {
  it('hands a valid request to the query handler, with consistency ONE by default', async () => {
    const h = harness();
    const response = await postCql(h, { query: 'SELECT k FROM ks.t', params: [1], pageSize: 10 });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ columns: [{ name: 'k', type: 'int' }], rows: [{ k: 1 }] });
    expect(h.requests).toEqual([{ query: 'SELECT k FROM ks.t', params: [1], pageSize: 10, consistency: 'ONE' }]);

    await postCql(h, { query: 'INSERT ...', params: { id: 'x' }, consistency: 'QUORUM', keyspace: 'ks' });
    expect(h.requests[1]).toEqual({ query: 'INSERT ...', params: { id: 'x' }, consistency: 'QUORUM', keyspace: 'ks' });
  });

  it('answers applied responses and paging states as the handler gives them', async () => {
    const h = harness();
    const answers: CqlResponse[] = [
      { applied: true },
      { applied: false, columns: [{ name: 'id', type: 'text' }], rows: [{ id: 'a' }] },
      { columns: [], rows: [], pagingState: 'AAEC' },
      {
        columns: [{ name: 'm', type: 'map<text, frozen<list<int>>>' }],
        rows: [{ m: { a: [1, 2] }, n: null, b: true, big: '9007199254740993', f: 1.5 }],
      },
    ];
    for (const answer of answers) {
      h.handler = { execute: async () => answer };
      const response = await postCql(h, { query: 'q' });
      expect(response.json()).toEqual(answer);
    }
  });

  it.each([
    ['malformed JSON', '{"query": ', 'request body is not valid JSON', undefined],
    ['an empty body', '', 'request body is empty; send a JSON object', undefined],
    ['a body that is not an object', '[1]', 'request body must be object', undefined],
    ['a missing query', {}, "field 'query' is required", 'query'],
    ['an empty query', { query: '' }, "field 'query' must NOT have fewer than 1 characters", 'query'],
    ['a query that is not a string', { query: 42 }, "field 'query' must be string", 'query'],
    [
      'a numeric string for pageSize (no coercion)',
      { query: 'q', pageSize: '10' },
      "field 'pageSize' must be integer",
      'pageSize',
    ],
    ['a pageSize below 1', { query: 'q', pageSize: 0 }, "field 'pageSize' must be >= 1", 'pageSize'],
    ['a fractional pageSize', { query: 'q', pageSize: 1.5 }, "field 'pageSize' must be integer", 'pageSize'],
    ['params of the wrong type', { query: 'q', params: 'x' }, "field 'params' must be array,object", 'params'],
    [
      'a bad consistency',
      { query: 'q', consistency: 'MOST' },
      "field 'consistency' must be one of ANY, ONE, TWO, THREE, QUORUM, ALL, LOCAL_ONE, LOCAL_QUORUM, EACH_QUORUM",
      'consistency',
    ],
    ['a keyspace that is not a string', { query: 'q', keyspace: 3 }, "field 'keyspace' must be string", 'keyspace'],
    ['an unknown field', { query: 'q', consistancy: 'ONE' }, "unknown field 'consistancy'", 'consistancy'],
  ])('answers %s with 400 InvalidRequest naming the field', async (_name, body, message, field) => {
    const h = harness();
    const response = await postCql(h, body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'InvalidRequest', message, ...(field && { field }) });
    expect(h.requests).toEqual([]);
  });

  it('answers an oversized body with 413 in our shape', async () => {
    const h = harness({ limits: { bodyLimitBytes: 1000 } });
    const response = await postCql(h, { query: 'x'.repeat(2000) });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: 'RequestTooLarge',
      message: 'request body is larger than the limit of 1000 bytes',
      limitBytes: 1000,
    });
  });

  it('keeps the default body limit at 1 MiB', async () => {
    const h = harness();
    expect((await postCql(h, { query: 'x'.repeat(1024 * 1024) })).statusCode).toBe(413);
    expect((await postCql(h, { query: 'x'.repeat(1000 * 1000) })).statusCode).toBe(200);
  });

  it('answers a non-JSON content type with 415', async () => {
    const h = harness();
    const response = await postCql(h, 'SELECT 1', 'text/plain');
    expect(response.statusCode).toBe(415);
    expect(response.json().error).toBe('UnsupportedMediaType');
  });

  it('maps what the query handler throws', async () => {
    const h = harness();
    const cases: [Error, number, Record<string, unknown>][] = [
      [new CqlSyntaxError(2, 4, "mismatched input 'FORM'"), 400, { error: 'SyntaxError', line: 2, column: 4 }],
      [new RingtailError(ErrorCodes.NOT_FOUND, 'unknown table ks.t'), 400, { error: 'InvalidRequest' }],
      [new RingtailError(ErrorCodes.ALREADY_EXISTS, 'table ks.t exists'), 400, { error: 'InvalidRequest' }],
      [new UnavailableError('QUORUM', 2, 1), 503, { error: 'Unavailable', required: 2, alive: 1 }],
      [new ReplicaTimeoutError('ReadTimeout', 'ALL', 3, 1), 504, { error: 'ReadTimeout', received: 1 }],
    ];
    for (const [error, status, body] of cases) {
      h.handler = { execute: () => Promise.reject(error) };
      const response = await postCql(h, { query: 'q' });
      expect(response.statusCode, error.message).toBe(status);
      expect(response.json()).toMatchObject({ ...body, message: error.message });
    }
    expect(h.records.filter((r) => r.level === 50)).toEqual([]);
  });

  it('answers an unexpected error with 500 ServerError, logging it with its stack and leaking nothing', async () => {
    const h = harness();
    h.handler = { execute: () => Promise.reject(new TypeError('secret detail')) };
    const response = await postCql(h, { query: 'q' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(response.json()).toEqual({ error: 'ServerError', message: expect.stringContaining('request req-') });
    const logged = h.records.find((r) => r.msg === 'request failed');
    expect(logged).toMatchObject({ level: 50, route: '/cql', method: 'POST' });
    // Logged through the request's logger: with the id the client was told.
    expect(response.json().message).toContain(`request ${logged?.reqId as string};`);
    expect(logged?.err).toMatchObject({ stack: expect.stringContaining('secret detail') });
  });

  it('answers 503 Overloaded beyond the in-flight limit', async () => {
    const h = harness({ limits: { maxInFlightRequests: 1 } });
    let release: () => void = () => {};
    h.handler = {
      execute: () => new Promise((resolve) => (release = () => resolve({ applied: true }))),
    };
    const first = Promise.resolve(postCql(h, { query: 'q' })); // inject starts when awaited
    await waitUntil(() => h.metrics.render().then((t) => t.includes('ringtail_http_in_flight_requests 1')));
    const second = await postCql(h, { query: 'q' });
    expect(second.statusCode).toBe(503);
    expect(second.json()).toMatchObject({ error: 'Overloaded', maxInFlight: 1 });
    release();
    expect((await first).statusCode).toBe(200);
    h.handler = { execute: async () => ({ applied: true }) };
    expect((await postCql(h, { query: 'q' })).statusCode).toBe(200); // the slot was given back
  });

  it('refuses queries while starting, drained or stopping', async () => {
    const h = harness();
    for (const state of ['starting', 'drained', 'stopping'] as const) {
      h.state = state;
      const response = await postCql(h, { query: 'q' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ error: 'NotServing', state });
    }
    expect((await postCql(h, { query: 'q' })).headers.connection).toBe('close');
    expect(h.requests).toEqual([]);
  });
});

describe('other routes', () => {
  it('answers unknown routes with 404 in our shape', async () => {
    const h = harness();
    for (const [method, url] of [
      ['GET', '/nope'],
      ['GET', '/cql'],
      ['DELETE', '/health'],
    ] as const) {
      const response = await h.app.inject({ method, url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: 'NotFound', message: `no route for ${method} ${url}` });
    }
  });

  it('GET /health is 200 ok when serving, 503 otherwise', async () => {
    const h = harness();
    expect((await h.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    for (const state of ['starting', 'drained', 'stopping'] as const) {
      h.state = state;
      const response = await h.app.inject({ url: '/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: state });
    }
  });

  it('GET /status describes the node', async () => {
    const h = harness();
    const response = await h.app.inject({ url: '/status' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      clusterName: 'Test',
      nodes: [expect.objectContaining({ status: 'UP', state: 'NORMAL', tokens: 16, ownership: 1, load: 5096 })],
    });
    h.state = 'starting';
    expect((await h.app.inject({ url: '/status' })).statusCode).toBe(503);
  });

  it('GET /metrics is Prometheus text from the node registry', async () => {
    const h = harness();
    await h.app.inject({ url: '/health' });
    await postCql(h, { query: 'q' });
    h.metrics.recordStatement('select', 0.002, 'ok');
    const response = await h.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toContain('ringtail_http_requests_total{route="/health",method="GET",status="200"} 1');
    expect(text).toContain('ringtail_http_request_duration_seconds_count{route="/cql",method="POST",status="200"} 1');
    expect(text).toContain('ringtail_cql_statements_total{type="select",outcome="ok"} 1');
    expect(text).toContain('ringtail_cql_statement_duration_seconds_bucket{le="0.0025",type="select",outcome="ok"} 1');
    expect(text).toContain('ringtail_commitlog_bytes 1000');
    expect(text).toContain('ringtail_table_live_sstables{keyspace="ks",table="events"} 2');
    expect(text).toContain('ringtail_table_sstable_bytes{keyspace="ks",table="events"} 4096');
    expect(text).toContain('ringtail_table_memtable_bytes{keyspace="ks",table="events"} 512');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text.startsWith('"')).toBe(false);
  });

  it('POST /admin/flush, /compact and /drain run the operations', async () => {
    const h = harness();
    for (const operation of ['flush', 'compact', 'drain']) {
      const response = await h.app.inject({ method: 'POST', url: `/admin/${operation}` });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ operation, status: 'done' });
    }
    expect(h.calls).toEqual(['flush', 'compact', 'drain']);
    expect((await postCql(h, { query: 'q' })).statusCode).toBe(503);
  });

  it('POST /admin/compact is 501 when storage cannot compact on demand', async () => {
    const h = harness({ compact: false });
    const response = await h.app.inject({ method: 'POST', url: '/admin/compact' });
    expect(response.statusCode).toBe(501);
    expect(response.json().error).toBe('NotImplemented');
  });

  it('POST /admin/repair and /decommission say they arrive with the cluster', async () => {
    const h = harness();
    for (const operation of ['repair', 'decommission']) {
      const response = await h.app.inject({ method: 'POST', url: `/admin/${operation}` });
      expect(response.statusCode).toBe(501);
      expect(response.json()).toEqual({
        error: 'NotImplemented',
        message: expect.stringContaining(`${operation} arrives with the cluster`),
        operation,
      });
    }
  });
});

/** Polls `check` until it holds (bounded: 2 s). */
async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
