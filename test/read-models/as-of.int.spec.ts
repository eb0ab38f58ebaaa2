import { randomUUID } from 'node:crypto';
import { companyStreamName } from '#domain';
import { companies } from '#infra/commands/aggregates';
import { runCommand } from '../support/run-command';
import { asUser, createDb, createPool } from '#infra/database/database';
import { newCommandContext } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { readCheckpoint } from '#infra/projections/checkpoints';
import { type Projector, startProjector } from '#infra/projections/projector';
import { buildAsOf } from '#infra/read-models/as-of';
import { TABLE_KEYS } from '#infra/read-models/read-tables';
import { appendHistory, type CompanyHistory, registered, simulateCompany } from '../support/company-history';
import { waitForProjection } from '../support/projection-wait';
import { dumpTables, READ_TABLES } from '../support/table-dump';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('as-of: the read tables as they were at a past moment, in their own schema', () => {
  let db: TestDatabase;
  let log: PostgresEventLog;
  let projector: Projector;
  let before: Record<string, unknown[]>;
  let beforeAt: Date;
  let beforePosition: string;
  let acme: CompanyHistory;
  let globex: CompanyHistory;

  beforeAll(async () => {
    db = await createTestDatabase();
    log = new PostgresEventLog(db.owner, { pollIntervalMs: 50 });
    projector = startProjector({ ownerPool: db.owner, log });
    acme = simulateCompany({ users: 6, roles: 4, updatesPerRole: 2 });
    globex = simulateCompany({ users: 3, roles: 2, updatesPerRole: 1 });
    await appendHistory(log, acme);
    await appendHistory(log, globex);
    const checkpoint = await waitForProjection(db.owner);
    beforePosition = `${checkpoint.position.commit}/${checkpoint.position.prepare}`;
    before = await dumpTables(db.owner);
    await new Promise((resolve) => setTimeout(resolve, 50));
    beforeAt = new Date();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Afterwards: a new company, and a role taken away in Acme.
    await appendHistory(log, simulateCompany({ users: 2, roles: 2, updatesPerRole: 0 }));
    const [userId, roleIds] = [...registered(acme).assignments.entries()].find(([user]) => user !== acme.adminUserId)!;
    await runCommand(log, companies, companyStreamName(acme.companyId), {
      type: 'RevokeRole',
      data: { userId, roleId: [...roleIds][0]!, reason: 'left the team' },
      metadata: { actor: { kind: 'service', service: 'test' }, now: new Date().toISOString() },
    }, newCommandContext({ kind: 'service', service: 'test' }, { companyId: acme.companyId }));
    await waitForProjection(db.owner);
  });

  afterAll(async () => {
    await projector.stop();
    await db.drop();
  });

  it('by time: every table equals what the live tables held at that moment, and live is untouched', async () => {
    const live = await dumpTables(db.owner);
    const result = await buildAsOf(db.owner, log, { schema: 'asof_by_time', at: { time: beforeAt } });
    expect(result.position).toBe(beforePosition);
    expect(await dumpTables(db.owner, 'asof_by_time')).toEqual(before);
    expect(await dumpTables(db.owner)).toEqual(live);
    expect(live).not.toEqual(before);
    const marker = await db.owner.query('SELECT at, position, events::text FROM asof_by_time.vibot_as_of');
    expect(marker.rows).toEqual([{ at: beforeAt.toISOString(), position: beforePosition, events: String(acme.events.length + globex.events.length) }]);
  });

  it('by position: the same tables', async () => {
    const [commit, prepare] = beforePosition.split('/');
    await buildAsOf(db.owner, log, { schema: 'asof_by_position', at: { position: { commit: BigInt(commit!), prepare: BigInt(prepare!) } } });
    expect(await dumpTables(db.owner, 'asof_by_position')).toEqual(before);
  });

  it('carries the live policies, grants, keys and indexes', async () => {
    await buildAsOf(db.owner, log, { schema: 'asof_shape', at: {} });
    const shape = async (schema: string): Promise<unknown> => ({
      policies: (await db.owner.query(`SELECT tablename, policyname, permissive, roles, cmd, replace(qual, $1, '') AS qual, with_check FROM pg_policies WHERE schemaname = $2 ORDER BY 1, 2`, [`${schema}.`, schema])).rows,
      grants: (await db.owner.query(`SELECT table_name, grantee, privilege_type FROM information_schema.role_table_grants WHERE table_schema = $1 AND table_name = ANY($2) ORDER BY 1, 2, 3`, [schema, READ_TABLES])).rows,
      indexes: (await db.owner.query(`SELECT tablename, indexname, replace(indexdef, $1, '') AS def FROM pg_indexes WHERE schemaname = $2 AND tablename = ANY($3) ORDER BY 1, 2`, [`${schema}.`, schema, READ_TABLES])).rows,
      constraints: (await db.owner.query(
        `SELECT c.relname, k.conname, k.contype, replace(pg_get_constraintdef(k.oid), $1, '') AS def
           FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
          WHERE k.connamespace = $2::regnamespace AND c.relname = ANY($3) ORDER BY 1, 2`,
        [`${schema}.`, schema, READ_TABLES],
      )).rows,
      comments: (await db.owner.query(
        `SELECT c.relname, obj_description(c.oid, 'pg_class') AS comment,
                ARRAY(SELECT coalesce(col_description(c.oid, a.attnum), '') FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 ORDER BY a.attnum) AS columns
           FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relname = ANY($2) ORDER BY 1`,
        [schema, READ_TABLES],
      )).rows,
      rls: (await db.owner.query(`SELECT relname, relrowsecurity FROM pg_class WHERE relnamespace = $1::regnamespace AND relname = ANY($2) ORDER BY 1`, [schema, READ_TABLES])).rows,
    });
    expect(await shape('asof_shape')).toEqual(await shape('public'));
    expect(((await shape('public')) as { policies: unknown[] }).policies.length).toBeGreaterThan(8);
  });

  it('is read through Row Level Security: each company sees only its own past rows', async () => {
    await buildAsOf(db.owner, log, { schema: 'asof_rls', at: { time: beforeAt } });
    const api = createPool(db.apiUrl, { max: 2 });
    try {
      const apiDb = createDb(api);
      const seenBy = (companyId: string | undefined, userId: string | undefined) =>
        asUser(apiDb, companyId ? { role: 'authenticated', sub: userId, company_id: companyId } : { role: 'anon' }, async (trx) => {
          const users = await trx.withSchema('asof_rls').selectFrom('users').select(['company_id']).execute();
          const roles = await trx.withSchema('asof_rls').selectFrom('roles').select(['company_id']).execute();
          return new Set([...users, ...roles].map((row) => row.company_id));
        });
      expect(await seenBy(acme.companyId, acme.adminUserId)).toEqual(new Set([acme.companyId]));
      expect(await seenBy(globex.companyId, globex.adminUserId)).toEqual(new Set([globex.companyId]));
      expect(await seenBy(randomUUID(), randomUUID())).toEqual(new Set());
      await expect(seenBy(undefined, undefined)).rejects.toThrow(/permission denied/);
    } finally {
      await api.end();
    }
  });

  it('refuses to overwrite a schema unless it is an earlier as-of build and --replace is given', async () => {
    await buildAsOf(db.owner, log, { schema: 'asof_again', at: { time: beforeAt } });
    await expect(buildAsOf(db.owner, log, { schema: 'asof_again', at: {} })).rejects.toThrow(/already exists: pass --replace/);
    const result = await buildAsOf(db.owner, log, { schema: 'asof_again', at: {}, replace: true });
    expect(await dumpTables(db.owner, 'asof_again')).toEqual(await dumpTables(db.owner));
    expect(result.events).toBeGreaterThan(0);
    await db.owner.query('CREATE SCHEMA reporting; CREATE TABLE reporting.keep (id int)');
    await expect(buildAsOf(db.owner, log, { schema: 'reporting', at: {}, replace: true })).rejects.toThrow(/not an as-of build/);
    expect((await db.owner.query('SELECT count(*)::int AS n FROM reporting.keep')).rows[0].n).toBe(0);
    await expect(buildAsOf(db.owner, log, { schema: 'public', at: {} })).rejects.toThrow(/not allowed/);
    await expect(buildAsOf(db.owner, log, { schema: 'vibot_rebuild_company', at: {} })).rejects.toThrow(/reserved for rebuild and verify/);
  });

  it('every table under Row Level Security in public belongs to a projection, so rebuild and as-of copy it', async () => {
    const { rows } = await db.owner.query<{ relname: string }>(
      "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relrowsecurity ORDER BY 1",
    );
    expect(rows.map((row) => row.relname)).toEqual([...READ_TABLES].sort());
  });

  it('the keys projections address rows by are the tables\' primary keys', async () => {
    const { rows } = await db.owner.query<{ table: string; key: string[] }>(
      `SELECT c.relname AS table, ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                                         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.n) AS key
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE i.indisprimary AND c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1)`,
      [READ_TABLES],
    );
    expect(Object.fromEntries(rows.map((row) => [row.table, row.key]))).toEqual(TABLE_KEYS);
  });

  it('checkpoint of the live projection does not move', async () => {
    const checkpoint = await readCheckpoint(createDb(db.owner), 'company');
    expect(checkpoint?.status).toBe('running');
  });
});
