/** The SSTable writer's options, validated and defaulted. */
import { ErrorCodes, RingtailError } from '@ringtail/codec';
import {
  DEFAULT_BLOCK_SIZE_BYTES,
  DEFAULT_BLOOM_FP_CHANCE,
  DEFAULT_SUMMARY_INTERVAL,
  MAX_BLOCK_SIZE_BYTES,
  MAX_BLOOM_FP_CHANCE,
  MAX_SUMMARY_INTERVAL,
  MIN_BLOCK_SIZE_BYTES,
  MIN_BLOOM_FP_CHANCE,
} from './constants.js';

export interface SSTableWriterOptions {
  /** Chance that the filter lets through a key the SSTable does not hold. Default 0.01. */
  bloomFpChance?: number;
  /** Target (and maximum) payload of a Data block. Default 8 KiB. */
  blockSizeBytes?: number;
  /** Partitions per Index block, and so per Summary entry. Default 128. */
  summaryInterval?: number;
  /** How many partitions to expect: presizes the buffer of key hashes. Default 0. */
  expectedPartitions?: number;
}

export type ResolvedWriterOptions = Required<SSTableWriterOptions>;

function check(name: string, value: number, min: number, max: number, integer: boolean): number {
  if (!(value >= min && value <= max) || (integer && !Number.isInteger(value))) {
    throw new RingtailError(
      ErrorCodes.INVALID_ARGUMENT,
      `${name} must be ${integer ? 'an integer ' : ''}in [${min}, ${max}], got ${value}`,
    );
  }
  return value;
}

export function resolveWriterOptions(options: SSTableWriterOptions): ResolvedWriterOptions {
  const {
    bloomFpChance = DEFAULT_BLOOM_FP_CHANCE,
    blockSizeBytes = DEFAULT_BLOCK_SIZE_BYTES,
    summaryInterval = DEFAULT_SUMMARY_INTERVAL,
    expectedPartitions = 0,
  } = options;
  return {
    bloomFpChance: check('bloomFpChance', bloomFpChance, MIN_BLOOM_FP_CHANCE, MAX_BLOOM_FP_CHANCE, false),
    blockSizeBytes: check('blockSizeBytes', blockSizeBytes, MIN_BLOCK_SIZE_BYTES, MAX_BLOCK_SIZE_BYTES, true),
    summaryInterval: check('summaryInterval', summaryInterval, 1, MAX_SUMMARY_INTERVAL, true),
    expectedPartitions: check('expectedPartitions', expectedPartitions, 0, Number.MAX_SAFE_INTEGER, true),
  };
}
