/**
 * The node's host id: a random (version 4) UUID made on first start and kept
 * in `<dataDir>/host-id`, so a node keeps its identity across restarts, as a
 * Cassandra node keeps its host ID. Read only while the data directory is
 * locked (after the storage engine opened), so two nodes cannot race for it.
 */
import { CorruptionError, type FileSystem, joinPath, type Random } from '@ringtail/codec';
import { HOST_ID_FILE } from './constants.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function loadOrCreateHostId(fs: FileSystem, dataDir: string, random: Random): Promise<string> {
  const path = joinPath(dataDir, HOST_ID_FILE);
  if ((await fs.stat(path)) !== undefined) {
    const text = new TextDecoder().decode(await fs.readFile(path)).trim();
    if (!UUID_PATTERN.test(text)) throw new CorruptionError(path, 0, 'host id file does not hold a UUID');
    return text;
  }
  const hostId = randomUuid(random);
  // Written whole, then renamed: a crash leaves no file or the whole id.
  const temporary = `${path}.tmp`;
  const file = await fs.open(temporary, 'w+');
  try {
    await file.write(new TextEncoder().encode(`${hostId}\n`), 0);
    await file.sync();
  } finally {
    await file.close();
  }
  await fs.rename(temporary, path);
  await fs.syncDir(dataDir);
  return hostId;
}

/** A random (version 4) UUID from `random`. */
export function randomUuid(random: Random): string {
  const bytes = random.bytes(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
