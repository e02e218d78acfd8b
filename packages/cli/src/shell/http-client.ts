/**
 * The shell's side of `POST /cql` (DESIGN.md §3.2). `fetch` is injected, so
 * tests can answer without a node. Every failure is one of two errors: a
 * {@link QueryError} is the node's answer (`SyntaxError`, `InvalidRequest`,
 * ...), a {@link ConnectionError} means no usable answer came (refused,
 * host unknown, timed out, interrupted, too large) — both with a message fit
 * for one line.
 */
import { Buffer } from 'node:buffer';
import type { ConsistencyLevel, CqlColumn, CqlRequest } from '@ringtail/node';
import { MAX_RESPONSE_BYTES, REQUEST_TIMEOUT_MS } from './constants.js';

export type CqlRequestBody = Omit<CqlRequest, 'consistency'> & { readonly consistency?: ConsistencyLevel };

export type CqlRow = Readonly<Record<string, unknown>>;

/** A result set: a SELECT, or a conditional write that did not apply (`applied: false`). */
export interface RowsAnswer {
  readonly kind: 'rows';
  readonly columns: readonly CqlColumn[];
  readonly rows: readonly CqlRow[];
  readonly pagingState?: string;
  readonly warnings: readonly string[];
}

/** Any other statement. `keyspace` answers a USE. */
export interface AppliedAnswer {
  readonly kind: 'applied';
  readonly keyspace?: string;
  readonly warnings: readonly string[];
}

export type CqlAnswer = RowsAnswer | AppliedAnswer;

export interface CqlClient {
  /** The node's base URL, for messages. */
  readonly host: string;
  execute(body: CqlRequestBody, signal?: AbortSignal): Promise<CqlAnswer>;
}

/** The node answered with an error: `{"error": NAME, "message", ...}`. */
export class QueryError extends Error {
  constructor(
    /** `SyntaxError`, `InvalidRequest`, `Unavailable`, ... */
    readonly errorName: string,
    message: string,
    readonly status: number,
    /** The other fields of the answer: `line` and `column` for a SyntaxError, `consistency`, ... */
    readonly fields: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/** No answer came from the node (refused, timed out, interrupted), or none the shell will read (too large). */
export class ConnectionError extends Error {
  constructor(
    message: string,
    /** The user pressed Ctrl-C while waiting. */
    readonly interrupted = false,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpClientOptions {
  readonly fetch?: FetchFunction;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
}

export class HttpCqlClient implements CqlClient {
  private readonly fetch: FetchFunction;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(
    readonly host: string,
    options: HttpClientOptions = {},
  ) {
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  }

  async execute(body: CqlRequestBody, signal?: AbortSignal): Promise<CqlAnswer> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let status: number;
    let text: string;
    try {
      const response = await this.fetch(`${this.host}/cql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: combined,
      });
      status = response.status;
      text = await readBounded(response, this.maxResponseBytes);
    } catch (error) {
      if (signal?.aborted) throw new ConnectionError('Interrupted', true);
      if (timeout.aborted) {
        throw new ConnectionError(`no answer from ${this.host} within ${this.timeoutMs / 1000} s`);
      }
      if (error instanceof ConnectionError) throw error;
      throw new ConnectionError(connectionMessage(this.host, error));
    }
    return parseAnswer(status, text, this.host);
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    // Leaving the loop by a throw cancels the body: the rest is not read.
    if (total > maxBytes)
      throw new ConnectionError(`the answer is larger than ${maxBytes} bytes; add a LIMIT or use PAGING`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `cannot connect to http://127.0.0.1:9080: connection refused`, from what fetch throws. */
export function connectionMessage(host: string, error: unknown): string {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const code = (cause as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${host}: connection refused (is a node running there?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${host}: host not found`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `lost the connection to ${host} before the answer came`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `cannot connect to ${host}: timed out`;
    default: {
      const detail = (cause as { message?: unknown } | null)?.message ?? String(cause);
      return `cannot connect to ${host}: ${String(detail)}${typeof code === 'string' ? ` (${code})` : ''}`;
    }
  }
}

/** Turns the node's JSON answer into a {@link CqlAnswer}, or throws the {@link QueryError} it holds. */
export function parseAnswer(status: number, text: string, host: string): CqlAnswer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const start = text.trim().slice(0, 80);
    throw new QueryError('HttpError', `${host} answered HTTP ${status}, not JSON${start ? `: ${start}` : ''}`, status);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new QueryError('HttpError', `${host} answered HTTP ${status} with unexpected JSON`, status);
  }
  const record = body as Record<string, unknown>;
  if (status >= 400 || typeof record.error === 'string') {
    const { error, message, ...fields } = record;
    const name = typeof error === 'string' ? error : `HTTP ${status}`;
    throw new QueryError(name, typeof message === 'string' ? message : JSON.stringify(body), status, fields);
  }
  const warnings = Array.isArray(record.warnings) ? record.warnings.map(String) : [];
  if (Array.isArray(record.columns) && Array.isArray(record.rows)) {
    const answer: RowsAnswer = {
      kind: 'rows',
      columns: record.columns as CqlColumn[],
      rows: record.rows as CqlRow[],
      warnings,
      ...(typeof record.pagingState === 'string' && { pagingState: record.pagingState }),
    };
    return answer;
  }
  if (typeof record.applied === 'boolean') {
    return { kind: 'applied', warnings, ...(typeof record.keyspace === 'string' && { keyspace: record.keyspace }) };
  }
  throw new QueryError('HttpError', `${host} answered HTTP ${status} with unexpected JSON`, status);
}
