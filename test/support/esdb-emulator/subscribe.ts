/**
 * Catch-up subscriptions (Streams.Read with subscription options): a confirmation first, then the
 * history after the start point, then live events. The emulator is single-threaded, so the
 * history is sent and the live listener registered in one tick: nothing falls in between.
 */
import { randomUUID } from 'node:crypto';
import { ServerWritableStream } from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { EmulatorStorage, StoredEvent } from './storage';
import { readResp, streamName } from './wire';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

export function subscribe(storage: EmulatorStorage, call: ReadCall, options: ReadReq.Options): void {
  let accepts: (event: StoredEvent) => boolean;
  let considered: readonly StoredEvent[];
  if (options.hasAll()) {
    const all = options.getAll()!;
    // fromPosition is exclusive for subscriptions (unlike readAll): the checkpoint already seen.
    const after = all.hasPosition() ? BigInt(all.getPosition()!.getCommitPosition()) : undefined;
    considered = all.hasEnd() ? [] : storage.allEvents().filter((e) => after === undefined || e.position > after);
    accepts = filterOf(options);
  } else {
    const stream = options.getStream()!;
    const name = streamName(stream.getStreamIdentifier());
    // fromRevision is exclusive too: the client passes the last revision it processed.
    const after = stream.hasRevision() ? BigInt(stream.getRevision()) : undefined;
    considered = stream.hasEnd() ? [] : (storage.streamEvents(name) ?? []).filter((e) => after === undefined || e.revision > after);
    accepts = (e) => e.stream === name;
  }
  // With a filter the server sends a checkpoint every multiplier x 32 events it considered
  // (matching or not) and one when it goes live, so a consumer that sees no matching events
  // can still move its checkpoint. Without a filter there are none.
  const interval = options.hasFilter() ? Math.max(1, options.getFilter()!.getCheckpointintervalmultiplier()) * 32 : 0;
  let seen = 0;
  const offer = (event: StoredEvent): void => {
    if (accepts(event)) call.write(readResp(event));
    seen += 1;
    if (interval > 0 && seen % interval === 0) call.write(checkpoint(event.position));
  };

  call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
  for (const event of considered) offer(event);
  const last = storage.allEvents().at(-1);
  if (interval > 0 && last) call.write(checkpoint(last.position));
  // Servers from 23.10 (the version ServerFeatures reports) say when the history is done.
  call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
  const unsubscribe = storage.subscribe(offer);
  const stop = (): void => void unsubscribe();
  call.on('cancelled', stop);
  call.on('close', stop);
  call.on('error', stop);
}

function checkpoint(position: bigint): ReadResp {
  return new ReadResp().setCheckpoint(
    new ReadResp.Checkpoint().setCommitPosition(position.toString()).setPreparePosition(position.toString()),
  );
}

/** The client's filters: prefixes or a regex, on the stream name or on the event type. */
function filterOf(options: ReadReq.Options): (event: StoredEvent) => boolean {
  if (!options.hasFilter()) return () => true;
  const filter = options.getFilter()!;
  const onType = filter.hasEventType();
  const expression = onType ? filter.getEventType()! : filter.getStreamIdentifier()!;
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  const prefixes = expression.getPrefixList();
  return (event) => {
    const subject = onType ? event.type : event.stream;
    if (regex) return regex.test(subject);
    return prefixes.some((p) => subject.startsWith(p));
  };
}
