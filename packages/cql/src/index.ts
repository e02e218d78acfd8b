export type {
  BindMarker,
  ColumnCondition,
  ColumnConditions,
  ColumnRelation,
  CompareCondition,
  ComparisonOperator,
  ContainsRelation,
  ExistsCondition,
  FunctionCall,
  InCondition,
  InMarkerCondition,
  InMarkerRelation,
  InRelation,
  ListLiteral,
  Literal,
  LiteralKind,
  MapEntry,
  MapLiteral,
  NullLiteral,
  Property,
  Relation,
  SetLiteral,
  SourcePosition,
  SyntaxNode,
  TableName,
  Term,
  TokenRelation,
  TupleInMarkerRelation,
  TupleInRelation,
  TupleLiteral,
  TupleRelation,
  TypeHint,
  UpdateCondition,
  UsingClause,
} from './ast.js';
export { LITERAL_KINDS } from './ast.js';
export type {
  AlterKeyspaceStatement,
  AlterTableAction,
  AlterTableStatement,
  Assignment,
  BatchStatement,
  BatchType,
  ColumnDefinition,
  ColumnOrder,
  ColumnRename,
  CreateKeyspaceStatement,
  CreateTableStatement,
  DeleteStatement,
  DeleteTarget,
  DropKeyspaceStatement,
  DropTableStatement,
  InsertSource,
  InsertStatement,
  ModificationStatement,
  Selector,
  SelectorExpression,
  SelectStatement,
  SortDirection,
  Statement,
  StatementBase,
  StatementKind,
  TruncateStatement,
  UpdateStatement,
  UseStatement,
} from './ast-statements.js';
export {
  MAX_BIND_MARKERS,
  MAX_ERROR_TOKEN_CHARS,
  MAX_NESTING_DEPTH,
  MAX_SCRIPT_LENGTH_CHARS,
  MAX_STATEMENT_LENGTH_CHARS,
} from './constants.js';
export { CqlSyntaxError, SYNTAX_ERROR_NAME } from './errors.js';
export { formatStatement } from './format.js';
export { formatString, formatTableName, formatTerm } from './format-terms.js';
export { CONTEXTUAL_KEYWORDS, formatIdentifier, isReservedKeyword, RESERVED_KEYWORDS } from './keywords.js';
export type { ParseOptions, ParseStats } from './options.js';
export { parseStatement, parseStatements } from './parser.js';
export {
  applySchemaStatement,
  isSchemaStatement,
  type SchemaChange,
  type SchemaChangeKind,
  type SchemaChangeOptions,
  type SchemaStatement,
} from './schema/apply.js';
export type {
  ColumnKind,
  ColumnMetadata,
  CompactionOptions,
  DroppedColumn,
  KeyspaceMetadata,
  ReplicationOptions,
  Schema,
  TableMetadata,
  TableOptions,
} from './schema/metadata.js';
export { DEFAULT_TABLE_OPTIONS } from './schema/options.js';
export { deserializeSchema, SCHEMA_FORMAT_VERSION, schemaVersion, serializeSchema } from './schema/persist.js';
export {
  emptySchema,
  isSystemKeyspace,
  keyspaceOf,
  resolveKeyspace,
  resolveTable,
  SYSTEM_KEYSPACE_NAMES,
} from './schema/resolve.js';
export {
  DEFAULT_PAGE_SIZE_ROWS,
  MAX_PAGE_SIZE_ROWS,
  MAX_ROWS_EXAMINED_PER_REQUEST,
  MAX_SELECT_CLUSTERING_PREFIXES,
  MAX_SELECT_PARTITION_KEYS,
} from './select/constants.js';
export { type ExecuteSelectOptions, executeSelect, type ResultColumn, type SelectResult } from './select/execute.js';
export { MemoryPartitionSource } from './select/memory-source.js';
export { planSelect, type SelectPlan, type SelectPlanOptions } from './select/plan.js';
export type { PartitionSource, ScanRange } from './select/read.js';
export { cellsValue } from './select/rows.js';
export {
  BATCH_SIZE_FAIL_THRESHOLD_BYTES,
  BATCH_SIZE_WARN_THRESHOLD_BYTES,
  MAX_BATCH_STATEMENTS,
  MAX_IN_VALUES,
  MAX_SCHEMA_NAME_LENGTH,
  MAX_TTL_SEC,
  UNLOGGED_BATCH_ACROSS_PARTITIONS_WARN_THRESHOLD,
} from './semantic/constants.js';
export { describeMutation } from './semantic/describe.js';
export {
  CqlInvalidRequestError,
  INVALID_REQUEST_ERROR_NAME,
  UNAUTHORIZED_ERROR_NAME,
} from './semantic/errors.js';
export { planModification } from './semantic/modify.js';
export type {
  ColumnCheck,
  ModificationPlan,
  PlannedConditions,
  PlanOptions,
  RowCheck,
  RowCondition,
} from './semantic/plan.js';
export { type BindValues, checkBindValues, type TermContext, termValue } from './semantic/terms.js';
