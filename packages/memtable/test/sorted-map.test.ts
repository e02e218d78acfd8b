import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedStringMap } from '../src/index.js';
import { keyPrefix } from '../src/key-order.js';

/**
 * Latin1 keys: a small alphabet so that keys collide and prefix each other,
 * and any latin1 string. Now and then a wider char, which keys should not
 * hold but which must not break the order either.
 */
const keyArb = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('', '\u0000', '\u00ff', '\u0000\u0000', '\u00ff\u00ff') },
  {
    weight: 4,
    arbitrary: fc.string({
      unit: fc.constantFrom('\u0000', '\u0001', 'a', '\u007f', '\u0080', '\u00ff'),
      maxLength: 8,
    }),
  },
  { weight: 4, arbitrary: fc.string({ unit: fc.nat(0xff).map((c) => String.fromCharCode(c)), maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', '\u00ff', '\u0100', '\uffff'), maxLength: 8 }) },
);

const rangeArb = fc.record({
  from: fc.option(keyArb, { nil: undefined }),
  to: fc.option(keyArb, { nil: undefined }),
  fromInclusive: fc.boolean(),
  toInclusive: fc.boolean(),
  reverse: fc.boolean(),
});
type Range = typeof rangeArb extends fc.Arbitrary<infer R> ? R : never;

const opArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), key: keyArb, value: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('getOrInsert' as const), key: keyArb, value: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('upsert' as const), key: keyArb, value: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('compute' as const), key: keyArb, value: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('get' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('range' as const), range: rangeArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('seek' as const),
      key: keyArb,
      reverse: fc.boolean(),
      inclusive: fc.boolean(),
    }),
  },
);

/** The merge used by upsert: not commutative, so a swapped argument shows. */
const mergeValues = (existing: number, incoming: number): number => existing * 3 + incoming;

/** The model: a Map, with its keys sorted on demand (`sort()` on latin1 strings is `<` order). */
function modelRange(model: Map<string, number>, r: Range): Array<[string, number]> {
  const keys = [...model.keys()].sort().filter((k) => {
    if (r.from !== undefined && (r.fromInclusive ? k < r.from : k <= r.from)) return false;
    if (r.to !== undefined && (r.toInclusive ? k > r.to : k >= r.to)) return false;
    return true;
  });
  if (r.reverse) keys.reverse();
  return keys.map((k) => [k, model.get(k)!]);
}

/** A small seeded PRNG so the large test is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function randomLatin1(next: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(next() & 0xff);
  return s;
}

describe('keyPrefix', () => {
  it('never orders two keys against their string order', () => {
    const anyKey = fc.oneof(keyArb, fc.string({ unit: 'binary', maxLength: 8 }));
    fc.assert(
      fc.property(anyKey, anyKey, (a, b) => {
        const [low, high] = a < b ? [a, b] : [b, a];
        expect(keyPrefix(low)).toBeLessThanOrEqual(keyPrefix(high));
      }),
      { numRuns: 2000 },
    );
    expect(keyPrefix('')).toBe(0);
    expect(keyPrefix('\u00ff'.repeat(9))).toBe(2 ** 48 - 1);
    expect(keyPrefix('ab\u0100')).toBe(keyPrefix('ab\uffff'));
  });
});

describe('SortedStringMap', () => {
  for (const nodeCapacity of [4, 7, 64]) {
    it(`behaves like a sorted Map (nodeCapacity ${nodeCapacity})`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
          const map = new SortedStringMap<number>({ nodeCapacity });
          const model = new Map<string, number>();
          for (const o of ops) {
            switch (o.op) {
              case 'set':
                map.set(o.key, o.value);
                model.set(o.key, o.value);
                break;
              case 'getOrInsert': {
                const expected = model.get(o.key) ?? o.value;
                model.set(o.key, expected);
                expect(map.getOrInsert(o.key, () => o.value)).toBe(expected);
                break;
              }
              case 'upsert': {
                const existing = model.get(o.key);
                const expected = existing === undefined ? o.value : mergeValues(existing, o.value);
                model.set(o.key, expected);
                expect(map.upsert(o.key, o.value, mergeValues)).toBe(expected);
                break;
              }
              case 'compute': {
                const existing = model.get(o.key);
                const expected = existing === undefined ? o.value : mergeValues(existing, o.value);
                model.set(o.key, expected);
                let seen: number | undefined = Number.NaN;
                const compute = (current: number | undefined): number => {
                  seen = current;
                  return current === undefined ? o.value : mergeValues(current, o.value);
                };
                expect(map.compute(o.key, compute)).toBe(expected);
                expect(seen).toBe(existing);
                break;
              }
              case 'delete':
                expect(map.delete(o.key)).toBe(model.delete(o.key));
                break;
              case 'get':
                expect(map.get(o.key)).toBe(model.get(o.key));
                expect(map.has(o.key)).toBe(model.has(o.key));
                break;
              case 'range': {
                const { from, to, ...options } = o.range;
                expect([...map.entries(from, to, options)]).toEqual(modelRange(model, o.range));
                break;
              }
              case 'seek': {
                const r: Range = o.reverse
                  ? { from: undefined, to: o.key, fromInclusive: true, toInclusive: o.inclusive, reverse: true }
                  : { from: o.key, to: undefined, fromInclusive: o.inclusive, toInclusive: false, reverse: false };
                const seek = { reverse: o.reverse, inclusive: o.inclusive };
                expect([...map.entriesFrom(o.key, seek)]).toEqual(modelRange(model, r));
                break;
              }
            }
            expect(map.size).toBe(model.size);
          }
          map.assertInvariants();
          const all = modelRange(model, { fromInclusive: true, toInclusive: true, reverse: false } as Range);
          expect([...map]).toEqual(all);
          const visited: Array<[string, number]> = [];
          map.forEach((value, key) => {
            visited.push([key, value]);
          });
          expect(visited).toEqual(all);
          expect(map.first()).toEqual(all[0]);
          expect(map.last()).toEqual(all.at(-1));
        }),
        { numRuns: 150 },
      );
    });
  }

  it('iterators stay ordered and complete while the map changes under them', () => {
    const stepArb = fc.record({
      take: fc.integer({ min: 0, max: 3 }),
      writes: fc.array(fc.record({ key: keyArb, remove: fc.boolean(), value: fc.integer() }), { maxLength: 4 }),
    });
    const initialArb = fc.array(fc.tuple(keyArb, fc.integer()), { maxLength: 150 });
    fc.assert(
      fc.property(initialArb, rangeArb, fc.array(stepArb, { maxLength: 40 }), (initial, range, steps) => {
        const map = new SortedStringMap<number>({ nodeCapacity: 4 });
        const model = new Map<string, number>();
        for (const [k, v] of initial) {
          map.set(k, v);
          model.set(k, v);
        }
        const mustSee = new Set(modelRange(model, range).map(([k]) => k));
        const { from, to, ...options } = range;
        const iterator = map.entries(from, to, options);
        const seen: string[] = [];
        let done = false;
        const pull = (): void => {
          const step = iterator.next();
          if (step.done) {
            done = true;
            return;
          }
          const [key, value] = step.value;
          expect(value).toBe(model.get(key));
          seen.push(key);
        };
        for (const step of steps) {
          for (let i = 0; i < step.take && !done; i++) pull();
          for (const w of step.writes) {
            if (w.remove) {
              map.delete(w.key);
              model.delete(w.key);
              mustSee.delete(w.key);
            } else {
              map.set(w.key, w.value);
              model.set(w.key, w.value);
            }
          }
        }
        while (!done) pull();
        map.assertInvariants();
        for (let i = 0; i < seen.length; i++) {
          const key = seen[i]!;
          if (i > 0) expect(range.reverse ? key < seen[i - 1]! : key > seen[i - 1]!).toBe(true);
          const cut = modelRange(new Map([[key, 0]]), range);
          expect(cut.length).toBe(1); // the key lies inside the bounds
          mustSee.delete(key);
        }
        // Every key in range that was there from the start and never deleted was yielded.
        expect([...mustSee]).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps order over 200k random 16-byte keys, then over ascending and descending runs', () => {
    const next = mulberry32(20240611);
    const map = new SortedStringMap<number>();
    const keys = new Set<string>();
    while (keys.size < 200_000) {
      const key = randomLatin1(next, 16);
      keys.add(key);
      map.set(key, keys.size);
    }
    expect(map.size).toBe(keys.size);
    map.assertInvariants();
    const sorted = [...keys].sort();
    let yielded = 0;
    let misplaced = 0;
    for (const [key] of map) if (key !== sorted[yielded++]) misplaced++;
    expect([yielded, misplaced]).toEqual([sorted.length, 0]);
    expect(sorted.filter((key) => map.get(key) === undefined)).toEqual([]);
    for (let j = 0; j < sorted.length; j += 2) map.delete(sorted[j]!);
    map.assertInvariants();
    expect(map.size).toBe(100_000);
    expect(map.first()?.[0]).toBe(sorted[1]);

    // In-order and reverse-order arrival: the edge splits must keep the tree valid.
    for (const descending of [false, true]) {
      const run = new SortedStringMap<number>({ nodeCapacity: 8 });
      for (let n = 0; n < 20_000; n++) {
        const k = descending ? 20_000 - n : n;
        run.set(String.fromCharCode(k >>> 8, k & 0xff), k);
      }
      run.assertInvariants();
      expect(run.size).toBe(20_000);
    }
  });

  it('rejects a callback that modifies the map, and a capacity it cannot use', () => {
    const map = new SortedStringMap<number>();
    map.set('a', 1);
    const insertAnother = (): number => {
      map.set('c', 3);
      return 2;
    };
    expect(() => map.getOrInsert('b', insertAnother)).toThrow(/modified the map/);
    const deleteAnother = (existing: number): number => {
      map.delete('c');
      return existing;
    };
    expect(() => map.upsert('a', 1, deleteAnother)).toThrow(/modified the map/);
    expect(() => map.compute('d', () => insertAnother())).toThrow(/modified the map/);
    expect(() =>
      map.forEach(() => {
        map.delete('c');
      }),
    ).toThrow(/modified the map/);
    expect(() => new SortedStringMap({ nodeCapacity: 2 })).toThrow(RangeError);
    expect(() => new SortedStringMap({ nodeCapacity: 64.5 })).toThrow(RangeError);
  });
});
