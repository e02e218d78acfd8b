/**
 * The interactive shell's history file: one line typed per line, oldest
 * first, at most MAX_HISTORY_ENTRIES, readable by its owner only (typed
 * statements may hold secrets). `~/.ringtail_history` unless
 * RINGTAIL_HISTORY_FILE names another (`/dev/null` keeps none). A history
 * file that cannot be read or written costs the history, never the session.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HISTORY_FILE_NAME, HISTORY_FILE_ENV, MAX_HISTORY_ENTRIES } from './constants.js';

export function historyFilePath(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  const configured = env[HISTORY_FILE_ENV];
  return configured !== undefined && configured.trim() !== '' ? configured : join(homeDir, DEFAULT_HISTORY_FILE_NAME);
}

/** Newest first, as node:readline wants it; [] when the file is missing or unreadable. */
export function loadHistory(path: string, maxEntries = MAX_HISTORY_ENTRIES): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '')
    .slice(-maxEntries)
    .reverse();
}

/** Writes `newestFirst` (readline's order) oldest first; returns the error message if it could not. */
export function saveHistory(
  path: string,
  newestFirst: readonly string[],
  maxEntries = MAX_HISTORY_ENTRIES,
): string | undefined {
  const lines = newestFirst
    .slice(0, maxEntries)
    .filter((line) => !line.includes('\n'))
    .reverse();
  try {
    writeFileSync(path, lines.length === 0 ? '' : `${lines.join('\n')}\n`, { mode: 0o600 });
    return undefined;
  } catch (error) {
    return `cannot write history file ${path} (${String((error as { code?: unknown }).code ?? (error as Error).message)})`;
  }
}
