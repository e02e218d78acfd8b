/**
 * The CQL conformance corpus: testdata/*.txt (format: datadriven.ts), each
 * file run in order against its own node process (`ringtail start`, see
 * node-process.ts) through `POST /cql`, as a client sees the node.
 *
 * Commands:
 *   cql [keyspace=K | nokeyspace] [consistency=C] [pageSize=N] [params=JSON] [paging] [redact=a,b]
 *       [pagingState=last]
 *       statements, each ending with `;` at the end of a line; one answer each.
 *       Like the shell, the runner remembers the keyspace a `USE` answers and
 *       sends it with later requests (`keyspace=` overrides it, `nokeyspace`
 *       sends none). `paging`
 *       follows pagingState to the last page, printing every page. `redact`
 *       masks the non-null values of those fields (anywhere in the answer) as
 *       `*`. `pagingState=last` sends the last paging state any answer held. In
 *       `params`, a string "x{N}" stands for N x's, "texts{N}" for the list
 *       "0" .. "N-1" and "ints{N}" for the list 0 .. N-1 (for limits).
 *   http [method=POST] [path=/cql] [content-type=T] [size=N]
 *       the input as a raw request body (`size=N`: a valid body of N bytes).
 *   sleep ms=N            waits (TTL expiry)
 *   restart [kill]        stops the node (SIGTERM, or SIGKILL with `kill`) and
 *                         starts it again on the same data directory
 *
 * Answers print as `STATUS {json}`; an answer with rows prints
 * `STATUS columns: name type, ...` plus its other fields, then one row per
 * line. `pagingState` always prints as `*`: it holds table ids, which are random.
 */
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REWRITE, readTestCases, rewriteTestCases, type TestCase } from './datadriven.js';
import { NodeProcess } from './node-process.js';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata');
const REQUEST_TIMEOUT_MS = 15_000;
/** Starting or killing a node process on a loaded machine takes seconds, more than vitest's default hook bound. */
const HOOK_TIMEOUT_MS = 60_000;
/** Most pages one `paging` case follows; a loop past it is a bug. */
const MAX_PAGES = 100;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Session {
  node: NodeProcess;
  readonly dataDir: string;
  keyspace: string | undefined;
  lastPagingState: string | undefined;
}

async function post(
  session: Session,
  body: unknown,
): Promise<{ status: number; body: Json; pagingState: string | undefined }> {
  const response = await fetch(`${session.node.url}/cql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const answer = (await response.json()) as Json;
  const pagingState = (answer as { pagingState?: unknown } | null)?.pagingState;
  if (typeof pagingState === 'string') session.lastPagingState = pagingState;
  return {
    status: response.status,
    body: answer,
    pagingState: typeof pagingState === 'string' ? pagingState : undefined,
  };
}

function redacted(value: Json, fields: ReadonlySet<string>): Json {
  if (Array.isArray(value)) return value.map((v) => redacted(v, fields));
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const [key, v] of Object.entries(value)) {
    Object.defineProperty(out, key, {
      value: fields.has(key) && v !== null ? '*' : redacted(v, fields),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function printAnswer(status: number, body: Json, fields: ReadonlySet<string>): string {
  const masked = redacted(body, new Set([...fields, 'pagingState']));
  if (masked === null || typeof masked !== 'object' || Array.isArray(masked) || !Array.isArray(masked.rows)) {
    return `${status} ${JSON.stringify(masked)}`;
  }
  const { columns, rows, ...rest } = masked;
  const columnText = Array.isArray(columns)
    ? (columns as { name: string; type: string }[]).map((c) => `${c.name} ${c.type}`).join(', ')
    : JSON.stringify(columns);
  const others = Object.entries(rest).map(([key, value]) => ` ${key}=${JSON.stringify(value)}`);
  return [`${status} columns: ${columnText}${others.join('')}`, ...rows.map((row) => `  ${JSON.stringify(row)}`)].join(
    '\n',
  );
}

const GENERATED = /^(x|texts|ints)\{(\d+)\}$/;

function paramsOf(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    const match = typeof value === 'string' ? GENERATED.exec(value) : null;
    if (match === null) return value;
    const n = Number(match[2]);
    if (match[1] === 'x') return 'x'.repeat(n);
    const list = Array.from({ length: n }, (_, i) => i);
    return match[1] === 'ints' ? list : list.map(String);
  });
}

/**
 * Statements of a `cql` case: each ends with `;` at the end of a line — a
 * batch with its APPLY BATCH, whatever `;` its own statements end with.
 */
function statementsOf(input: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of input.split('\n')) {
    current.push(line);
    const text = current.join('\n').trim();
    const openBatch = /^BEGIN\b/i.test(text) && !/\bAPPLY\s+BATCH\s*;?$/i.test(text);
    if (line.trimEnd().endsWith(';') && !openBatch) {
      statements.push(text);
      current = [];
    }
  }
  const rest = current.join('\n').trim();
  if (rest !== '') statements.push(rest);
  return statements;
}

async function runCql(session: Session, testCase: TestCase): Promise<string> {
  const { args } = testCase;
  const fields = new Set((args.get('redact') ?? '').split(',').filter((f) => f !== ''));
  const out: string[] = [];
  for (const query of statementsOf(testCase.input)) {
    const body: Record<string, unknown> = { query };
    const keyspace = args.has('nokeyspace') ? undefined : (args.get('keyspace') ?? session.keyspace);
    if (keyspace !== undefined) body.keyspace = keyspace;
    if (args.has('consistency')) body.consistency = args.get('consistency');
    if (args.has('pageSize')) body.pageSize = Number(args.get('pageSize'));
    if (args.has('params')) body.params = paramsOf(args.get('params')!);
    if (args.get('pagingState') === 'last') body.pagingState = session.lastPagingState;
    let answer = await post(session, body);
    out.push(printAnswer(answer.status, answer.body, fields));
    const keyspaceSet = (answer.body as { keyspace?: unknown } | null)?.keyspace;
    if (answer.status === 200 && typeof keyspaceSet === 'string') session.keyspace = keyspaceSet;
    for (let page = 1; args.has('paging'); page++) {
      const pagingState = answer.pagingState;
      if (pagingState === undefined) break;
      if (page >= MAX_PAGES) throw new Error(`more than ${MAX_PAGES} pages`);
      answer = await post(session, { ...body, pagingState });
      out.push(printAnswer(answer.status, answer.body, fields));
    }
  }
  return out.join('\n');
}

async function runHttp(session: Session, testCase: TestCase): Promise<string> {
  const { args } = testCase;
  let payload = testCase.input;
  if (args.has('size')) {
    const size = Number(args.get('size'));
    payload = `{"query":"${'x'.repeat(size - '{"query":""}'.length)}"}`;
  }
  const method = args.get('method') ?? 'POST';
  const response = await fetch(`${session.node.url}${args.get('path') ?? '/cql'}`, {
    method,
    headers: { 'content-type': args.get('content-type') ?? 'application/json' },
    body: method === 'GET' ? undefined : payload,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  let body: Json;
  try {
    body = JSON.parse(text) as Json;
  } catch {
    return `${response.status} (not JSON) ${text}`;
  }
  return printAnswer(response.status, body, new Set());
}

async function runCase(session: Session, testCase: TestCase): Promise<string> {
  switch (testCase.command) {
    case 'cql':
      return runCql(session, testCase);
    case 'http':
      return runHttp(session, testCase);
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, Number(testCase.args.get('ms'))));
      return 'ok';
    case 'restart': {
      if (testCase.args.has('kill')) await session.node.kill();
      else {
        const exit = await session.node.stop();
        if (exit.code !== 0) throw new Error(`node exited with ${JSON.stringify(exit)}: ${session.node.stderr}`);
      }
      session.node = await NodeProcess.start(session.dataDir);
      return 'ok';
    }
    default:
      throw new Error(`${testCase.file}:${testCase.line}: unknown command ${testCase.command}`);
  }
}

const files = readdirSync(TESTDATA)
  .filter((f) => f.endsWith('.txt'))
  .sort();

for (const file of files) {
  describe(file, () => {
    const path = join(TESTDATA, file);
    const cases = readTestCases(path);
    const actual = new Map<number, string>();
    let session: Session | undefined;

    beforeAll(async () => {
      const dataDir = await mkdtemp(join(tmpdir(), `ringtail-conformance-${basename(file, '.txt')}-`));
      session = { node: await NodeProcess.start(dataDir), dataDir, keyspace: undefined, lastPagingState: undefined };
    }, HOOK_TIMEOUT_MS);

    afterAll(async () => {
      if (session !== undefined) {
        await session.node.kill();
        await rm(session.dataDir, { recursive: true, force: true });
      }
      if (REWRITE) rewriteTestCases(path, actual);
    }, HOOK_TIMEOUT_MS);

    for (const testCase of cases) {
      it(`${file}:${testCase.line} ${testCase.command}`, async () => {
        const output = await runCase(session!, testCase);
        if (REWRITE) actual.set(testCase.line, output);
        else expect(output, `${file}:${testCase.line}`).toBe(testCase.expected);
      });
    }
  });
}
