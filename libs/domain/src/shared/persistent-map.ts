// A persistent hash map (a hash array mapped trie): set() and delete() return a new map that
// shares every untouched node with the old one. evolve() must never mutate a state someone
// else still holds, and copying a whole Map per event made folding a company of n users cost
// O(n²); here an event costs O(log32 n), whatever the size of the company.
//
// Iteration follows the keys' hashes, not insertion order: callers that need an order sort.

import { type Key, type Leaf, type Node, hashOf, insert, remove, lookup, bulk, leavesOf } from './hash-trie';

export class PersistentMap<K extends Key, V> implements ReadonlyMap<K, V> {
  private static readonly EMPTY = new PersistentMap<never, never>(undefined, 0);

  private constructor(
    private readonly root: Node<K, V> | undefined,
    readonly size: number,
  ) {}

  static empty<K extends Key, V>(): PersistentMap<K, V> {
    return PersistentMap.EMPTY as unknown as PersistentMap<K, V>;
  }

  /** Built in one pass (no node is copied on the way), in the shape set() would give. */
  static from<K extends Key, V>(entries: Iterable<readonly [K, V]>): PersistentMap<K, V> {
    const leaves: Leaf<K, V>[] = [];
    for (const [key, value] of entries) leaves.push({ kind: 'leaf', hash: hashOf(key), key, value });
    if (leaves.length === 0) return PersistentMap.empty();
    const built = bulk(leaves, 0);
    return new PersistentMap(built.node, built.size);
  }

  get(key: K): V | undefined {
    return lookup(this.root, hashOf(key), key)?.value;
  }

  has(key: K): boolean {
    return lookup(this.root, hashOf(key), key) !== undefined;
  }

  set(key: K, value: V): PersistentMap<K, V> {
    const hash = hashOf(key);
    const existing = lookup(this.root, hash, key);
    if (existing !== undefined && Object.is(existing.value, value)) return this;
    const root = insert(this.root, 0, { kind: 'leaf', hash, key, value });
    return new PersistentMap(root, existing === undefined ? this.size + 1 : this.size);
  }

  delete(key: K): PersistentMap<K, V> {
    if (this.root === undefined) return this;
    const root = remove(this.root, 0, hashOf(key), key);
    return root === this.root ? this : new PersistentMap(root, this.size - 1);
  }

  /** The value at `key` replaced by what `change` makes of it (undefined when absent). */
  update(key: K, change: (value: V | undefined) => V): PersistentMap<K, V> {
    return this.set(key, change(this.get(key)));
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const leaf of leavesOf(this.root)) callback.call(thisArg, leaf.value, leaf.key, this);
  }

  *entries(): MapIterator<[K, V]> {
    for (const leaf of leavesOf(this.root)) yield [leaf.key, leaf.value];
  }

  *keys(): MapIterator<K> {
    for (const leaf of leavesOf(this.root)) yield leaf.key;
  }

  *values(): MapIterator<V> {
    for (const leaf of leavesOf(this.root)) yield leaf.value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'PersistentMap';
  }
}

/** A persistent set over the same trie. */
export class PersistentSet<K extends Key> implements ReadonlySet<K> {
  private static readonly EMPTY = new PersistentSet<never>(PersistentMap.empty());

  private constructor(private readonly members: PersistentMap<K, true>) {}

  static empty<K extends Key>(): PersistentSet<K> {
    return PersistentSet.EMPTY as unknown as PersistentSet<K>;
  }

  static from<K extends Key>(values: Iterable<K>): PersistentSet<K> {
    let set = PersistentSet.empty<K>();
    for (const value of values) set = set.add(value);
    return set;
  }

  get size(): number {
    return this.members.size;
  }

  has(value: K): boolean {
    return this.members.has(value);
  }

  add(value: K): PersistentSet<K> {
    const members = this.members.set(value, true);
    return members === this.members ? this : new PersistentSet(members);
  }

  delete(value: K): PersistentSet<K> {
    const members = this.members.delete(value);
    return members === this.members ? this : new PersistentSet(members);
  }

  forEach(callback: (value: K, value2: K, set: ReadonlySet<K>) => void, thisArg?: unknown): void {
    for (const key of this.members.keys()) callback.call(thisArg, key, key, this);
  }

  *entries(): SetIterator<[K, K]> {
    for (const key of this.members.keys()) yield [key, key];
  }

  keys(): SetIterator<K> {
    return this.members.keys();
  }

  values(): SetIterator<K> {
    return this.members.keys();
  }

  [Symbol.iterator](): SetIterator<K> {
    return this.members.keys();
  }

  get [Symbol.toStringTag](): string {
    return 'PersistentSet';
  }
}
