import { Client, type Pool } from 'pg';
import { createPool } from '#infra/database/database';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { anEvent } from './event-fixtures';
import { eventLogContract } from './event-log.contract';

let db: TestDatabase;
let apiPool: Pool;
const held: Client[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  // Appends go through the API's own login, as in production.
  apiPool = createPool(db.apiUrl, { max: 60 });
});

afterAll(async () => {
  await Promise.all(held.map((c) => c.end().catch(() => undefined)));
  await apiPool.end();
  await db.drop();
});

eventLogContract('PostgreSQL', {
  log: () => new PostgresEventLog(apiPool, { pollIntervalMs: 30_000 }),
  heldAppend: async (stream) => {
    const client = new Client({ connectionString: db.apiUrl });
    held.push(client);
    await client.connect();
    await client.query('BEGIN');
    const e = anEvent('Held');
    await client.query('SELECT * FROM event_log.append($1, $2, $3)', [
      stream,
      'no_stream',
      JSON.stringify([{ eventId: e.metadata.eventId, type: e.type, data: e.data, metadata: e.metadata }]),
    ]);
    return {
      commit: async () => void (await client.query('COMMIT')),
      rollback: async () => void (await client.query('ROLLBACK')),
    };
  },
});

describe('PostgreSQL event log: the API login cannot rewrite history', () => {
  it('may neither update nor delete events, nor insert around event_log.append', async () => {
    await expect(apiPool.query(`UPDATE event_log.events SET data = '{}'`)).rejects.toThrow(/permission denied/);
    await expect(apiPool.query('DELETE FROM event_log.events')).rejects.toThrow(/permission denied/);
    await expect(
      apiPool.query(`INSERT INTO event_log.events (stream_id, stream_revision, event_id, type, data, metadata)
                     VALUES ('x-1', 0, gen_random_uuid(), 'X', '{}', '{}')`),
    ).rejects.toThrow(/permission denied/);
  });
});
