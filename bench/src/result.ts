import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What every benchmark reports (DESIGN.md §3.4). `ratio` is value / baseline,
 * both measured in the same run, so it means the same on a noisy machine.
 */
export interface BenchResult {
  name: string;
  metric: string;
  value: number;
  baseline: { name: string; value: number };
  ratio: number;
  params: Record<string, unknown>;
  /** Further figures worth keeping (per-mode numbers, percentiles, ...). */
  details?: Record<string, unknown>;
}

export interface Bench {
  name: string;
  /** One line: what is measured, against what. */
  description: string;
  run(): Promise<BenchResult>;
}

export function makeResult(fields: Omit<BenchResult, 'ratio'> & { ratio?: number }): BenchResult {
  return { ...fields, ratio: fields.ratio ?? fields.value / fields.baseline.value };
}

export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function writeResult(result: BenchResult): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** Formats a rate like 1234567 as "1.23M". */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(1);
}
