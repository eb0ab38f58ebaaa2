import { appendSize, EmulatorStorage, MAX_APPEND_SIZE, ProposedEvent, StoredEvent } from './storage';

/** The four expected-revision kinds, as both Append and BatchAppend carry them. */
export type Expected = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'exact'; revision: bigint };

export type AppendOutcome =
  | { kind: 'success'; revision: bigint; position: bigint }
  | { kind: 'wrong-expected-version'; current: bigint | undefined; expected: Expected }
  | { kind: 'too-big'; maxAppendSize: number }
  | { kind: 'stream-deleted' };

/**
 * The server's write decision (IndexWriter.CheckCommit), shared by Append and BatchAppend so the
 * two wire paths cannot drift apart. Idempotency is by event id only; content is never compared.
 */
export function decideAppend(storage: EmulatorStorage, stream: string, expected: Expected, events: readonly ProposedEvent[]): AppendOutcome {
  // The size check comes first: an append over the limit writes nothing, whatever its revision.
  if (appendSize(events) > MAX_APPEND_SIZE) return { kind: 'too-big', maxAppendSize: MAX_APPEND_SIZE };
  if (storage.isTombstoned(stream)) return { kind: 'stream-deleted' };
  const current = storage.lastRevision(stream);
  const wrong = (): AppendOutcome => ({ kind: 'wrong-expected-version', current, expected });
  if (current !== undefined && storage.visibleEvents(stream).length === 0) {
    // Soft-deleted: `any` and `no_stream` write on, numbering continuing after the old revision;
    // an exact revision must still name that old revision (checked below).
    if (expected.kind === 'stream_exists') return { kind: 'stream-deleted' };
    if (expected.kind !== 'exact') return write(storage, stream, events);
  }

  if (expected.kind === 'exact' || expected.kind === 'no_stream') {
    const after = expected.kind === 'exact' ? expected.revision : -1n;
    if (current === after || (current === undefined && after === -1n)) return write(storage, stream, events);
    // Behind the stream: a retry of what was written right after `after` is answered as success.
    return replayAt(storage, stream, after, events) ?? wrong();
  }
  if (expected.kind === 'stream_exists' && current === undefined) return wrong();
  // `any` / `stream_exists`: only the id cache can recognise a retry (best effort on the server too).
  const cachedRetry = replayFromCache(storage, stream, events);
  if (cachedRetry === 'partial') return wrong();
  return cachedRetry ?? write(storage, stream, events);
}

function write(storage: EmulatorStorage, stream: string, events: readonly ProposedEvent[]): AppendOutcome {
  if (events.length === 0) {
    // An empty append succeeds without writing; the server answers with the current revision.
    const current = storage.lastRevision(stream) ?? -1n;
    return { kind: 'success', revision: current, position: lastPosition(storage, stream) };
  }
  const written = storage.write(stream, events);
  const last = written[written.length - 1];
  return { kind: 'success', revision: last.revision, position: last.position };
}

/** Ids sitting right after `after` in the stream, all of them: the first result again. */
function replayAt(storage: EmulatorStorage, stream: string, after: bigint, events: readonly ProposedEvent[]): AppendOutcome | undefined {
  const existing = storage.streamEvents(stream) ?? [];
  const start = Number(after + 1n);
  if (events.length === 0 || start + events.length > existing.length) return undefined;
  const matches = events.every((e, i) => existing[start + i].id === e.id);
  if (!matches) return undefined;
  return resultOf(existing[start + events.length - 1]);
}

function replayFromCache(storage: EmulatorStorage, stream: string, events: readonly ProposedEvent[]): AppendOutcome | 'partial' | undefined {
  if (events.length === 0) return undefined;
  const found = events.map((e) => storage.cached(stream, e.id));
  if (found.every((f) => f === undefined)) return undefined;
  // All ids known and consecutive in this stream: the same append again.
  const consecutive = found.every((f, i) => f !== undefined && f.revision === found[0]!.revision + BigInt(i));
  return consecutive ? resultOf(found[found.length - 1]!) : 'partial';
}

function resultOf(event: StoredEvent): AppendOutcome {
  return { kind: 'success', revision: event.revision, position: event.position };
}

function lastPosition(storage: EmulatorStorage, stream: string): bigint {
  const events = storage.streamEvents(stream);
  return events && events.length > 0 ? events[events.length - 1].position : 0n;
}
