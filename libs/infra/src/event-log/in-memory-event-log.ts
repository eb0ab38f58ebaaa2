import {
  DuplicateEventIds,
  WrongExpectedVersion,
  type AppendResult,
  type EventLog,
  type EventMetadata,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from './event-log';
import { eventHash } from './hash-chain';
import { comparePositions, START, type Position } from './position';

/** What PostgreSQL's jsonb gives back: a copy without undefined members, frozen so no reader can rewrite history. */
function stored<T>(value: T): T {
  const copy = JSON.parse(JSON.stringify(value)) as T;
  const freeze = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    Object.freeze(v);
    for (const member of Object.values(v)) freeze(member);
  };
  freeze(copy);
  return copy;
}

/**
 * The event log in process memory, for unit tests and tools that need no database: the same
 * contract as PostgresEventLog (test/event-log/event-log.contract.ts), the same hash chain
 * (hash-chain.ts computes what event_log.event_hash computes in SQL).
 *
 * Each append runs without an await between its checks and its writes, so appends are atomic
 * and serialised like the SQL function's row lock serialises them; positions are (append
 * number, global number), as PostgreSQL's are (transaction id, global position). No append is
 * ever half-visible, so there is no horizon: every event is readable the moment it is appended.
 */
export class InMemoryEventLog implements EventLog {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byEventId = new Map<string, RecordedEvent>();
  private readonly waiting = new Set<() => void>();
  private appends = 0n;
  private closed = false;

  async append(stream: string, events: readonly EventToAppend[], options: { expected: ExpectedRevision }): Promise<AppendResult> {
    await Promise.resolve(); // an answer always comes later, as from a store across the network
    const { expected } = options;
    if (events.length === 0) throw new Error('append needs at least one event');
    if (typeof expected === 'bigint' && expected < 0n) throw new Error(`bad expected revision: ${expected}`);
    const current = this.streams.get(stream);
    const revision = current ? BigInt(current.length - 1) : undefined;
    const holds =
      expected === 'any' ||
      (expected === 'no_stream' && revision === undefined) ||
      (expected === 'stream_exists' && revision !== undefined) ||
      (typeof expected === 'bigint' && revision === expected);
    // As event_log.append: where the expected revision does not hold, or may not (any,
    // stream_exists), ids already in the log are an idempotent retry or a refusal.
    if (!holds || expected === 'any' || expected === 'stream_exists') {
      const retried = this.retried(stream, events, expected);
      if (retried) return retried;
    }
    if (!holds) throw new WrongExpectedVersion(stream, expected, revision ?? 'no_stream');
    const ids = new Set(events.map((e) => e.metadata.eventId));
    if (ids.size < events.length || [...ids].some((id) => this.byEventId.has(id))) throw new DuplicateEventIds(stream);
    return this.write(stream, events, revision ?? -1n);
  }

  /** The first result again for the same ids at the same place; DuplicateEventIds for ids used otherwise. */
  private retried(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): AppendResult | undefined {
    const seen = [...new Set(events.map((e) => e.metadata.eventId))].flatMap((id) => this.byEventId.get(id) ?? []);
    if (seen.length === 0) return undefined;
    const revisions = seen.map((e) => e.revision);
    const first = revisions.reduce((a, b) => (b < a ? b : a));
    const last = revisions.reduce((a, b) => (b > a ? b : a));
    const samePlace =
      seen.length === events.length &&
      seen.every((e) => e.streamId === stream) &&
      last - first === BigInt(events.length - 1) &&
      (expected === 'any' || expected === 'stream_exists' || (expected === 'no_stream' ? first === 0n : first === expected + 1n));
    if (!samePlace) throw new DuplicateEventIds(stream);
    const head = this.streams.get(stream)![Number(last)]!;
    return { nextRevision: head.revision, position: head.position, lastHash: head.metadata.hash };
  }

  private write(stream: string, events: readonly EventToAppend[], current: bigint): AppendResult {
    const list = this.streams.get(stream) ?? [];
    this.streams.set(stream, list);
    const commit = ++this.appends;
    let hash: string | null = current >= 0n ? (list[Number(current)]!.metadata.hash ?? null) : null;
    let revision = current;
    const createdAt = new Date().toISOString();
    for (const event of events) {
      revision += 1n;
      const position: Position = { commit, prepare: BigInt(this.log.length + 1) };
      const chained = { ...stored(event.metadata), prevHash: hash };
      const unhashed = { streamId: stream, revision, type: event.type, data: stored(event.data), metadata: chained };
      hash = eventHash(unhashed);
      const metadata: EventMetadata = Object.freeze({ ...chained, hash });
      const recorded: RecordedEvent = Object.freeze({ ...unhashed, metadata, eventId: event.metadata.eventId, position, createdAt });
      this.log.push(recorded);
      list.push(recorded);
      this.byEventId.set(recorded.eventId, recorded);
    }
    const wake = [...this.waiting];
    this.waiting.clear();
    for (const resolve of wake) resolve();
    const last = this.log[this.log.length - 1]!;
    return { nextRevision: revision, position: last.position, lastHash: hash! };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    await Promise.resolve();
    const list = this.streams.get(stream) ?? [];
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (options.direction === 'backwards') {
      const from = options.from ?? BigInt(list.length - 1);
      return list.filter((e) => e.revision <= from).reverse().slice(0, limit);
    }
    const from = options.from ?? 0n;
    return list.filter((e) => e.revision >= from).slice(0, limit);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    await Promise.resolve();
    const start = this.indexAfter(options.after ?? START);
    return this.log.slice(start, start + (options.limit ?? 1000));
  }

  /** The index of the first event after `after`: positions grow with the index, so a binary search. */
  private indexAfter(after: Position): number {
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (comparePositions(this.log[middle]!.position, after) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  async *subscribeAll(options: SubscribeOptions = {}): AsyncIterable<RecordedEvent> {
    const { signal } = options;
    let next = this.indexAfter(options.after ?? START);
    while (!signal?.aborted && !this.closed) {
      if (next < this.log.length) {
        yield this.log[next++]!;
        continue;
      }
      await this.nextAppend(signal);
    }
  }

  /** Resolves on the next append, an abort or close: the wake-up PostgreSQL gets from NOTIFY. */
  private nextAppend(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiting.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiting.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async headPosition(): Promise<Position> {
    await Promise.resolve();
    return this.log[this.log.length - 1]?.position ?? START;
  }

  /** Ends live subscriptions: nothing outlives an in-memory log, so none would ever be woken again. */
  async close(): Promise<void> {
    this.closed = true;
    for (const resolve of [...this.waiting]) resolve();
  }
}
