/**
 * Pebble-style datadriven files (STYLE.md), as packages/cql/test reads them:
 *
 *     # comment
 *     command arg=value ...
 *     input, any number of lines
 *     ----
 *     expected output, up to the next blank line
 *
 * An argument value may be JSON holding spaces (`params=["a b", 1]`): spaces
 * inside brackets, braces or double quotes do not split arguments. With
 * NODE_REWRITE_TESTDATA=1 the runner writes actual outputs back into the
 * files instead of comparing; review the diff before keeping it.
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

export const REWRITE = process.env.NODE_REWRITE_TESTDATA === '1';

/** Splits a command line at spaces outside JSON brackets and strings. */
function splitArgs(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      current += ch;
      if (ch === '\\') current += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
    if (/\s/.test(ch) && depth === 0) {
      if (current !== '') parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current !== '') parts.push(current);
  return parts;
}

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
    const [command, ...rest] = splitArgs(header.trim());
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
