/**
 * HTTP write throughput (issue #4): single-row INSERTs through `POST /cql` of
 * a Ringtail node running as a child process (`ringtail start`, its default
 * commit-log mode), against a bare fastify server in another child process
 * (http-baseline-server.ts) that parses and validates the same body and
 * answers `{"applied":true}` — the HTTP work alone. Both are driven the same
 * way from this process: an undici Pool per server (same options) of
 * CONNECTIONS keep-alive connections, one request in flight on each.
 *
 * Both servers run for the whole benchmark, and their timed windows
 * (DURATION_MS each, after a warm-up of each) alternate: PAIRS pairs, the
 * order within a pair alternating, so that a burst of load from elsewhere on
 * a shared machine lands on both sides. `value` is the median of Ringtail's
 * windows in rows/s with bind parameters (`INSERT INTO ks.t (k, v) VALUES
 * (?, ?)`, random 16-byte blob key, 100-byte blob value), `baseline` the
 * median of the bare server's requests/s for the same bodies, `ratio` =
 * value / baseline: ≥ 0.7 means the database work per row costs less than
 * the HTTP work. `details` also has the same rows as literals in the query
 * text, and 100-row `BEGIN UNLOGGED BATCH … APPLY BATCH` requests (rows/s)
 * against the bare server fed the same batch bodies; Ringtail's batch window
 * runs last, so that the memtable flushes it starts overlap no baseline window.
 *
 * Before timing, known rows are written through every request shape and read
 * back with SELECT, keys never written are found absent, and both servers
 * refuse a malformed body with 400; every timed answer must be 200
 * `{"applied":true…`, and afterwards a sample of the timed rows is read back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'undici';
import { ChildServer, drive, type LoadResult, openPool, RandomRows } from '../http-fixture.js';
import {
  BATCH_ROWS,
  checkExactlyApplied,
  checkReadBack,
  INSERT_BIND,
  type Row,
  Sample,
  SHAPES,
  type Shape,
  verifyBaseline,
  verifyRingtail,
} from '../http-write-requests.js';
import { type Bench, type BenchResult, formatRate, makeResult } from '../result.js';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2000);
/** Pairs of single-row windows (one per server); figures are the medians. */
const PAIRS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 50);
/** Arguments for `node` running the Ringtail child, space-separated: `--cpu-prof --cpu-prof-dir=/tmp/prof` profiles it. */
const RINGTAIL_NODE_ARGS = (process.env.BENCH_RINGTAIL_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
/** The same for the bare fastify child. */
const BASELINE_NODE_ARGS = (process.env.BENCH_BASELINE_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
/** Request shapes measured besides single rows with bind parameters: `literal`, `batch` (default both; `none`). */
const EXTRA_SHAPES = (process.env.BENCH_HTTP_SHAPES ?? 'literal,batch').split(',');
const MEASURED_SHAPES = [
  SHAPES.bind,
  ...(['literal', 'batch'] as const).filter((n) => EXTRA_SHAPES.includes(n)).map((n) => SHAPES[n]),
];
const KEY_BYTES = 16;
const VALUE_BYTES = 100;

interface Window {
  readonly load: LoadResult;
  readonly rowsPerSecond: number;
  /** CPU time of the server process per request (user + system, all its threads). */
  readonly serverCpuMicrosPerRequest: number | undefined;
  /** CPU time of this process (the client) per request. */
  readonly clientCpuMicrosPerRequest: number;
}

/** One server and the pool that drives it. */
class Side {
  readonly pool: Pool;
  readonly rows = new RandomRows(KEY_BYTES, VALUE_BYTES);

  constructor(
    readonly server: ChildServer,
    private readonly seen: (row: Row) => void,
  ) {
    this.pool = openPool(server.url, CONNECTIONS);
  }

  /** Ringtail's answers are checked as Ringtail's; the bare server must answer exactly `{"applied":true}`. */
  private check(shape: Shape) {
    return this.server.name === 'ringtail' ? shape.check : checkExactlyApplied;
  }

  async warm(shape: Shape): Promise<void> {
    await drive(this.pool, () => shape.body(this.rows, this.seen), this.check(shape), WARMUP_MS, CONNECTIONS);
  }

  async window(shape: Shape): Promise<Window> {
    const serverCpuBefore = this.server.cpuMicros();
    const clientCpuBefore = process.cpuUsage();
    const body = () => shape.body(this.rows, this.seen);
    const load = await drive(this.pool, body, this.check(shape), DURATION_MS, CONNECTIONS);
    const client = process.cpuUsage(clientCpuBefore);
    const serverCpuAfter = this.server.cpuMicros();
    const serverCpu =
      serverCpuBefore === undefined || serverCpuAfter === undefined ? undefined : serverCpuAfter - serverCpuBefore;
    return {
      load,
      rowsPerSecond: load.requestsPerSecond * shape.rowsPerRequest,
      serverCpuMicrosPerRequest: serverCpu === undefined ? undefined : serverCpu / load.requests,
      clientCpuMicrosPerRequest: (client.user + client.system) / load.requests,
    };
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function summary(window: Window) {
  return {
    rowsPerSecond: Math.round(window.rowsPerSecond),
    requests: window.load.requests,
    p50Ms: Number(window.load.p50Ms.toFixed(2)),
    p99Ms: Number(window.load.p99Ms.toFixed(2)),
    serverCpuMicrosPerRequest:
      window.serverCpuMicrosPerRequest === undefined ? null : Math.round(window.serverCpuMicrosPerRequest),
    clientCpuMicrosPerRequest: Math.round(window.clientCpuMicrosPerRequest),
  };
}

interface Measured {
  readonly ringtail: Window[];
  readonly baseline: Window[];
  readonly literal: Window | undefined;
  readonly batch: { readonly ringtail: Window; readonly baseline: Window } | undefined;
}

async function measure(ringtail: Side, baseline: Side): Promise<Measured> {
  const bind = SHAPES.bind;
  await baseline.warm(bind);
  await ringtail.warm(bind);
  const windows: Measured = { ringtail: [], baseline: [], literal: undefined, batch: undefined };
  for (let pair = 0; pair < PAIRS; pair++) {
    if (pair % 2 === 0) windows.baseline.push(await baseline.window(bind));
    windows.ringtail.push(await ringtail.window(bind));
    if (pair % 2 === 1) windows.baseline.push(await baseline.window(bind));
  }
  let literal: Window | undefined;
  if (EXTRA_SHAPES.includes('literal')) {
    await ringtail.warm(SHAPES.literal);
    literal = await ringtail.window(SHAPES.literal);
  }
  let batch: Measured['batch'];
  if (EXTRA_SHAPES.includes('batch')) {
    await baseline.warm(SHAPES.batch);
    const baselineBatch = await baseline.window(SHAPES.batch);
    await ringtail.warm(SHAPES.batch);
    batch = { baseline: baselineBatch, ringtail: await ringtail.window(SHAPES.batch) };
  }
  return { ...windows, literal, batch };
}

function report(m: Measured): BenchResult {
  const rates = (windows: readonly Window[]) => windows.map((w) => w.rowsPerSecond);
  const value = median(rates(m.ringtail));
  const baselineValue = median(rates(m.baseline));
  const pairRatios = m.ringtail.map((w, i) => w.rowsPerSecond / m.baseline[i]!.rowsPerSecond);
  console.table(
    m.ringtail.map((w, i) => ({
      pair: i,
      'ringtail rows/s': formatRate(w.rowsPerSecond),
      'fastify req/s': formatRate(m.baseline[i]!.rowsPerSecond),
      ratio: pairRatios[i]!.toFixed(3),
      'ringtail CPU µs/req': Math.round(w.serverCpuMicrosPerRequest ?? Number.NaN),
      'fastify CPU µs/req': Math.round(m.baseline[i]!.serverCpuMicrosPerRequest ?? Number.NaN),
    })),
  );
  const shapes = [];
  if (m.literal !== undefined) shapes.push({ shape: 'literal values', ringtail: formatRate(m.literal.rowsPerSecond) });
  if (m.batch !== undefined) {
    shapes.push({
      shape: `${BATCH_ROWS}-row batches`,
      ringtail: formatRate(m.batch.ringtail.rowsPerSecond),
      'fastify (same bodies)': formatRate(m.batch.baseline.rowsPerSecond),
      ratio: (m.batch.ringtail.rowsPerSecond / m.batch.baseline.rowsPerSecond).toFixed(3),
    });
  }
  if (shapes.length > 0) console.table(shapes);
  return makeResult({
    name: 'http-write',
    metric: 'rows/s',
    value,
    baseline: { name: `bare fastify POST /cql, same body schema, ${CONNECTIONS} connections`, value: baselineValue },
    params: {
      connections: CONNECTIONS,
      windowMs: DURATION_MS,
      warmupMs: WARMUP_MS,
      pairs: PAIRS,
      keyBytes: KEY_BYTES,
      valueBytes: VALUE_BYTES,
      batchRows: BATCH_ROWS,
      query: INSERT_BIND,
      commitLogSyncMode: 'periodic (the node default)',
    },
    details: {
      pairRatios: pairRatios.map((r) => Number(r.toFixed(3))),
      ringtail: m.ringtail.map(summary),
      baseline: m.baseline.map(summary),
      ...(m.literal !== undefined && {
        literalRowsPerSecond: Math.round(m.literal.rowsPerSecond),
        literalRatio: Number((m.literal.rowsPerSecond / baselineValue).toFixed(3)),
        literal: summary(m.literal),
      }),
      ...(m.batch !== undefined && {
        batchRowsPerSecond: Math.round(m.batch.ringtail.rowsPerSecond),
        baselineBatchBodyRowsPerSecond: Math.round(m.batch.baseline.rowsPerSecond),
        batchRatio: Number((m.batch.ringtail.rowsPerSecond / m.batch.baseline.rowsPerSecond).toFixed(3)),
        batch: { ringtail: summary(m.batch.ringtail), baseline: summary(m.batch.baseline) },
      }),
    },
  });
}

async function run(): Promise<BenchResult> {
  const root = mkdtempSync(join(tmpdir(), 'ringtail-bench-http-write-'));
  const servers: ChildServer[] = [];
  const pools: Pool[] = [];
  try {
    servers.push(await ChildServer.startBaseline(BASELINE_NODE_ARGS));
    servers.push(await ChildServer.startRingtail(join(root, 'data'), RINGTAIL_NODE_ARGS));
    const sample = new Sample();
    const baseline = new Side(servers[0]!, () => {});
    const ringtail = new Side(servers[1]!, sample.offer);
    pools.push(baseline.pool, ringtail.pool);
    try {
      await verifyBaseline(baseline.pool, baseline.rows);
      await verifyRingtail(ringtail.pool, ringtail.rows, MEASURED_SHAPES);
      const measured = await measure(ringtail, baseline);
      await checkReadBack(ringtail.pool, sample.rows, [], 'ringtail (timed rows)');
      return report(measured);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nringtail stderr: ${ringtail.server.stderr}`, { cause: error });
    }
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    for (const server of servers) {
      const exitCode = await server.stop();
      if (exitCode !== 0) console.error(`${server.name} exited with ${exitCode}: ${server.stderr}`);
    }
    rmSync(root, { recursive: true, force: true });
  }
}

export const httpWriteBench: Bench = {
  name: 'http-write',
  description: `single-row INSERTs over HTTP (${CONNECTIONS} connections) into a Ringtail node vs a bare fastify route parsing the same body; 100-row batches too`,
  run,
};
