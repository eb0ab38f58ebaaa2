import { PersistentMap, PersistentSet } from '../../../domain/src';

// Aggregate state as JSON text, for snapshots. States are plain data plus bigints, persistent
// maps and sets; each of those becomes an object tagged by a "$" key. A plain object that has a
// "$" key of its own (a connector's config is whatever the client sent) is wrapped as well, so
// no data can ever be read back as a tag.
type Tagged =
  | { $: 'bigint'; v: string }
  | { $: 'map'; v: [unknown, unknown][] }
  | { $: 'set'; v: unknown[] }
  | { $: 'object'; v: Record<string, unknown> };

function encode(value: unknown): unknown {
  if (typeof value === 'bigint') return { $: 'bigint', v: value.toString() } satisfies Tagged;
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol') throw new Error(`a state cannot hold a ${typeof value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value instanceof PersistentMap) return { $: 'map', v: [...value].map(([k, v]) => [k, encode(v)]) } satisfies Tagged;
  if (value instanceof PersistentSet) return { $: 'set', v: [...value] } satisfies Tagged;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
    // Maps, Dates and class instances would come back as something else: refuse loudly.
    throw new Error(`a state cannot hold a ${value.constructor?.name ?? 'non-plain object'}`);
  }
  const plain: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) plain[key] = encode(item);
  return '$' in plain ? ({ $: 'object', v: plain } satisfies Tagged) : plain;
}

function decode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decode);
  const record = value as Record<string, unknown>;
  if (!('$' in record)) return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decode(v)]));
  const tagged = record as Tagged;
  switch (tagged.$) {
    case 'bigint':
      return BigInt(tagged.v);
    case 'map':
      return PersistentMap.from(tagged.v.map(([k, v]) => [k as string | number, decode(v)] as const));
    case 'set':
      return PersistentSet.from(tagged.v as (string | number)[]);
    case 'object':
      return Object.fromEntries(Object.entries(tagged.v).map(([k, v]) => [k, decode(v)]));
    default:
      throw new Error(`unknown tag in a state snapshot: ${String((tagged as { $: unknown }).$)}`);
  }
}

export const encodeState = (state: unknown): string => JSON.stringify(encode(state));

export const decodeState = <State>(text: string): State => decode(JSON.parse(text)) as State;
