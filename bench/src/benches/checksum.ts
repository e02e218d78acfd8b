/**
 * xxhash32 as the commit log calls it (small inputs hashed in JavaScript)
 * against xxhash-wasm's h32Raw on the same bytes, in the same run, at the
 * sizes that decide where the JavaScript path stops paying off.
 */
import { initChecksums, seededRandom, xxhash32 } from '@ringtail/codec';
import { Bench as TinyBench } from 'tinybench';
import xxhash from 'xxhash-wasm';
import { type Bench, makeResult } from '../result.js';

const SIZES = [4, 16, 116, 256, 511, 1024, 4096];

export const checksumBench: Bench = {
  name: 'checksum',
  description: 'xxhash32 hashes/s of a 116-byte record vs xxhash-wasm h32Raw, sizes 4 B to 4 KiB',
  async run() {
    await initChecksums();
    const wasm = await xxhash();
    const random = seededRandom(32);
    const perSize: Record<string, { ringtail: number; wasm: number }> = {};
    for (const size of SIZES) {
      const inputs = Array.from({ length: 64 }, () => random.bytes(size));
      for (const input of inputs) {
        if (xxhash32(input, 7) !== wasm.h32Raw(input, 7) >>> 0) throw new Error(`hash differs at ${size} bytes`);
      }
      let i = 0;
      let sink = 0;
      const bench = new TinyBench({ time: 300 });
      bench.add('ringtail', () => {
        sink ^= xxhash32(inputs[i++ & 63]!, 7);
      });
      bench.add('wasm', () => {
        sink ^= wasm.h32Raw(inputs[i++ & 63]!, 7);
      });
      await bench.run();
      const hz = (name: string) => {
        const result = bench.getTask(name)?.result;
        return result !== undefined && 'throughput' in result ? result.throughput.mean : 0;
      };
      perSize[String(size)] = { ringtail: hz('ringtail'), wasm: hz('wasm') };
      if (sink === 0.5) console.log(sink); // keeps the loop from being optimised away
    }
    const at116 = perSize['116']!;
    return makeResult({
      name: 'checksum',
      metric: 'hashes/s (116 B)',
      value: at116.ringtail,
      baseline: { name: 'xxhash-wasm h32Raw (116 B)', value: at116.wasm },
      params: { sizes: SIZES },
      details: { hashesPerSecond: perSize },
    });
  },
};
