/**
 * `ringtail cluster`: a local ring of N `ringtail start` processes on
 * 127.0.0.1 (DESIGN.md §3.1), for development. Node i keeps its data in
 * `<dir>/node<i>`, serves HTTP on `basePort + i - 1` and gossips on
 * `internodeBasePort + i - 1`; every node is seeded with node 1, and all share
 * one cluster name and secret (RINGTAIL_CLUSTER_SECRET, or a random one for
 * this run). Nodes start one after the other: each waits until node 1 lists
 * the ones before it with their tokens, so that a first start allocates its
 * tokens against the whole ring. Their log lines are shown prefixed with the
 * node's name; SIGINT or SIGTERM stops them all (SIGTERM each, SIGKILL after
 * STOP_TIMEOUT_MS) and exits 0 when every node stopped cleanly.
 * docs/operations.md, "A local cluster".
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_ALLOCATE_TOKENS_FOR_RF,
  DEFAULT_HTTP_PORT,
  DEFAULT_INTERNODE_PORT,
  formatLogLine,
  MAX_ALLOCATE_TOKENS_FOR_RF,
} from '@ringtail/node';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import type { StartIo } from './start.js';

export const DEFAULT_CLUSTER_NODES = 3;
export const DEFAULT_CLUSTER_DIR = './data';
/** Most nodes one `ringtail cluster` runs. */
export const MAX_CLUSTER_NODES = 32;
/** A node must log `serving` within this long of being spawned (a long commit-log replay is the slow part). */
export const NODE_START_TIMEOUT_MS = 120_000;
/** How long the next node waits for node 1 to list the ones started before it. */
export const RING_SETTLE_TIMEOUT_MS = 15_000;
/** After SIGTERM, a node that has not exited within this long is killed (its drain is bounded by 10 s). */
export const STOP_TIMEOUT_MS = 30_000;
const STATUS_POLL_MS = 100;

/** pino's numeric levels: a node's records below the level asked for are not shown. */
const LOG_LEVEL_VALUES: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};
const STATUS_REQUEST_TIMEOUT_MS = 2_000;

const START_SCRIPT = fileURLToPath(new URL('../bin/ringtail.js', import.meta.url));

export interface ClusterFlags {
  readonly nodes?: string;
  readonly dir?: string;
  readonly basePort?: string;
  readonly internodeBasePort?: string;
  readonly rf?: string;
}

export interface ClusterIo extends StartIo {
  readonly stdout: NodeJS.WritableStream;
}

interface ClusterPlan {
  readonly nodes: number;
  readonly dir: string;
  readonly basePort: number;
  readonly internodeBasePort: number;
  readonly rf: number;
}

/** Runs the cluster until a stop signal; resolves with the exit code. */
export async function runCluster(flags: ClusterFlags, io: ClusterIo): Promise<number> {
  let plan: ClusterPlan;
  try {
    plan = planCluster(flags, io.cwd);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.writeError(`ringtail cluster: ${error.message}`);
    return EXIT_USAGE;
  }
  const say = (line: string): void => {
    io.stdout.write(`ringtail cluster: ${line}\n`);
  };
  const secret = nonEmpty(io.env.RINGTAIL_CLUSTER_SECRET) ?? randomBytes(32).toString('base64url');
  const children: NodeChild[] = [];
  // Start-up is followed through the nodes' `listening` and `serving` info records, so the nodes log at
  // info at least; a quieter RINGTAIL_LOG_LEVEL is applied here, to what is shown.
  const level = nonEmpty(io.env.RINGTAIL_LOG_LEVEL) ?? 'info';
  const shownLevel = LOG_LEVEL_VALUES[level] ?? LOG_LEVEL_VALUES.info!;
  const logLevel = shownLevel < LOG_LEVEL_VALUES.info! || LOG_LEVEL_VALUES[level] === undefined ? level : 'info';
  const output: NodeOutput = { io, shownLevel, say };

  let stopRequested: () => void = () => {};
  const stopSignal = new Promise<'signal'>((resolve) => {
    stopRequested = () => resolve('signal');
  });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      say(`second ${signal}: killing every node`);
      for (const child of children) child.kill('SIGKILL');
      return;
    }
    say(`${signal} received: stopping every node`);
    stopRequested();
  };
  const killLeftovers = (): void => {
    for (const child of children) child.kill('SIGKILL');
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
  process.on('exit', killLeftovers); // whatever happens to this process, its nodes do not outlive it
  try {
    try {
      await startNodes(plan, output, ['--log-level', logLevel], secret, children, stopSignal);
      if (signals === 0) {
        say(`${plan.nodes} node${plan.nodes === 1 ? '' : 's'} running; Ctrl-C stops them`);
        await Promise.race([stopSignal, allExited(children)]);
      }
    } catch (error) {
      io.writeError(`ringtail cluster: ${(error as Error).message}`);
      await stopAll(children, say);
      return EXIT_FAILURE;
    }
    if (signals === 0) {
      io.writeError('ringtail cluster: every node has exited');
      return EXIT_FAILURE;
    }
    return (await stopAll(children, say)) ? EXIT_OK : EXIT_FAILURE;
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, onSignal);
    process.off('exit', killLeftovers);
  }
}

/** Starts the nodes one after the other (see the header); returns early on a stop signal. */
async function startNodes(
  plan: ClusterPlan,
  output: NodeOutput,
  extraArgs: readonly string[],
  secret: string,
  children: NodeChild[],
  stopSignal: Promise<'signal'>,
): Promise<void> {
  const { say } = output;
  const seed = `127.0.0.1:${plan.internodeBasePort}`;
  for (let i = 1; i <= plan.nodes; i++) {
    const name = `node${i}`;
    const dataDir = join(plan.dir, name);
    const internode = `127.0.0.1:${plan.internodeBasePort + i - 1}`;
    mkdirSync(dataDir, { recursive: true });
    const args = [
      'start',
      '--data-dir',
      dataDir,
      '--listen',
      '127.0.0.1',
      '--http-port',
      String(plan.basePort + i - 1),
      '--internode-port',
      String(plan.internodeBasePort + i - 1),
      '--seeds',
      seed,
      '--allocate-tokens-for-rf',
      String(plan.rf),
      '--log-format',
      'json',
      ...extraArgs,
    ];
    const child = NodeChild.spawn(name, output, args, secret);
    children.push(child);
    const url = await Promise.race([child.listening, stopSignal]);
    if (url === 'signal') return;
    say(`${name} at ${url} (internode ${internode}, data ${dataDir})`);
    if ((await Promise.race([child.serving, stopSignal])) === 'signal') return;
    if (i === plan.nodes) return;
    const settled = await Promise.race([waitForRing(children[0]!.url!, i), stopSignal]);
    if (settled === 'signal') return;
    if (!settled) say(`node1 does not list ${i} nodes with tokens yet; starting node${i + 1} anyway`);
  }
}

function planCluster(flags: ClusterFlags, cwd: string): ClusterPlan {
  const nodes = integer('--nodes', flags.nodes, DEFAULT_CLUSTER_NODES, 1, MAX_CLUSTER_NODES);
  const basePort = integer('--base-port', flags.basePort, DEFAULT_HTTP_PORT, 1, 65_536 - nodes);
  const internodeBasePort = integer(
    '--internode-base-port',
    flags.internodeBasePort,
    DEFAULT_INTERNODE_PORT,
    1,
    65_536 - nodes,
  );
  const rf = integer('--rf', flags.rf, DEFAULT_ALLOCATE_TOKENS_FOR_RF, 1, MAX_ALLOCATE_TOKENS_FOR_RF);
  const http = [basePort, basePort + nodes - 1];
  const internode = [internodeBasePort, internodeBasePort + nodes - 1];
  if (http[0]! <= internode[1]! && internode[0]! <= http[1]!) {
    throw new UsageError(`HTTP ports ${http.join('-')} and internode ports ${internode.join('-')} overlap`);
  }
  return { nodes, dir: resolve(cwd, flags.dir ?? DEFAULT_CLUSTER_DIR), basePort, internodeBasePort, rf };
}

function integer(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = /^\s*\d{1,9}\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max))
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Whether node 1's /status lists `count` nodes with tokens, within RING_SETTLE_TIMEOUT_MS. */
async function waitForRing(seedUrl: string, count: number): Promise<boolean> {
  const deadline = Date.now() + RING_SETTLE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${seedUrl}/status`, { signal: AbortSignal.timeout(STATUS_REQUEST_TIMEOUT_MS) });
      const body = (await response.json()) as { nodes?: { tokens?: number }[] };
      if ((body.nodes ?? []).filter((n) => (n.tokens ?? 0) > 0).length >= count) return true;
    } catch {
      // not answering yet; poll again
    }
    await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
  }
  return false;
}

function allExited(children: readonly NodeChild[]): Promise<void> {
  return Promise.all(children.map((c) => c.exited)).then(() => undefined);
}

/** SIGTERM to every running node, SIGKILL to those still running after STOP_TIMEOUT_MS; true if all exited 0. */
async function stopAll(children: readonly NodeChild[], say: (line: string) => void): Promise<boolean> {
  const running = children.filter((child) => child.running);
  for (const child of running) child.stopping = true;
  for (const child of running) child.kill('SIGTERM');
  let clean = true;
  await Promise.all(
    running.map(async (child) => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      let exit = await Promise.race([child.exited, timedOut]);
      clearTimeout(timer);
      if (exit === 'timeout') {
        say(`${child.name} still running ${STOP_TIMEOUT_MS} ms after SIGTERM; killing it`);
        child.kill('SIGKILL');
        exit = await child.exited;
      }
      if (exit.code === 0) {
        say(`${child.name} stopped`);
      } else {
        clean = false;
        say(`${child.name} exited with ${describeExit(exit)}`);
      }
    }),
  );
  return clean;
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function describeExit(exit: Exit): string {
  return exit.code === null ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** A promise with its settle functions; its rejection counts as handled until someone awaits it. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Where a node's output goes: log records at `shownLevel` or above, readable, prefixed with its name. */
interface NodeOutput {
  readonly io: ClusterIo;
  readonly shownLevel: number;
  readonly say: (line: string) => void;
}

function levelOf(record: Record<string, unknown>): number {
  const level = record.level;
  return typeof level === 'number' ? level : (LOG_LEVEL_VALUES[String(level)] ?? LOG_LEVEL_VALUES.info!);
}

/** One `ringtail start` child: its output forwarded line by line with its name, its start-up followed. */
class NodeChild {
  /** Its HTTP URL, from its `listening` line. */
  readonly listening: Promise<string>;
  /** Resolves at its `serving` line; rejects if it exits first (or is killed after NODE_START_TIMEOUT_MS). */
  readonly serving: Promise<void>;
  readonly exited: Promise<Exit>;
  url: string | undefined;
  /** Set when `ringtail cluster` stops it: its exit is then expected. */
  stopping = false;
  private exit: Exit | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    output: NodeOutput,
  ) {
    const { io, say } = output;
    const listening = deferred<string>();
    const serving = deferred<void>();
    this.listening = listening.promise;
    this.serving = serving.promise;
    let served = false;
    const startTimeout = setTimeout(() => child.kill('SIGKILL'), NODE_START_TIMEOUT_MS);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        clearTimeout(startTimeout);
        this.exit = { code, signal };
        const error = new Error(`${name} exited (${describeExit(this.exit)}) before serving`);
        listening.reject(error);
        serving.reject(error);
        if (served && !this.stopping) say(`${name} exited with ${describeExit(this.exit)}`);
        resolve(this.exit);
      });
    });
    const onRecord = (record: Record<string, unknown>): void => {
      if (record.msg === 'listening' && typeof record.http === 'string' && this.url === undefined) {
        this.url = record.http;
        listening.resolve(record.http);
      } else if (record.msg === 'serving' && !served) {
        served = true;
        clearTimeout(startTimeout);
        serving.resolve();
      }
    };
    forwardLines(child.stdout!, (line) => {
      let record: Record<string, unknown> | undefined;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        record = undefined;
      }
      if (record === undefined) io.stdout.write(prefixed(name, line));
      else {
        onRecord(record);
        if (levelOf(record) >= output.shownLevel) io.stdout.write(prefixed(name, formatLogLine(line)));
      }
    });
    forwardLines(child.stderr!, (line) => io.writeError(prefixed(name, line).trimEnd()));
  }

  static spawn(name: string, output: NodeOutput, args: readonly string[], secret: string): NodeChild {
    const child = spawn(process.execPath, [START_SCRIPT, ...args], {
      cwd: output.io.cwd,
      env: { ...output.io.env, RINGTAIL_CLUSTER_SECRET: secret },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a terminal's Ctrl-C reaches only `ringtail cluster`, which stops each node once.
      detached: true,
    });
    return new NodeChild(name, child, output);
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.exit === undefined) this.child.kill(signal);
  }
}

function prefixed(name: string, text: string): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return `${body
    .split('\n')
    .map((line) => `${name} | ${line}`)
    .join('\n')}\n`;
}

function forwardLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.length > 0) onLine(line);
  });
  stream.on('end', () => {
    if (partial.length > 0) onLine(partial);
    partial = '';
  });
}
