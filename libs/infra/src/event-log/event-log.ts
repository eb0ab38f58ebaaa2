import type { Position } from './position';

export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | bigint;

export type EventMetadata = Readonly<{
  eventId: string;
  commandId: string;
  correlationId: string;
  causationId: string;
  actor: Readonly<{ userId: string; companyId: string }> | Readonly<{ service: string }>;
  occurredAt: string;
  schemaVersion: number;
  tenant: Readonly<{ companyId?: string; workspaceId?: string }>;
  /** Written by the log: the previous event's hash in this stream (null for the first). */
  prevHash?: string | null;
  /** Written by the log: sha-256 over canonical JSON of stream, revision, type, data, metadata. */
  hash?: string;
}>;

export type EventToAppend = Readonly<{
  type: string;
  data: unknown;
  metadata: EventMetadata;
}>;

export type RecordedEvent = Readonly<{
  eventId: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  streamId: string;
  revision: bigint;
  position: Position;
  createdAt: string;
}>;

export type AppendResult = Readonly<{
  nextRevision: bigint;
  position: Position;
  /** The hash of the stream's last event after the append, where the adapter knows it. */
  lastHash?: string;
}>;

export type ReadStreamOptions = Readonly<{
  from?: bigint;
  direction?: 'forwards' | 'backwards';
  limit?: number;
}>;

export type ReadAllOptions = Readonly<{ after?: Position; limit?: number }>;

export type SubscribeOptions = Readonly<{ after?: Position; signal?: AbortSignal; batchSize?: number }>;

/** The event log port: one contract (test/event-log/event-log.contract.ts), one adapter per store. */
export interface EventLog {
  append(stream: string, events: readonly EventToAppend[], options: { expected: ExpectedRevision }): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events strictly after `after`, in log order, only where no earlier event can still appear. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catches up, then follows live: in log order, no gaps, no skips, until the signal aborts. */
  subscribeAll(options?: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** The newest position readers may see now (the end of the log, for lag). */
  headPosition(): Promise<Position>;
  close(): Promise<void>;
}

export class WrongExpectedVersion extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`wrong expected version for ${stream}: expected ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersion';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export class DuplicateEventIds extends Error {
  constructor(readonly stream: string) {
    super(`event ids already appended elsewhere in the log (stream ${stream})`);
    this.name = 'DuplicateEventIds';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
