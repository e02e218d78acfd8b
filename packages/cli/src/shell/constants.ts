/**
 * The limits and defaults of `ringtail cql`, in one place (docs/shell.md
 * lists them).
 *
 * The values that belong to the HTTP API (default port, page sizes,
 * consistency levels) are the node's, written out rather than imported:
 * loading @ringtail/node loads the whole server (fastify, storage, ...),
 * which would double the shell's start-up time. test/constants.test.ts
 * keeps them equal to the node's.
 */
import type { ConsistencyLevel } from '@ringtail/node';

/** Where the shell connects unless told otherwise (`--host`, RINGTAIL_HOST): the node's default HTTP port. */
export const DEFAULT_HOST = 'http://127.0.0.1:9080';
export const HOST_ENV = 'RINGTAIL_HOST';
export const HISTORY_FILE_ENV = 'RINGTAIL_HISTORY_FILE';
/** In the home directory. */
export const DEFAULT_HISTORY_FILE_NAME = '.ringtail_history';
/** Lines kept in the history file and in memory. */
export const MAX_HISTORY_ENTRIES = 1000;

/** How long one request may take before the shell gives up on it. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** Largest answer body read; the node's pages (at most 10,000 rows) stay well below it. */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Largest `-f` script read (the parser's own script limit). */
export const MAX_SCRIPT_BYTES = 64 * 1024 * 1024;
/**
 * A statement still without its `;` after this many characters is given up
 * on (the node refuses statements over 1 MiB anyway): a forgotten quote in a
 * piped script must not buffer the rest of it.
 */
export const MAX_PENDING_STATEMENT_CHARS = 2 * 1024 * 1024;

/** PAGING ON (interactive default): rows per page, as cqlsh. */
export const DEFAULT_PAGE_SIZE_ROWS = 100;
/** PAGING OFF, and scripts: rows asked for per request while fetching every page (the node's default page). */
export const FETCH_PAGE_SIZE_ROWS = 5000;
/** The node's largest page: the bound of PAGING N. */
export const MAX_PAGE_SIZE_ROWS = 10_000;
/** PAGING OFF, and scripts: at most this many rows of one SELECT are fetched and printed. */
export const MAX_UNPAGED_ROWS = 100_000;
/** DESCRIBE reads system_schema; a keyspace with more columns than this is refused rather than read without end. */
export const MAX_SCHEMA_ROWS = 100_000;

/** The levels `POST /cql` accepts, in cqlsh's order. */
export const CONSISTENCY_LEVELS: readonly ConsistencyLevel[] = [
  'ANY',
  'ONE',
  'TWO',
  'THREE',
  'QUORUM',
  'ALL',
  'LOCAL_ONE',
  'LOCAL_QUORUM',
  'EACH_QUORUM',
];
/** The node's default, which the shell also starts with. */
export const DEFAULT_CONSISTENCY: ConsistencyLevel = 'ONE';
