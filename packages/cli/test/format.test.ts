import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCqlType } from '../src/shell/cql-types.js';
import { caretLines } from '../src/shell/error-format.js';
import { displayWidth, formatExpanded, formatTable, type ResultColumn } from '../src/shell/table-format.js';
import { formatValue } from '../src/shell/values.js';
import { testdataCases } from './datadriven.js';

interface Answer {
  readonly columns: ResultColumn[];
  readonly rows: Record<string, unknown>[];
}

describe('result and error formatting', () => {
  testdataCases(fileURLToPath(new URL('../testdata/format.txt', import.meta.url)), ({ command, args, input }) => {
    switch (command) {
      case 'value':
        return formatValue(args.get('type')!, JSON.parse(input), { literal: args.has('literal') });
      case 'table': {
        const answer = JSON.parse(input) as Answer;
        return formatTable(answer.columns, answer.rows);
      }
      case 'expanded': {
        const answer = JSON.parse(input) as Answer;
        return formatExpanded(answer.columns, answer.rows);
      }
      case 'caret':
        return caretLines(input, Number(args.get('line')), Number(args.get('column'))).join('\n');
      default:
        throw new Error(`unknown command ${command}`);
    }
  });

  it('reads type names, and keeps a malformed one as an unknown type', () => {
    expect(parseCqlType('Map < Text , frozen<list<int>> >')).toEqual({
      name: 'map',
      args: [
        { name: 'text', args: [] },
        { name: 'frozen', args: [{ name: 'list', args: [{ name: 'int', args: [] }] }] },
      ],
    });
    expect(parseCqlType('list<int')).toEqual({ name: 'list<int', args: [] });
    expect(parseCqlType(`${'list<'.repeat(100)}int${'>'.repeat(100)}`).args).toEqual([]); // too deep: unknown
  });

  it('measures terminal columns', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('漢字')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('😀')).toBe(2);
  });
});
