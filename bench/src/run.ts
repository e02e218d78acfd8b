import { benches } from './registry.js';
import { formatRate, writeResult } from './result.js';

async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !benches.some((b) => b.name === n));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}`);
    console.error(`available: ${benches.map((b) => b.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const selected = names.length === 0 ? benches : benches.filter((b) => names.includes(b.name));
  await runAll(selected);
}

async function runAll(selected: typeof benches): Promise<void> {
  for (const bench of selected) {
    console.log(`\n== ${bench.name}: ${bench.description}`);
    const result = await bench.run();
    const file = writeResult(result);
    console.table([
      { what: `${result.name} (${result.metric})`, value: formatRate(result.value) },
      { what: `baseline: ${result.baseline.name}`, value: formatRate(result.baseline.value) },
    ]);
    console.log(`ratio ${result.ratio.toFixed(3)}  params ${JSON.stringify(result.params)}  -> ${file}`);
  }
}

await main();
