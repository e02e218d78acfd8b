/**
 * The schema of one node: held in memory, persisted in the node's own
 * `system_schema.keyspace_definitions` table through the storage engine, and changed by
 * DDL one statement at a time.
 *
 * Persistence: one partition per user keyspace, keyed by its name, whose
 * `definition` cell holds the keyspace (its tables and columns) as
 * serializeSchema writes it. Every change rewrites the one keyspace it
 * touches with the DDL's timestamp; DROP KEYSPACE deletes the partition. So
 * a later change wins a last-write-wins merge per keyspace — what will let
 * nodes exchange schema like any other data.
 *
 * Start-up: storage opens with the schema table alone, the schema is read,
 * and — when it has tables — storage is closed and opened again with every
 * table, so that the commit-log replay reaches their unflushed writes too.
 *
 * DDL order makes a crash at any point safe: a new table is opened (its
 * directory made) before the schema naming it is persisted; a dropped table
 * is removed from the persisted schema before its files are deleted (a crash
 * in between leaves an unused directory under `data/`, never a table without
 * its data).
 */
import { CorruptionError, type Logger, type Random, type Runtime } from '@ringtail/codec';
import {
  applySchemaStatement,
  CqlInvalidRequestError,
  deserializeSchema,
  executeSelect,
  isSystemKeyspace,
  type KeyspaceMetadata,
  keyspaceOf,
  type ModificationStatement,
  parseStatement,
  planModification,
  planSelect,
  resolveTable,
  type Schema,
  type SchemaChange,
  type SchemaStatement,
  type SelectStatement,
  type Statement,
  schemaVersion,
  serializeSchema,
  type TableMetadata,
  type TableName,
  UNAUTHORIZED_ERROR_NAME,
} from '@ringtail/cql';
import { StorageEngine, type StorageOptions, type TableOptions } from '@ringtail/storage';
import { SCHEMA_READ_PAGE_ROWS } from '../constants.js';
import { randomUuid } from '../identity.js';
import { KeyedLock } from '../keyed-lock.js';
import type { TableRef } from '../metrics.js';
import type { TimestampSource } from '../timestamps.js';
import { SCHEMA_TABLE, SYSTEM_SCHEMA } from './system-tables.js';

function parsed<K extends Statement['kind']>(text: string, kind: K): Extract<Statement, { kind: K }> {
  const statement = parseStatement(text);
  if (statement.kind !== kind) throw new Error(`expected a ${kind} statement: ${text}`);
  return statement as Extract<Statement, { kind: K }>;
}

const WRITE_DEFINITION: ModificationStatement = parsed(
  'INSERT INTO system_schema.keyspace_definitions (keyspace_name, definition) VALUES (?, ?)',
  'insert',
);
const DELETE_DEFINITION: ModificationStatement = parsed(
  'DELETE FROM system_schema.keyspace_definitions WHERE keyspace_name = ?',
  'delete',
);
const READ_DEFINITIONS: SelectStatement = parsed(
  'SELECT keyspace_name, definition FROM system_schema.keyspace_definitions',
  'select',
);

/** What storage needs to open a table of the schema. */
export function storageTableOptions(table: TableMetadata): TableOptions {
  return { tableId: table.id, gcGraceSeconds: table.options.gcGraceSeconds, compaction: table.options.compaction };
}

function sameStorageOptions(a: TableMetadata, b: TableMetadata): boolean {
  return JSON.stringify(storageTableOptions(a)) === JSON.stringify(storageTableOptions(b));
}

function userTables(schema: Schema): TableMetadata[] {
  const tables: TableMetadata[] = [];
  for (const keyspace of schema.keyspaces.values()) tables.push(...keyspace.tables.values());
  return tables;
}

function unauthorized(message: string): CqlInvalidRequestError {
  return new CqlInvalidRequestError(message, { kind: UNAUTHORIZED_ERROR_NAME });
}

/** Refuses a change to a system keyspace's data, as Cassandra does (Unauthorized). */
export function checkUserModifiable(keyspace: string): void {
  if (isSystemKeyspace(keyspace)) throw unauthorized(`${keyspace} keyspace is not user-modifiable.`);
}

/** Every persisted keyspace definition, checked; a bad one is corruption (the node does not start). */
async function readSchema(engine: StorageEngine, runtime: Runtime): Promise<Schema> {
  const nowMicros = runtime.clock.nowMicros();
  const plan = planSelect(READ_DEFINITIONS, SCHEMA_TABLE, { binds: [], nowMicros, random: runtime.random });
  const keyspaces = new Map<string, KeyspaceMetadata>();
  let pagingState: string | undefined;
  do {
    const page = await executeSelect(plan, engine, {
      nowSec: Math.floor(nowMicros / 1_000_000),
      pageSize: SCHEMA_READ_PAGE_ROWS,
      pagingState,
    });
    for (const row of page.rows) {
      const name = String(row.keyspace_name);
      const corrupt = (detail: string, cause?: unknown) =>
        new CorruptionError(
          `table system_schema.keyspace_definitions (${SCHEMA_TABLE.id})`,
          0,
          `keyspace ${name}: ${detail}`,
          {
            cause,
          },
        );
      if (typeof row.definition !== 'string') throw corrupt('no definition');
      let definition: Schema;
      try {
        definition = deserializeSchema(row.definition);
      } catch (error) {
        throw corrupt((error as Error).message, error);
      }
      const keyspace = definition.keyspaces.get(name);
      if (keyspace === undefined || definition.keyspaces.size !== 1) {
        throw corrupt('the definition does not describe this keyspace alone');
      }
      keyspaces.set(name, keyspace);
    }
    pagingState = page.pagingState;
  } while (pagingState !== undefined);
  return { keyspaces };
}

export interface OpenStorageOptions {
  readonly runtime: Runtime;
  readonly dataDirectory: string;
  readonly logger: Logger;
  readonly storage?: Pick<
    StorageOptions,
    'commitLog' | 'memtableFlushBytes' | 'commitLogFlushBytes' | 'backgroundWorker'
  >;
}

/** Opens storage with the schema table and every table of the persisted schema; see the header. */
export async function openStorageWithSchema(
  options: OpenStorageOptions,
): Promise<{ engine: StorageEngine; schema: Schema }> {
  const open = (tables: readonly TableOptions[]) =>
    StorageEngine.open({
      ...options.storage,
      runtime: options.runtime,
      dataDirectory: options.dataDirectory,
      tables: [storageTableOptions(SCHEMA_TABLE), ...tables],
      logger: options.logger,
    });
  let engine = await open([]);
  let schema: Schema;
  try {
    schema = await readSchema(engine, options.runtime);
  } catch (error) {
    await engine.close().catch(() => {});
    throw error;
  }
  const tables = userTables(schema).map(storageTableOptions);
  if (tables.length > 0) {
    options.logger.info({ tables: tables.length }, 'schema read; opening its tables');
    await engine.close();
    engine = await open(tables);
  }
  return { engine, schema };
}

export interface SchemaStoreDeps {
  readonly engine: StorageEngine;
  readonly timestamps: TimestampSource;
  readonly random: Random;
  readonly logger: Logger;
}

export class SchemaStore {
  private current: Schema;
  private versionOf: { readonly schema: Schema; readonly version: string } | undefined;
  /** DDL and TRUNCATE run one at a time. */
  private readonly ddl = new KeyedLock();
  private readonly listeners = new Set<(schemaVersion: string) => void>();

  constructor(
    private readonly deps: SchemaStoreDeps,
    schema: Schema,
  ) {
    this.current = schema;
  }

  /** The user keyspaces now; replaced (never mutated) by each change. */
  get schema(): Schema {
    return this.current;
  }

  /** Cassandra's schema_version: a uuid-shaped digest of the schema. */
  get version(): string {
    if (this.versionOf?.schema !== this.current) {
      this.versionOf = { schema: this.current, version: schemaVersion(this.current) };
    }
    return this.versionOf.version;
  }

  /** Calls `listener` with the new schema version after each change; returns the function that unsubscribes. */
  onChange(listener: (schemaVersion: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every table in storage, the schema table included, for metrics and `/status`. */
  tables(): TableRef[] {
    const refs: TableRef[] = [{ tableId: SCHEMA_TABLE.id, keyspace: SCHEMA_TABLE.keyspace, table: SCHEMA_TABLE.name }];
    for (const t of userTables(this.current)) refs.push({ tableId: t.id, keyspace: t.keyspace, table: t.name });
    return refs;
  }

  /** Applies one DDL statement: validated, storage changed, persisted, published. */
  change(statement: SchemaStatement, currentKeyspace: string | null): Promise<SchemaChange> {
    return this.ddl.run('', () => this.applyChange(statement, currentKeyspace));
  }

  /** TRUNCATE: every row of the table, in memtables and SSTables, is gone when this resolves. */
  truncate(table: TableName, currentKeyspace: string | null): Promise<TableMetadata> {
    return this.ddl.run('', async () => {
      checkUserModifiable(keyspaceOf(table, currentKeyspace));
      const metadata = resolveTable(this.current, table, currentKeyspace);
      await this.deps.engine.truncate(metadata.id);
      return metadata;
    });
  }

  private async applyChange(statement: SchemaStatement, currentKeyspace: string | null): Promise<SchemaChange> {
    const { engine, random, logger } = this.deps;
    const before = this.current;
    const nowMicros = this.deps.timestamps.nextMicros();
    const result = applySchemaStatement(before, statement, {
      newTableId: () => randomUuid(random),
      currentKeyspace,
      nowMicros,
    });
    if (result.change === 'none') return result;
    const beforeIds = new Set(userTables(before).map((t) => t.id));
    const afterTables = userTables(result.schema);
    const afterIds = new Set(afterTables.map((t) => t.id));
    const created = afterTables.filter((t) => !beforeIds.has(t.id));
    const dropped = userTables(before).filter((t) => !afterIds.has(t.id));
    for (const table of created) await engine.createTable(storageTableOptions(table));
    try {
      await this.persist(result.schema, result.target.keyspace, nowMicros);
    } catch (error) {
      for (const table of created) await engine.dropTable(table.id).catch(() => {});
      throw error;
    }
    this.current = result.schema;
    // ALTER TABLE ... WITH gc_grace_seconds / compaction: the open table takes them now, not at the next start.
    const beforeById = new Map(userTables(before).map((t) => [t.id, t]));
    for (const table of afterTables) {
      const old = beforeById.get(table.id);
      if (old !== undefined && !sameStorageOptions(old, table)) engine.alterTable(storageTableOptions(table));
    }
    for (const table of dropped) {
      await engine.dropTable(table.id).catch((err: unknown) => {
        logger.warn({ err, table: table.id }, 'could not delete the files of a dropped table');
      });
    }
    logger.info({ change: result.change, ...result.target, schemaVersion: this.version }, 'schema changed');
    for (const listener of this.listeners) {
      try {
        listener(this.version);
      } catch (err) {
        logger.error({ err }, 'schema change listener failed');
      }
    }
    return result;
  }

  /** Writes keyspace `name` of `schema` (or its deletion) at `timestampMicros`. */
  private async persist(schema: Schema, name: string, timestampMicros: number): Promise<void> {
    const keyspace = schema.keyspaces.get(name);
    const options = { currentKeyspace: null, nowMicros: timestampMicros, random: this.deps.random };
    const plan =
      keyspace === undefined
        ? planModification(DELETE_DEFINITION, SYSTEM_SCHEMA, { ...options, binds: [name] })
        : planModification(WRITE_DEFINITION, SYSTEM_SCHEMA, {
            ...options,
            binds: [name, serializeSchema({ keyspaces: new Map([[name, keyspace]]) })],
          });
    await this.deps.engine.write(plan.mutation);
  }
}
