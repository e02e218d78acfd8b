/**
 * Logs: pino JSON lines on stdout (one object per line: `time`, `level`,
 * `component`, `msg`, fields; errors under `err`). When stdout is a terminal
 * the same records are printed as short human-readable lines instead.
 */
import { type Logger as PinoLogger, pino } from 'pino';

export type LogFormat = 'json' | 'pretty';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where log lines go; process.stdout by default. */
export interface LogStream {
  write(line: string): unknown;
  readonly isTTY?: boolean;
}

export interface LoggerOptions {
  /** Default `info`. */
  level?: LogLevel;
  /** Default: `pretty` on a terminal, else `json`. */
  format?: LogFormat;
  stream?: LogStream;
}

export function createLogger(options: LoggerOptions = {}): PinoLogger {
  const stream = options.stream ?? process.stdout;
  const format = options.format ?? (stream.isTTY === true ? 'pretty' : 'json');
  const pinoOptions = {
    level: options.level ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (format === 'pretty') return pino(pinoOptions, { write: (line: string) => stream.write(formatLogLine(line)) });
  // Synchronous writes to fd 1: nothing logged before an exit is lost.
  return pino(pinoOptions, stream === process.stdout ? pino.destination({ dest: 1, sync: true }) : stream);
}

/** A silent pino logger, for tests and embedders that log elsewhere. */
export function silentPinoLogger(): PinoLogger {
  return pino({ level: 'silent' });
}

/** `12:00:01.234 INFO  [http] listening http=http://127.0.0.1:9080`, then an error's stack, indented. */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const { time, level, msg, component, err, pid: _pid, hostname: _hostname, ...fields } = entry;
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const scope = typeof component === 'string' ? `[${component}] ` : '';
  let out = `${clock} ${String(level ?? '')
    .toUpperCase()
    .padEnd(5)} ${scope}${String(msg ?? '')}`;
  for (const [key, value] of Object.entries(fields)) {
    out += ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
  }
  if (err !== undefined) {
    const { message, stack } = err as { message?: unknown; stack?: unknown };
    out += `\n    ${String(stack ?? message ?? JSON.stringify(err)).replaceAll('\n', '\n    ')}`;
  }
  return `${out}\n`;
}
