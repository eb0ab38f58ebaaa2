import { firstBrokenLink } from '#infra/event-log/hash-chain';
import { InMemoryEventLog } from '#infra/event-log/in-memory-event-log';
import { START } from '#infra/event-log/position';
import { aStream, anEvent } from './event-fixtures';
import { eventLogContract } from './event-log.contract';

// The shared contract; its held-transaction cases need a store where a writer can hold an
// earlier position open, which this log has not (each append is atomic), so they run only
// against PostgreSQL (postgres-event-log.int.spec.ts).
eventLogContract('in memory', { log: () => new InMemoryEventLog() });

describe('in-memory event log', () => {
  it('chains hashes as event_log.append does: an auditor verifies them with the same check', async () => {
    const log = new InMemoryEventLog();
    const stream = aStream('chain');
    await log.append(stream, [anEvent('A', { text: 'héllo', numbers: [1e21, 1.5e-7], nested: { bb: 1, a: null } }), anEvent('B')], {
      expected: 'no_stream',
    });
    await log.append(stream, [anEvent('C')], { expected: 1n });
    expect(firstBrokenLink(await log.readStream(stream))).toBeUndefined();
  });

  it('keeps its own copy: changing an appended object afterwards changes nothing in the log', async () => {
    const log = new InMemoryEventLog();
    const stream = aStream();
    const event = anEvent('A', { n: 1, list: [1] });
    await log.append(stream, [event], { expected: 'no_stream' });
    (event.data as { n: number }).n = 2;
    const [read] = await log.readStream(stream);
    expect(read!.data).toEqual({ n: 1, list: [1] });
    expect(() => ((read!.data as { list: number[] }).list as number[]).push(2)).toThrow(TypeError);
  });

  it('readAll pages strictly after a position, in log order', async () => {
    const log = new InMemoryEventLog();
    await log.append(aStream(), [anEvent(), anEvent()], { expected: 'no_stream' });
    await log.append(aStream(), [anEvent()], { expected: 'no_stream' });
    const all = await log.readAll();
    expect(all.map((e) => e.position.prepare)).toEqual([1n, 2n, 3n]);
    expect(await log.readAll({ after: all[0]!.position, limit: 1 })).toEqual([all[1]]);
    expect(await log.headPosition()).toEqual(all[2]!.position);
    expect(await new InMemoryEventLog().headPosition()).toEqual(START);
  });

  it('close ends a live subscription', async () => {
    const log = new InMemoryEventLog();
    const seen: unknown[] = [];
    const following = (async () => {
      for await (const event of log.subscribeAll()) seen.push(event);
    })();
    await log.append(aStream(), [anEvent()], { expected: 'no_stream' });
    await new Promise((r) => setTimeout(r, 10));
    await log.close();
    await following;
    expect(seen).toHaveLength(1);
  });
});
