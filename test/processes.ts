/**
 * Real `ringtail` processes for cluster tests: the built CLI run as a child
 * process on 127.0.0.1, its JSON log lines parsed, every wait bounded, and
 * everything still running killed by `killAll()` (call it in afterAll).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterStatus, NodeStatus } from '@ringtail/node';

const BIN = fileURLToPath(new URL('../packages/cli/bin/ringtail.js', import.meta.url));
const DIST = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export type LogRecord = Record<string, unknown>;

const running = new Set<RingtailProcess>();
const dirs: string[] = [];

export class RingtailProcess {
  /** Parsed JSON lines of stdout so far. */
  readonly records: LogRecord[] = [];
  readonly exited: Promise<Exit>;
  private out = '';
  private err = '';
  private exit: Exit | undefined;
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        running.delete(this);
        resolve(this.exit);
        this.notify();
      });
    });
    let partial = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.out += chunk;
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.records.push(JSON.parse(line) as LogRecord);
        } catch {
          // not a log record
        }
      }
      this.notify();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.err += chunk;
    });
  }

  /** `ringtail ...args`; `env` replaces the inherited RINGTAIL_* variables. */
  static spawn(args: readonly string[], env: Record<string, string> = {}): RingtailProcess {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: build first (npx tsc -b packages/cli)`);
    const inherited: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('RINGTAIL_')) inherited[key] = value;
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = new RingtailProcess(child);
    running.add(started);
    return started;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  stdout(): string {
    return this.out;
  }

  stderr(): string {
    return this.err;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.exit === undefined) this.child.kill(signal);
  }

  /** The first log record matching `match`. */
  waitForRecord(match: (record: LogRecord) => boolean, timeoutMs = 15_000): Promise<LogRecord> {
    return this.waitFor(() => this.records.find(match), timeoutMs, 'a matching log record');
  }

  /** The first match of `pattern` in stdout. */
  waitForOutput(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
    return this.waitFor(() => this.out.match(pattern) ?? undefined, timeoutMs, `output matching ${pattern}`);
  }

  waitForExit(timeoutMs = 15_000): Promise<Exit> {
    return this.waitFor(() => this.exit, timeoutMs, 'its exit', true);
  }

  private waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string, exitOk = false): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = find();
        if (found !== undefined) finish(() => resolve(found));
        else if (this.exit !== undefined && !exitOk) {
          finish(() =>
            reject(new Error(`ringtail exited (${JSON.stringify(this.exit)}) before ${what}; ${this.tail()}`)),
          );
        }
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`no ${what} within ${timeoutMs} ms; ${this.tail()}`))),
        timeoutMs,
      );
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  private tail(): string {
    return `stderr: ${this.err.slice(-2000)}\nstdout: ${this.out.slice(-4000)}`;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** SIGKILLs every process still running and removes the temp directories. */
export async function killAll(): Promise<void> {
  for (const child of [...running]) {
    child.kill('SIGKILL');
    await child.exited;
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ringtail-cluster-'));
  dirs.push(dir);
  return dir;
}

/** Calls `probe` until it returns something other than undefined, at most `timeoutMs`; rejects with the last reason. */
export async function eventually<T>(timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'not yet';
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${String(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The contract of GET /status, as the node declares it. */
export type Status = ClusterStatus;
export type StatusNode = NodeStatus;

/** GET /status, bounded to 2 s. */
export async function getStatus(http: string): Promise<Status> {
  const response = await fetch(`${http}/status`, { signal: AbortSignal.timeout(2000) });
  if (response.status !== 200) throw new Error(`${http}/status answered ${response.status}`);
  return (await response.json()) as Status;
}

/** POST /cql, bounded to 5 s. */
export async function cql(http: string, query: string): Promise<{ rows?: Record<string, unknown>[] }> {
  const response = await fetch(`${http}/cql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(5000),
  });
  if (response.status !== 200) throw new Error(`${query}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { rows?: Record<string, unknown>[] };
}

/**
 * The first port of `count` consecutive ports free on 127.0.0.1 now, found by
 * binding them. Another process may take them before they are used; the
 * window is short and the range is drawn at random.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const servers = [];
    let ok = true;
    for (let port = base; port < base + count && ok; port++) {
      const server = createServer();
      ok = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (ok) servers.push(server);
    }
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}
