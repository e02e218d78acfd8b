/**
 * Builds the settings of `ringtail start` from four layers, each overriding
 * the one before: defaults < config file < RINGTAIL_* variables < flags.
 * The config file is JSON whose keys are the setting names (`dataDir`,
 * `httpPort`, ...) plus optional `limits` and `cluster` objects; a relative `dataDir`
 * in it is relative to the file. Every error names where the bad value came
 * from.
 */
import { dirname, resolve } from 'node:path';
import {
  type ClusterTimings,
  type HttpLimits,
  InvalidConfigError,
  LOG_LEVELS,
  type LogFormat,
  type LogLevel,
  validateNodeConfig,
} from '@ringtail/node';
import { UsageError } from './errors.js';
import {
  CONFIG_ENV,
  CONFIG_FLAG,
  DEFAULT_START_SETTINGS,
  MAX_CONFIG_FILE_BYTES,
  optionName,
  type SettingKey,
  type SettingSpec,
  START_SETTINGS,
  type StartSettings,
} from './settings.js';

export interface ConfigInput {
  /** Flag values by option name (`dataDir`), as commander parsed them: strings. */
  readonly flags: Readonly<Record<string, string | undefined>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Reads a config file; throws like fs.readFileSync. */
  readFile(path: string): string;
}

export interface ResolvedStart {
  readonly settings: StartSettings;
  /** Absolute path of the config file read, if any. */
  readonly configFile: string | undefined;
  /** Where each setting came from, e.g. `--http-port`, `RINGTAIL_DC`, `default`. */
  readonly origins: Readonly<Record<SettingKey, string>>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function resolveStartConfig(input: ConfigInput): ResolvedStart {
  const settings: Mutable<StartSettings> = { ...DEFAULT_START_SETTINGS };
  const origins = Object.fromEntries(START_SETTINGS.map((s) => [s.key, 'default'])) as Record<SettingKey, string>;
  const set = (spec: SettingSpec, value: unknown, origin: string): void => {
    (settings as Record<string, unknown>)[spec.key] = value;
    origins[spec.key] = origin;
  };

  const configPath = nonEmpty(input.flags[optionName(CONFIG_FLAG)]) ?? nonEmpty(input.env[CONFIG_ENV]);
  const configFile = configPath === undefined ? undefined : resolve(input.cwd, configPath);
  if (configFile !== undefined) {
    const file = readConfigFile(input, configFile);
    for (const spec of START_SETTINGS) {
      if (!Object.hasOwn(file, spec.key)) continue;
      const origin = `"${spec.key}" in ${configFile}`;
      set(spec, fromJson(spec, file[spec.key], origin, dirname(configFile)), origin);
    }
    if (file.limits !== undefined) settings.limits = readLimits(file.limits, configFile);
    if (file.cluster !== undefined) settings.cluster = readCluster(file.cluster, configFile);
  }
  for (const spec of START_SETTINGS) {
    const value = nonEmpty(input.env[spec.env]);
    if (value !== undefined) set(spec, fromText(spec, value, spec.env, input.cwd), spec.env);
  }
  for (const spec of START_SETTINGS) {
    const value = input.flags[optionName(spec.flag)];
    if (value !== undefined) set(spec, fromText(spec, value, spec.flag, input.cwd), spec.flag);
  }

  settings.dataDir = resolve(input.cwd, settings.dataDir); // the default is relative

  try {
    validateNodeConfig(settings);
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    const detail = error.message.slice(error.field.length + 1);
    const key = error.field as SettingKey;
    const origin = Object.hasOwn(origins, key) ? origins[key] : `"${error.field}" in ${configFile}`;
    throw new UsageError(`${origin === 'default' ? `default ${key}` : origin} ${detail}`);
  }
  return { settings, configFile, origins };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function readConfigFile(input: ConfigInput, path: string): Record<string, unknown> {
  let text: string;
  try {
    text = input.readFile(path);
  } catch (error) {
    const errno = (error as { code?: unknown }).code;
    throw new UsageError(`cannot read config file ${path} (${String(errno ?? (error as Error).message)})`);
  }
  if (text.length > MAX_CONFIG_FILE_BYTES) {
    throw new UsageError(`config file ${path} is larger than ${MAX_CONFIG_FILE_BYTES} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`config file ${path} must hold a JSON object`);
  }
  const known = new Set<string>([...START_SETTINGS.map((s) => s.key), 'limits', 'cluster']);
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) {
      throw new UsageError(`unknown setting "${key}" in config file ${path}; known: ${[...known].join(', ')}`);
    }
  }
  return parsed as Record<string, unknown>;
}

const LIMIT_KEYS: readonly (keyof HttpLimits)[] = [
  'bodyLimitBytes',
  'requestTimeoutMs',
  'keepAliveTimeoutMs',
  'maxInFlightRequests',
  'drainTimeoutMs',
];

function readLimits(value: unknown, path: string): Partial<HttpLimits> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`"limits" in ${path} must be an object`);
  }
  for (const key of Object.keys(value)) {
    if (!(LIMIT_KEYS as readonly string[]).includes(key)) {
      throw new UsageError(`unknown limit "${key}" in ${path}; known: ${LIMIT_KEYS.join(', ')}`);
    }
  }
  return value as Partial<HttpLimits>; // ranges are checked by validateNodeConfig
}

const CLUSTER_KEYS: readonly (keyof ClusterTimings)[] = [
  'gossipIntervalMs',
  'phiConvictThreshold',
  'ringDelayMs',
  'loadRefreshIntervalMs',
  'shutdownAnnounceMs',
];

function readCluster(value: unknown, path: string): Partial<ClusterTimings> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`"cluster" in ${path} must be an object`);
  }
  for (const key of Object.keys(value)) {
    if (!(CLUSTER_KEYS as readonly string[]).includes(key)) {
      throw new UsageError(`unknown cluster setting "${key}" in ${path}; known: ${CLUSTER_KEYS.join(', ')}`);
    }
  }
  return value as Partial<ClusterTimings>; // ranges are checked by validateNodeConfig
}

/** A value from the config file: JSON types must match (numbers are numbers). */
function fromJson(spec: SettingSpec, value: unknown, origin: string, baseDir: string): unknown {
  switch (spec.kind) {
    case 'integer':
      if (typeof value !== 'number') throw new UsageError(`${origin} must be a number, got ${JSON.stringify(value)}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean')
        throw new UsageError(`${origin} must be true or false, got ${JSON.stringify(value)}`);
      return value;
    case 'list':
      if (typeof value === 'string') return splitList(value);
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
        throw new UsageError(`${origin} must be a list of strings, got ${JSON.stringify(value)}`);
      }
      return value;
    default:
      if (typeof value !== 'string') throw new UsageError(`${origin} must be a string, got ${JSON.stringify(value)}`);
      return fromText(spec, value, origin, baseDir);
  }
}

/** A value written as text (a flag or a variable). */
function fromText(spec: SettingSpec, text: string, origin: string, baseDir: string): unknown {
  switch (spec.kind) {
    case 'path':
      return resolve(baseDir, text);
    case 'integer':
      if (!/^\s*\d{1,9}\s*$/.test(text)) throw new UsageError(`${origin} must be a whole number, got "${text}"`);
      return Number(text);
    case 'list':
      return splitList(text);
    case 'boolean':
      if (text !== 'true' && text !== 'false') throw new UsageError(`${origin} must be true or false, got "${text}"`);
      return text === 'true';
    case 'logLevel':
      if (!(LOG_LEVELS as readonly string[]).includes(text)) {
        throw new UsageError(`${origin} must be one of ${LOG_LEVELS.join(', ')}, got "${text}"`);
      }
      return text as LogLevel;
    case 'logFormat':
      if (text !== 'json' && text !== 'pretty') throw new UsageError(`${origin} must be json or pretty, got "${text}"`);
      return text as LogFormat;
    case 'text':
      return text;
  }
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}
