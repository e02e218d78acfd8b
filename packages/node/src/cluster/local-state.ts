/**
 * What a node keeps about its place in the cluster, in small files of its
 * data directory (read and written only while the directory is locked):
 *
 * - `generation`: the gossip generation of the last start, in decimal. Each
 *   start uses seconds since the epoch, but strictly more than the last one,
 *   so that peers recognise a restart within the same second (or after the
 *   clock stepped back) as a restart.
 * - `tokens`: the node's tokens, one decimal token per line, ascending. They
 *   are chosen once, on the first start, and kept: a node's ranges never move
 *   while it is a member.
 *
 * Both are written whole, then renamed (DESIGN.md §2): a crash leaves the old
 * file or the new one, never a torn one.
 */
import { CorruptionError, type FileSystem, joinPath } from '@ringtail/codec';
import { GENERATION_FILE, MAX_NUM_TOKENS, TOKENS_FILE } from '../constants.js';

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const MAX_TOKEN = (1n << 64n) - 1n;

/** The generation for this start, persisted before it is returned. */
export async function nextGeneration(fs: FileSystem, dataDir: string, nowMicros: number): Promise<number> {
  const path = joinPath(dataDir, GENERATION_FILE);
  const text = await readText(fs, path);
  let last = 0;
  if (text !== undefined) {
    last = DECIMAL.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(last)) throw new CorruptionError(path, 0, 'generation file does not hold a generation');
  }
  const generation = Math.max(Math.floor(nowMicros / 1_000_000), last + 1);
  await writeWhole(fs, dataDir, GENERATION_FILE, `${generation}\n`);
  return generation;
}

/** The persisted tokens, ascending; undefined before the first start chose them. */
export async function loadTokens(fs: FileSystem, dataDir: string): Promise<bigint[] | undefined> {
  const path = joinPath(dataDir, TOKENS_FILE);
  const text = await readText(fs, path);
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  const tokens: bigint[] = [];
  for (const line of lines) {
    const token = DECIMAL.test(line) ? BigInt(line) : -1n;
    if (token < 0n || token > MAX_TOKEN || (tokens.length > 0 && token <= tokens[tokens.length - 1]!)) {
      throw new CorruptionError(path, 0, 'tokens file does not hold ascending distinct tokens in [0, 2^64)');
    }
    tokens.push(token);
  }
  if (tokens.length > MAX_NUM_TOKENS) throw new CorruptionError(path, 0, `more than ${MAX_NUM_TOKENS} tokens`);
  return tokens;
}

export async function saveTokens(fs: FileSystem, dataDir: string, tokens: readonly bigint[]): Promise<void> {
  const sorted = [...tokens].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  await writeWhole(fs, dataDir, TOKENS_FILE, `${sorted.join('\n')}\n`);
}

/** The file's text without surrounding whitespace, or undefined if it does not exist. */
async function readText(fs: FileSystem, path: string): Promise<string | undefined> {
  if ((await fs.stat(path)) === undefined) return undefined;
  return new TextDecoder().decode(await fs.readFile(path)).trim();
}

async function writeWhole(fs: FileSystem, dir: string, name: string, text: string): Promise<void> {
  const path = joinPath(dir, name);
  const temporary = `${path}.tmp`;
  const file = await fs.open(temporary, 'w+');
  try {
    await file.write(new TextEncoder().encode(text), 0);
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.rename(temporary, path);
  await fs.syncDir(dir);
}
