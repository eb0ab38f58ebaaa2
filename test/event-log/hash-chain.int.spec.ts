import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { firstBrokenLink, jsonbText } from '#infra/event-log/hash-chain';
import { InMemoryEventLog } from '#infra/event-log/in-memory-event-log';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { aStream, anEvent } from './event-fixtures';

let db: TestDatabase;
let log: PostgresEventLog;
beforeAll(async () => {
  db = await createTestDatabase();
  log = new PostgresEventLog(db.owner);
});
afterAll(async () => {
  await db.drop();
});

const awkward = {
  text: 'tab\there "quotes" \\ back\\slash, newline\n, bell\u0007, emoji 🎉, 中文, \u2028',
  numbers: [0, -1, 1.5, 1e21, 1.5e-7, -2.5e-10, 123456789012, 0.1],
  nested: { z: [true, false, null], a: { 'ü': 1, u: 2, U: 3, 'key with space': [], bb: 1, aaa: 2, é: 3 } },
  empty: {},
};

describe('per-stream hash chain', () => {
  it("the JS rendering of jsonb text matches PostgreSQL's byte for byte", async () => {
    const { rows } = await db.owner.query('SELECT $1::jsonb::text AS text', [JSON.stringify(awkward)]);
    expect(jsonbText(awkward)).toBe(rows[0].text);
  });

  it('every appended event carries a hash an auditor can recompute, chained to the previous one', async () => {
    const stream = aStream('chain');
    await log.append(stream, [anEvent('A', awkward), anEvent('B', { n: 2 })], { expected: 'no_stream' });
    await log.append(stream, [anEvent('C', { n: 3 })], { expected: 1n });
    expect(firstBrokenLink(await log.readStream(stream))).toBeUndefined();
  });

  it('the in-memory log chains the very hashes PostgreSQL does for the same events', async () => {
    const stream = aStream('twin');
    const first = [anEvent('A', awkward), anEvent('B', { n: 2 })];
    const second = [anEvent('C', { n: 3 })];
    const memory = new InMemoryEventLog();
    for (const target of [log, memory]) {
      await target.append(stream, first, { expected: 'no_stream' });
      await target.append(stream, second, { expected: 1n });
    }
    const hashes = async (target: PostgresEventLog | InMemoryEventLog) => (await target.readStream(stream)).map((e) => e.metadata.hash);
    expect(await hashes(memory)).toEqual(await hashes(log));
  });

  it('an event changed behind the log’s back is found: exactly that stream and revision', async () => {
    const stream = aStream('tamper');
    await log.append(stream, [anEvent('A'), anEvent('B'), anEvent('C')], { expected: 'no_stream' });
    await db.owner.query(`UPDATE event_log.events SET data = '{"n": 999}' WHERE stream_id = $1 AND stream_revision = 1`, [stream]);
    expect(firstBrokenLink(await log.readStream(stream))).toEqual({ stream, revision: 1n, reason: 'hash_mismatch' });
  });
});
