import { randomUUID } from 'node:crypto';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { readCheckpoint } from '#infra/projections/checkpoints';
import { startProjector, type Projector } from '#infra/projections/projector';
import type { Projection } from '#infra/projections/projection';
import { createDb, createPool } from '#infra/database/database';
import { metricsRegistry } from '#infra/observability/metrics';
import { aStream, anEvent, events } from '../event-log/event-fixtures';
import { appendHistory, simulateCompany } from '../support/company-history';
import { expectedReadModel, readModelOf } from '../support/read-model-snapshot';
import { waitForProjection } from '../support/projection-wait';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let log: PostgresEventLog;
const running: Projector[] = [];
const start = (options: Partial<Parameters<typeof startProjector>[0]> = {}): Projector => {
  const projector = startProjector({ ownerPool: db.owner, log, retryBaseMs: 5, standbyPollMs: 50, ...options });
  running.push(projector);
  return projector;
};

beforeAll(async () => {
  db = await createTestDatabase();
  log = new PostgresEventLog(db.owner, { pollIntervalMs: 200 });
  await db.owner.query(`CREATE TABLE public.test_applied (projection text, event_id uuid, tx xid8, PRIMARY KEY (projection, event_id));
                        GRANT ALL ON public.test_applied TO service_role;`);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  await db.drop();
});

/** A test projection that records which transaction applied each event of its own streams. */
function recorder(name: string, poison?: string): Projection {
  return {
    name,
    handles: new Set(['SomethingHappened', 'Poison']),
    apply: async (rows, event, recorded) => {
      if (!recorded.streamId.startsWith(`${name}-`)) return;
      if (event.type === poison) throw new Error('handler cannot digest this event');
      await rows.execute('INSERT INTO public.test_applied VALUES ($1, $2, pg_current_xact_id())', [name, recorded.eventId]);
    },
  };
}

const applied = async (name: string): Promise<{ event_id: string; tx: string }[]> =>
  (await db.owner.query('SELECT event_id, tx::text FROM public.test_applied WHERE projection = $1', [name])).rows;

describe('projector', () => {
  it('projects company histories into exactly the fold of their events', async () => {
    const histories = [1, 2, 3].map(() => simulateCompany({ users: 4, roles: 6, updatesPerRole: 2 }));
    for (const history of histories) await appendHistory(log, history);
    start();
    await waitForProjection(db.owner, log);
    expect(await readModelOf(db.owner, histories.map((h) => h.companyId))).toEqual(expectedReadModel(histories.map((h) => h.state)));
  });

  it('replaying from the start changes nothing: handlers are idempotent too', async () => {
    const history = simulateCompany({ users: 2, roles: 3, updatesPerRole: 3 });
    await appendHistory(log, history);
    start();
    await waitForProjection(db.owner, log);
    await Promise.all(running.splice(0).map((p) => p.stop()));
    await db.owner.query(`UPDATE projection_checkpoints SET commit_position = 0, prepare_position = 0 WHERE name = 'company'`);
    start();
    await waitForProjection(db.owner, log);
    expect(await readModelOf(db.owner, [history.companyId])).toEqual(expectedReadModel([history.state]));
  });

  it('batches many events per transaction while catching up, and applies live events at once', async () => {
    const name = `batch${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 10; i++) await log.append(`${name}-${i}`, events(30), { expected: 'no_stream' });
    start({ projections: [recorder(name)], batchSize: 100 });
    await waitForProjection(db.owner, log, name);
    const caughtUp = await applied(name);
    expect(caughtUp).toHaveLength(300);
    expect(new Set(caughtUp.map((r) => r.tx)).size).toBeLessThanOrEqual(6);
    const started = Date.now();
    await log.append(`${name}-live`, [anEvent()], { expected: 'no_stream' });
    await waitForProjection(db.owner, log, name);
    expect(await applied(name)).toHaveLength(301);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('never splits one append across projector transactions, even beyond the batch size', async () => {
    const name = `whole${randomUUID().slice(0, 8)}`;
    await log.append(`${name}-1`, events(2), { expected: 'no_stream' });
    await log.append(`${name}-2`, events(7), { expected: 'no_stream' });
    await log.append(`${name}-3`, events(2), { expected: 'no_stream' });
    start({ projections: [recorder(name)], batchSize: 3 });
    await waitForProjection(db.owner, log, name);
    const { rows } = await db.owner.query(
      `SELECT count(DISTINCT a.tx)::int AS transactions FROM public.test_applied a
         JOIN event_log.events e ON e.event_id = a.event_id WHERE a.projection = $1 AND e.stream_id = $2`,
      [name, `${name}-2`],
    );
    expect(rows[0].transactions).toBe(1);
    expect(await applied(name)).toHaveLength(11);
  });

  it('a failing handler is retried, then its projection halts at that event and reports it; nothing is skipped', async () => {
    const name = `halt${randomUUID().slice(0, 8)}`;
    const stream = `${name}-1`;
    await log.append(stream, [anEvent(), anEvent(), anEvent('Poison'), anEvent()], { expected: 'no_stream' });
    const projector = start({ projections: [recorder(name, 'Poison')], maxRetries: 2 });
    const owner = createDb(db.owner);
    for (let i = 0; i < 200 && projector.status().find((s) => s.name === name)?.state !== 'halted'; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const status = projector.status().find((s) => s.name === name)!;
    expect(status.state).toBe('halted');
    expect(status.lastError).toContain(`Poison ${stream}@2`);
    expect(await applied(name)).toHaveLength(2);
    const checkpoint = (await readCheckpoint(owner, name))!;
    expect(checkpoint.status).toBe('halted');
    expect(checkpoint.lastError).toContain('handler cannot digest this event');
    expect(checkpoint.eventsApplied).toBeGreaterThanOrEqual(2n);
    const [second] = await log.readStream(stream, { from: 1n, limit: 1 });
    expect(checkpoint.position).toEqual(second!.position);
    expect(await metricsRegistry.getSingleMetricAsString('projection_halted')).toContain(`projection="${name}"} 1`);

    // After a fix and a restart it goes on from the failing event: nothing was skipped.
    await Promise.all(running.splice(0).map((p) => p.stop()));
    start({ projections: [recorder(name)] });
    await waitForProjection(db.owner, log, name);
    expect(await applied(name)).toHaveLength(4);
  });

  it('runs one active instance per projection; a second waits as standby and takes over', async () => {
    const name = `lock${randomUUID().slice(0, 8)}`;
    const first = start({ projections: [recorder(name)] });
    await log.append(`${name}-a`, events(5), { expected: 'no_stream' });
    await waitForProjection(db.owner, log, name);
    const second = start({ projections: [recorder(name)] });
    await new Promise((r) => setTimeout(r, 200));
    expect(second.status()[0]?.state).toBe('standby');
    expect(first.status()[0]?.state).toBe('running');
    await first.stop();
    await log.append(`${name}-b`, events(5), { expected: 'no_stream' });
    await waitForProjection(db.owner, log, name);
    expect(second.status()[0]?.state).toBe("running");
    const rows = await applied(name);
    expect(rows).toHaveLength(10);
  });

  it('refuses to move a checkpoint that another writer moved (compare-and-set)', async () => {
    const name = `cas${randomUUID().slice(0, 8)}`;
    await log.append(aStream(name), events(2), { expected: 'no_stream' });
    const { moveCheckpoint, openCheckpoint } = await import('#infra/projections/checkpoints');
    const { asService } = await import('#infra/database/database');
    const kdb = createDb(createPool(db.ownerUrl, { max: 2 }));
    try {
      const opened = await openCheckpoint(kdb, name);
      const [a, b] = await log.readStream((await log.readAll({ after: opened.position, limit: 1 }))[0]!.streamId);
      await asService(kdb, (trx) => moveCheckpoint(trx, name, opened.position, a!.position, 1));
      await expect(asService(kdb, (trx) => moveCheckpoint(trx, name, opened.position, b!.position, 1))).rejects.toThrow(/moved under us/);
    } finally {
      await kdb.destroy();
    }
  });
});
