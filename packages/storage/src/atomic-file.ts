/**
 * Small files replaced whole (DESIGN.md, "Files are written whole, then
 * renamed"): written under `<name>.tmp`, fsynced, renamed over `<name>`, and
 * the directory fsynced. A crash leaves the old file or the new one, plus
 * perhaps a temporary file that the reader removes.
 */
import { ErrorCodes, type FileSystem, isRingtailError, joinPath } from '@ringtail/codec';
import { TEMPORARY_SUFFIX } from './constants.js';

export async function writeFileAtomically(
  fs: FileSystem,
  directory: string,
  name: string,
  bytes: Uint8Array,
): Promise<void> {
  const path = joinPath(directory, name);
  const temporary = `${path}${TEMPORARY_SUFFIX}`;
  const handle = await fs.open(temporary, 'w+');
  try {
    await handle.write(bytes, 0);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, path);
  await fs.syncDir(directory);
}

/** Removes `path` if it exists; the caller fsyncs the directory when the removal must be durable. */
export async function unlinkIfPresent(fs: FileSystem, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (error) {
    if (!isRingtailError(error, ErrorCodes.NOT_FOUND)) throw error;
  }
}
