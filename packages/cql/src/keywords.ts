/**
 * Cassandra's reserved keywords (ReservedKeywords.java, 4.x) plus the boolean
 * literals: none of them is a name unless quoted. Every other keyword
 * (`key`, `ttl`, `timestamp`, `type`, `values`, `count`, `distinct`, ...) is
 * only a keyword where the grammar expects it, and a name elsewhere.
 */
export const RESERVED_KEYWORDS: ReadonlySet<string> = new Set([
  'add',
  'allow',
  'alter',
  'and',
  'apply',
  'asc',
  'authorize',
  'batch',
  'begin',
  'by',
  'columnfamily',
  'create',
  'default',
  'delete',
  'desc',
  'describe',
  'drop',
  'entries',
  'execute',
  'false',
  'from',
  'full',
  'grant',
  'if',
  'in',
  'index',
  'infinity',
  'insert',
  'into',
  'is',
  'keyspace',
  'limit',
  'materialized',
  'mbean',
  'mbeans',
  'modify',
  'nan',
  'norecursive',
  'not',
  'null',
  'of',
  'on',
  'or',
  'order',
  'primary',
  'rename',
  'replace',
  'revoke',
  'schema',
  'select',
  'set',
  'table',
  'to',
  'token',
  'true',
  'truncate',
  'unlogged',
  'unset',
  'update',
  'use',
  'using',
  'view',
  'where',
  'with',
]);

/**
 * Unreserved words the parser gives a meaning in some position. They are
 * valid names; the printer quotes them anyway so that printed text never
 * depends on which reading the parser picks.
 */
export const CONTEXTUAL_KEYWORDS: ReadonlySet<string> = new Set([
  'as',
  'cast',
  'clustering',
  'contains',
  'count',
  'counter',
  'distinct',
  'exists',
  'filtering',
  'json',
  'key',
  'partition',
  'per',
  'static',
  'timestamp',
  'ttl',
  'values',
  'writetime',
]);

export function isReservedKeyword(lowerCaseWord: string): boolean {
  return RESERVED_KEYWORDS.has(lowerCaseWord);
}

const PLAIN_NAME = /^[a-z][a-z0-9_]*$/;

/** The name as CQL text: bare when it reads back as itself, otherwise `"double-quoted"` with `"` doubled. */
export function formatIdentifier(name: string): string {
  if (PLAIN_NAME.test(name) && !RESERVED_KEYWORDS.has(name) && !CONTEXTUAL_KEYWORDS.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}
