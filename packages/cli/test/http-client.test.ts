import { describe, expect, it } from 'vitest';
import {
  ConnectionError,
  connectionMessage,
  type FetchFunction,
  HttpCqlClient,
  parseAnswer,
  QueryError,
} from '../src/shell/http-client.js';

const HOST = 'http://127.0.0.1:9080';

function answering(status: number, body: string, seen: { url?: string; init?: RequestInit } = {}): FetchFunction {
  return async (url, init) => {
    seen.url = url;
    seen.init = init;
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  };
}

describe('HttpCqlClient', () => {
  it('POSTs the request as JSON to /cql and reads rows', async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const body = { columns: [{ name: 'k', type: 'int' }], rows: [{ k: 1 }], pagingState: 'abc' };
    const client = new HttpCqlClient(HOST, { fetch: answering(200, JSON.stringify(body), seen) });
    const answer = await client.execute({ query: 'SELECT k FROM t', keyspace: 'ks', pageSize: 10 });
    expect(answer).toEqual({ kind: 'rows', ...body, warnings: [] });
    expect(seen.url).toBe(`${HOST}/cql`);
    expect(seen.init?.method).toBe('POST');
    expect(JSON.parse(String(seen.init?.body))).toEqual({ query: 'SELECT k FROM t', keyspace: 'ks', pageSize: 10 });
  });

  it('throws the error the node answers, with its fields', async () => {
    const body = { error: 'SyntaxError', message: 'line 1:0 no viable alternative', line: 1, column: 0 };
    const client = new HttpCqlClient(HOST, { fetch: answering(400, JSON.stringify(body)) });
    const error = await client.execute({ query: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect(error).toMatchObject({
      errorName: 'SyntaxError',
      message: 'line 1:0 no viable alternative',
      status: 400,
      fields: { line: 1, column: 0 },
    });
  });

  it('says when nothing answers in time', async () => {
    const never: FetchFunction = (_url, init) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)));
    const client = new HttpCqlClient(HOST, { fetch: never, timeoutMs: 20 });
    await expect(client.execute({ query: 'x' })).rejects.toThrow(`no answer from ${HOST} within 0.02 s`);
  });

  it('stops on the caller’s signal', async () => {
    const never: FetchFunction = (_url, init) =>
      new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)));
    const controller = new AbortController();
    const pending = new HttpCqlClient(HOST, { fetch: never }).execute({ query: 'x' }, controller.signal);
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ message: 'Interrupted', interrupted: true });
  });

  it('refuses an answer larger than its bound', async () => {
    const big = JSON.stringify({ columns: [], rows: [{ v: 'x'.repeat(1000) }] });
    const client = new HttpCqlClient(HOST, { fetch: answering(200, big), maxResponseBytes: 100 });
    await expect(client.execute({ query: 'x' })).rejects.toThrow('the answer is larger than 100 bytes');
  });

  it('turns a refused connection into one clear line', async () => {
    const refused: FetchFunction = async () => {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9080'), { code: 'ECONNREFUSED' }),
      });
    };
    await expect(new HttpCqlClient(HOST, { fetch: refused }).execute({ query: 'x' })).rejects.toThrow(
      new ConnectionError(`cannot connect to ${HOST}: connection refused (is a node running there?)`),
    );
  });
});

describe('connectionMessage', () => {
  const failure = (code: string | undefined, message: string) =>
    Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });

  it.each([
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND nowhere', `cannot connect to ${HOST}: host not found`],
    ['ECONNRESET', 'socket hang up', `lost the connection to ${HOST} before the answer came`],
    ['UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error', `cannot connect to ${HOST}: timed out`],
    ['EHOSTUNREACH', 'connect EHOSTUNREACH', `cannot connect to ${HOST}: connect EHOSTUNREACH (EHOSTUNREACH)`],
    [undefined, 'bad port', `cannot connect to ${HOST}: bad port`],
  ])('%s', (code, message, expected) => {
    expect(connectionMessage(HOST, failure(code, message))).toBe(expected);
  });
});

describe('parseAnswer', () => {
  it('reads applied answers, USE and warnings', () => {
    expect(parseAnswer(200, '{"applied":true}', HOST)).toEqual({ kind: 'applied', warnings: [] });
    expect(parseAnswer(200, '{"applied":true,"keyspace":"Ks","warnings":["w"]}', HOST)).toEqual({
      kind: 'applied',
      keyspace: 'Ks',
      warnings: ['w'],
    });
    expect(parseAnswer(200, '{"applied":false,"columns":[],"rows":[]}', HOST)).toMatchObject({ kind: 'rows' });
  });

  it.each([
    [502, '<html>Bad gateway</html>', `${HOST} answered HTTP 502, not JSON: <html>Bad gateway</html>`, 'HttpError'],
    [200, '[1, 2]', `${HOST} answered HTTP 200 with unexpected JSON`, 'HttpError'],
    [200, '{"something": "else"}', `${HOST} answered HTTP 200 with unexpected JSON`, 'HttpError'],
    [404, '{"error":"NotFound","message":"Route POST:/cql not found"}', 'Route POST:/cql not found', 'NotFound'],
    [500, '{"message":"odd"}', 'odd', 'HTTP 500'],
  ])('explains HTTP %i %s', (status, body, message, name) => {
    let error: unknown;
    try {
      parseAnswer(status, body, HOST);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QueryError);
    expect(error).toMatchObject({ message, errorName: name });
  });
});
