/**
 * EventStoreDB records as the port's RecordedEvent, and the client's errors as the port's.
 * See /work/shared/reference/eventstoredb.md for the server behaviour these rules follow.
 */
import { jsonEvent, START as ESDB_START, type Position as EsdbPosition, type ResolvedEvent } from '@eventstore/db-client';
import type { EventMetadata, EventToAppend, RecordedEvent } from './event-log';
import { eventHash } from './hash-chain';
import type { Position } from './position';

/** What comes back from the store: a JSON copy without undefined members (as jsonb and the in-memory log give back). */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The port's position for the client's: both halves stay bigint (never Number()). */
export function toPosition(position: EsdbPosition): Position {
  return { commit: BigInt(position.commit), prepare: BigInt(position.prepare) };
}

/** The port's START is the client's START symbol (inclusive of the first record); any other position is passed as is. */
export function fromPosition(position: Position): EsdbPosition | typeof ESDB_START {
  return position.commit === 0n && position.prepare === 0n ? ESDB_START : { commit: position.commit, prepare: position.prepare };
}

/** System events ($-types) and metadata streams ($$…) are the server's, never the log's. */
export function isSystem(streamId: string, type: string): boolean {
  return type.startsWith('$') || streamId.startsWith('$$');
}

function parseJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return JSON.parse(Buffer.from(value).toString('utf8')) as unknown;
  return value;
}

/** A resolved event as the port's RecordedEvent; undefined for system events and records without an event. */
export function toRecorded(resolved: ResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || isSystem(event.streamId, event.type)) return undefined;
  const position = event.position ?? (resolved.commitPosition !== undefined ? { commit: resolved.commitPosition, prepare: resolved.commitPosition } : undefined);
  if (!position) throw new Error(`EventStoreDB sent ${event.streamId}@${event.revision} without a position (server older than 22.6)`);
  return {
    eventId: event.id,
    type: event.type,
    data: parseJson(event.data),
    metadata: parseJson(event.metadata) as EventMetadata,
    streamId: event.streamId,
    revision: BigInt(event.revision),
    position: toPosition(position),
    createdAt: event.created instanceof Date ? event.created.toISOString() : new Date(Number(event.created)).toISOString(),
  };
}

/**
 * The events as the client sends them, chained client-side: each event's metadata carries the
 * previous event's hash (`prevHash`, null for the first of the stream) and its own (`hash`),
 * computed over exactly what is read back, as PostgresEventLog's event_log.append computes it.
 */
export function chained(stream: string, events: readonly EventToAppend[], current: bigint | undefined, tailHash: string | null) {
  let prevHash = tailHash;
  let revision = current ?? -1n;
  const toSend = events.map((event) => {
    revision += 1n;
    const data = jsonCopy(event.data);
    const metadata = { ...jsonCopy(event.metadata), prevHash };
    const hash = eventHash({ streamId: stream, revision, type: event.type, data, metadata });
    prevHash = hash;
    return jsonEvent({ id: event.metadata.eventId, type: event.type, data: data as never, metadata: { ...metadata, hash } });
  });
  return { toSend, lastHash: prevHash! };
}

/** gRPC status codes after which a subscription is re-established: UNAVAILABLE (14), CANCELLED (1). */
export function isReconnectable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 14 || code === 1;
}
