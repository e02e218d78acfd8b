/**
 * `ringtail cql [--host URL] [-k KEYSPACE] [-e STATEMENTS | -f FILE]`: the
 * CQL shell (DESIGN.md §3.1; docs/shell.md). It checks that the node
 * answers, USEs the keyspace if given, then runs -e, -f, piped stdin, or an
 * interactive session on a terminal. Exit codes: 0 when every statement
 * succeeded (an interactive session: always, errors were shown as they
 * came), 1 when one failed or the node cannot be reached, 2 for usage errors.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { DEFAULT_HOST, HOST_ENV, MAX_SCRIPT_BYTES } from './shell/constants.js';
import { historyFilePath } from './shell/history.js';
import { ConnectionError, type FetchFunction, HttpCqlClient, QueryError } from './shell/http-client.js';
import { runInteractive, runScript } from './shell/session.js';
import { CqlShell, type ShellOutput } from './shell/shell.js';
import { TerminalInput } from './shell/terminal.js';
import type { StartIo } from './start.js';

export interface CqlFlags {
  readonly host?: string;
  readonly keyspace?: string;
  readonly execute?: string;
  readonly file?: string;
}

type Stream<T> = T & { readonly isTTY?: boolean };

/** What `ringtail cql` needs from its process, injected so that tests can run it in-process. */
export interface CqlIo extends StartIo {
  readonly stdin: Stream<NodeJS.ReadableStream>;
  readonly stdout: Stream<NodeJS.WritableStream>;
  readonly stderr: NodeJS.WritableStream;
  readonly homeDir: string;
  readonly fetch?: FetchFunction;
}

/** `--host`, else RINGTAIL_HOST, else the default; `host:port` gets `http://`. Throws UsageError. */
export function resolveHost(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const fromEnv = env[HOST_ENV];
  const [text, origin] =
    flag !== undefined
      ? [flag, '--host']
      : fromEnv !== undefined && fromEnv.trim() !== ''
        ? [fromEnv, HOST_ENV]
        : [DEFAULT_HOST, 'default host'];
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim()) ? text.trim() : `http://${text.trim()}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`${origin} must be a URL like http://127.0.0.1:9080, got "${text}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new UsageError(`${origin} must be an http:// or https:// URL, got "${text}"`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new UsageError(`${origin} must be a plain http://host:port address, got "${text}"`);
  }
  return url.href.replace(/\/+$/, '');
}

export async function runCql(flags: CqlFlags, io: CqlIo): Promise<number> {
  let host: string;
  let script: { text: string; name: string } | undefined;
  try {
    host = resolveHost(flags.host, io.env);
    if (flags.execute !== undefined && flags.file !== undefined) throw new UsageError('give -e or -f, not both');
    if (flags.file !== undefined) script = { text: readScript(resolve(io.cwd, flags.file)), name: flags.file };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.writeError(`ringtail cql: ${error.message}`);
    return EXIT_USAGE;
  }

  let stdoutBroken = false;
  io.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutBroken = true; // `ringtail cql -f x | head`: the rest of the output is not wanted
  });
  const output: ShellOutput = {
    write: (text) => {
      if (!stdoutBroken) io.stdout.write(text);
    },
    writeError: (text) => io.stderr.write(text),
  };
  const client = new HttpCqlClient(host, io.fetch === undefined ? {} : { fetch: io.fetch });

  let banner: string;
  try {
    const answer = await client.execute({
      query: 'SELECT cluster_name, release_version, cql_version FROM system.local',
    });
    const local = answer.kind === 'rows' ? (answer.rows[0] ?? {}) : {};
    banner = `Connected to ${String(local.cluster_name)} at ${host}.\n[ringtail ${String(local.release_version)} | CQL spec ${String(local.cql_version)}]\nUse HELP for help.\n`;
  } catch (error) {
    if (error instanceof ConnectionError) io.writeError(`ringtail cql: ${error.message}`);
    else if (error instanceof QueryError)
      io.writeError(`ringtail cql: ${host} answered ${error.errorName}: ${error.message}`);
    else throw error;
    return EXIT_FAILURE;
  }

  const interactive = script === undefined && flags.execute === undefined && io.stdin.isTTY === true;
  let terminal: TerminalInput | undefined;
  const shell = new CqlShell({
    client,
    output,
    ...(interactive && { askMore: () => askMore(terminal!) }),
  });
  if (flags.keyspace !== undefined && (await shell.run(`USE ${flags.keyspace}`)) !== 'ok') return EXIT_FAILURE;

  if (flags.execute !== undefined) return (await runScript(shell, [flags.execute], output)) ? EXIT_OK : EXIT_FAILURE;
  if (script !== undefined) {
    return (await runScript(shell, [script.text], output, { sourceName: script.name })) ? EXIT_OK : EXIT_FAILURE;
  }
  if (!interactive) {
    const lines = createInterface({ input: io.stdin, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      const chunks = (async function* () {
        for await (const line of lines) yield `${line}\n`;
      })();
      return (await runScript(shell, chunks, output, { sourceName: '<stdin>' })) ? EXIT_OK : EXIT_FAILURE;
    } finally {
      lines.close();
    }
  }

  terminal = new TerminalInput({
    input: io.stdin,
    output: io.stdout,
    terminal: io.stdout.isTTY === true,
    historyFile: historyFilePath(io.env, io.homeDir),
    onInterrupt: () => shell.interrupt(),
    warn: (message) => io.writeError(`ringtail cql: ${message}`),
  });
  output.write(banner);
  try {
    await runInteractive(shell, terminal, output);
  } finally {
    terminal.close();
  }
  return EXIT_OK;
}

/** cqlsh's `---MORE---`: Enter fetches the next page; `q`, Ctrl-C or Ctrl-D stop. */
async function askMore(terminal: TerminalInput): Promise<boolean> {
  const event = await terminal.next('---MORE---');
  return event.kind === 'line' && event.text.trim().toLowerCase() !== 'q';
}

function readScript(path: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_SCRIPT_BYTES) throw new UsageError(`${path} is larger than ${MAX_SCRIPT_BYTES} bytes`);
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new UsageError(`cannot read ${path} (${String(code ?? (error as Error).message)})`);
  }
}
