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
export { formatPeerAddress, isPeerAddress, type PeerEndpoint, parsePeerAddress } from './net/address.js';
export {
  DEFAULT_MAX_INBOUND_REQUESTS_PER_PEER,
  DEFAULT_MAX_PENDING_REQUESTS,
  DEFAULT_SIM_MAX_IN_FLIGHT_PER_LINK,
  ERROR_BODY_VERSION,
  MAX_MESSAGE_KIND_CHARS,
  MAX_MESSAGE_VERSION,
  MAX_PEER_ADDRESS_CHARS,
  MAX_REMOTE_ERROR_MESSAGE_CHARS,
  MAX_REQUEST_ID,
  MAX_REQUEST_TIMEOUT_MS,
  MAX_WIRE_VALUE_DEPTH,
} from './net/constants.js';
export {
  type ReplyFunction,
  type StartedRequest,
  TransportDispatcher,
  type TransportDispatcherOptions,
} from './net/dispatcher.js';
export {
  ENVELOPE_TYPE_CODES,
  type Envelope,
  type EnvelopeType,
  envelopeFromWire,
  envelopeToWire,
  errorEnvelope,
  type RemoteErrorBody,
  type RemoteFailureCode,
  type WireEnvelope,
} from './net/envelope.js';
export { type LinkFaults, SimNetwork, type SimNetworkOptions, type SimNetworkStats } from './net/sim-network.js';
export type {
  MessageCodec,
  MessageHandler,
  PeerAddress,
  RequestHandler,
  RequestOptions,
  Transport,
} from './net/transport.js';
export { assertWireValue } from './net/wire-value.js';
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
export { type NodeFileSystemOptions, nodeFileSystem } from './runtime/node-fs.js';
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
