/**
 * The EventStoreDB emulator against the REAL @eventstore/db-client over real gRPC sockets: what
 * these tests pin is the server behaviour the future EventStoreDB adapter will rely on
 * (docs: /work/shared/reference/eventstoredb.md). No PostgreSQL: unit tier.
 */
import {
  END,
  EventStoreDBClient,
  jsonEvent,
  excludeSystemEvents,
  MaxAppendSizeExceededError,
  Position,
  ResolvedEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { EsdbEmulator, startEsdbEmulator } from '../support/esdb-emulator/server';

const event = (n: number, id: string = randomUUID()) => jsonEvent({ id, type: 'Counted', data: { n } });

async function collect(stream: AsyncIterable<ResolvedEvent>): Promise<ResolvedEvent[]> {
  const out: ResolvedEvent[] = [];
  // Draining to the end (never breaking out) lets the client close the call: see the client traps.
  for await (const resolved of stream) out.push(resolved);
  return out;
}

async function wrongVersion(promise: Promise<unknown>): Promise<WrongExpectedVersionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  return error as WrongExpectedVersionError;
}

describe.each([
  ['BatchAppend', true],
  ['Append', false],
])('EventStoreDB emulator, writes through %s', (path, batchAppend) => {
  let emulator: EsdbEmulator;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    emulator = await startEsdbEmulator({ batchAppend });
    client = EventStoreDBClient.connectionString(emulator.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await emulator.close();
  });

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
    const error = await client.appendToStream(stream, [event(0), big]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(1024 * 1024);
    await expect(collect(client.readStream(stream))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it(`took the ${path} path: the client follows what ServerFeatures advertises`, () => {
    const [used, unused] = batchAppend ? ['Streams/BatchAppend', 'Streams/Append'] : ['Streams/Append', 'Streams/BatchAppend'];
    expect(emulator.calls.get(used)).toBeGreaterThan(0);
    expect(emulator.calls.get(unused)).toBeUndefined();
  });
});

describe('EventStoreDB emulator, reads and subscriptions', () => {
  let emulator: EsdbEmulator;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    emulator = await startEsdbEmulator();
    client = EventStoreDBClient.connectionString(emulator.connectionString);
  });
  afterAll(async () => {
    await client.dispose();
    await emulator.close();
  });

  it('reads a stream forwards, backwards, from a revision (inclusive) and with a count', async () => {
    const stream = `read-${randomUUID()}`;
    await client.appendToStream(stream, [0, 1, 2, 3].map((n) => event(n)), { expectedRevision: 'no_stream' });
    const revisions = async (options: Parameters<EventStoreDBClient['readStream']>[1]) =>
      (await collect(client.readStream(stream, options))).map((r) => r.event?.revision);
    expect(await revisions({})).toEqual([0n, 1n, 2n, 3n]);
    expect(await revisions({ fromRevision: 2n })).toEqual([2n, 3n]);
    expect(await revisions({ direction: 'backwards', fromRevision: END })).toEqual([3n, 2n, 1n, 0n]);
    expect(await revisions({ direction: 'backwards', fromRevision: 1n })).toEqual([1n, 0n]);
    expect(await revisions({ fromRevision: START, maxCount: 2 })).toEqual([0n, 1n]);
  });

  it('answers StreamNotFoundError for a stream never written', async () => {
    const stream = `missing-${randomUUID()}`;
    const error = await collect(client.readStream(stream)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).streamName).toBe(stream);
  });

  it('gives each event commit = prepare = a growing byte offset, and the append its last event', async () => {
    const stream = `pos-${randomUUID()}`;
    const result = await client.appendToStream(stream, [event(0), event(1)]);
    const read = await collect(client.readStream(stream));
    const positions = read.map((r) => r.event!.position!);
    for (const p of positions) expect(p.commit).toBe(p.prepare);
    expect(positions[1].commit).toBeGreaterThan(positions[0].commit);
    expect(result.position).toEqual(positions[1]);
  });

  it('reads $all forwards from the start and from a position, inclusive', async () => {
    const stream = `all-${randomUUID()}`;
    await client.appendToStream(stream, [0, 1, 2].map((n) => event(n)));
    const ours = (events: ResolvedEvent[]) => events.filter((r) => r.event?.streamId === stream);
    const fromStart = ours(await collect(client.readAll({ fromPosition: START })));
    expect(fromStart.map((r) => r.event?.data)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    const second = fromStart[1].event!.position!;
    const fromSecond = await collect(client.readAll({ fromPosition: second }));
    expect(fromSecond.map((r) => r.event?.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(fromSecond[0].commitPosition).toBe(second.commit);
  });

  it('subscribes to $all after a position (exclusive), then receives live events', async () => {
    const stream = `sub-${randomUUID()}`;
    const before = await client.appendToStream(stream, [event(0), event(1)]);
    const subscription = client.subscribeToAll({ fromPosition: before.position! });
    const received: unknown[] = [];
    const done = new Promise<void>((resolve, reject) => {
      subscription.on('data', (resolved: ResolvedEvent) => {
        received.push(resolved.event?.data);
        if (received.length === 2) resolve();
      });
      subscription.on('error', reject);
    });
    await new Promise((resolve) => subscription.once('confirmation', resolve));
    await client.appendToStream(stream, [event(2), event(3)]);
    await done;
    expect(received).toEqual([{ n: 2 }, { n: 3 }]);
    await subscription.unsubscribe();
  });

  it('sends a checkpoint when a filtered subscription goes live, and hides $-types', async () => {
    const stream = `filtered-${randomUUID()}`;
    await client.appendToStream(stream, [event(0), jsonEvent({ type: '$system', data: {} })]);
    let reached: (position: Position) => void = () => undefined;
    const checkpointReached = new Promise<Position>((resolve) => (reached = resolve));
    // The client hands checkpoints only to the filter's checkpointReached callback.
    const filter = { ...excludeSystemEvents(), checkpointReached: (_s: unknown, position: Position) => reached(position) };
    const subscription = client.subscribeToAll({ fromPosition: START, filter });
    const types: string[] = [];
    subscription.on('data', (resolved: ResolvedEvent) => {
      if (resolved.event?.streamId === stream) types.push(resolved.event.type);
    });
    const checkpoint = await checkpointReached;
    expect(types).toEqual(['Counted']);
    expect(checkpoint.commit).toBe(checkpoint.prepare);
    await subscription.unsubscribe();
  });
});

describe('EventStoreDB emulator, restart', () => {
  it('keeps the log, forgets the id cache, and ends live subscriptions', async () => {
    const emulator = await startEsdbEmulator();
    const client = EventStoreDBClient.connectionString(emulator.connectionString);
    try {
      const stream = `restart-${randomUUID()}`;
      const id = randomUUID();
      await client.appendToStream(stream, event(0, id), { expectedRevision: 'no_stream' });
      const subscription = client.subscribeToAll({ fromPosition: END });
      const ended = new Promise<unknown>((resolve) => subscription.once('error', resolve));
      await new Promise((resolve) => subscription.once('confirmation', resolve));

      await emulator.restart();
      // The client does not resubscribe: the subscription errors (CancelledError, code 1).
      expect(await ended).toMatchObject({ code: 1 });
      // Its next call may fail with UNAVAILABLE while it reconnects; retry until the new server answers.
      const readAgain = async (): Promise<ResolvedEvent[]> => {
        for (let attempt = 0; ; attempt += 1) {
          try {
            return await collect(client.readStream(stream));
          } catch (error) {
            if (attempt >= 5 || (error as { code?: number }).code !== 14) throw error;
          }
        }
      };
      expect((await readAgain()).map((r) => r.event?.id)).toEqual([id]);
      // At an exact revision the index still recognises the retry ...
      expect((await client.appendToStream(stream, event(0, id), { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(0n);
      // ... with `any` only the (now empty) cache could: the event is written again.
      expect((await client.appendToStream(stream, event(0, id))).nextExpectedRevision).toBe(1n);
    } finally {
      await client.dispose();
      await emulator.close();
    }
  });
});
