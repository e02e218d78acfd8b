/**
 * Reads a V8 `.cpuprofile` (`node --cpu-prof`) and prints where the time went:
 * the functions with the most self time, the same summed per package (a
 * workspace package, a dependency in node_modules, or Node's own code), and
 * the functions with the most total time (self plus callees, each sample
 * counted once per function however deep the recursion).
 *
 *   node bench/dist/cpuprofile-top.js PROFILE.cpuprofile [TOP]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `packages/node/dist/http/server.js` → `node`, `node_modules/fastify/lib/x.js` → `fastify`, `node:internal/…` → `(node)`. */
function packageOf(url: string): string {
  if (url === '') return '(native)';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency !== null) return dependency[1]!;
  if (url.includes('/bench/')) return 'bench';
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace !== null) return `@ringtail/${workspace[1]}`;
  if (url.startsWith('node:')) return '(node)';
  return url;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(packages|node_modules)\//, '').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'} ${file}${url === '' ? '' : `:${lineNumber + 1}`}`;
}

function top(entries: Map<string, number>, total: number, count: number): string[] {
  return [...entries]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([name, micros]) =>
        `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    );
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: node bench/dist/cpuprofile-top.js PROFILE.cpuprofile [TOP]');
    process.exitCode = 2;
    return;
  }
  const count = Number(topArg ?? 30);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);

  // Time per node: each sample gets the delta to the next one.
  const selfMicros = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    selfMicros.set(profile.samples[i]!, (selfMicros.get(profile.samples[i]!) ?? 0) + delta);
    total += delta;
  }

  const self = new Map<string, number>();
  const packages = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id)!;
    const name = label(node);
    self.set(name, (self.get(name) ?? 0) + micros);
    const pkg = packageOf(node.callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
    const counted = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const ancestor = label(byId.get(at)!);
      if (counted.has(ancestor)) continue;
      counted.add(ancestor);
      inclusive.set(ancestor, (inclusive.get(ancestor) ?? 0) + micros);
    }
  }

  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n\nself time, by function:`);
  for (const line of top(self, total, count)) console.log(line);
  console.log('\nself time, by package:');
  for (const line of top(packages, total, 20)) console.log(line);
  console.log('\ntotal time (self + callees), by function:');
  for (const line of top(inclusive, total, count)) console.log(line);
}

main();
