/**
 * A small reader for Pebble-style datadriven files (STYLE.md):
 *
 *     # comment
 *     command arg=value ...
 *     input, any number of lines (blank ones too)
 *     ----
 *     expected output, up to the next blank line
 *
 * With CQL_REWRITE_TESTDATA=1 the runner writes the actual outputs back into
 * the files instead of comparing; review the diff before keeping it.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface TestCase {
  readonly file: string;
  /** 1-based line of the command. */
  readonly line: number;
  readonly command: string;
  readonly args: ReadonlyMap<string, string>;
  readonly input: string;
  readonly expected: string;
}

export const REWRITE = process.env.CQL_REWRITE_TESTDATA === '1';

export function readTestCases(file: string): TestCase[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const cases: TestCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const header = lines[i]!;
    if (header.trim() === '' || header.startsWith('#')) {
      i++;
      continue;
    }
    const line = i + 1;
    const [command, ...rest] = header.trim().split(/\s+/);
    const args = new Map(
      rest.map((a) => (a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, ''])),
    );
    i++;
    const input: string[] = [];
    while (i < lines.length && lines[i] !== '----') input.push(lines[i++]!);
    if (i >= lines.length) throw new Error(`${file}:${line}: case without ----`);
    i++;
    const expected: string[] = [];
    while (i < lines.length && lines[i] !== '') expected.push(lines[i++]!);
    cases.push({ file, line, command: command!, args, input: input.join('\n'), expected: expected.join('\n') });
  }
  return cases;
}

/** Writes `actual` outputs (by case line) back into `file`, keeping comments, inputs and spacing. */
export function rewriteTestCases(file: string, actual: ReadonlyMap<number, string>): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const header = lines[i]!;
    if (header.trim() === '' || header.startsWith('#')) {
      out.push(lines[i++]!);
      continue;
    }
    const line = i + 1;
    while (i < lines.length && lines[i] !== '----') out.push(lines[i++]!);
    out.push(lines[i++]!);
    while (i < lines.length && lines[i] !== '') i++;
    const output = actual.get(line);
    if (output === undefined) throw new Error(`${file}:${line}: no output recorded`);
    out.push(...output.split('\n'));
  }
  writeFileSync(file, out.join('\n'));
}
