import { PersistentMap, PersistentSet } from '#domain';

// Aggregate state as JSON text, for snapshots. States are plain data plus bigints, persistent
// maps and sets; each of those becomes an object tagged by a "$" key. A plain object that has a
// "$" key of its own (a connector's config is whatever the client sent) is wrapped as well, so
// no data can ever be read back as a tag.
type Tagged =
  | { $: 'bigint'; v: string }
  /** Keys and values alternate in one array: no array per entry to parse and collect. */
  | { $: 'map'; v: unknown[] }
  | { $: 'set'; v: unknown[] }
  | { $: 'object'; v: Record<string, unknown> };

function encode(value: unknown): unknown {
  if (typeof value === 'bigint') return { $: 'bigint', v: value.toString() } satisfies Tagged;
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol') throw new Error(`a state cannot hold a ${typeof value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value instanceof PersistentMap) {
    const flat: unknown[] = [];
    for (const [k, v] of value) flat.push(k, encode(v));
    return { $: 'map', v: flat } satisfies Tagged;
  }
  if (value instanceof PersistentSet) return { $: 'set', v: [...value] } satisfies Tagged;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
    // Maps, Dates and class instances would come back as something else: refuse loudly.
    throw new Error(`a state cannot hold a ${value.constructor?.name ?? 'non-plain object'}`);
  }
  const plain: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) plain[key] = encode(item);
  return '$' in plain ? ({ $: 'object', v: plain } satisfies Tagged) : plain;
}

function* pairs(flat: unknown[]): Generator<readonly [string | number, unknown]> {
  for (let i = 0; i < flat.length; i += 2) yield [flat[i] as string | number, decode(flat[i + 1])];
}

/** Replaces tagged values in place: the parsed plain objects are kept, not copied (a large state
 *  holds tens of thousands of them, and copying each doubled the garbage of a cold start). */
function decode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decode(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  if (!('$' in record)) {
    for (const key in record) record[key] = decode(record[key]);
    return record;
  }
  const tagged = record as Tagged;
  switch (tagged.$) {
    case 'bigint':
      return BigInt(tagged.v);
    case 'map':
      return PersistentMap.from(pairs(tagged.v));
    case 'set':
      return PersistentSet.from(tagged.v as (string | number)[]);
    case 'object':
      for (const key in tagged.v) tagged.v[key] = decode(tagged.v[key]);
      return tagged.v;
    default:
      throw new Error(`unknown tag in a state snapshot: ${String((tagged as { $: unknown }).$)}`);
  }
}

export const encodeState = (state: unknown): string => JSON.stringify(encode(state));

export const decodeState = <State>(text: string): State => decode(JSON.parse(text)) as State;
