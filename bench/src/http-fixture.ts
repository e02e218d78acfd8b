/**
 * What the HTTP benchmarks share: servers run as child processes (a Ringtail
 * node through its CLI, or the bare fastify baseline of http-baseline-server.ts),
 * a closed-loop load driver over one undici Pool, and the bodies it sends.
 *
 * Every child started here is recorded, and killed when the bench process
 * exits, whatever the reason; callers stop children themselves in `finally`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

/**
 * The `ringtail` launcher; it imports packages/cli/dist, so the CLI must be
 * built. `BENCH_RINGTAIL_BIN` names another build's launcher, to compare builds.
 */
export const RINGTAIL_BIN =
  process.env.BENCH_RINGTAIL_BIN ?? fileURLToPath(new URL('../../packages/cli/bin/ringtail.js', import.meta.url));
const RINGTAIL_DIST = join(dirname(RINGTAIL_BIN), '..', 'dist', 'bin.js');
/** The bare fastify server, compiled next to this file. */
export const BASELINE_SERVER = fileURLToPath(new URL('./http-baseline-server.js', import.meta.url));

const START_TIMEOUT_MS = 30_000;
/** Linux's USER_HZ, the unit of `/proc/PID/stat` times (`getconf CLK_TCK`; 100 on every common kernel). */
const CLOCK_TICKS_PER_SECOND = 100;
const STOP_TIMEOUT_MS = 60_000;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * A server in a child process. It must log a JSON line `{"msg":"listening","http":URL}`
 * on stdout (Ringtail's pino line has that shape; the baseline prints one), then
 * answer `GET /health` with 200 once it serves.
 */
export class ChildServer {
  private readonly exited: Promise<number | null>;
  private stderrText = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
    child.stderr!.on('data', (chunk: string) => {
      this.stderrText = (this.stderrText + chunk).slice(-4000);
    });
    // Keep draining stdout so a chatty server never blocks on a full pipe.
    child.stdout!.resume();
  }

  /** `ringtail start` on a free port with `dataDir`; `nodeArgs` go to `node` itself (e.g. `--cpu-prof`). */
  static startRingtail(dataDir: string, nodeArgs: readonly string[] = []): Promise<ChildServer> {
    if (!existsSync(RINGTAIL_DIST)) throw new Error(`${RINGTAIL_DIST} is missing: build first (npm run build)`);
    const args = ['start', '--data-dir', dataDir, '--http-port', '0', '--internode-port', '0', '--listen', '127.0.0.1'];
    return ChildServer.start('ringtail', [...nodeArgs, RINGTAIL_BIN, ...args, '--log-format', 'json']);
  }

  static startBaseline(nodeArgs: readonly string[] = []): Promise<ChildServer> {
    return ChildServer.start('bare fastify', [...nodeArgs, BASELINE_SERVER]);
  }

  private static async start(name: string, args: string[]): Promise<ChildServer> {
    const env: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('RINGTAIL_') && key !== 'NODE_OPTIONS') env[key] = value;
    }
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    child.once('exit', () => live.delete(child));
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    let url: string;
    try {
      url = await listeningUrl(name, child);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    const server = new ChildServer(name, child, url);
    try {
      await server.waitHealthy();
    } catch (error) {
      await server.kill();
      throw error;
    }
    return server;
  }

  private async waitHealthy(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const status = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(5000) })
        .then((r) => r.status)
        .catch(() => 0);
      if (status === 200) return;
      if (Date.now() > deadline)
        throw new Error(`${this.name} at ${this.url} not healthy within ${START_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * CPU time the child has used so far, user plus system, in microseconds
   * (Linux `/proc/PID/stat`, 10 ms resolution), or undefined elsewhere. On a
   * shared machine this says more than a rate: it is what each request cost.
   */
  cpuMicros(): number | undefined {
    const pid = this.child.pid;
    if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
  }

  /** The last lines the child wrote to stderr, for error messages. */
  get stderr(): string {
    return this.stderrText;
  }

  /** SIGTERM, then waits for the exit (Ringtail drains: flushes its memtables); SIGKILL after a bound. */
  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

function listeningUrl(name: string, child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let partial = '';
    let stderr = '';
    const timer = setTimeout(
      () => fail(new Error(`${name}: no listening line within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const onErr = (chunk: string) => {
      stderr += chunk;
    };
    const onExit = (code: number | null) => fail(new Error(`${name} exited with ${code} before listening: ${stderr}`));
    const onData = (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        try {
          const record = JSON.parse(line) as { msg?: string; http?: string };
          if (record.msg === 'listening' && typeof record.http === 'string') return done(record.http);
        } catch {
          // not a log record
        }
      }
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onErr);
      child.off('exit', onExit);
    };
    const done = (url: string) => {
      cleanup();
      resolve(url);
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onErr);
    child.once('exit', onExit);
  });
}

/** One Pool per server, the same options for every server: `connections` keep-alive connections, no pipelining. */
export function openPool(url: string, connections: number): Pool {
  return new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
}

export interface Answer {
  readonly status: number;
  readonly text: string;
}

export async function post(pool: Pool, path: string, body: string): Promise<Answer> {
  const { statusCode, body: stream } = await pool.request({
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: statusCode, text: await stream.text() };
}

/** POST /cql of `{query, params}`; throws unless the answer is 200. Returns the parsed answer. */
export async function cql(pool: Pool, query: string, params?: unknown[]): Promise<Record<string, unknown>> {
  const answer = await post(pool, '/cql', JSON.stringify(params === undefined ? { query } : { query, params }));
  if (answer.status !== 200) throw new Error(`${query.slice(0, 80)}: ${answer.status} ${answer.text.slice(0, 300)}`);
  return JSON.parse(answer.text) as Record<string, unknown>;
}

export interface LoadResult {
  readonly requests: number;
  readonly elapsedMs: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * Closed loop: `concurrency` requests in flight (one per connection), each
 * followed at once by the next, for `durationMs`; elapsed time runs until the
 * last one is answered. Every answer goes through `check`, which throws on a
 * wrong one (and so ends the run).
 */
export async function drive(
  pool: Pool,
  nextBody: () => string,
  check: (answer: Answer) => void,
  durationMs: number,
  concurrency: number,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let failure: unknown;
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async () => {
    while (failure === undefined && performance.now() < deadline) {
      const body = nextBody();
      const sent = performance.now();
      try {
        check(await post(pool, '/cql', body));
      } catch (error) {
        failure ??= error;
        return;
      }
      latenciesMs.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - start;
  if (failure !== undefined) throw failure;
  latenciesMs.sort((a, b) => a - b);
  const at = (q: number) => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(q * latenciesMs.length))] ?? 0;
  return {
    requests: latenciesMs.length,
    elapsedMs,
    requestsPerSecond: (latenciesMs.length * 1000) / elapsedMs,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

/** Random rows as CQL blob literals (`0x…`, lowercase hex): keys of `keyBytes`, values of `valueBytes`. */
export class RandomRows {
  private readonly pool: Buffer;
  private offset: number;
  private readonly rowBytes: number;

  constructor(
    readonly keyBytes: number,
    readonly valueBytes: number,
  ) {
    this.rowBytes = keyBytes + valueBytes;
    this.pool = Buffer.alloc(this.rowBytes * 1024);
    this.offset = this.pool.length;
  }

  next(): { key: string; value: string } {
    if (this.offset + this.rowBytes > this.pool.length) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const at = this.offset;
    this.offset += this.rowBytes;
    return {
      key: `0x${this.pool.toString('hex', at, at + this.keyBytes)}`,
      value: `0x${this.pool.toString('hex', at + this.keyBytes, at + this.rowBytes)}`,
    };
  }
}
