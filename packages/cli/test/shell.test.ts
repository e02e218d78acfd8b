import { describe, expect, it } from 'vitest';
import { ConnectionError, QueryError } from '../src/shell/http-client.js';
import { CqlShell } from '../src/shell/shell.js';
import { APPLIED, captureOutput, fakeClient, rows, shellWith, syntaxError } from './fakes.js';

const KV = { k: 'int', v: 'text' };

describe('CqlShell', () => {
  it('prints a SELECT as a table with its row count', async () => {
    const client = fakeClient(() => rows(KV, [{ k: 1, v: 'one' }]));
    const { shell, output } = shellWith(client);
    expect(await shell.run('SELECT * FROM ks.t')).toBe('ok');
    expect(output.stdout()).toBe('\n k | v\n---+-----\n 1 | one\n\n(1 rows)\n');
    expect(output.stderr()).toBe('');
    expect(client.requests).toEqual([{ query: 'SELECT * FROM ks.t', consistency: 'ONE', pageSize: 5000 }]);
  });

  it('prints nothing for a statement that applied', async () => {
    const { shell, output } = shellWith(fakeClient(() => APPLIED));
    expect(await shell.run('INSERT INTO t (k) VALUES (1)')).toBe('ok');
    expect(output.stdout()).toBe('');
  });

  it('keeps the keyspace of USE, sends it with later statements and shows it in the prompt', async () => {
    const client = fakeClient((body) =>
      body.query.startsWith('USE') ? { kind: 'applied', keyspace: 'MyKs', warnings: [] } : APPLIED,
    );
    const { shell } = shellWith(client);
    expect(shell.prompt()).toBe('ringtail> ');
    expect(shell.continuationPrompt()).toBe('      ... ');
    expect(await shell.run('USE "MyKs"')).toBe('ok');
    expect(shell.prompt()).toBe('ringtail:"MyKs"> ');
    expect(shell.continuationPrompt()).toHaveLength(shell.prompt().length);
    await shell.run('TRUNCATE t');
    expect(client.requests[1]).toMatchObject({ query: 'TRUNCATE t', keyspace: 'MyKs' });
  });

  it('keeps the keyspace when USE fails', async () => {
    const client = fakeClient((body) => {
      if (body.query === 'USE ks') return { kind: 'applied', keyspace: 'ks', warnings: [] };
      throw new QueryError('InvalidRequest', "Keyspace 'nope' does not exist", 400);
    });
    const { shell, output } = shellWith(client);
    await shell.run('USE ks');
    expect(await shell.run('USE nope')).toBe('failed');
    expect(shell.keyspace).toBe('ks');
    expect(output.stderr()).toBe("InvalidRequest: Keyspace 'nope' does not exist\n");
  });

  it('fetches every page into one table when not interactive', async () => {
    const pages = [
      rows(KV, [{ k: 1, v: 'a' }], 'p1'),
      rows(KV, [{ k: 2, v: 'b' }], 'p2'),
      rows(KV, [{ k: 30, v: 'c' }]),
    ];
    const client = fakeClient((body) => pages[body.pagingState === undefined ? 0 : Number(body.pagingState[1])]!);
    const { shell, output } = shellWith(client);
    expect(await shell.run('SELECT * FROM t')).toBe('ok');
    expect(output.stdout()).toBe('\n  k | v\n----+---\n  1 | a\n  2 | b\n 30 | c\n\n(3 rows)\n');
    expect(client.requests.map((r) => r.pagingState)).toEqual([undefined, 'p1', 'p2']);
    expect(client.requests.every((r) => r.query === 'SELECT * FROM t' && r.pageSize === 5000)).toBe(true);
  });

  it('stops fetching at the row bound and says so', async () => {
    let n = 0;
    const client = fakeClient(() =>
      rows(
        KV,
        [
          { k: n++, v: 'x' },
          { k: n++, v: 'y' },
        ],
        'more',
      ),
    );
    const output = captureOutput();
    const shell = new CqlShell({ client, output, maxUnpagedRows: 5 });
    expect(await shell.run('SELECT * FROM t')).toBe('ok');
    expect(client.requests).toHaveLength(3);
    expect(output.stdout()).toContain('(5 rows)');
    expect(output.stderr()).toBe(
      'Warning: printing the first 5 rows only; add a LIMIT, or page with PAGING ON in the interactive shell.\n',
    );
  });

  it('pages interactively: a table per page, asking before each next one', async () => {
    const pages = [
      rows(KV, [{ k: 1, v: 'a' }], 'p1'),
      rows(KV, [{ k: 2, v: 'bb' }], 'p2'),
      rows(KV, [{ k: 3, v: 'c' }]),
    ];
    const client = fakeClient((body) => pages[body.pagingState === undefined ? 0 : Number(body.pagingState[1])]!);
    const answers = [true, false];
    const { shell, output } = shellWith(client, { askMore: async () => answers.shift()! });
    expect(await shell.run('PAGING 1')).toBe('ok');
    expect(await shell.run('SELECT * FROM t')).toBe('ok');
    expect(output.stdout()).toBe(
      'Query paging is now enabled; page size 1 rows.\n' +
        '\n k | v\n---+---\n 1 | a\n' +
        '\n k | v\n---+----\n 2 | bb\n' +
        '\n(2 rows)\n',
    );
    expect(client.requests.map((r) => [r.pageSize, r.pagingState])).toEqual([
      [1, undefined],
      [1, 'p1'],
    ]);
  });

  it('fetches every page with PAGING OFF even when interactive', async () => {
    const client = fakeClient((body) =>
      body.pagingState === undefined ? rows(KV, [{ k: 1, v: 'a' }], 'p1') : rows(KV, [{ k: 2, v: 'b' }]),
    );
    const { shell, output } = shellWith(client, { askMore: () => Promise.reject(new Error('must not ask')) });
    await shell.run('PAGING OFF');
    expect(await shell.run('SELECT * FROM t')).toBe('ok');
    expect(output.stdout()).toContain('(2 rows)');
    expect(client.requests[0]!.pageSize).toBe(5000);
  });

  it('prints rows as blocks with EXPAND ON, numbered across pages', async () => {
    const client = fakeClient((body) =>
      body.pagingState === undefined ? rows(KV, [{ k: 1, v: 'a' }], 'p1') : rows(KV, [{ k: 2, v: null }]),
    );
    const { shell, output } = shellWith(client, { askMore: async () => true });
    await shell.run('EXPAND ON');
    await shell.run('SELECT * FROM t');
    expect(output.stdout()).toBe(
      'Expanded output is now enabled.\n' +
        '\n@ Row 1\n---+---\n k | 1\n v | a\n' +
        '\n@ Row 2\n---+------\n k | 2\n v | null\n' +
        '\n(2 rows)\n',
    );
  });

  it('prints only the count of an empty result in EXPAND mode', async () => {
    const { shell, output } = shellWith(fakeClient(() => rows(KV, [])));
    await shell.run('EXPAND ON;');
    await shell.run('SELECT * FROM t');
    expect(output.stdout()).toBe('Expanded output is now enabled.\n\n(0 rows)\n');
  });

  it('prints the current row of a conditional write that did not apply', async () => {
    const client = fakeClient(() => rows({ '[applied]': 'boolean', k: 'int' }, [{ '[applied]': false, k: 1 }]));
    const { shell, output } = shellWith(client);
    expect(await shell.run('INSERT INTO t (k) VALUES (1) IF NOT EXISTS')).toBe('ok');
    expect(output.stdout()).toBe('\n [applied] | k\n-----------+---\n false     | 1\n\n(1 rows)\n');
  });

  it('sends the consistency level CONSISTENCY sets', async () => {
    const client = fakeClient(() => APPLIED);
    const { shell, output } = shellWith(client);
    await shell.run('CONSISTENCY');
    await shell.run('CONSISTENCY quorum');
    await shell.run('DELETE FROM t WHERE k = 1');
    expect(output.stdout()).toBe('Current consistency level is ONE.\nConsistency level set to QUORUM.\n');
    expect(client.requests).toEqual([{ query: 'DELETE FROM t WHERE k = 1', consistency: 'QUORUM', pageSize: 5000 }]);
  });

  it('prints warnings to stderr', async () => {
    const { shell, output } = shellWith(fakeClient(() => ({ kind: 'applied', warnings: ['Batch is big'] })));
    expect(await shell.run('BEGIN BATCH APPLY BATCH')).toBe('ok');
    expect(output.stderr()).toBe('Warnings :\nBatch is big\n\n');
  });

  it('reports a syntax error with a caret under the column, after the given prefix', async () => {
    const client = fakeClient(() => {
      throw syntaxError("line 2:7 mismatched input 'WHER' expecting WHERE", 2, 7);
    });
    const { shell, output } = shellWith(client);
    expect(await shell.run('SELECT *\n  FROM t WHER k = 1', 'script.cql:4: ')).toBe('failed');
    expect(output.stderr()).toBe(
      "script.cql:4: SyntaxError: line 2:7 mismatched input 'WHER' expecting WHERE\n    FROM t WHER k = 1\n         ^\n",
    );
    expect(output.stdout()).toBe('');
  });

  it('reports other errors by name and message, on one line', async () => {
    const errors = [
      new QueryError('Unavailable', 'cannot achieve consistency level TWO', 503, { required: 2, alive: 1 }),
      new ConnectionError('cannot connect to http://fake:9080: connection refused (is a node running there?)'),
    ];
    const { shell, output } = shellWith(
      fakeClient(() => {
        throw errors.shift();
      }),
    );
    expect(await shell.run('SELECT 1')).toBe('failed');
    expect(await shell.run('SELECT 2')).toBe('failed');
    expect(await shell.run('DESCRIBE nothing here')).toBe('failed');
    expect(output.stderr().split('\n')).toEqual([
      'Unavailable: cannot achieve consistency level TWO',
      'cannot connect to http://fake:9080: connection refused (is a node running there?)',
      'Improper DESCRIBE command: use DESCRIBE KEYSPACES | TABLES | CLUSTER | [FULL] SCHEMA | KEYSPACE [name] | TABLE [keyspace.]name | [keyspace.]name',
      '',
    ]);
  });

  it('stops waiting for a statement on interrupt()', async () => {
    const client = fakeClient(
      (_body, signal) =>
        new Promise((_resolve, reject) => {
          signal!.addEventListener('abort', () => reject(new ConnectionError('Interrupted', true)));
        }),
    );
    const { shell, output } = shellWith(client);
    expect(shell.interrupt()).toBe(false); // nothing runs
    const running = shell.run('SELECT * FROM big');
    await Promise.resolve();
    expect(shell.interrupt()).toBe(true);
    expect(await running).toBe('failed');
    expect(output.stderr()).toBe('Interrupted\n');
  });

  it('runs shell commands without the node', async () => {
    const client = fakeClient(() => {
      throw new Error('no request expected');
    });
    const { shell, output } = shellWith(client);
    expect(await shell.run('HELP')).toBe('ok');
    expect(output.stdout()).toContain('DESCRIBE KEYSPACES');
    expect(await shell.run('EXPAND')).toBe('ok');
    expect(await shell.run('PAGING')).toBe('ok');
    expect(await shell.run('PAGING 20')).toBe('ok');
    expect(await shell.run('PAGING OFF')).toBe('ok');
    expect(await shell.run('exit')).toBe('exit');
    expect(await shell.run('QUIT;')).toBe('exit');
    expect(output.out.slice(1)).toEqual([
      'Expanded output is currently disabled. Use EXPAND ON to enable.\n',
      'Query paging is currently enabled; page size 100 rows.\n',
      'Query paging is now enabled; page size 20 rows.\n',
      'Query paging is now disabled.\n',
    ]);
    expect(client.requests).toEqual([]);
  });
});
