/**
 * The event-log contract against EventStoreEventLog over the real client and real gRPC, on the
 * in-process EventStoreDB emulator (test/support/esdb-emulator): unit tier, no PostgreSQL.
 * Declared difference: EventStoreDB checks event ids per stream only (eventIdsUniqueInLog: false).
 * No held-transaction cases: every gRPC append is its own implicit transaction, committed in
 * position order, so no writer can hold an earlier position open.
 */
import { DuplicateEventIds, type RecordedEvent } from '#infra/event-log/event-log';
import { EventStoreEventLog } from '#infra/event-log/eventstore-event-log';
import { firstBrokenLink } from '#infra/event-log/hash-chain';
import { EsdbEmulator, startEsdbEmulator } from '../support/esdb-emulator/server';
import { aStream, anEvent, events } from './event-fixtures';
import { eventLogContract } from './event-log.contract';

let emulator: EsdbEmulator;
const logs: EventStoreEventLog[] = [];
const newLog = (): EventStoreEventLog => {
  const log = EventStoreEventLog.fromConnectionString(emulator.connectionString);
  logs.push(log);
  return log;
};

beforeAll(async () => {
  emulator = await startEsdbEmulator();
});

afterAll(async () => {
  await Promise.all(logs.map((l) => l.close()));
  await emulator.close();
});

eventLogContract('EventStoreDB', { log: newLog, eventIdsUniqueInLog: false });

describe('EventStoreDB event log', () => {
  it('chains hashes as event_log.append does: an auditor verifies them with the same check', async () => {
    const log = newLog();
    const stream = aStream('chain');
    await log.append(stream, [anEvent('A', { text: 'héllo', numbers: [1e21, 1.5e-7], nested: { bb: 1, a: null } }), anEvent('B')], {
      expected: 'no_stream',
    });
    await log.append(stream, [anEvent('C')], { expected: 'any' });
    await log.append(stream, [anEvent('D')], { expected: 'stream_exists' });
    expect(firstBrokenLink(await log.readStream(stream))).toBeUndefined();
  });

  it('readAll pages strictly after a position, in log order, without system events', async () => {
    const log = newLog();
    const stream = aStream('all');
    const head = await log.headPosition();
    await log.append(stream, events(3), { expected: 'no_stream' });
    const mine = (list: RecordedEvent[]): RecordedEvent[] => list.filter((e) => e.streamId === stream);
    const all = mine(await log.readAll({ after: head }));
    expect(all.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
    expect(await log.readAll({ after: all[0]!.position, limit: 1 })).toEqual([all[1]]);
    expect(await log.headPosition()).toEqual(all[2]!.position);
    expect((await log.readAll()).some((e) => e.type.startsWith('$') || e.streamId.startsWith('$$'))).toBe(false);
  });

  it('an idempotent retry with any returns the first result', async () => {
    const log = newLog();
    const stream = aStream();
    const batch = events(2);
    const first = await log.append(stream, batch, { expected: 'any' });
    expect(await log.append(stream, batch, { expected: 'any' })).toEqual(first);
    expect(await log.readStream(stream)).toHaveLength(2);
  });

  it('concurrent appends with any all land, chained onto each other', async () => {
    const log = newLog();
    const stream = aStream();
    await Promise.all(Array.from({ length: 5 }, () => log.append(stream, [anEvent()], { expected: 'any' })));
    const read = await log.readStream(stream);
    expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(firstBrokenLink(read)).toBeUndefined();
  });

  it('refuses a batch that repeats an event id, and writes nothing', async () => {
    const log = newLog();
    const stream = aStream();
    const [one] = events(1);
    await expect(log.append(stream, [one!, one!], { expected: 'no_stream' })).rejects.toBeInstanceOf(DuplicateEventIds);
    expect(await log.readStream(stream)).toEqual([]);
  });

  it('close ends a live subscription', async () => {
    const log = EventStoreEventLog.fromConnectionString(emulator.connectionString);
    const head = await log.headPosition();
    const seen: unknown[] = [];
    const following = (async () => {
      for await (const event of log.subscribeAll({ after: head })) seen.push(event);
    })();
    await log.append(aStream(), [anEvent()], { expected: 'no_stream' });
    await new Promise((r) => setTimeout(r, 100));
    await log.close();
    await following;
    expect(seen).toHaveLength(1);
  });
});

describe('EventStoreDB event log, server restart', () => {
  it('the subscription survives a restart: no duplicates, no gaps', async () => {
    const own = await startEsdbEmulator();
    const log = EventStoreEventLog.fromConnectionString(own.connectionString);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 20_000);
    try {
      const stream = aStream('restart');
      await log.append(stream, events(3), { expected: 'no_stream' });
      const seen: bigint[] = [];
      let live: () => void = () => undefined;
      const caught = new Promise<void>((resolve) => (live = resolve));
      const following = (async () => {
        for await (const event of log.subscribeAll({ signal: controller.signal })) {
          if (event.streamId === stream) seen.push(event.revision);
          if (seen.length === 3) live();
          if (seen.length === 6) break;
        }
      })();
      await caught;
      await own.restart();
      // The first call after the restart may fail with UNAVAILABLE while the client reconnects.
      for (let attempt = 0; ; attempt += 1) {
        try {
          await log.append(stream, events(3), { expected: 2n });
          break;
        } catch (error) {
          if ((error as { code?: number }).code !== 14 || attempt > 20) throw error;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      await following;
      expect(seen).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
    } finally {
      clearTimeout(timer);
      controller.abort();
      await log.close();
      await own.close();
    }
  });
});
