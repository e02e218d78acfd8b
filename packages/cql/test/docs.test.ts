/** docs/cql.md stays true: its examples parse, and its reserved keyword list is the parser's. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseStatements, RESERVED_KEYWORDS } from '../src/index.js';

const DOC = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'cql.md'), 'utf8');

describe('docs/cql.md', () => {
  const examples = [...DOC.matchAll(/```sql\n(.*?)```/gs)].map((m) => m[1]!);

  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  for (const example of examples) {
    it(`example parses: ${example.slice(0, 50).replaceAll('\n', ' ')}`, () => {
      expect(parseStatements(example).length).toBeGreaterThan(0);
    });
  }

  it('lists exactly the reserved keywords', () => {
    const block = /Reserved keywords[^\n]*\n\n```\n(.*?)```/s.exec(DOC)?.[1] ?? '';
    const listed = block
      .split(/\s+/)
      .filter((w) => w !== '')
      .map((w) => w.toLowerCase());
    expect(listed.sort()).toEqual([...RESERVED_KEYWORDS].sort());
  });
});
