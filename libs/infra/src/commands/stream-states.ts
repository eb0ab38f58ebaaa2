import type { Command, Event } from '#domain';
import type { EventLog, RecordedEvent } from '../event-log/event-log';
import { upcast } from '../event-log/upcasters';
import type { Aggregate } from './aggregates';
import type { SnapshotStore } from './snapshot-store';
import { type CachedStream, StateCache } from './state-cache';

const PAGE = 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export type StreamStatesOptions = Readonly<{
  log: EventLog;
  snapshots?: SnapshotStore;
  cacheSize?: number;
  snapshotEvery?: number;
  onSnapshotError?: (error: unknown, stream: string) => void;
}>;

/**
 * What a process knows of each stream's state: a bounded cache of folded states, topped up with
 * the events appended since, started from the newest snapshot, and snapshotted again in the
 * background once enough was folded. A load costs what was appended since it last looked.
 */
export class StreamStates {
  private readonly cache: StateCache;
  private readonly snapshotsInFlight = new Set<string>();
  private readonly snapshotEvery: number;

  constructor(private readonly options: StreamStatesOptions) {
    this.cache = new StateCache(options.cacheSize ?? 10_000);
    this.snapshotEvery = options.snapshotEvery ?? 100;
  }

  /** The stream's state as of its last event: the cached state plus what was appended since. */
  async load<State, C extends Command, E extends Event, I>(aggregate: Aggregate<State, C, E, I>, stream: string): Promise<CachedStream<State>> {
    let entry = this.cached(aggregate, stream) ?? (await this.fromSnapshot(aggregate, stream));
    for (;;) {
      const fresh = await this.options.log.readStream(stream, { from: entry.revision + 1n, limit: PAGE });
      if (fresh.length > 0) entry = this.folded(aggregate, entry, fresh);
      if (fresh.length < PAGE) break;
    }
    this.remember(stream, entry);
    return entry;
  }

  cached<State, C extends Command, E extends Event, I>(aggregate: Aggregate<State, C, E, I>, stream: string): CachedStream<State> | undefined {
    const entry = this.cache.get<State>(stream);
    return entry?.aggregate === aggregate.name ? entry : undefined;
  }

  /** Keeps a newer state (after a load, or after this process appended) and snapshots it when due. */
  remember<State>(stream: string, entry: CachedStream<State>): void {
    this.cache.remember(stream, entry);
    this.maybeSnapshot(stream, entry);
  }

  /** The stream's state right after `revision`. */
  async stateAt<State, C extends Command, E extends Event, I>(aggregate: Aggregate<State, C, E, I>, stream: string, revision: bigint): Promise<State> {
    const cached = this.cache.get<State>(stream);
    if (cached?.aggregate === aggregate.name && cached.revision === revision) return cached.state;
    let entry = await this.fromSnapshot(aggregate, stream, revision);
    while (entry.revision < revision) {
      const page = (await this.options.log.readStream(stream, { from: entry.revision + 1n, limit: PAGE })).filter((e) => e.revision <= revision);
      if (page.length === 0) break;
      entry = this.folded(aggregate, entry, page);
    }
    return entry.state;
  }

  private async fromSnapshot<State, C extends Command, E extends Event, I>(
    aggregate: Aggregate<State, C, E, I>,
    stream: string,
    atOrBefore?: bigint,
  ): Promise<CachedStream<State>> {
    const snapshot = await this.options.snapshots?.load<State>(stream, atOrBefore);
    const initialIndex = aggregate.index?.initial();
    if (snapshot === undefined) {
      const state = aggregate.decider.initialState();
      return { aggregate: aggregate.name, state, index: initialIndex, revision: -1n, lastHash: null, snapshotRevision: -1n, snapshotBytes: 0 };
    }
    const { bytes, ...rest } = snapshot;
    return { aggregate: aggregate.name, ...rest, index: rest.index ?? initialIndex, snapshotRevision: snapshot.revision, snapshotBytes: bytes };
  }

  private folded<State, C extends Command, E extends Event, I>(
    aggregate: Aggregate<State, C, E, I>,
    entry: CachedStream<State>,
    recorded: readonly RecordedEvent[],
  ): CachedStream<State> {
    let { state, index } = entry;
    for (const recordedEvent of recorded) {
      const event = upcast(recordedEvent) as E;
      state = aggregate.decider.evolve(state, event);
      if (aggregate.index) index = aggregate.index.add(index as I, event, recordedEvent.revision);
    }
    const last = recorded[recorded.length - 1]!;
    return { ...entry, state, index, revision: last.revision, lastHash: last.metadata.hash ?? undefined };
  }

  /**
   * Writes a snapshot in the background once enough events were folded past the last one. A
   * large state waits for proportionally more events, so its serialisation stays a small share
   * of the work; one write per stream at a time.
   */
  private maybeSnapshot(stream: string, entry: CachedStream<unknown>): void {
    const store = this.options.snapshots;
    if (store === undefined || this.snapshotsInFlight.has(stream)) return;
    const due = BigInt(Math.max(this.snapshotEvery, Math.ceil(entry.snapshotBytes / 1000)));
    if (entry.revision - entry.snapshotRevision < due) return;
    this.snapshotsInFlight.add(stream);
    setImmediate(() => {
      store
        .save(stream, { state: entry.state, index: entry.index, revision: entry.revision, lastHash: entry.lastHash ?? null })
        .then((bytes) => {
          const current = this.cache.get(stream);
          if (current !== undefined && current.snapshotRevision < entry.revision) {
            this.cache.remember(stream, { ...current, snapshotRevision: entry.revision, snapshotBytes: bytes });
          }
        })
        .catch((error: unknown) => this.options.onSnapshotError?.(error, stream))
        .finally(() => this.snapshotsInFlight.delete(stream));
    });
  }

  /** Waits until no snapshot is being written (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.snapshotsInFlight.size > 0) await sleep(5);
  }
}
