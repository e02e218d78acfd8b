/**
 * The options and action of `ringtail start` (flags from START_SETTINGS).
 * main.ts adds them only when `start` is the command run: this module
 * loads the node.
 */
import type { Command } from 'commander';
import { CONFIG_ENV, CONFIG_FLAG, DEFAULT_START_SETTINGS, START_SETTINGS } from './settings.js';
import { runStart, type StartIo } from './start.js';

export function configureStartCommand(start: Command, io: StartIo, setExitCode: (code: number) => void): void {
  start.option(`${CONFIG_FLAG} <file>`, `JSON config file (also ${CONFIG_ENV})`);
  for (const spec of START_SETTINGS) {
    const fallback = DEFAULT_START_SETTINGS[spec.key];
    const shown = Array.isArray(fallback) ? fallback.join(',') : fallback;
    const defaults = shown === undefined || shown === '' ? '' : `; default ${shown}`;
    start.option(`${spec.flag} ${spec.valueName}`, `${spec.description} (also ${spec.env}${defaults})`);
  }
  start.addHelpText(
    'after',
    '\nPrecedence: flags > RINGTAIL_* variables > config file > defaults. See docs/operations.md.',
  );
  start.action(async (flags: Record<string, string | undefined>) => {
    setExitCode(await runStart(flags, io));
  });
}
