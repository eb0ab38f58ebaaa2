import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { START } from '#infra/event-log/position';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * Log order is numeric (transaction id, global position). Ordering by the transaction id's text
 * once put '1230' before '806' and made the projector apply newer events first: these events
 * sit on both sides of a digit boundary (99 | 100), in the opposite order of their positions.
 */
let db: TestDatabase;
let log: PostgresEventLog;

beforeAll(async () => {
  db = await createTestDatabase();
  log = new PostgresEventLog(db.owner, { pollIntervalMs: 50 });
  // Written straight into the table (as only a test may): transaction ids long committed.
  await db.owner.query(`INSERT INTO event_log.events (stream_id, stream_revision, event_id, type, data, metadata, transaction_id)
    VALUES ('digits-late', 0, gen_random_uuid(), 'Late', '{}', '{}', '100'),
           ('digits-early', 0, gen_random_uuid(), 'Early', '{}', '{}', '99')`);
});
afterAll(async () => {
  await db.drop();
});

const order = ['99/2', '100/1'];

it('readAll orders by transaction id as a number', async () => {
  const events = await log.readAll({ after: START });
  expect(events.map((e) => `${e.position.commit}/${e.position.prepare}`)).toEqual(order);
});

it('headPosition is the numerically last', async () => {
  expect(await log.headPosition()).toEqual({ commit: 100n, prepare: 1n });
});

it('a subscription delivers in numeric order', async () => {
  const controller = new AbortController();
  const seen: string[] = [];
  for await (const event of log.subscribeAll({ after: START, signal: controller.signal })) {
    seen.push(`${event.position.commit}/${event.position.prepare}`);
    if (seen.length === 2) break;
  }
  controller.abort();
  expect(seen).toEqual(order);
});
