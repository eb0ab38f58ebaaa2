/** What a process remembers of a stream: its folded state and where in the stream that is. */
export type CachedStream<State> = Readonly<{
  aggregate: string;
  state: State;
  /** The aggregate's stream index (see aggregates.ts), if it keeps one. */
  index: unknown;
  /** -1n: the stream has no events yet. */
  revision: bigint;
  /** The hash of the event at `revision`, when known (null: the stream is empty). */
  lastHash: string | null | undefined;
  /** The revision of the newest snapshot known to exist, and its size, to pace the next one. */
  snapshotRevision: bigint;
  snapshotBytes: number;
}>;

/**
 * A bounded least-recently-used map from stream to its cached state. Entries only move
 * forwards: a slower reader that folded an older revision never replaces a newer one.
 */
export class StateCache {
  private readonly entries = new Map<string, CachedStream<unknown>>();

  constructor(readonly capacity: number) {}

  get<State>(stream: string): CachedStream<State> | undefined {
    const entry = this.entries.get(stream);
    if (entry === undefined) return undefined;
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    return entry as CachedStream<State>;
  }

  remember<State>(stream: string, entry: CachedStream<State>): void {
    if (this.capacity <= 0) return;
    const known = this.entries.get(stream);
    if (known !== undefined && (known.aggregate !== entry.aggregate || known.revision > entry.revision)) return;
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  forget(stream: string): void {
    this.entries.delete(stream);
  }

  get size(): number {
    return this.entries.size;
  }
}
