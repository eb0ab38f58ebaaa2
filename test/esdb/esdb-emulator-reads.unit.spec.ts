/**
 * The EventStoreDB emulator against the REAL @eventstore/db-client over real gRPC sockets: these
 * tests pin the server behaviour the future EventStoreDB adapter will rely on
 * (/work/shared/reference/eventstoredb.md). Reads, subscriptions, restart. No PostgreSQL: unit tier.
 */
import { END, EventStoreDBClient, excludeSystemEvents, jsonEvent, Position, ResolvedEvent, START, StreamNotFoundError } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { startEsdbEmulator } from '../support/esdb-emulator/server';
import { collect, event, failure, withEmulatorAndClient } from '../support/esdb-emulator/test-helpers';

describe('EventStoreDB emulator, reads and subscriptions', () => {
  let client: EventStoreDBClient;

  withEmulatorAndClient((_emulator, connected) => (client = connected));

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
    const error = await failure(collect(client.readStream(stream)));
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

  it('reads $all backwards from a position, exclusive', async () => {
    const stream = `back-${randomUUID()}`;
    await client.appendToStream(stream, [0, 1, 2].map((n) => event(n)));
    const ours = (await collect(client.readAll({ fromPosition: START }))).filter((r) => r.event?.streamId === stream);
    const third = ours[2].event!.position!;
    const back = await collect(client.readAll({ fromPosition: third, direction: 'backwards', maxCount: 2 }));
    expect(back.map((r) => r.event?.data)).toEqual([{ n: 1 }, { n: 0 }]);
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

  it('subscribes to a stream after a revision (exclusive), says caughtUp, then goes live', async () => {
    const stream = `stream-sub-${randomUUID()}`;
    await client.appendToStream(stream, [event(0), event(1), event(2)]);
    await client.appendToStream(`noise-${randomUUID()}`, event(99));
    const subscription = client.subscribeToStream(stream, { fromRevision: 0n });
    const received: unknown[] = [];
    const done = new Promise<void>((resolve, reject) => {
      subscription.on('data', (resolved: ResolvedEvent) => {
        received.push(resolved.event?.data);
        if (received.length === 3) resolve();
      });
      subscription.on('error', reject);
    });
    // When 'caughtUp' fires relative to 'data' is the client's stream plumbing: only wait for it.
    await new Promise((resolve) => subscription.once('caughtUp', resolve));
    await client.appendToStream(stream, event(3));
    await done;
    expect(received).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
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

describe('EventStoreDB emulator, checkpoint cadence', () => {
  it('sends a checkpoint every multiplier x 32 events considered, plus one when live', async () => {
    const emulator = await startEsdbEmulator();
    const client = EventStoreDBClient.connectionString(emulator.connectionString);
    try {
      for (let i = 0; i < 384; i += 64) {
        await client.appendToStream(`cadence-${i}`, Array.from({ length: 64 }, (_, n) => event(i + n)));
      }
      const checkpoints: Position[] = [];
      let live: () => void = () => undefined;
      const last = new Promise<void>((resolve) => (live = resolve));
      const end = (await collect(client.readAll({ fromPosition: END, direction: 'backwards', maxCount: 1 })))[0].event!.position!;
      const filter = {
        ...excludeSystemEvents(),
        checkpointInterval: 2,
        checkpointReached: (_s: unknown, position: Position) => {
          checkpoints.push(position);
          if (position.commit === end.commit && checkpoints.length >= 7) live();
        },
      };
      const subscription = client.subscribeToAll({ fromPosition: START, filter });
      subscription.on('data', () => undefined);
      await last;
      // The client's own test expects 6-7 for 384 events at multiplier 2: 6 on the way, 1 going live.
      expect(checkpoints.length).toBe(7);
      await subscription.unsubscribe();
    } finally {
      await client.dispose();
      await emulator.close();
    }
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
