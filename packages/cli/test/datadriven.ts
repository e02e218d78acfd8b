/**
 * The repository's datadriven format (STYLE.md; Pebble's), read for the
 * shell's table-driven tests:
 *
 *     # comment
 *     command arg=value ...
 *     input, any number of lines
 *     ----
 *     expected output, up to the next blank line
 *
 * Output that holds blank lines is fenced by a second `----`, as in Pebble:
 *
 *     ----
 *     ----
 *     output with
 *
 *     blank lines
 *     ----
 *     ----
 *
 * CLI_REWRITE_TESTDATA=1 writes the actual outputs back instead of
 * comparing; review the diff before keeping it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, expect, it } from 'vitest';

export interface TestCase {
  readonly file: string;
  /** 1-based line of the command. */
  readonly line: number;
  readonly command: string;
  readonly args: ReadonlyMap<string, string>;
  readonly input: string;
  readonly expected: string;
}

export const REWRITE = process.env.CLI_REWRITE_TESTDATA === '1';

interface Parsed {
  readonly cases: TestCase[];
  /** Per case: the file's lines before its expected output, and the index after it. */
  readonly spans: { readonly outputStart: number; readonly outputEnd: number }[];
  readonly lines: string[];
}

function parse(file: string): Parsed {
  const lines = readFileSync(file, 'utf8').split('\n');
  const cases: TestCase[] = [];
  const spans: Parsed['spans'] = [];
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
    const outputStart = i;
    const expected: string[] = [];
    if (lines[i] === '----') {
      i++;
      while (i < lines.length && !(lines[i] === '----' && lines[i + 1] === '----')) expected.push(lines[i++]!);
      if (i >= lines.length) throw new Error(`${file}:${line}: fenced output without closing ----/----`);
      i += 2;
    } else {
      while (i < lines.length && lines[i] !== '') expected.push(lines[i++]!);
    }
    spans.push({ outputStart, outputEnd: i });
    cases.push({ file, line, command: command!, args, input: input.join('\n'), expected: expected.join('\n') });
  }
  return { cases, spans, lines };
}

export function readTestCases(file: string): TestCase[] {
  return parse(file).cases;
}

/** Writes `actual` outputs (by case line) back into `file`, keeping comments, inputs and spacing. */
export function rewriteTestCases(file: string, actual: ReadonlyMap<number, string>): void {
  const { cases, spans, lines } = parse(file);
  const out: string[] = [];
  let copied = 0;
  cases.forEach((testCase, n) => {
    const span = spans[n]!;
    out.push(...lines.slice(copied, span.outputStart));
    const output = actual.get(testCase.line);
    if (output === undefined) throw new Error(`${file}:${testCase.line}: no output recorded`);
    if (output === '') {
      // nothing expected: `----` is followed by the blank line that ends the case
    } else if (output.split('\n').includes('')) out.push('----', ...output.split('\n'), '----', '----');
    else out.push(...output.split('\n'));
    copied = span.outputEnd;
  });
  out.push(...lines.slice(copied));
  writeFileSync(file, out.join('\n'));
}

/**
 * One vitest test per case of `file`: `run` gives the case's output, which
 * must equal the expected one (or, with CLI_REWRITE_TESTDATA=1, replaces it).
 */
export function testdataCases(file: string, run: (testCase: TestCase) => string | Promise<string>): void {
  const actual = new Map<number, string>();
  for (const testCase of readTestCases(file)) {
    it(`${basename(file)}:${testCase.line} ${testCase.command}`, async () => {
      const output = await run(testCase);
      if (REWRITE) actual.set(testCase.line, output);
      else expect(output, `${file}:${testCase.line}`).toBe(testCase.expected);
    });
  }
  if (REWRITE) afterAll(() => rewriteTestCases(file, actual));
}
