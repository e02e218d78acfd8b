import { type Clock, ManualClock, systemClock } from './clock.js';
import type { FileSystem } from './fs.js';
import { type Random, seededRandom, systemRandom } from './random.js';
import { ManualTimers, systemTimers, type Timers } from './timers.js';

/**
 * Everything that differs between a test and production, passed down from the
 * top. No package reads the wall clock, calls Math.random, starts a timer or
 * touches the disk except through a Runtime it was given.
 */
export interface Runtime {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly fs: FileSystem;
}

export function systemRuntime(fs: FileSystem): Runtime {
  return { clock: systemClock(), timers: systemTimers(), random: systemRandom(), fs };
}

export interface SimulatedRuntime extends Runtime {
  readonly clock: ManualClock;
  readonly timers: ManualTimers;
}

/** A runtime whose clock and timers move only when advanced, and whose randomness follows `seed`. */
export function simulatedRuntime(seed: number, fs: FileSystem): SimulatedRuntime {
  const clock = new ManualClock();
  return { clock, timers: new ManualTimers(clock), random: seededRandom(seed), fs };
}
