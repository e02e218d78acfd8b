import { fileURLToPath } from 'node:url';
import * as cql from '@ringtail/cql';
import { describe, expect, it } from 'vitest';
import { CONTEXTUAL_WORDS, formatIdentifier, formatString, RESERVED_WORDS } from '../src/shell/identifiers.js';
import { parseShellCommand } from '../src/shell/shell-commands.js';
import { testdataCases } from './datadriven.js';

describe('shell commands', () => {
  testdataCases(fileURLToPath(new URL('../testdata/commands.txt', import.meta.url)), ({ input }) => {
    const command = parseShellCommand(input);
    return command === undefined ? 'cql' : JSON.stringify(command);
  });
});

describe('identifiers', () => {
  // The shell talks HTTP and does not load the parser; its copy of the word lists must not drift from it.
  it("uses the parser's reserved and contextual keywords", () => {
    expect([...RESERVED_WORDS].sort()).toEqual([...cql.RESERVED_KEYWORDS].sort());
    expect([...CONTEXTUAL_WORDS].sort()).toEqual([...cql.CONTEXTUAL_KEYWORDS].sort());
  });

  it.each(['ks', 'MyTable', 'select', 'key', 'with space', 'a"b', '1abc', 'under_score9', '', 'é'])(
    'quotes %j exactly as the parser prints it',
    (name) => {
      expect(formatIdentifier(name)).toBe(cql.formatIdentifier(name));
    },
  );

  it('doubles quotes in strings', () => {
    expect(formatString("it's")).toBe("'it''s'");
    expect(formatString("it's")).toBe(cql.formatString("it's"));
  });
});
