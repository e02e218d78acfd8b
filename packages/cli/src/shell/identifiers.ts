/**
 * Names and strings as CQL text, for what the shell prints back (DESCRIBE,
 * the prompt). The shell is a client of the HTTP API and does not load the
 * server's language package; these word lists are the parser's (reserved
 * and contextual keywords, docs/cql.md "Lexical structure"), and
 * test/identifiers.test.ts keeps them equal to @ringtail/cql's.
 */

/** Never a name unless quoted. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    'add allow alter and apply asc authorize batch begin by columnfamily create default delete desc describe drop ' +
    'entries execute false from full grant if in index infinity insert into is keyspace limit materialized mbean ' +
    'mbeans modify nan norecursive not null of on or order primary rename replace revoke schema select set table ' +
    'to token true truncate unlogged unset update use using view where with'
  ).split(' '),
);

/** Names the parser also reads as keywords in some position; quoted, as the server's printer does, to stay unambiguous. */
export const CONTEXTUAL_WORDS: ReadonlySet<string> = new Set(
  (
    'as cast clustering contains count counter distinct exists filtering json key partition per static timestamp ' +
    'ttl values writetime'
  ).split(' '),
);

const PLAIN_NAME = /^[a-z][a-z0-9_]*$/;

/** A keyspace, table or column name as CQL text: bare when it reads back as itself, else `"quoted"`. */
export function formatIdentifier(name: string): string {
  if (PLAIN_NAME.test(name) && !RESERVED_WORDS.has(name) && !CONTEXTUAL_WORDS.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** `'text'` with `'` doubled. */
export function formatString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
