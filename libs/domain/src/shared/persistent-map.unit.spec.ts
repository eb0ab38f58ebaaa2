import fc from 'fast-check';
import { PersistentMap, PersistentSet } from './persistent-map';

type Op = { kind: 'set'; key: string | number; value: number } | { kind: 'delete'; key: string | number };

// Few distinct keys make overwrites, deletes of present keys and re-inserts frequent; numbers
// and strings side by side check that 1 and '1' stay different keys.
const keyArb = fc.oneof(fc.constantFrom('a', 'b', 'c', '', 'ü', '1'), fc.integer({ min: 0, max: 6 }), fc.string({ maxLength: 3 }));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: keyArb, value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key: keyArb }),
);

const sorted = (entries: Iterable<[string | number, number]>) =>
  [...entries].sort(([a], [b]) => (String(typeof a) + String(a) < String(typeof b) + String(b) ? -1 : 1));

describe('PersistentMap', () => {
  it('behaves as a Map for any sequence of sets and deletes, and never changes an older version', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const model = new Map<string | number, number>();
        let map = PersistentMap.empty<string | number, number>();
        const versions: [PersistentMap<string | number, number>, [string | number, number][]][] = [];
        for (const op of ops) {
          if (op.kind === 'set') {
            model.set(op.key, op.value);
            map = map.set(op.key, op.value);
          } else {
            model.delete(op.key);
            map = map.delete(op.key);
          }
          versions.push([map, sorted(model.entries())]);
          expect(map.size).toBe(model.size);
        }
        for (const [key, value] of model) expect(map.get(key)).toBe(value);
        for (const [version, entries] of versions) expect(sorted(version.entries())).toEqual(entries);
      }),
    );
  });

  it('has the same shape whatever order the keys came and went in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 60 }), fc.integer(), (keys, seed) => {
        const forwards = PersistentMap.from(keys.map((k) => [k, 1] as const));
        const shuffled = [...keys].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7));
        let backwards = PersistentMap.from([...shuffled, 'extra-key'].map((k) => [k, 1] as const));
        backwards = backwards.delete('extra-key');
        if (!keys.includes('extra-key')) expect([...backwards.keys()]).toEqual([...forwards.keys()]);
      }),
    );
  });

  it('holds many entries with O(log n) copies: setting one key in 100,000 leaves the old map intact', () => {
    const big = PersistentMap.from(Array.from({ length: 100_000 }, (_, i) => [`user-${i}`, i] as const));
    const changed = big.set('user-5', -5).delete('user-6');
    expect([big.get('user-5'), big.has('user-6'), big.size]).toEqual([5, true, 100_000]);
    expect([changed.get('user-5'), changed.has('user-6'), changed.size]).toEqual([-5, false, 99_999]);
    expect(big.set('user-7', 7)).toBe(big);
  });

  it('is a ReadonlyMap: forEach, keys, values and spread agree', () => {
    const map = PersistentMap.from<string, number>([['x', 1], ['y', 2]]);
    const seen: [string, number][] = [];
    map.forEach((value, key) => seen.push([key, value]));
    expect(sorted(seen)).toEqual([['x', 1], ['y', 2]]);
    expect([...map.keys()].sort()).toEqual(['x', 'y']);
    expect([...map.values()].sort()).toEqual([1, 2]);
    expect(sorted([...map])).toEqual([['x', 1], ['y', 2]]);
    expect(Object.prototype.toString.call(map)).toBe('[object PersistentMap]');
  });
});

describe('PersistentSet', () => {
  it('behaves as a Set and keeps older versions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), keyArb), { maxLength: 100 }), (ops) => {
        const model = new Set<string | number>();
        let set = PersistentSet.empty<string | number>();
        for (const [add, key] of ops) {
          const before = set;
          const hadBefore = before.has(key);
          if (add) {
            model.add(key);
            set = set.add(key);
          } else {
            model.delete(key);
            set = set.delete(key);
          }
          expect(before.has(key)).toBe(hadBefore);
          expect(set.size).toBe(model.size);
        }
        expect(new Set(set)).toEqual(model);
      }),
    );
  });
});

describe('PersistentMap.from', () => {
  it('builds in one pass exactly the map that inserting one by one builds (the last of a repeated key wins)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, fc.integer()), { maxLength: 300 }), (entries) => {
        let oneByOne = PersistentMap.empty<string | number, number>();
        for (const [key, value] of entries) oneByOne = oneByOne.set(key, value);
        const built = PersistentMap.from(entries);
        expect(built.size).toBe(oneByOne.size);
        expect([...built]).toEqual([...oneByOne]);
        expect(built).toEqual(oneByOne);
      }),
    );
  });
});
