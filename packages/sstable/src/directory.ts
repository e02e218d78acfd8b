/**
 * The SSTables of a table directory. An SSTable exists iff its TOC does
 * (docs/formats/sstable.md, "Appearing and disappearing atomically").
 */
import { ErrorCodes, type FileSystem, isRingtailError, joinPath } from '@ringtail/codec';
import { BINARY_COMPONENTS, isTempFileName, parseSSTableFileName, sstableFileName } from './format.js';

/** Generations of the SSTables in `directory` (those with a TOC), ascending. */
export async function listSSTables(fs: FileSystem, directory: string): Promise<number[]> {
  const generations: number[] = [];
  for (const name of await fs.readdir(directory)) {
    const parsed = parseSSTableFileName(name);
    if (parsed?.component === 'TOC') generations.push(parsed.generation);
  }
  return generations.sort((a, b) => a - b);
}

/**
 * Deletes what a crash or a failed write left behind: temporary files
 * (`tmp-rt-…`) and components of generations without a TOC. Call at
 * start-up, before creating writers. Returns the names removed, sorted.
 * Files that are not SSTable files are left alone.
 */
export async function cleanupIncomplete(fs: FileSystem, directory: string): Promise<string[]> {
  const names = await fs.readdir(directory);
  const complete = new Set<number>();
  for (const name of names) {
    const parsed = parseSSTableFileName(name);
    if (parsed?.component === 'TOC') complete.add(parsed.generation);
  }
  const removed: string[] = [];
  for (const name of names) {
    const parsed = parseSSTableFileName(name);
    const orphan = parsed !== undefined && !complete.has(parsed.generation);
    if (!orphan && !isTempFileName(name)) continue;
    await unlinkIfPresent(fs, joinPath(directory, name));
    removed.push(name);
  }
  if (removed.length > 0) await fs.syncDir(directory);
  return removed;
}

/**
 * Deletes SSTable `generation`: the TOC first, durably, so that a crash
 * part-way leaves either the whole SSTable or files cleanupIncomplete()
 * removes — never an SSTable missing a component.
 */
export async function deleteSSTable(fs: FileSystem, directory: string, generation: number): Promise<void> {
  await unlinkIfPresent(fs, joinPath(directory, sstableFileName(generation, 'TOC')));
  await fs.syncDir(directory);
  for (const component of BINARY_COMPONENTS) {
    await unlinkIfPresent(fs, joinPath(directory, sstableFileName(generation, component)));
  }
  await fs.syncDir(directory);
}

async function unlinkIfPresent(fs: FileSystem, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (error) {
    if (!isRingtailError(error, ErrorCodes.NOT_FOUND)) throw error;
  }
}
