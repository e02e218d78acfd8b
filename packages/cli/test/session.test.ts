import { describe, expect, it } from 'vitest';
import { MAX_PENDING_STATEMENT_CHARS } from '../src/shell/constants.js';
import { QueryError } from '../src/shell/http-client.js';
import { runInteractive, runScript } from '../src/shell/session.js';
import { APPLIED, fakeClient, rows, scriptedInput, shellWith, syntaxError } from './fakes.js';

/** A node that fails statements containing FAIL and answers USE. */
function node() {
  return fakeClient((body) => {
    if (body.query.includes('FAIL')) throw new QueryError('InvalidRequest', `refused: ${body.query}`, 400);
    if (body.query.includes('FORM')) throw syntaxError("line 1:9 mismatched input 'FORM' expecting FROM", 1, 9);
    if (body.query.startsWith('USE ')) return { kind: 'applied', keyspace: body.query.slice(4), warnings: [] };
    if (body.query.startsWith('SELECT')) return rows({ k: 'int' }, [{ k: 1 }]);
    return APPLIED;
  });
}

describe('runScript', () => {
  it('runs statement after statement, goes on after a failure, and reports it', async () => {
    const client = node();
    const { shell, output } = shellWith(client);
    const script =
      'CREATE TABLE a (k int PRIMARY KEY);\nINSERT FAIL;\n\nSELECT * FORM t;\nINSERT INTO a (k) VALUES (1)';
    expect(await runScript(shell, [script], output, { sourceName: 'x.cql' })).toBe(false);
    expect(client.requests.map((r) => r.query)).toEqual([
      'CREATE TABLE a (k int PRIMARY KEY)',
      'INSERT FAIL',
      'SELECT * FORM t',
      'INSERT INTO a (k) VALUES (1)', // the last statement needs no `;`
    ]);
    expect(output.stderr()).toBe(
      'x.cql:2: InvalidRequest: refused: INSERT FAIL\n' +
        "x.cql:4: SyntaxError: line 1:9 mismatched input 'FORM' expecting FROM\n  SELECT * FORM t\n           ^\n",
    );
  });

  it('succeeds when every statement does; -e errors carry no place', async () => {
    const { shell, output } = shellWith(node());
    expect(await runScript(shell, ['USE ks; SELECT k FROM t'], output)).toBe(true);
    expect(shell.keyspace).toBe('ks');
    expect(output.stdout()).toBe('\n k\n---\n 1\n\n(1 rows)\n');
    expect(await runScript(shell, ['INSERT FAIL'], output)).toBe(false);
    expect(output.stderr()).toBe('InvalidRequest: refused: INSERT FAIL\n');
  });

  it('stops at EXIT', async () => {
    const client = node();
    const { shell, output } = shellWith(client);
    expect(await runScript(shell, ['INSERT FAIL;\nEXIT\nINSERT INTO a (k) VALUES (2);'], output)).toBe(false);
    expect(client.requests).toHaveLength(1);
    expect(await runScript(shell, ['SELECT 1;\nquit;\nINSERT FAIL;'], output)).toBe(true);
  });

  it('reads lines as they come, with their line numbers', async () => {
    const client = node();
    const { shell, output } = shellWith(client);
    async function* lines() {
      yield 'SELECT 1;\n';
      yield 'INSERT\n';
      yield 'FAIL;\n';
    }
    expect(await runScript(shell, lines(), output, { sourceName: '<stdin>' })).toBe(false);
    expect(output.stderr()).toBe('<stdin>:2: InvalidRequest: refused: INSERT\nFAIL\n');
  });

  it('gives up on a statement that never ends', async () => {
    const client = node();
    const { shell, output } = shellWith(client);
    const chunks = [
      "SELECT 'unclosed\n",
      ...Array.from({ length: 3 }, () => `${'x'.repeat(MAX_PENDING_STATEMENT_CHARS / 2)}\n`),
    ];
    expect(await runScript(shell, chunks, output, { sourceName: 'big.cql' })).toBe(false);
    expect(output.stderr()).toMatch(/^big\.cql:1: statement is longer than \d+ characters and has not ended with ';'/);
    expect(client.requests).toEqual([]);
  });
});

describe('runInteractive', () => {
  it('prompts, continues multi-line statements, follows USE, and ends at EXIT', async () => {
    const client = node();
    const { shell, output } = shellWith(client);
    const input = scriptedInput(['SELECT k', 'FROM t;', 'USE ks;', '', 'INSERT FAIL;', 'exit', 'SELECT 2;']);
    await runInteractive(shell, input, output);
    expect(input.prompts).toEqual([
      'ringtail> ',
      '      ... ',
      'ringtail> ',
      'ringtail:ks> ',
      'ringtail:ks> ',
      'ringtail:ks> ',
    ]);
    expect(client.requests.map((r) => r.query)).toEqual(['SELECT k\nFROM t', 'USE ks', 'INSERT FAIL']);
    expect(output.stderr()).toBe('InvalidRequest: refused: INSERT FAIL\n'); // no place: it was just typed
  });

  it('clears the statement being typed on Ctrl-C, and ends at Ctrl-D', async () => {
    const client = node();
    const { shell, output } = shellWith(client);
    const input = scriptedInput(['SELECT *', "FROM 'unclosed", { kind: 'interrupt' }, 'SELECT 1;', { kind: 'eof' }]);
    await runInteractive(shell, input, output);
    expect(input.prompts).toEqual(['ringtail> ', '      ... ', '      ... ', 'ringtail> ', 'ringtail> ']);
    expect(client.requests.map((r) => r.query)).toEqual(['SELECT 1']);
    expect(output.stdout().endsWith('(1 rows)\n\n')).toBe(true); // Ctrl-D leaves the terminal on a fresh line
  });

  it('does not send what Ctrl-D leaves unfinished', async () => {
    const client = node();
    const { shell, output } = shellWith(client);
    await runInteractive(shell, scriptedInput(['SELECT 1']), output);
    expect(client.requests).toEqual([]);
  });
});
