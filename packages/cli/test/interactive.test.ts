/**
 * The interactive shell end to end, in-process: runCql on a terminal made
 * of streams (keystrokes in, escape sequences out) against a fake node.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCql } from '../src/cql.js';
import type { FetchFunction } from '../src/shell/http-client.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

interface Node {
  readonly queries: string[];
  readonly fetch: FetchFunction;
}

/** Answers the start-up probe, USE, a two-page SELECT and errors. */
function fakeNode(): Node {
  const queries: string[] = [];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch: FetchFunction = async (_url, init) => {
    const body = JSON.parse(String(init.body)) as { query: string; pagingState?: string };
    body.query = body.query.replace(/\s+/g, ' ');
    queries.push(body.query + (body.pagingState === undefined ? '' : ` @${body.pagingState}`));
    if (body.query.includes('system.local')) {
      return json(200, {
        columns: [],
        rows: [{ cluster_name: 'Test Cluster', release_version: '0.1.0', cql_version: '3.4.5' }],
      });
    }
    if (body.query.startsWith('USE ')) return json(200, { applied: true, keyspace: body.query.slice(4) });
    if (body.query === 'SELECT * FROM t') {
      const columns = [{ name: 'k', type: 'int' }];
      if (body.pagingState === undefined) return json(200, { columns, rows: [{ k: 1 }], pagingState: 'next' });
      return json(200, { columns, rows: [{ k: 2 }] });
    }
    if (body.query.startsWith('SELECT')) return json(200, { columns: [{ name: 'k', type: 'int' }], rows: [] });
    return json(400, { error: 'InvalidRequest', message: `no: ${body.query}` });
  };
  return { queries, fetch };
}

/** A terminal: keystrokes go into stdin, what the shell draws is collected (escape sequences removed). */
function terminal() {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 200 });
  const stderr = new PassThrough();
  let shown = '';
  let errors = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing terminal escape sequences
    shown += chunk.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  });
  stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  let seen = 0;
  return {
    stdin,
    stdout,
    stderr,
    shown: () => shown,
    errors: () => errors,
    /** Types `keys`, then waits until the screen shows `text` after what was shown before. */
    async type(keys: string, text: string): Promise<void> {
      const from = seen;
      stdin.write(keys);
      const deadline = Date.now() + 5000;
      while (!shown.slice(from).includes(text)) {
        if (Date.now() > deadline)
          throw new Error(`no ${JSON.stringify(text)} after typing ${JSON.stringify(keys)}: ${shown.slice(from)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      seen = from + shown.slice(from).indexOf(text) + text.length;
    },
  };
}

async function session(historyFile: string) {
  const node = fakeNode();
  const term = terminal();
  const exitCode = runCql(
    {},
    {
      env: { RINGTAIL_HISTORY_FILE: historyFile },
      cwd: '/',
      homeDir: '/nonexistent',
      writeError: (line) => term.stderr.write(`${line}\n`),
      stdin: term.stdin,
      stdout: term.stdout,
      stderr: term.stderr,
      fetch: node.fetch,
    },
  );
  await term.type('', 'ringtail> ');
  return { node, term, exitCode };
}

describe('interactive shell', () => {
  it('edits lines, continues statements, pages, clears on Ctrl-C, keeps history, ends on Ctrl-D', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringtail-cql-'));
    dirs.push(dir);
    const historyFile = join(dir, 'history');
    await writeFile(historyFile, 'SELECT old FROM t;\n');
    const { node, term, exitCode } = await session(historyFile);
    expect(term.shown()).toContain('Connected to Test Cluster at http://127.0.0.1:9080.');

    await term.type('\u001b[A\r', 'ringtail> '); // arrow up: the line kept from the last session
    await term.type('USE ks;\r', 'ringtail:ks> ');
    await term.type('PAGING 1\r', 'ringtail:ks> ');
    await term.type('SELECT *\r', '         ... ');
    await term.type('FROM t;\r', '---MORE---');
    await term.type('\r', '(2 rows)');
    await term.type('SELECT k\r', '... ');
    await term.type('FROM nowhere\u0003', 'ringtail:ks> '); // Ctrl-C: the statement is forgotten
    await term.type('INSERT x;\r', 'ringtail:ks> ');
    term.stdin.write('\u0004'); // Ctrl-D

    expect(await exitCode).toBe(0); // errors were shown as they came
    expect(node.queries).toEqual([
      'SELECT cluster_name, release_version, cql_version FROM system.local',
      'SELECT old FROM t',
      'USE ks',
      'SELECT * FROM t',
      'SELECT * FROM t @next',
      'INSERT x',
    ]);
    expect(term.shown()).toContain('\n k\n---\n 1\n');
    expect(term.shown()).toContain('\n k\n---\n 2\n\n(2 rows)\n');
    expect(term.errors()).toBe('InvalidRequest: no: INSERT x\n');
    expect(await readFile(historyFile, 'utf8')).toBe(
      ['SELECT old FROM t;', 'USE ks;', 'PAGING 1', 'SELECT *', 'FROM t;', 'SELECT k', 'INSERT x;', ''].join('\n'),
    );
  });

  it('stops paging at q, leaves on EXIT, and makes a history file only its owner reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringtail-cql-'));
    dirs.push(dir);
    const historyFile = join(dir, 'history');
    const { node, term, exitCode } = await session(historyFile);
    await term.type('PAGING 1\r', 'ringtail> ');
    await term.type('SELECT * FROM t;\r', '---MORE---');
    await term.type('q\r', '(1 rows)');
    term.stdin.write('EXIT\r');
    expect(await exitCode).toBe(0);
    expect(node.queries.filter((q) => q.startsWith('SELECT * FROM t'))).toEqual(['SELECT * FROM t']);
    expect(await readFile(historyFile, 'utf8')).toBe('PAGING 1\nSELECT * FROM t;\nq\nEXIT\n');
    expect((await stat(historyFile)).mode & 0o777).toBe(0o600); // typed statements may hold secrets
  });
});
