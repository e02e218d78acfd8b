import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { DEFAULT_NODE_CONFIG, type NodeConfig } from '../src/config.js';

/** Temp directories made by a test file; `removeTempDirs` in afterEach deletes them. */
const dirs: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ringtail-node-'));
  dirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** A config on 127.0.0.1 with ephemeral HTTP and internode ports. */
export function testConfig(dataDir: string, overrides: Partial<NodeConfig> = {}): NodeConfig {
  return { ...DEFAULT_NODE_CONFIG, dataDir, httpPort: 0, internodePort: 0, ...overrides };
}

/** A pino logger whose records land in `records`, parsed. */
export function capturingLogger(level = 'info'): { logger: pino.Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const logger = pino({ level }, { write: (line: string) => records.push(JSON.parse(line)) });
  return { logger, records };
}

/** Resolves after `ms`; for polling only. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
