import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { historyFilePath, loadHistory, saveHistory } from '../src/shell/history.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function temp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ringtail-history-'));
  dirs.push(dir);
  return dir;
}

describe('history file', () => {
  it('is ~/.ringtail_history unless RINGTAIL_HISTORY_FILE names another', () => {
    expect(historyFilePath({}, '/home/ada')).toBe('/home/ada/.ringtail_history');
    expect(historyFilePath({ RINGTAIL_HISTORY_FILE: '' }, '/home/ada')).toBe('/home/ada/.ringtail_history');
    expect(historyFilePath({ RINGTAIL_HISTORY_FILE: '/tmp/h' }, '/home/ada')).toBe('/tmp/h');
  });

  it('keeps the newest entries, oldest first in the file and newest first for readline', async () => {
    const file = join(await temp(), 'h');
    expect(saveHistory(file, ['c', 'b', 'a'], 2)).toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe('b\nc\n');
    await writeFile(file, 'one\r\n\n  \ntwo\nthree\n');
    expect(loadHistory(file, 2)).toEqual(['three', 'two']);
    expect(loadHistory(file)).toEqual(['three', 'two', 'one']);
  });

  it('costs only the history when the file cannot be used', async () => {
    const dir = await temp();
    expect(loadHistory(join(dir, 'missing'))).toEqual([]);
    expect(saveHistory(join(dir, 'no', 'such', 'dir'), ['x'])).toMatch(/^cannot write history file .* \(ENOENT\)$/);
  });
});
