/**
 * The EventStoreDB emulator against the REAL @eventstore/db-client over real gRPC sockets: these
 * tests pin the server behaviour the future EventStoreDB adapter will rely on
 * (/work/shared/reference/eventstoredb.md). Writes: expected revisions, idempotency, size limit, both write paths. No PostgreSQL: unit tier.
 */
import { EventStoreDBClient, jsonEvent, MaxAppendSizeExceededError, StreamNotFoundError } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import type { EsdbEmulator } from '../support/esdb-emulator/server';
import { collect, event, failure, withEmulatorAndClient, wrongVersion } from '../support/esdb-emulator/test-helpers';

describe.each([
  ['BatchAppend', true],
  ['Append', false],
])('EventStoreDB emulator, writes through %s', (path, batchAppend) => {
  let emulator: EsdbEmulator;
  let client: EventStoreDBClient;

  withEmulatorAndClient((started, connected) => ((emulator = started), (client = connected)), { batchAppend });

  it('appends with each expected-revision kind and reports the actual revision when wrong', async () => {
    const stream = `order-${randomUUID()}`;
    expect((await wrongVersion(client.appendToStream(stream, event(0), { expectedRevision: 'stream_exists' }))).actualVersion).toBe(
      'no_stream',
    );
    expect((await wrongVersion(client.appendToStream(stream, event(0), { expectedRevision: 0n }))).actualVersion).toBe('no_stream');

    const first = await client.appendToStream(stream, [event(0), event(1)], { expectedRevision: 'no_stream' });
    expect(first.nextExpectedRevision).toBe(1n);
    expect((await wrongVersion(client.appendToStream(stream, event(9), { expectedRevision: 'no_stream' }))).actualVersion).toBe(1n);
    expect((await client.appendToStream(stream, event(2), { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(2n);
    expect((await client.appendToStream(stream, event(3), { expectedRevision: 2n })).nextExpectedRevision).toBe(3n);
    const wrong = await wrongVersion(client.appendToStream(stream, event(9), { expectedRevision: 1n }));
    expect([wrong.actualVersion, wrong.expectedVersion]).toEqual([3n, 1n]);
    expect((await client.appendToStream(stream, event(4), { expectedRevision: 'any' })).nextExpectedRevision).toBe(4n);

    const read = await collect(client.readStream(stream));
    expect(read.map((r) => r.event?.data)).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
    expect(read.map((r) => r.event?.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it('answers a retry of the same event ids with the first result and writes nothing', async () => {
    const stream = `retry-${randomUUID()}`;
    const ids = [randomUUID(), randomUUID()];
    const first = await client.appendToStream(stream, [event(0, ids[0]), event(1, ids[1])], { expectedRevision: 'no_stream' });
    await client.appendToStream(stream, event(2), { expectedRevision: 1n });
    // Content is never compared: only the ids, sitting right after the expected revision.
    const again = await client.appendToStream(stream, [event(7, ids[0]), event(8, ids[1])], { expectedRevision: 'no_stream' });
    expect(again).toMatchObject({ success: true, nextExpectedRevision: 1n, position: first.position });
    const viaAny = await client.appendToStream(stream, [event(0, ids[0]), event(1, ids[1])]);
    expect(viaAny.nextExpectedRevision).toBe(1n);
    // A partial match (first id written, the next one new) is a conflict.
    await wrongVersion(client.appendToStream(stream, [event(0, ids[0]), event(5)], { expectedRevision: 'no_stream' }));
    expect((await collect(client.readStream(stream))).length).toBe(3);
    // The same ids in another stream are new events.
    const other = await client.appendToStream(`other-${randomUUID()}`, [event(0, ids[0])], { expectedRevision: 'no_stream' });
    expect(other.nextExpectedRevision).toBe(0n);
  });

  it('refuses an append over 1 MiB and writes none of it', async () => {
    const stream = `big-${randomUUID()}`;
    const big = jsonEvent({ type: 'Big', data: { blob: 'x'.repeat(1024 * 1024) } });
    const error = await failure(client.appendToStream(stream, [event(0), big]));
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(1024 * 1024);
    await expect(collect(client.readStream(stream))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('takes one append split into several requests (batchAppendSize) as one append', async () => {
    const stream = `chunked-${randomUUID()}`;
    const events = Array.from({ length: 20 }, (_, n) => event(n));
    // On BatchAppend the client cuts the append at batchAppendSize bytes; only the last has is_final.
    const result = await client.appendToStream(stream, events, { expectedRevision: 'no_stream', batchAppendSize: 200 });
    expect(result.nextExpectedRevision).toBe(19n);
    expect((await collect(client.readStream(stream))).map((r) => r.event?.data)).toEqual(events.map((e) => e.data));
  });

  it(`took the ${path} path: the client follows what ServerFeatures advertises`, () => {
    const [used, unused] = batchAppend ? ['Streams/BatchAppend', 'Streams/Append'] : ['Streams/Append', 'Streams/BatchAppend'];
    expect(emulator.calls.get(used)).toBeGreaterThan(0);
    expect(emulator.calls.get(unused)).toBeUndefined();
  });
});
