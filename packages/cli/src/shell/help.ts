/** What HELP prints; docs/shell.md says the same at length. */
export const HELP_TEXT = `
CQL statements end with ';' and may span lines; they are sent to the node
as they are (see docs/cql.md). USE ks; sets the keyspace for the statements
that follow.

Shell commands (end at the end of the line; ';' optional):
  HELP                        this text
  EXIT, QUIT                  leave the shell (Ctrl-D too)
  DESCRIBE KEYSPACES          list keyspaces
  DESCRIBE TABLES             list the tables of the current keyspace (or of every keyspace)
  DESCRIBE KEYSPACE [name]    CREATE statements of a keyspace and its tables
  DESCRIBE TABLE [ks.]name    CREATE statement of a table
  DESCRIBE [FULL] SCHEMA      every user keyspace (FULL: system ones too)
  DESCRIBE CLUSTER            cluster name and partitioner
  DESCRIBE [ks.]name          a keyspace, or a table of the current keyspace
  EXPAND [ON|OFF]             one "name | value" block per row instead of a table
  PAGING [ON|OFF|rows]        page SELECT results (interactive shell only; default ON, 100 rows)
  CONSISTENCY [level]         consistency level of the following statements (default ONE)

DESC is DESCRIBE. Ctrl-C clears the statement being typed, or stops waiting
for one that runs.
`.trim();
