export { initChecksums, xxhash32, xxhash32OfUint32, xxhash32Range, xxhash64 } from './checksum.js';
export { BinaryReader, BinaryWriter } from './data/binary.js';
export {
  type Cell,
  cellTombstone,
  compareCellPosition,
  expiringCell,
  isLiveCell,
  isTombstone,
  liveCell,
  reconcileCells,
} from './data/cell.js';
export {
  type DeletionTime,
  deletes,
  deletionTime,
  isLiveDeletion,
  LIVE,
  laterDeletion,
  NO_DELETION_TIME,
  NO_TIMESTAMP,
  secondsFromMicros,
} from './data/deletion.js';
export {
  coveringDeletion,
  type LiveRow,
  livePartition,
  liveRow,
  mergePartitions,
  mergeRowLists,
} from './data/merge.js';
export {
  decodeMutation,
  encodeMutation,
  encodeMutationInto,
  MUTATION_FORMAT_VERSION,
  readDeletion,
  readLocalTime,
  readPartitionBody,
  readRow,
  writeDeletion,
  writeLocalTime,
  writePartitionBody,
  writeRow,
} from './data/mutation-codec.js';
export {
  CLUSTERING_AFTER_PREFIX,
  type Mutation,
  type PartitionUpdate,
  type RangeTombstone,
} from './data/partition-update.js';
export { type ComplexDeletion, emptyRow, type LivenessInfo, mergeRows, type Row, rowSizeBytes } from './data/row.js';
export { keyOfPosition, partitionPosition, tokenOf, tokenOfPosition, tokenPrefix } from './data/token.js';
export { CorruptionError, type ErrorCode, ErrorCodes, isRingtailError, RingtailError } from './errors.js';
export { type Logger, silentLogger } from './logger.js';
export type {
  MessageCodec,
  MessageHandler,
  PeerAddress,
  RequestHandler,
  RequestOptions,
  Transport,
} from './net/transport.js';
export { type Clock, ManualClock, microsToMillis, millisToMicros, systemClock } from './runtime/clock.js';
export {
  baseName,
  dirName,
  type FileHandle,
  type FileLock,
  type FileStat,
  type FileSystem,
  joinPath,
  mkdirDurable,
  type OpenMode,
} from './runtime/fs.js';
export { nodeFileSystem } from './runtime/node-fs.js';
export { type Random, seededRandom, systemRandom } from './runtime/random.js';
export { type Runtime, type SimulatedRuntime, simulatedRuntime, systemRuntime } from './runtime/runtime.js';
export { type CrashOptions, type FaultSpec, SimFileSystem } from './runtime/sim-fs.js';
export { ManualTimers, systemTimers, type TimerHandle, type TimerOptions, type Timers } from './runtime/timers.js';
export { formatDate, formatTimestamp, parseDate, parseTimestamp } from './types/calendar.js';
export {
  bytesToLatin1Key,
  type ComparableKeyColumn,
  type ComparableKeyComponent,
  decodeComparable,
  decodeComparableKey,
  encodeComparable,
  encodeComparableKey,
  KEY_COMPONENT_SEPARATOR,
  type SortOrder,
} from './types/comparable.js';
export { compareValues } from './types/compare.js';
export {
  CQL_SCALAR_KINDS,
  type CqlCollectionType,
  type CqlListType,
  type CqlMapType,
  type CqlScalarKind,
  type CqlScalarType,
  type CqlSetType,
  type CqlType,
  formatCqlType,
  isCollection,
  isMultiCell,
  MAX_TYPE_NESTING_DEPTH,
  MAX_TYPE_TEXT_LENGTH,
  parseCqlType,
} from './types/cql-type.js';
export { formatDecimal, parseDecimal } from './types/decimal.js';
export { type JsonValue, valueFromJson, valueToJson } from './types/json.js';
export { deserializeValue, serializeValue } from './types/serialize.js';
export { type CqlDecimal, type CqlValue, MAX_TIMESTAMP_MS, normalizeValue, validateValue } from './types/value.js';
