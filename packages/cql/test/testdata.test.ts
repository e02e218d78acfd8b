/**
 * Runs testdata/*.txt. Commands:
 *   parse [positions] [depth=N markers=N length=N]  one statement, printed as JSON (or the error)
 *   parse-all [source] [script=N length=N]           a script, one statement per line
 *   format                                          the statement printed back as CQL
 * Every statement that parses is also printed, re-parsed and compared, and its
 * bind markers checked to be numbered in order.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes } from '@ringtail/codec';
import { afterAll, describe, expect, it } from 'vitest';
import { formatStatement, parseStatement, parseStatements, type Statement } from '../src/index.js';
import { REWRITE, readTestCases, rewriteTestCases, type TestCase } from './datadriven.js';
import { dumpTree, expectMarkersNumbered, optionsFromArgs, stripTree, syntaxErrorOf } from './helpers.js';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata');

function checkRoundTrip(statement: Statement): void {
  expectMarkersNumbered(statement);
  const printed = formatStatement(statement);
  const reparsed = parseStatement(printed);
  expect(stripTree(reparsed), printed).toEqual(stripTree(statement));
}

function run(testCase: TestCase): string {
  const options = optionsFromArgs(testCase.args);
  let output = '';
  const error = syntaxErrorOf(() => {
    switch (testCase.command) {
      case 'parse': {
        const statement = parseStatement(testCase.input, options);
        checkRoundTrip(statement);
        output = dumpTree(statement, testCase.args.has('positions'));
        break;
      }
      case 'parse-all': {
        const statements = parseStatements(testCase.input, options);
        for (const s of statements) checkRoundTrip(s);
        const lines = testCase.args.has('source')
          ? statements.map((s) => testCase.input.slice(s.position.offset, s.endOffset))
          : statements.map((s) => dumpTree(s));
        output = lines.length === 0 ? '(none)' : lines.join('\n');
        break;
      }
      case 'format': {
        const statement = parseStatement(testCase.input, options);
        checkRoundTrip(statement);
        output = formatStatement(statement);
        break;
      }
      default:
        throw new Error(`${testCase.file}:${testCase.line}: unknown command ${testCase.command}`);
    }
  });
  if (error === null) return output;
  const code = error.code === ErrorCodes.INVALID_ARGUMENT ? '' : ` [${error.code}]`;
  return `error: ${error.message}${code}`;
}

for (const name of readdirSync(TESTDATA).filter((f) => f.endsWith('.txt'))) {
  const file = join(TESTDATA, name);
  const cases = readTestCases(file);
  const actual = new Map<number, string>();
  describe(name, () => {
    for (const testCase of cases) {
      it(`${name}:${testCase.line} ${testCase.input.split('\n')[0]!.slice(0, 60)}`, () => {
        const output = run(testCase);
        if (REWRITE) actual.set(testCase.line, output);
        else expect(output).toBe(testCase.expected);
      });
    }
    afterAll(() => {
      if (REWRITE && actual.size === cases.length) rewriteTestCases(file, actual);
    });
  });
}
