/**
 * The settings of `ringtail start`, each with its flag, its RINGTAIL_*
 * variable and its config-file key (DESIGN.md §3.1). One table drives the
 * command line, the environment and the config file, so they cannot drift.
 */
import { DEFAULT_NODE_CONFIG, type LogFormat, type LogLevel, type NodeConfig } from '@ringtail/node';

/** Everything `ringtail start` can be told. */
export interface StartSettings extends NodeConfig {
  readonly logLevel: LogLevel;
  /** `undefined`: pretty on a terminal, JSON otherwise. */
  readonly logFormat: LogFormat | undefined;
}

export type SettingKey = Exclude<keyof StartSettings, 'limits' | 'cluster'>;

/** How a value written as text (flag, variable) is read. */
export type SettingKind = 'path' | 'text' | 'integer' | 'boolean' | 'list' | 'logLevel' | 'logFormat';

export interface SettingSpec {
  readonly key: SettingKey;
  /** `--data-dir` */
  readonly flag: string;
  /** `<dir>`, shown in --help */
  readonly valueName: string;
  readonly env: string;
  readonly kind: SettingKind;
  readonly description: string;
}

export const START_SETTINGS: readonly SettingSpec[] = [
  {
    key: 'dataDir',
    flag: '--data-dir',
    valueName: '<dir>',
    env: 'RINGTAIL_DATA_DIR',
    kind: 'path',
    description: 'directory for the commit log, SSTables and host id',
  },
  {
    key: 'listen',
    flag: '--listen',
    valueName: '<host>',
    env: 'RINGTAIL_LISTEN',
    kind: 'text',
    description: 'address the node binds to',
  },
  {
    key: 'httpPort',
    flag: '--http-port',
    valueName: '<port>',
    env: 'RINGTAIL_HTTP_PORT',
    kind: 'integer',
    description: 'HTTP API port; 0 picks a free one (the "listening" log line names it)',
  },
  {
    key: 'internodePort',
    flag: '--internode-port',
    valueName: '<port>',
    env: 'RINGTAIL_INTERNODE_PORT',
    kind: 'integer',
    description: 'internode (gossip) port; 0 picks a free one',
  },
  {
    key: 'seeds',
    flag: '--seeds',
    valueName: '<host:port,...>',
    env: 'RINGTAIL_SEEDS',
    kind: 'list',
    description: 'internode addresses of nodes to join through (none: this node alone is the cluster)',
  },
  {
    key: 'clusterName',
    flag: '--cluster-name',
    valueName: '<name>',
    env: 'RINGTAIL_CLUSTER_NAME',
    kind: 'text',
    description: 'name of the cluster this node belongs to',
  },
  {
    key: 'clusterSecret',
    flag: '--cluster-secret',
    valueName: '<secret>',
    env: 'RINGTAIL_CLUSTER_SECRET',
    kind: 'text',
    description:
      'secret every node of the cluster shares; prefer the variable (flags show in ps); default: a public one',
  },
  {
    key: 'commitLogSync',
    flag: '--commitlog-sync',
    valueName: '<periodic|group|batch>',
    env: 'RINGTAIL_COMMITLOG_SYNC',
    kind: 'text',
    description: 'when a write is acknowledged: handed to the OS (periodic), or fsynced (group, batch)',
  },
  {
    key: 'lanDiscovery',
    flag: '--lan-discovery',
    valueName: '<true|false>',
    env: 'RINGTAIL_LAN_DISCOVERY',
    kind: 'boolean',
    description: 'find nodes of the same cluster on the local network by UDP multicast (for development)',
  },
  { key: 'dc', flag: '--dc', valueName: '<name>', env: 'RINGTAIL_DC', kind: 'text', description: 'data centre' },
  { key: 'rack', flag: '--rack', valueName: '<name>', env: 'RINGTAIL_RACK', kind: 'text', description: 'rack' },
  {
    key: 'numTokens',
    flag: '--num-tokens',
    valueName: '<n>',
    env: 'RINGTAIL_NUM_TOKENS',
    kind: 'integer',
    description: 'virtual nodes (tokens) this node owns',
  },
  {
    key: 'allocateTokensForRf',
    flag: '--allocate-tokens-for-rf',
    valueName: '<n>',
    env: 'RINGTAIL_ALLOCATE_TOKENS_FOR_RF',
    kind: 'integer',
    description: 'replication factor the first start balances its tokens for',
  },
  {
    key: 'logLevel',
    flag: '--log-level',
    valueName: '<level>',
    env: 'RINGTAIL_LOG_LEVEL',
    kind: 'logLevel',
    description: 'fatal, error, warn, info, debug, trace or silent',
  },
  {
    key: 'logFormat',
    flag: '--log-format',
    valueName: '<format>',
    env: 'RINGTAIL_LOG_FORMAT',
    kind: 'logFormat',
    description: 'json or pretty (default: pretty on a terminal, json otherwise)',
  },
];

export const DEFAULT_START_SETTINGS: StartSettings = {
  ...DEFAULT_NODE_CONFIG,
  logLevel: 'info',
  logFormat: undefined,
};

/** The flag that names the config file, and its variable. */
export const CONFIG_FLAG = '--config';
export const CONFIG_ENV = 'RINGTAIL_CONFIG';

/** Largest config file read. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** camelCase option name commander gives a flag: `--data-dir` → `dataDir`. */
export function optionName(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
