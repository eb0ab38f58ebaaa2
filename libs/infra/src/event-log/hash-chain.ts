import { createHash } from 'node:crypto';
import type { RecordedEvent } from './event-log';

/** A JS number as PostgreSQL's numeric renders it: never in exponent form. */
function numericText(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a JSON number: ${n}`);
  const text = String(n);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, lead, fraction = '', exp] = match;
  const digits = lead! + fraction;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * The canonical JSON that event_log.canonical_json() renders in SQL (migrations/002): keys
 * sorted bytewise, no white space, strings escaped as JSON.stringify does, numbers as numeric.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return numericText(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => byUtf8(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`not JSON: ${typeof value}`);
}

/** sha-256 over canonical JSON of stream, revision, type, data and metadata without `hash`. */
export function eventHash(event: Pick<RecordedEvent, 'streamId' | 'revision' | 'type' | 'data' | 'metadata'>): string {
  const { hash: _hash, ...metadata } = event.metadata;
  const body = { stream: event.streamId, revision: event.revision, type: event.type, data: event.data, metadata };
  return createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex');
}

export type BrokenLink = Readonly<{ stream: string; revision: bigint; reason: 'hash_mismatch' | 'prev_hash_mismatch' }>;

/** Walks one stream's events in revision order; returns the first broken link, if any. */
export function firstBrokenLink(events: readonly RecordedEvent[]): BrokenLink | undefined {
  let previous: string | null = null;
  for (const event of events) {
    if ((event.metadata.prevHash ?? null) !== previous) return { stream: event.streamId, revision: event.revision, reason: 'prev_hash_mismatch' };
    if (eventHash(event) !== event.metadata.hash) return { stream: event.streamId, revision: event.revision, reason: 'hash_mismatch' };
    previous = event.metadata.hash ?? null;
  }
  return undefined;
}
