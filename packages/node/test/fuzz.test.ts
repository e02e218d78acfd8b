/**
 * Fuzzing the whole request path through HTTP: fast-check generates and
 * mutates CQL statements (fuzz-arbitraries.ts) and request bodies, sends
 * them to one in-process node over keep-alive connections, and checks that
 * every answer is a 2xx or 4xx with a well-formed JSON body — never a 5xx
 * (but the documented 503 Unavailable for consistency TWO and THREE), a
 * hang or a dropped connection — and that the node keeps serving.
 *
 * The issue asks for 100,000 requests, and a default run sends them: about
 * 60 s alone on a loaded two-core machine, the longest file of the suite but
 * within its budget. RINGTAIL_FUZZ_REQUESTS=N sends N instead;
 * RINGTAIL_FUZZ_SEED replays a run.
 */
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Node } from '../src/node.js';
import { FUZZ_SCHEMA, requestBody } from './fuzz-arbitraries.js';
import { capturingLogger, removeTempDirs, tempDir, testConfig } from './helpers.js';

const FUZZ_DEFAULT_REQUESTS = 100_000;
const REQUESTS = Number(process.env.RINGTAIL_FUZZ_REQUESTS ?? FUZZ_DEFAULT_REQUESTS);
const SEED = Number(process.env.RINGTAIL_FUZZ_SEED ?? 20_240_501);
/** Requests in flight at once; one property run sends this many. */
const CONCURRENCY = 16;
const REQUEST_TIMEOUT_MS = 10_000;

interface Answer {
  readonly status: number;
  readonly text: string;
}

let node: Node;
let records: Record<string, unknown>[];
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(path: string, body: unknown): Promise<Answer> {
  const payload = JSON.stringify(body);
  const url = new URL(node.httpUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Why an answer breaks the contract, or undefined when it keeps it. The one
 * 5xx allowed is the documented 503 Unavailable for TWO and THREE, which a
 * single node can never satisfy.
 */
function violation(request: Record<string, unknown>, answer: Answer): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return 'body is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body is not an object';
  const b = body as Record<string, unknown>;
  const unavailable =
    answer.status === 503 &&
    b.error === 'Unavailable' &&
    (request.consistency === 'TWO' || request.consistency === 'THREE');
  if (!unavailable && (answer.status < 200 || answer.status >= 500 || (answer.status >= 300 && answer.status < 400))) {
    return `status ${answer.status}`;
  }
  if (answer.status >= 400) {
    return typeof b.error === 'string' && typeof b.message === 'string'
      ? undefined
      : 'error body without error/message';
  }
  if (typeof b.applied === 'boolean') return undefined;
  return Array.isArray(b.columns) && Array.isArray(b.rows) ? undefined : 'success body without applied or rows';
}

describe('fuzzing POST /cql', () => {
  beforeAll(async () => {
    const captured = capturingLogger('warn');
    records = captured.records;
    node = await Node.start(testConfig(await tempDir()), undefined, { logger: captured.logger });
    for (const query of FUZZ_SCHEMA) expect((await post('/cql', { query })).status).toBe(200);
  }, 30_000);

  afterAll(async () => {
    agent.destroy();
    await node?.stop();
    await removeTempDirs();
  }, 30_000);

  it(`answers ${REQUESTS} generated and mutated requests with 2xx/4xx JSON, and keeps serving`, async () => {
    let sent = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(requestBody, { minLength: CONCURRENCY, maxLength: CONCURRENCY }), async (bodies) => {
        const answers = await Promise.all(bodies.map((body) => post('/cql', body)));
        sent += answers.length;
        answers.forEach((answer, i) => {
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const problem = violation(bodies[i]!, answer);
          if (problem !== undefined) {
            throw new Error(
              `${problem} for ${JSON.stringify(bodies[i])}: ${answer.status} ${answer.text.slice(0, 500)}`,
            );
          }
        });
      }),
      { numRuns: Math.ceil(REQUESTS / CONCURRENCY), seed: SEED, endOnFailure: true },
    );
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
    // Most requests fail validation; enough succeed that execution is exercised too.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 50);
    expect(records.filter((r) => r.msg === 'request failed')).toEqual([]);
    const health = await fetch(`${node.httpUrl}/health`);
    expect(health.status).toBe(200);
    const answer = await post('/cql', { query: 'SELECT key FROM system.local' });
    expect(JSON.parse(answer.text)).toEqual({ columns: [{ name: 'key', type: 'text' }], rows: [{ key: 'local' }] });
  }, 600_000);
});
