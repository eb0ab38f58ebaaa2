import { randomUUID } from 'node:crypto';

/**
 * The emulator's log: one ordered array of records, like the server's transaction file.
 * Positions are byte offsets into that imaginary file: a gRPC append is an implicit transaction,
 * so each event's commit position equals its prepare position (its own offset), and an append's
 * result position is its last event's. Order in $all is that offset.
 */

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent {
  stream: string;
  revision: bigint;
  /** Commit = prepare = byte offset of the record. */
  position: bigint;
  /** Unix-epoch .NET ticks (100 ns): what the server sends in the `created` metadata entry. */
  created: bigint;
}

/** The fixed part of a record on disk; any constant works, it only makes offsets grow like bytes. */
const RECORD_HEADER_BYTES = 96n;

/** The server's default MaxAppendSize (up to 25.0). */
export const MAX_APPEND_SIZE = 1024 * 1024;

/** Where a tombstone sits in its stream: the largest revision (Int64.MaxValue). */
export const TOMBSTONE_REVISION = 2n ** 63n - 1n;

/** How the server counts an append against MaxAppendSize: data + metadata + 2 × type length. */
export function appendSize(events: readonly ProposedEvent[]): number {
  return events.reduce((sum, e) => sum + e.data.length + e.metadata.length + 2 * Buffer.byteLength(e.type), 0);
}

export type Listener = (event: StoredEvent) => void;

export class EmulatorStorage {
  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  /**
   * Stands for the writer's in-memory id cache that serves idempotency for `any` and
   * `stream_exists`: keyed by stream + id (the same id in another stream is a new event), and
   * emptied by a restart, as on the real server.
   */
  private idCache = new Map<string, StoredEvent>();
  private nextOffset = 0n;
  private readonly listeners = new Set<Listener>();
  /** Soft deletes: the stream's last revision when deleted; reads show only later events. */
  private readonly softDeleted = new Map<string, bigint>();
  private readonly tombstones = new Set<string>();

  isTombstoned(stream: string): boolean {
    return this.tombstones.has(stream);
  }

  /** What reads see: nothing from before a soft delete, nothing at all after a tombstone. */
  visibleEvents(stream: string): readonly StoredEvent[] {
    const events = this.streams.get(stream) ?? [];
    const deletedAt = this.softDeleted.get(stream);
    return deletedAt === undefined ? events : events.filter((e) => e.revision > deletedAt);
  }

  /**
   * Soft delete: the server writes `$tb` = 2^63-1 into the `$$<stream>` metadata stream (an event
   * $all shows), and keeps the stream's revision so that numbering continues.
   */
  softDelete(stream: string): StoredEvent {
    this.softDeleted.set(stream, this.lastRevision(stream) ?? -1n);
    const data = Buffer.from('{"$tb":9223372036854775807}', 'utf8');
    const metadata = { id: randomUUID(), type: '$metadata', contentType: 'application/json', data, metadata: new Uint8Array() };
    return this.write(`$$${stream}`, [metadata])[0];
  }

  /** Tombstone: a `$streamDeleted` event at revision 2^63-1; the stream is never written again. */
  tombstone(stream: string): StoredEvent {
    this.tombstones.add(stream);
    const deleted = { id: randomUUID(), type: '$streamDeleted', contentType: 'application/octet-stream', data: new Uint8Array(), metadata: new Uint8Array() };
    return this.write(stream, [deleted], Date.now(), TOMBSTONE_REVISION)[0];
  }

  /** Last revision of a stream, or undefined when it does not exist. */
  lastRevision(stream: string): bigint | undefined {
    const events = this.streams.get(stream);
    return events && events.length > 0 ? events[events.length - 1].revision : undefined;
  }

  streamEvents(stream: string): readonly StoredEvent[] | undefined {
    return this.streams.get(stream);
  }

  allEvents(): readonly StoredEvent[] {
    return this.all;
  }

  cached(stream: string, id: string): StoredEvent | undefined {
    return this.idCache.get(`${stream}\u0000${id}`);
  }

  /** Writes events at the end of a stream; the caller has already checked the expected revision. */
  write(stream: string, events: readonly ProposedEvent[], nowMs = Date.now(), firstRevision?: bigint): StoredEvent[] {
    const existing = this.streams.get(stream) ?? [];
    let revision = firstRevision ?? (this.lastRevision(stream) ?? -1n) + 1n;
    const written: StoredEvent[] = [];
    for (const proposed of events) {
      const stored: StoredEvent = {
        ...proposed,
        stream,
        revision,
        position: this.nextOffset,
        created: BigInt(nowMs) * 10_000n,
      };
      this.nextOffset += RECORD_HEADER_BYTES + BigInt(this.recordBytes(stored));
      revision += 1n;
      existing.push(stored);
      this.all.push(stored);
      this.idCache.set(`${stream}\u0000${stored.id}`, stored);
      written.push(stored);
    }
    this.streams.set(stream, existing);
    // Listeners run after the whole append is in the log, so a subscriber never sees half of it.
    for (const event of written) for (const listener of this.listeners) listener(event);
    return written;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What a server restart loses: the id cache (the log itself is on disk). */
  forgetIdCache(): void {
    this.idCache = new Map();
  }

  private recordBytes(e: StoredEvent): number {
    return Buffer.byteLength(e.stream) + Buffer.byteLength(e.type) + Buffer.byteLength(e.contentType) + e.data.length + e.metadata.length;
  }
}
