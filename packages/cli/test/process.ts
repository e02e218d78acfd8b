/** Runs the built `ringtail` (dist/bin.js) as a child process, with bounded waits and cleanup. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface RingtailProcess {
  readonly child: ChildProcess;
  /** Parsed JSON log lines from stdout so far. */
  readonly records: Record<string, unknown>[];
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<Exit>;
  /** The first log record matching `match`, waiting at most `timeoutMs`. */
  waitForRecord(
    match: (record: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** The `http` URL of the `listening` line. */
  waitForListening(timeoutMs?: number): Promise<string>;
  /** Resolves with the exit, or rejects after `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<Exit>;
}

const running = new Set<ChildProcess>();
const dirs: string[] = [];

/**
 * `env` replaces the inherited RINGTAIL_* variables, never adds to them; only
 * RINGTAIL_INTERNODE_PORT is 0 unless `env` says otherwise, so that nodes
 * started by concurrent tests never race for the default internode port.
 * `input` is piped to stdin, which is then closed; without it stdin is /dev/null.
 */
export function ringtail(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; input?: string } = {},
) {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('RINGTAIL_')) env[key] = value;
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...env, RINGTAIL_INTERNODE_PORT: '0', ...options.env },
    cwd: options.cwd,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  if (options.input !== undefined) {
    child.stdin!.on('error', () => {}); // a child that exits before reading it all
    child.stdin!.end(options.input);
  }
  let out = '';
  let err = '';
  let partial = '';
  const records: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        records.push(JSON.parse(line));
      } catch {
        // not a log record
      }
    }
    for (const listener of listeners) listener();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
      for (const listener of listeners) listener();
    });
  });
  let exitState: Exit | undefined;
  void exited.then((e) => {
    exitState = e;
  });

  const process_: RingtailProcess = {
    child,
    records,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForRecord(match, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = records.find(match);
          if (found !== undefined) return finish(() => resolve(found));
          if (exitState !== undefined) {
            finish(() => reject(new Error(`ringtail exited (${JSON.stringify(exitState)}) first; stderr: ${err}`)));
          }
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no matching log line within ${timeoutMs} ms; stdout: ${out}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async waitForListening(timeoutMs) {
      const record = await process_.waitForRecord((r) => r.msg === 'listening', timeoutMs);
      return String(record.http);
    },
    waitForExit(timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`ringtail still running after ${timeoutMs} ms`)), timeoutMs);
        void exited.then((e) => {
          clearTimeout(timer);
          resolve(e);
        });
      });
    },
  };
  return process_;
}

/** Kills whatever is still running and removes temp directories; for afterEach. */
export async function cleanUp(): Promise<void> {
  for (const child of running) {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ringtail-cli-'));
  dirs.push(dir);
  return dir;
}

/** GET `url`, bounded to 5 s. */
export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.json() };
}

/** Polls GET /health until 200 (the node has opened storage), at most `timeoutMs`. */
export async function waitForHealthy(base: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await getJson(`${base}/health`);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${base} not healthy within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
