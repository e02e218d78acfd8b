/**
 * `ringtail start`: runs one node in the foreground until SIGTERM or SIGINT,
 * then drains it and exits 0. A second signal while draining exits at once.
 * Failures to start (port in use, data directory locked or unusable, bad
 * settings) are one clear line on stderr and a non-zero exit code.
 */
import { readFileSync } from 'node:fs';
import { createLogger, Node } from '@ringtail/node';
import { resolveStartConfig } from './config.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';

export interface StartIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Where plain-text errors go (stderr). Logs go to stdout. */
  writeError(line: string): void;
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Runs a node until a stop signal; resolves with the process exit code. */
export async function runStart(flags: Readonly<Record<string, string | undefined>>, io: StartIo): Promise<number> {
  let resolved: ReturnType<typeof resolveStartConfig>;
  try {
    resolved = resolveStartConfig({ flags, env: io.env, cwd: io.cwd, readFile: (path) => readFileSync(path, 'utf8') });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.writeError(`ringtail start: ${error.message}`);
    return EXIT_USAGE;
  }
  const { settings, configFile, origins } = resolved;
  const logger = createLogger({ level: settings.logLevel, ...(settings.logFormat && { format: settings.logFormat }) });
  const log = logger.child({ component: 'cli' });
  const { logLevel: _level, logFormat: _format, clusterSecret, ...nodeSettings } = settings;
  log.info({ configFile, ...nodeSettings, clusterSecret: clusterSecret && '(set)' }, 'starting node');
  log.debug({ origins }, 'where each setting came from');

  let stopRequested: (signal: NodeJS.Signals) => void = () => {};
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    stopRequested = resolve;
  });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      log.warn({ signal }, 'second signal: exiting without finishing the drain');
      process.exit(EXIT_FAILURE);
    }
    signalled = true;
    log.info({ signal }, 'signal received: draining');
    stopRequested(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    let node: Node;
    try {
      node = await Node.start(settings, undefined, { logger });
    } catch (error) {
      log.error({ err: error }, 'node failed to start');
      io.writeError(`ringtail start: ${(error as Error).message}`);
      return EXIT_FAILURE;
    }
    await stopSignal; // a signal during start is acted on as soon as the node is up
    try {
      await node.stop();
    } catch (error) {
      log.error({ err: error }, 'node failed to stop cleanly');
      io.writeError(`ringtail start: stopping failed: ${(error as Error).message}`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  }
}
