// The hash array mapped trie under PersistentMap and PersistentSet: immutable nodes, so an
// update copies only the nodes on the path from the root to one leaf.

export type Key = string | number;

export type Leaf<K, V> = Readonly<{ kind: 'leaf'; hash: number; key: K; value: V }>;
type Collision<K, V> = Readonly<{ kind: 'collision'; hash: number; leaves: readonly Leaf<K, V>[] }>;
type Branch<K, V> = Readonly<{ kind: 'branch'; bitmap: number; children: readonly Node<K, V>[] }>;
export type Node<K, V> = Leaf<K, V> | Collision<K, V> | Branch<K, V>;

const BITS = 5;
const MASK = (1 << BITS) - 1;

export function hashOf(key: Key): number {
  const text = typeof key === 'number' ? `#${key}` : key;
  // FNV-1a over UTF-16 code units, then a final avalanche so that uuids' shared prefixes spread.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}

function bitCount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

const fragment = (hash: number, shift: number): number => (hash >>> shift) & MASK;

function branchOf<K, V>(bitmap: number, children: readonly Node<K, V>[]): Branch<K, V> {
  return { kind: 'branch', bitmap, children };
}

/** Two nodes whose hashes differ, placed under the branches their hash fragments need. */
function join<K, V>(a: Leaf<K, V> | Collision<K, V>, b: Leaf<K, V>, shift: number): Node<K, V> {
  const fa = fragment(a.hash, shift);
  const fb = fragment(b.hash, shift);
  if (fa === fb) return branchOf(1 << fa, [join(a, b, shift + BITS)]);
  return branchOf((1 << fa) | (1 << fb), fa < fb ? [a, b] : [b, a]);
}

function replaced<T>(items: readonly T[], index: number, item: T): T[] {
  const copy = items.slice();
  copy[index] = item;
  return copy;
}

export function insert<K, V>(node: Node<K, V> | undefined, shift: number, leaf: Leaf<K, V>): Node<K, V> {
  if (node === undefined) return leaf;
  if (node.kind === 'leaf') {
    if (node.key === leaf.key) return Object.is(node.value, leaf.value) ? node : leaf;
    if (node.hash === leaf.hash) return { kind: 'collision', hash: leaf.hash, leaves: [node, leaf] };
    return join(node, leaf, shift);
  }
  if (node.kind === 'collision') {
    if (node.hash !== leaf.hash) return join(node, leaf, shift);
    const index = node.leaves.findIndex((l) => l.key === leaf.key);
    const leaves = index < 0 ? [...node.leaves, leaf] : replaced(node.leaves, index, leaf);
    return { kind: 'collision', hash: node.hash, leaves };
  }
  const bit = 1 << fragment(leaf.hash, shift);
  const index = bitCount(node.bitmap & (bit - 1));
  if ((node.bitmap & bit) === 0) {
    const children = node.children.slice();
    children.splice(index, 0, leaf);
    return branchOf(node.bitmap | bit, children);
  }
  const child = node.children[index]!;
  const next = insert(child, shift + BITS, leaf);
  return next === child ? node : branchOf(node.bitmap, replaced(node.children, index, next));
}

export function remove<K, V>(node: Node<K, V>, shift: number, hash: number, key: K): Node<K, V> | undefined {
  if (node.kind === 'leaf') return node.key === key ? undefined : node;
  if (node.kind === 'collision') {
    if (node.hash !== hash) return node;
    const leaves = node.leaves.filter((l) => l.key !== key);
    if (leaves.length === node.leaves.length) return node;
    return leaves.length === 1 ? leaves[0] : { kind: 'collision', hash, leaves };
  }
  const bit = 1 << fragment(hash, shift);
  if ((node.bitmap & bit) === 0) return node;
  const index = bitCount(node.bitmap & (bit - 1));
  const child = node.children[index]!;
  const next = remove(child, shift + BITS, hash, key);
  if (next === child) return node;
  if (next === undefined) {
    const bitmap = node.bitmap & ~bit;
    if (bitmap === 0) return undefined;
    const children = node.children.filter((_, i) => i !== index);
    // A lone leaf moves up, so the trie stays the same shape whatever order keys came and went.
    return children.length === 1 && children[0]!.kind !== 'branch' ? children[0] : branchOf(bitmap, children);
  }
  if (node.children.length === 1 && next.kind !== 'branch') return next;
  return branchOf(node.bitmap, replaced(node.children, index, next));
}

export function lookup<K, V>(root: Node<K, V> | undefined, hash: number, key: K): Leaf<K, V> | undefined {
  let node = root;
  for (let shift = 0; node !== undefined; shift += BITS) {
    if (node.kind === 'leaf') return node.key === key ? node : undefined;
    if (node.kind === 'collision') return node.hash === hash ? node.leaves.find((l) => l.key === key) : undefined;
    const bit = 1 << fragment(hash, shift);
    if ((node.bitmap & bit) === 0) return undefined;
    node = node.children[bitCount(node.bitmap & (bit - 1))];
  }
  return undefined;
}

/**
 * The subtrie of `leaves` at `shift`: what inserting them one by one would build. Leaves that
 * still share every bit of their hash (a repeated key, or a true collision) meet past the last
 * fragment; a repeated key's last value wins. A lone leaf or collision moves up to its slot.
 */
export function bulk<K, V>(leaves: Leaf<K, V>[], shift: number): { node: Node<K, V>; size: number } {
  if (leaves.length === 1) return { node: leaves[0]!, size: 1 };
  if (shift >= 32) {
    const latest = new Map<K, Leaf<K, V>>();
    for (const leaf of leaves) {
      latest.delete(leaf.key);
      latest.set(leaf.key, leaf);
    }
    const distinct = [...latest.values()];
    return { node: distinct.length === 1 ? distinct[0]! : { kind: 'collision', hash: distinct[0]!.hash, leaves: distinct }, size: distinct.length };
  }
  const buckets: Leaf<K, V>[][] = [];
  for (const leaf of leaves) (buckets[fragment(leaf.hash, shift)] ??= []).push(leaf);
  let bitmap = 0;
  let size = 0;
  const children: Node<K, V>[] = [];
  for (let index = 0; index < buckets.length; index++) {
    const bucket = buckets[index];
    if (bucket === undefined) continue;
    const child = bulk(bucket, shift + BITS);
    bitmap |= 1 << index;
    size += child.size;
    children.push(child.node);
  }
  if (children.length === 1 && children[0]!.kind !== 'branch') return { node: children[0]!, size };
  return { node: branchOf(bitmap, children), size };
}

export function* leavesOf<K, V>(node: Node<K, V> | undefined): Generator<Leaf<K, V>> {
  if (node === undefined) return;
  if (node.kind === 'leaf') yield node;
  else if (node.kind === 'collision') yield* node.leaves;
  else for (const child of node.children) yield* leavesOf(child);
}
