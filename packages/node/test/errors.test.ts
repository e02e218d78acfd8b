import { readFile } from 'node:fs/promises';
import { ErrorCodes, RingtailError } from '@ringtail/codec';
import { CqlSyntaxError, parseStatement } from '@ringtail/cql';
import { describe, expect, it } from 'vitest';
import { ReplicaTimeoutError, UnavailableError } from '../src/errors.js';
import { ApiError, ERROR_STATUS, STATUS_BY_CODE, toErrorReply } from '../src/http/errors.js';

const context = { requestId: 'req-7', bodyLimitBytes: 1024 };

describe('error mapping', () => {
  it('maps every RingtailError code to a documented error name', () => {
    for (const code of Object.values(ErrorCodes)) {
      const name = STATUS_BY_CODE[code];
      expect(name, code).toBeDefined();
      expect(Object.keys(ERROR_STATUS)).toContain(name);
    }
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual(Object.values(ErrorCodes).sort());
  });

  it('documents every error name in docs/operations.md', async () => {
    const doc = await readFile(new URL('../../../docs/operations.md', import.meta.url), 'utf8');
    for (const [name, status] of Object.entries(ERROR_STATUS)) {
      expect(doc, name).toMatch(new RegExp(`\\|\\s*${status}\\s*\\|\\s*\`${name}\`\\s*\\|`));
    }
  });

  it('answers a CQL syntax error with 400 SyntaxError, line and column', () => {
    let error: unknown;
    try {
      parseStatement('SELECT * FORM t');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CqlSyntaxError);
    const reply = toErrorReply(error, context);
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toMatchObject({ error: 'SyntaxError', line: 1, column: 9 });
    expect(reply.body.message).toContain('FORM');
  });

  it('answers client mistakes with 400 InvalidRequest and their message', () => {
    for (const code of [ErrorCodes.INVALID_ARGUMENT, ErrorCodes.NOT_FOUND, ErrorCodes.ALREADY_EXISTS]) {
      const reply = toErrorReply(new RingtailError(code, `table t: ${code}`), context);
      expect(reply).toEqual({
        statusCode: 400,
        body: { error: 'InvalidRequest', message: `table t: ${code}` },
        unexpected: false,
      });
    }
  });

  it('answers coordinator failures with Cassandra fields', () => {
    expect(toErrorReply(new UnavailableError('QUORUM', 2, 1), context)).toMatchObject({
      statusCode: 503,
      body: { error: 'Unavailable', consistency: 'QUORUM', required: 2, alive: 1 },
    });
    expect(toErrorReply(new ReplicaTimeoutError('WriteTimeout', 'ALL', 3, 2), context)).toMatchObject({
      statusCode: 504,
      body: { error: 'WriteTimeout', consistency: 'ALL', required: 3, received: 2 },
    });
    expect(toErrorReply(new ReplicaTimeoutError('ReadTimeout', 'ONE', 1, 0), context).body.error).toBe('ReadTimeout');
  });

  it('hides the details of unexpected and internal errors', () => {
    for (const error of [
      new TypeError('x is undefined at /src/secret.ts:12'),
      new RingtailError(ErrorCodes.IO, 'EIO'),
    ]) {
      const reply = toErrorReply(error, context);
      expect(reply.statusCode).toBe(500);
      expect(reply.unexpected).toBe(true);
      expect(reply.body).toEqual({
        error: 'ServerError',
        message: "internal error while serving request req-7; the node's log has the details",
      });
    }
  });

  it('passes ApiError through with its fields', () => {
    const reply = toErrorReply(new ApiError('Overloaded', 'busy', { maxInFlight: 3 }), context);
    expect(reply).toEqual({
      statusCode: 503,
      body: { error: 'Overloaded', message: 'busy', maxInFlight: 3 },
      unexpected: false,
    });
  });
});
