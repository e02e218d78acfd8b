/** In-memory stand-ins for the shell's collaborators: a node that answers from a function, and captured output. */
import {
  type CqlAnswer,
  type CqlClient,
  type CqlRequestBody,
  type CqlRow,
  QueryError,
  type RowsAnswer,
} from '../src/shell/http-client.js';
import type { LineEvent, LineInput } from '../src/shell/session.js';
import { CqlShell, type ShellOutput } from '../src/shell/shell.js';

export interface FakeClient extends CqlClient {
  readonly requests: CqlRequestBody[];
}

export function fakeClient(answer: (body: CqlRequestBody, signal?: AbortSignal) => CqlAnswer | Promise<CqlAnswer>) {
  const requests: CqlRequestBody[] = [];
  const client: FakeClient = {
    host: 'http://fake:9080',
    requests,
    async execute(body, signal) {
      requests.push(body);
      return answer(body, signal);
    },
  };
  return client;
}

export function rows(columns: Record<string, string>, values: CqlRow[], pagingState?: string): RowsAnswer {
  return {
    kind: 'rows',
    columns: Object.entries(columns).map(([name, type]) => ({ name, type })),
    rows: values,
    warnings: [],
    ...(pagingState !== undefined && { pagingState }),
  };
}

export const APPLIED: CqlAnswer = { kind: 'applied', warnings: [] };

export function syntaxError(message: string, line: number, column: number): QueryError {
  return new QueryError('SyntaxError', message, 400, { line, column });
}

export interface CapturedOutput extends ShellOutput {
  readonly out: string[];
  readonly err: string[];
  stdout(): string;
  stderr(): string;
}

export function captureOutput(): CapturedOutput {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    write: (text) => out.push(text),
    writeError: (text) => err.push(text),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

export function shellWith(
  client: CqlClient,
  options: { askMore?: () => Promise<boolean> } = {},
): { shell: CqlShell; output: CapturedOutput } {
  const output = captureOutput();
  return { shell: new CqlShell({ client, output, ...options }), output };
}

/** A terminal that types `events` in order, recording the prompt shown before each. */
export function scriptedInput(events: (string | LineEvent)[]): LineInput & { prompts: string[] } {
  const queue = [...events];
  const prompts: string[] = [];
  return {
    prompts,
    async next(prompt) {
      prompts.push(prompt);
      const event = queue.shift();
      if (event === undefined) return { kind: 'eof' };
      return typeof event === 'string' ? { kind: 'line', text: event } : event;
    },
  };
}
