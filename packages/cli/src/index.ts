export { type ClusterFlags, type ClusterIo, runCluster } from './cluster.js';
export { type ConfigInput, type ResolvedStart, resolveStartConfig } from './config.js';
export { type CqlFlags, type CqlIo, resolveHost, runCql } from './cql.js';
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
export { buildProgram, type CliIo, main } from './main.js';
export {
  CONFIG_ENV,
  CONFIG_FLAG,
  DEFAULT_START_SETTINGS,
  MAX_CONFIG_FILE_BYTES,
  type SettingKey,
  type SettingKind,
  type SettingSpec,
  START_SETTINGS,
  type StartSettings,
} from './settings.js';
export { runStart, type StartIo } from './start.js';
