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

/** jsonb orders object keys by their UTF-8 length first, then bytewise. */
function jsonbKeyOrder(a: string, b: string): number {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length - right.length || Buffer.compare(left, right);
}

/**
 * The text PostgreSQL renders for a jsonb value (what event_log.event_hash hashes): keys by
 * length then bytes, ", " between members, ": " after keys, strings escaped as JSON.stringify
 * does, numbers as numeric renders them.
 */
export function jsonbText(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return numericText(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => jsonbKeyOrder(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${jsonbText(v)}`).join(', ')}}`;
  }
  throw new Error(`not JSON: ${typeof value}`);
}

/** sha-256 over the jsonb text of stream, revision, type, data and metadata without `hash`. */
export function eventHash(event: Pick<RecordedEvent, 'streamId' | 'revision' | 'type' | 'data' | 'metadata'>): string {
  const { hash: _hash, ...metadata } = event.metadata;
  const body = { stream: event.streamId, revision: event.revision, type: event.type, data: event.data, metadata };
  return createHash('sha256').update(jsonbText(body), 'utf8').digest('hex');
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
