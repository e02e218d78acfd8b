import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SHELL_COMMAND_WORDS } from '../src/shell/shell-commands.js';
import { type SplitStatement, StatementSplitter } from '../src/shell/statement-splitter.js';
import { testdataCases } from './datadriven.js';

const splitter = () => new StatementSplitter({ lineCommands: SHELL_COMMAND_WORDS });

/** Feeds `chunks` and the end of input; every statement, in order. */
function split(chunks: readonly string[]): SplitStatement[] {
  const s = splitter();
  const out = chunks.flatMap((chunk) => s.push(chunk));
  const last = s.end();
  return last === undefined ? out : [...out, last];
}

function show(statements: readonly SplitStatement[]): string {
  if (statements.length === 0) return '(none)';
  return statements.map((s) => `${s.line}:${s.column} ${s.end} ${JSON.stringify(s.text)}`).join('\n');
}

describe('statement splitter', () => {
  testdataCases(fileURLToPath(new URL('../testdata/split.txt', import.meta.url)), ({ input }) => {
    const text = `${input}\n`;
    const whole = show(split([text]));
    const byLine = show(split(text.split(/(?<=\n)/)));
    const byChar = show(split([...text]));
    expect(byLine, 'line by line').toBe(whole);
    expect(byChar, 'one character at a time').toBe(whole);
    return whole;
  });

  it('says when more input is expected, and where the statement began', () => {
    const s = splitter();
    expect(s.pending).toBe(false);
    expect(s.push('\n  \n')).toEqual([]);
    expect(s.pending).toBe(false);
    expect(s.pendingLine).toBe(3);
    expect(s.push('SELECT *\n')).toEqual([]);
    expect(s.pending).toBe(true);
    expect(s.pendingLine).toBe(3);
    expect(s.push('FROM t;\n')).toEqual([{ text: 'SELECT *\nFROM t', line: 3, column: 0, end: 'semicolon' }]);
    expect(s.pending).toBe(false);
    expect(s.push('/* open comment\n')).toEqual([]);
    expect(s.pending).toBe(true); // a continuation prompt inside a comment, as cqlsh
    expect(s.push('*/\n')).toEqual([]);
    expect(s.pending).toBe(false);
  });

  it('forgets the statement in progress on reset (Ctrl-C), and keeps counting lines', () => {
    const s = splitter();
    s.push("SELECT 'unclosed\n");
    expect(s.pending).toBe(true);
    s.reset();
    expect(s.pending).toBe(false);
    expect(s.pendingLength).toBe(0);
    expect(s.push('SELECT 1;\n')).toEqual([{ text: 'SELECT 1', line: 2, column: 0, end: 'semicolon' }]);
  });

  it('counts what the statement in progress holds, for bounding it', () => {
    const s = splitter();
    s.push(`SELECT '${'x'.repeat(1000)}\n`);
    expect(s.pendingLength).toBeGreaterThan(1000);
  });

  it('ends no statement at a newline without shell commands', () => {
    const s = new StatementSplitter();
    expect(s.push('HELP\n')).toEqual([]);
    expect(s.end()).toEqual({ text: 'HELP', line: 1, column: 0, end: 'eof' });
  });

  it('splits a long script in linear time', () => {
    const statement = "INSERT INTO t (k, v) VALUES (1, 'a;b') -- c;\n;\n";
    const script = statement.repeat(20_000); // ~1 MB
    const began = performance.now();
    expect(split([script])).toHaveLength(20_000);
    expect(performance.now() - began).toBeLessThan(2000);
  });
});
