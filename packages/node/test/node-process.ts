/**
 * A node as an operator runs it: the built CLI (`ringtail start`) as a child
 * process on 127.0.0.1 with an ephemeral port, found through its `listening`
 * log line. Every wait is bounded; `kill()` and `stop()` wait for the exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The `ringtail` launcher; it imports packages/cli/dist, so the CLI must be built. */
export const CLI_BIN = fileURLToPath(new URL('../../cli/bin/ringtail.js', import.meta.url));
const CLI_DIST = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 20_000;

export class NodeProcess {
  private exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderrText = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exit = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null)
        resolve({ code: child.exitCode, signal: child.signalCode });
      else child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    child.stderr!.on('data', (chunk: string) => {
      this.stderrText += chunk;
    });
  }

  /** Starts `ringtail start --data-dir dataDir` and resolves once `/health` answers 200. */
  static async start(dataDir: string): Promise<NodeProcess> {
    if (!existsSync(CLI_DIST)) throw new Error(`${CLI_DIST} is missing: build first (npx tsc -b)`);
    const env: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('RINGTAIL_')) env[key] = value;
    const child = spawn(
      process.execPath,
      [
        CLI_BIN,
        'start',
        '--data-dir',
        dataDir,
        '--http-port',
        '0',
        '--internode-port',
        '0',
        '--listen',
        '127.0.0.1',
        '--log-format',
        'json',
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      let partial = '';
      let stderr = '';
      const timer = setTimeout(
        () => fail(new Error(`no listening line within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      const onErr = (chunk: string) => {
        stderr += chunk;
      };
      const onExit = (code: number | null) =>
        fail(new Error(`ringtail exited with ${code} before listening: ${stderr}`));
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
        // Keep draining stdout so a chatty node never blocks on a full pipe.
        child.stdout!.resume();
      };
      const done = (found: string) => {
        cleanup();
        resolve(found);
      };
      const fail = (error: Error) => {
        cleanup();
        child.kill('SIGKILL');
        reject(error);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onErr);
      child.once('exit', onExit);
    });
    const node = new NodeProcess(child, url);
    await node.waitHealthy();
    return node;
  }

  private async waitHealthy(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const status = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(5000) })
        .then((r) => r.status)
        .catch(() => 0);
      if (status === 200) return;
      if (Date.now() > deadline) throw new Error(`${this.url} not healthy within ${START_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** SIGTERM: the node drains and exits 0. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill('SIGTERM');
    return this.waitForExit();
  }

  /** SIGKILL: no drain, no flush; the commit log must bring every acknowledged write back. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.waitForExit();
  }

  private waitForExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`ringtail still running ${STOP_TIMEOUT_MS} ms after being told to stop`));
      }, STOP_TIMEOUT_MS);
      void this.exit.then((exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });
  }
}
