/**
 * Streams.Read: one server-streaming method serves stream reads, $all reads and subscriptions;
 * the options say which (stream/all, count/subscription).
 */
import { ServerWritableStream, status as GrpcStatus } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { EmulatorStorage, StoredEvent } from './storage';
import { subscribe } from './subscribe';
import { readResp, serviceError, streamIdentifier, streamName } from './wire';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

export function readHandler(storage: EmulatorStorage) {
  return (call: ReadCall): void => {
    const options = call.request.getOptions();
    if (!options) return void call.emit('error', serviceError(GrpcStatus.INVALID_ARGUMENT, 'invalid-argument'));
    if (options.hasSubscription()) return subscribe(storage, call, options);
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    // The client sends maxCount as a decimal uint64 string (Number.MAX_SAFE_INTEGER by default).
    const count = Number(BigInt(options.getCount() || '0'));
    if (options.hasStream()) return readStream(storage, call, options.getStream()!, backwards, count);
    if (options.hasAll()) return readAll(storage, call, options.getAll()!, backwards, count);
    call.emit('error', serviceError(GrpcStatus.INVALID_ARGUMENT, 'invalid-argument'));
  };
}

function readStream(storage: EmulatorStorage, call: ReadCall, stream: ReadReq.Options.StreamOptions, backwards: boolean, count: number): void {
  const name = streamName(stream.getStreamIdentifier());
  // A tombstoned stream is a gRPC error (StreamDeletedError); a missing one an in-band answer.
  // grpc-js ends a server-streaming call with an error status on an 'error' event (destroy hangs).
  if (storage.isTombstoned(name)) return void call.emit('error', serviceError(GrpcStatus.FAILED_PRECONDITION, 'stream-deleted', { 'stream-name': name }));
  const events = storage.visibleEvents(name);
  if (events.length === 0) {
    // Not a gRPC error: the server answers with a stream_not_found message and ends the call.
    const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name));
    call.write(new ReadResp().setStreamNotFound(notFound));
    return void call.end();
  }
  const last = events[events.length - 1].revision;
  // The revision is inclusive in both directions; END means "after the last" forwards. Filter by
  // revision, not index: after a soft delete the visible events do not start at 0.
  const from = stream.hasRevision() ? BigInt(stream.getRevision()) : stream.hasEnd() ? (backwards ? last : last + 1n) : backwards ? last : 0n;
  const selected = backwards ? events.filter((e) => e.revision <= from).reverse() : events.filter((e) => e.revision >= from);
  send(call, selected.slice(0, count));
}

function readAll(storage: EmulatorStorage, call: ReadCall, all: ReadReq.Options.AllOptions, backwards: boolean, count: number): void {
  const events = storage.allEvents();
  let selected: readonly StoredEvent[];
  if (all.hasPosition()) {
    // Only the commit position orders the log here: commit = prepare for every gRPC append.
    const position = BigInt(all.getPosition()!.getCommitPosition());
    // Forwards from a position is inclusive, backwards from it exclusive (as AllReader does).
    selected = backwards ? events.filter((e) => e.position < position).reverse() : events.filter((e) => e.position >= position);
  } else if (all.hasEnd()) {
    selected = backwards ? [...events].reverse() : [];
  } else {
    selected = backwards ? [] : events;
  }
  send(call, selected.slice(0, count));
}

function send(call: ReadCall, events: readonly StoredEvent[]): void {
  for (const event of events) call.write(readResp(event));
  call.end();
}
