/**
 * The EventStoreDB emulator's soft delete and tombstone, driven by the REAL client over gRPC:
 * the rows of the expected-revision table for deleted streams
 * (/work/shared/reference/eventstoredb.md), on both write paths. No PostgreSQL: unit tier.
 */
import { EventStoreDBClient, ResolvedEvent, START, StreamDeletedError, StreamNotFoundError } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { collect, event, failure, withEmulatorAndClient, wrongVersion } from '../support/esdb-emulator/test-helpers';

describe.each([
  ['BatchAppend', true],
  ['Append', false],
])('EventStoreDB emulator, deleted streams (writes through %s)', (_path, batchAppend) => {
  let client: EventStoreDBClient;
  const inAll = async (stream: string): Promise<ResolvedEvent[]> =>
    (await collect(client.readAll({ fromPosition: START }))).filter((r) => r.event?.streamId === stream);

  withEmulatorAndClient((_emulator, connected) => (client = connected), { batchAppend });

  it('soft delete: reads say not found, numbering continues, $all keeps the history and the $tb metadata', async () => {
    const stream = `soft-${randomUUID()}`;
    await client.appendToStream(stream, [event(0), event(1), event(2)], { expectedRevision: 'no_stream' });
    await client.deleteStream(stream, { expectedRevision: 2n });

    expect(await failure(collect(client.readStream(stream)))).toBeInstanceOf(StreamNotFoundError);
    expect(await failure(client.appendToStream(stream, event(9), { expectedRevision: 'stream_exists' }))).toBeInstanceOf(StreamDeletedError);
    expect((await wrongVersion(client.appendToStream(stream, event(9), { expectedRevision: 1n }))).actualVersion).toBe(2n);
    expect((await client.appendToStream(stream, event(3), { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(3n);

    const read = await collect(client.readStream(stream));
    expect(read.map((r) => [r.event?.revision, r.event?.data])).toEqual([[3n, { n: 3 }]]);
    expect((await inAll(stream)).map((r) => r.event?.revision)).toEqual([0n, 1n, 2n, 3n]);
    const metadata = await inAll(`$$${stream}`);
    expect(metadata.map((r) => [r.event?.type, r.event?.data])).toEqual([['$metadata', { $tb: 2 ** 63 }]]);
  });

  it('soft delete at the wrong expected revision is refused with the actual revision', async () => {
    const stream = `soft-wrong-${randomUUID()}`;
    await client.appendToStream(stream, [event(0), event(1)]);
    expect((await wrongVersion(client.deleteStream(stream, { expectedRevision: 0n }))).actualVersion).toBe(1n);
    expect((await collect(client.readStream(stream))).length).toBe(2);
  });

  it('tombstone: reads and every append kind say StreamDeleted; $all shows $streamDeleted at 2^63-1', async () => {
    const stream = `tomb-${randomUUID()}`;
    await client.appendToStream(stream, [event(0), event(1)]);
    await client.tombstoneStream(stream);

    expect(await failure(collect(client.readStream(stream)))).toBeInstanceOf(StreamDeletedError);
    for (const expectedRevision of ['any', 'no_stream', 'stream_exists', 1n] as const) {
      expect(await failure(client.appendToStream(stream, event(9), { expectedRevision }))).toBeInstanceOf(StreamDeletedError);
    }
    const all = await inAll(stream);
    expect(all.map((r) => [r.event?.type, r.event?.revision])).toEqual([
      ['Counted', 0n],
      ['Counted', 1n],
      ['$streamDeleted', 2n ** 63n - 1n],
    ]);
  });
});
