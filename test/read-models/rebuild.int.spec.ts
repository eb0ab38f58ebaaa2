import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { ALL_PROJECTIONS } from '#infra/projections/projector';
import { buildAsOf } from '#infra/read-models/as-of';
import { rebuildProjection } from '#infra/read-models/rebuild';
import type { ReplayProgress } from '#infra/read-models/replay';
import { type ApiWorld, startWorld } from '../api/api-kit';
import { appendHistory, type CompanyHistory, registered, simulateCompany } from '../support/company-history';
import { dumpTables } from '../support/table-dump';

const tableOids = async (world: ApiWorld): Promise<Record<string, string>> =>
  Object.fromEntries(
    (await world.db.owner.query<{ relname: string; oid: string }>(
      `SELECT relname, oid::text FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname IN ('roles', 'users', 'companies') ORDER BY 1`,
    )).rows.map((row) => [row.relname, row.oid]),
  );

describe('rebuild: new tables beside the live ones, swapped in while readers keep reading', () => {
  let world: ApiWorld;
  let log: PostgresEventLog;
  let watched: CompanyHistory;
  let baseUrl: string;

  beforeAll(async () => {
    world = await startWorld();
    await world.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = (await world.app.getUrl()).replace('[::1]', '127.0.0.1');
    log = new PostgresEventLog(world.db.owner);
    // Tens of thousands of events over many companies; one of them is the one readers watch.
    watched = simulateCompany({ users: 150, roles: 40, updatesPerRole: 20 });
    await appendHistory(log, watched);
    for (let i = 0; i < 24; i++) await appendHistory(log, simulateCompany({ users: 150, roles: 40, updatesPerRole: 20 }));
    await world.settled();
  }, 180_000);

  afterAll(async () => {
    await world.close();
  });

  it('every query during the rebuild succeeds and sees whole tables; afterwards the tables are new and equal to a fresh replay', async () => {
    const token = await world.token(watched.adminUserId, watched.companyId);
    const get = async (path: string): Promise<{ status: number; count: number }> => {
      const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { items?: unknown[] };
      return { status: response.status, count: body.items?.length ?? -1 };
    };
    const expected = { roles: registered(watched).roles.size, users: registered(watched).users.size };
    expect(await get('/v1/roles?limit=200')).toEqual({ status: 200, count: expected.roles });
    const total = (await world.db.owner.query<{ n: string }>('SELECT count(*)::text AS n FROM event_log.events')).rows[0]!.n;
    expect(BigInt(total)).toBeGreaterThan(25_000n);
    const before = await tableOids(world);

    let rebuilding = true;
    const seen: { status: number; count: number; table: string }[] = [];
    const readers = [0, 1].map(async () => {
      while (rebuilding) {
        seen.push({ ...(await get('/v1/roles?limit=200')), table: 'roles' });
        seen.push({ ...(await get('/v1/users?limit=200')), table: 'users' });
      }
    });
    // Writes keep coming during the rebuild: the live projector moves on, the rebuild follows it.
    const writer = (async () => {
      while (rebuilding) {
        await appendHistory(log, simulateCompany({ users: 5, roles: 3, updatesPerRole: 1 }));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const progress: ReplayProgress[] = [];
    const result = await rebuildProjection(world.db.owner, log, ALL_PROJECTIONS[0]!, { onProgress: (p) => progress.push(p) }).finally(() => {
      rebuilding = false;
    });
    await Promise.all([...readers, writer]);

    expect(result.events).toBeGreaterThan(25_000);
    expect(progress.at(-1)?.phase).toBe('final');
    expect(progress.some((p) => p.phase === 'replay')).toBe(true);
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.filter((q) => q.status !== 200 || q.count !== expected[q.table as 'roles' | 'users'])).toEqual([]);
    const after = await tableOids(world);
    for (const table of Object.keys(before)) expect(after[table]).not.toBe(before[table]);
    expect((await world.db.owner.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'vibot_rebuild%'")).rows).toEqual([]);

    // The live projector goes on into the new tables from its unchanged checkpoint.
    await appendHistory(log, simulateCompany({ users: 2, roles: 2, updatesPerRole: 0 }));
    await world.settled();
    await buildAsOf(world.db.owner, log, { schema: 'fresh_replay', at: {} });
    expect(await dumpTables(world.db.owner)).toEqual(await dumpTables(world.db.owner, 'fresh_replay'));
    expect(await get('/v1/roles?limit=200')).toEqual({ status: 200, count: expected.roles });
  }, 300_000);

  it('a second rebuild at the same time is refused', async () => {
    const first = rebuildProjection(world.db.owner, log, ALL_PROJECTIONS[0]!);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(rebuildProjection(world.db.owner, log, ALL_PROJECTIONS[0]!)).rejects.toThrow(/another rebuild of company is running/);
    await first;
  }, 120_000);
});
