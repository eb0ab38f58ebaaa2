import type { EventLog, RecordedEvent } from '#infra/event-log/event-log';
import { WrongExpectedVersion, DuplicateEventIds } from '#infra/event-log/event-log';
import { comparePositions, START, type Position } from '#infra/event-log/position';
import { aStream, anEvent, events } from './event-fixtures';

/** What a store's test harness gives the contract. */
export type EventLogHarness = Readonly<{
  /** A log whose fallback poll is slow (30 s), so live delivery can only come from a wake-up. */
  log: () => EventLog;
  /** Stores where a writer's transaction can hold an earlier position open (PostgreSQL). */
  heldAppend?: (stream: string) => Promise<{ commit: () => Promise<void>; rollback: () => Promise<void> }>;
  /**
   * Whether event ids are unique in the whole log (default true: PostgreSQL, in memory), so the
   * same ids in another stream are refused with DuplicateEventIds. false where the store checks
   * ids per stream only, by design (EventStoreDB: the same ids in another stream are accepted):
   * the contract then checks that they are appended there, as that store does.
   */
  eventIdsUniqueInLog?: boolean;
}>;

async function collect(
  log: EventLog,
  after: Position,
  wanted: (e: RecordedEvent) => boolean,
  count: number,
  timeoutMs = 10_000,
): Promise<RecordedEvent[]> {
  const controller = new AbortController();
  const seen: RecordedEvent[] = [];
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  for await (const event of log.subscribeAll({ after, signal: controller.signal })) {
    if (wanted(event)) seen.push(event);
    if (seen.length >= count) break;
  }
  clearTimeout(timer);
  controller.abort();
  return seen;
}

async function expectWrongVersion(promise: Promise<unknown>, actual: bigint | 'no_stream'): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedVersion);
  expect((error as WrongExpectedVersion).actual).toBe(actual);
}

/** The event-log contract: every adapter runs exactly this suite. */
export function eventLogContract(adapter: string, harness: EventLogHarness): void {
  describe(`event log contract: ${adapter}`, () => {
    let log: EventLog;
    beforeAll(() => {
      log = harness.log();
    });

    describe('expected revision', () => {
      it('no_stream: appends to a new stream, refuses an existing one', async () => {
        const stream = aStream();
        const first = await log.append(stream, [anEvent()], { expected: 'no_stream' });
        expect(first.nextRevision).toBe(0n);
        await expectWrongVersion(log.append(stream, [anEvent()], { expected: 'no_stream' }), 0n);
      });

      it('stream_exists: refuses a new stream, appends to an existing one', async () => {
        const stream = aStream();
        await expectWrongVersion(log.append(stream, [anEvent()], { expected: 'stream_exists' }), 'no_stream');
        await log.append(stream, [anEvent()], { expected: 'no_stream' });
        const next = await log.append(stream, events(2), { expected: 'stream_exists' });
        expect(next.nextRevision).toBe(2n);
      });

      it('any: appends whatever the stream holds', async () => {
        const stream = aStream();
        expect((await log.append(stream, [anEvent()], { expected: 'any' })).nextRevision).toBe(0n);
        expect((await log.append(stream, [anEvent()], { expected: 'any' })).nextRevision).toBe(1n);
      });

      it('exact revision: appends when current, refuses stale, future and missing streams', async () => {
        const stream = aStream();
        await expectWrongVersion(log.append(stream, [anEvent()], { expected: 0n }), 'no_stream');
        await log.append(stream, events(3), { expected: 'no_stream' });
        expect((await log.append(stream, [anEvent()], { expected: 2n })).nextRevision).toBe(3n);
        await expectWrongVersion(log.append(stream, [anEvent()], { expected: 2n }), 3n);
        await expectWrongVersion(log.append(stream, [anEvent()], { expected: 9n }), 3n);
      });

      it('a refused append writes nothing', async () => {
        const stream = aStream();
        await log.append(stream, [anEvent()], { expected: 'no_stream' });
        await expectWrongVersion(log.append(stream, events(5), { expected: 7n }), 0n);
        expect(await log.readStream(stream)).toHaveLength(1);
      });
    });

    it('50 concurrent appends at one expected revision: exactly one wins, 49 get WrongExpectedVersion', async () => {
      const stream = aStream();
      await log.append(stream, [anEvent()], { expected: 'no_stream' });
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => log.append(stream, [anEvent('Raced')], { expected: 0n })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(49);
      for (const error of lost) {
        expect(error).toBeInstanceOf(WrongExpectedVersion);
        expect(error).toMatchObject({ stream, expected: 0n, actual: 1n });
      }
      expect(await log.readStream(stream)).toHaveLength(2);
    });

    describe('idempotent append', () => {
      it('re-appending the same event ids at the same place returns the first result and adds nothing', async () => {
        const stream = aStream();
        const batch = events(3);
        const first = await log.append(stream, batch, { expected: 'no_stream' });
        const again = await log.append(stream, batch, { expected: 'no_stream' });
        expect(again).toEqual(first);
        expect(await log.readStream(stream)).toHaveLength(3);
        const more = events(1);
        const second = await log.append(stream, more, { expected: 2n });
        expect(await log.append(stream, more, { expected: 2n })).toEqual(second);
        expect(await log.readStream(stream)).toHaveLength(4);
      });

      if (harness.eventIdsUniqueInLog ?? true) {
        it('the same event ids somewhere else are refused', async () => {
          const batch = events(2);
          await log.append(aStream(), batch, { expected: 'no_stream' });
          await expect(log.append(aStream(), batch, { expected: 'no_stream' })).rejects.toBeInstanceOf(DuplicateEventIds);
        });

        it('an id used elsewhere is refused at an exact revision too, even mixed with new ones, and nothing is written', async () => {
          const used = events(1);
          await log.append(aStream(), used, { expected: 'no_stream' });
          const stream = aStream();
          await log.append(stream, [anEvent()], { expected: 'no_stream' });
          await expect(log.append(stream, [anEvent(), ...used], { expected: 0n })).rejects.toBeInstanceOf(DuplicateEventIds);
          expect(await log.readStream(stream)).toHaveLength(1);
          expect((await log.append(stream, [anEvent()], { expected: 0n })).nextRevision).toBe(1n);
        });
      } else {
        it('the same event ids in another stream are appended there (ids are unique per stream only)', async () => {
          const batch = events(2);
          await log.append(aStream(), batch, { expected: 'no_stream' });
          const other = aStream();
          expect((await log.append(other, batch, { expected: 'no_stream' })).nextRevision).toBe(1n);
          expect((await log.readStream(other)).map((e) => e.eventId)).toEqual(batch.map((e) => e.metadata.eventId));
        });
      }
    });

    describe('reading', () => {
      it('reads a stream forwards, backwards, from a revision and with a limit', async () => {
        const stream = aStream();
        await log.append(stream, events(5), { expected: 'no_stream' });
        const revisions = (list: RecordedEvent[]): bigint[] => list.map((e) => e.revision);
        expect(revisions(await log.readStream(stream))).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(revisions(await log.readStream(stream, { from: 2n, limit: 2 }))).toEqual([2n, 3n]);
        expect(revisions(await log.readStream(stream, { direction: 'backwards', limit: 2 }))).toEqual([4n, 3n]);
        expect(await log.readStream(aStream())).toEqual([]);
      });

      it('keeps data and metadata, and chains each event to the previous one by hash', async () => {
        const stream = aStream();
        const batch = [anEvent('A', { text: 'héllo "quoted"', nested: { b: [1, 2], a: null } }), anEvent('B')];
        await log.append(stream, batch, { expected: 'no_stream' });
        await log.append(stream, [anEvent('C')], { expected: 1n });
        const read = await log.readStream(stream);
        expect(read[0]!.data).toEqual(batch[0]!.data);
        expect(read[0]!.metadata).toMatchObject(batch[0]!.metadata);
        expect(read[0]!.metadata.prevHash).toBeNull();
        expect(read[0]!.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(read[1]!.metadata.prevHash).toBe(read[0]!.metadata.hash);
        expect(read[2]!.metadata.prevHash).toBe(read[1]!.metadata.hash);
      });

      it('positions grow in log order', async () => {
        const stream = aStream();
        const first = await log.append(stream, [anEvent()], { expected: 'no_stream' });
        const second = await log.append(stream, [anEvent()], { expected: 0n });
        expect(comparePositions(first.position, second.position)).toBe(-1);
        const [read] = await log.readStream(stream, { direction: 'backwards', limit: 1 });
        expect(read!.position).toEqual(second.position);
      });
    });

    describe('subscription', () => {
      it('resumes strictly after a stored checkpoint', async () => {
        const stream = aStream();
        await log.append(stream, events(3), { expected: 'no_stream' });
        const [, second] = await log.readStream(stream);
        const rest = await collect(log, second!.position, (e) => e.streamId === stream, 1);
        expect(rest.map((e) => e.revision)).toEqual([2n]);
        const all = await collect(log, START, (e) => e.streamId === stream, 3);
        expect(all.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      });

      it('delivers a live append at once: woken by the store, not the 30 s poll', async () => {
        const stream = aStream();
        const head = await log.headPosition();
        const started = Date.now();
        const delivered = collect(log, head, (e) => e.streamId === stream, 1, 20_000);
        await new Promise((r) => setTimeout(r, 300));
        await log.append(stream, [anEvent()], { expected: 'no_stream' });
        expect(await delivered).toHaveLength(1);
        expect(Date.now() - started).toBeLessThan(5_000);
      });

      if (harness.heldAppend) {
        const heldAppend = harness.heldAppend;
        it('never skips an event whose transaction commits after later ones', async () => {
          const early = aStream('held');
          const late = aStream('late');
          const head = await log.headPosition();
          const held = await heldAppend(early);
          await log.append(late, events(3), { expected: 'no_stream' });
          const mine = (e: RecordedEvent): boolean => e.streamId === early || e.streamId === late;
          const seen: RecordedEvent[] = [];
          const controller = new AbortController();
          const consuming = (async () => {
            for await (const event of log.subscribeAll({ after: head, signal: controller.signal })) {
              if (mine(event)) seen.push(event);
              if (seen.length === 4) break;
            }
          })();
          await new Promise((r) => setTimeout(r, 800));
          expect(seen).toEqual([]);
          await held.commit();
          const timeout = setTimeout(() => controller.abort(), 10_000);
          await consuming;
          clearTimeout(timeout);
          expect(seen.map((e) => e.streamId)).toEqual([early, late, late, late]);
          expect(new Set(seen.map((e) => e.eventId)).size).toBe(4);
        });

        it('moves on after the held transaction rolls back', async () => {
          const early = aStream('held');
          const late = aStream('late');
          const head = await log.headPosition();
          const held = await heldAppend(early);
          await log.append(late, events(2), { expected: 'no_stream' });
          setTimeout(() => void held.rollback(), 500);
          const seen = await collect(log, head, (e) => e.streamId === early || e.streamId === late, 2, 30_000);
          expect(seen.map((e) => e.streamId)).toEqual([late, late]);
          expect(await log.readStream(early)).toEqual([]);
        });
      }
    });
  });
}
