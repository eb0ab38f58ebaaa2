import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  DuplicateEventIds,
  WrongExpectedVersion,
  type AppendResult,
  type EventLog,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from './event-log';
import { chained, fromPosition, toRecorded } from './eventstore-records';
import { subscribeAllWithReconnect } from './eventstore-subscription';
import { comparePositions, START, type Position } from './position';

/** Reads to the end: breaking out of the client's iterator leaves the call open (dispose then hangs). */
async function drain(read: AsyncIterable<ResolvedEvent>): Promise<ResolvedEvent[]> {
  const out: ResolvedEvent[] = [];
  try {
    for await (const resolved of read) out.push(resolved);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return out;
}

const RACE_RETRIES = 10;

const resultOf = (last: RecordedEvent): AppendResult => ({ nextRevision: last.revision, position: last.position, lastHash: last.metadata.hash });

/**
 * The event log over EventStoreDB (@eventstore/db-client 6.2.1), the same contract as
 * PostgresEventLog (test/event-log/event-log.contract.ts), with one declared difference:
 * EventStoreDB checks event ids per stream only, so the same ids in another stream are
 * appended there, not refused (the contract's `eventIdsUniqueInLog: false`).
 *
 * Every append reads the stream's tail first: the previous hash for the client-side hash chain,
 * and the revision that `any` / `stream_exists` become, so the server always checks an exact
 * revision and no two writers can chain onto the same tail. Where the tail already holds this
 * command's event ids, the first result is returned (an idempotent retry).
 */
export class EventStoreEventLog implements EventLog {
  private readonly stops = new Set<() => void>();
  private closed = false;

  constructor(private readonly client: EventStoreDBClient) {}

  static fromConnectionString(connectionString: string): EventStoreEventLog {
    return new EventStoreEventLog(EventStoreDBClient.connectionString(connectionString));
  }

  async append(stream: string, events: readonly EventToAppend[], options: { expected: ExpectedRevision }): Promise<AppendResult> {
    return this.appendAt(stream, events, options.expected, RACE_RETRIES);
  }

  /** `any` / `stream_exists` that lose a race to another writer read the new tail and chain onto it (up to `retries` times). */
  private async appendAt(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision, retries: number): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    if (typeof expected === 'bigint' && expected < 0n) throw new Error(`bad expected revision: ${expected}`);
    if (new Set(events.map((e) => e.metadata.eventId)).size < events.length) throw new DuplicateEventIds(stream);
    const ids = events.map((e) => e.metadata.eventId);
    const [tail] = await this.readStream(stream, { direction: 'backwards', limit: 1 });
    const current = tail?.revision;

    if (expected === 'any' || expected === 'stream_exists') {
      if (current !== undefined && current + 1n >= BigInt(events.length)) {
        const last = await this.readStream(stream, { direction: 'backwards', limit: events.length });
        if (sameIds(last.reverse(), ids)) return resultOf(last[last.length - 1]!);
      }
      if (expected === 'stream_exists' && current === undefined) throw new WrongExpectedVersion(stream, expected, 'no_stream');
    } else {
      const at = expected === 'no_stream' ? -1n : expected;
      if ((current ?? -1n) !== at) {
        // Not at the expected place: this command's ids right after it are a retry, anything else a conflict.
        const placed = (current ?? -1n) > at ? await this.readStream(stream, { from: at + 1n, limit: events.length }) : [];
        if (sameIds(placed, ids)) return resultOf(placed[placed.length - 1]!);
        throw new WrongExpectedVersion(stream, expected, current ?? 'no_stream');
      }
    }

    const { toSend, lastHash } = chained(stream, events, current, tail?.metadata.hash ?? null);
    try {
      const result = await this.client.appendToStream(stream, toSend, { expectedRevision: current ?? 'no_stream' });
      if (!result.position) throw new Error(`EventStoreDB answered an append to ${stream} without a position`);
      return { nextRevision: result.nextExpectedRevision, position: { commit: result.position.commit, prepare: result.position.prepare }, lastHash };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      if ((expected === 'any' || expected === 'stream_exists') && retries > 0) return this.appendAt(stream, events, expected, retries - 1);
      // Another writer got there between the tail read and the append: report where the stream is now.
      const actual = error.actualVersion;
      throw new WrongExpectedVersion(stream, expected, typeof actual === 'bigint' ? actual : 'no_stream');
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    if (options.limit !== undefined && options.limit <= 0) return [];
    const read = this.client.readStream(stream, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.from ?? (backwards ? END : ESDB_START),
      ...(options.limit !== undefined ? { maxCount: options.limit } : {}),
    });
    return (await drain(read)).flatMap((r) => toRecorded(r) ?? []);
  }

  /** Strictly after `after` (the server's readAll is inclusive), system events and $$ streams dropped. */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit ?? 1000;
    const out: RecordedEvent[] = [];
    let after = options.after ?? START;
    let inclusive = comparePositions(after, START) === 0;
    while (out.length < limit) {
      const page = 256;
      const read = await drain(this.client.readAll({ direction: FORWARDS, fromPosition: fromPosition(after), maxCount: page + 1 }));
      let fresh = read;
      if (!inclusive && read[0]?.event?.position && comparePositions(read[0].event.position, after) === 0) fresh = read.slice(1);
      for (const resolved of fresh) {
        const recorded = toRecorded(resolved);
        if (recorded && out.length < limit) out.push(recorded);
        const position = resolved.event?.position;
        if (position) after = { commit: position.commit, prepare: position.prepare };
      }
      inclusive = false;
      if (read.length < page + 1) break;
    }
    return out;
  }

  subscribeAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    return subscribeAllWithReconnect(this.client, options, {
      register: (stop) => this.stops.add(stop),
      unregister: (stop) => this.stops.delete(stop),
      closed: () => this.closed,
    });
  }

  async headPosition(): Promise<Position> {
    const [last] = await drain(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    const position = last?.event?.position;
    return position ? { commit: position.commit, prepare: position.prepare } : START;
  }

  /** Ends live subscriptions and disposes the client (its channel), at once. */
  async close(): Promise<void> {
    this.closed = true;
    for (const stop of [...this.stops]) stop();
    await this.client.dispose();
  }
}

function sameIds(events: readonly RecordedEvent[], ids: readonly string[]): boolean {
  return events.length === ids.length && events.every((e, i) => e.eventId === ids[i]);
}
