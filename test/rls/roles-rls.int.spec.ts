import { Client } from 'pg';
import { ADMIN_ROLE_CODE, type RegisteredCompany } from '#domain';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { startProjector } from '#infra/projections/projector';
import { appendHistory, simulateCompany, type CompanyHistory } from '../support/company-history';
import { waitForProjection } from '../support/projection-wait';
import { createTestDatabase, rolledBack, type TestDatabase } from '../support/test-database';
import { rlsViolations, type Actor, type Expectation, type WriteProbe } from './rls-matrix';

let db: TestDatabase;
let api: Client;
let a: CompanyHistory;
let b: CompanyHistory;
const TABLES = ['roles', 'companies', 'users', 'user_roles', 'entity_revisions'] as const;

const registered = (h: CompanyHistory): RegisteredCompany => h.state as RegisteredCompany;
const adminOf = (h: CompanyHistory): Actor => ({ label: `admin of ${h === a ? 'A' : 'B'}`, role: 'authenticated', claims: { sub: h.adminUserId, company_id: h.companyId } });
function memberOf(h: CompanyHistory): Actor {
  const state = registered(h);
  const adminRole = [...state.roles.values()].find((r) => r.code === ADMIN_ROLE_CODE)!.roleId;
  const member = [...state.users.keys()].find((id) => !state.assignments.get(id)?.has(adminRole))!;
  return { label: `member of ${h === a ? 'A' : 'B'}`, role: 'authenticated', claims: { sub: member, company_id: h.companyId } };
}
const noClaims: Actor = { label: 'authenticated without claims', role: 'authenticated' };
const anonymous: Actor = { label: 'anon', role: 'anon' };

function visibleTo(h: CompanyHistory, table: (typeof TABLES)[number], actor: Actor): Set<string> {
  const s = registered(h);
  const adminRole = [...s.roles.values()].find((r) => r.code === ADMIN_ROLE_CODE)!.roleId;
  const isAdmin = s.assignments.get(actor.claims!.sub!)?.has(adminRole) ?? false;
  switch (table) {
    case 'roles':
      return new Set(s.roles.keys());
    case 'entity_revisions':
      return new Set(s.roles.keys());
    case 'companies':
      return new Set([s.companyId]);
    case 'users':
      return new Set(s.users.keys());
    case 'user_roles':
      return new Set(
        [...s.assignments.entries()]
          .filter(([userId]) => isAdmin || userId === actor.claims!.sub)
          .flatMap(([userId, roles]) => [...roles].map((roleId) => `${userId}/${roleId}`)),
      );
  }
}

function expectations(): Expectation[] {
  const list: Expectation[] = [];
  for (const h of [a, b]) {
    for (const actor of [adminOf(h), memberOf(h)]) {
      for (const table of TABLES) list.push({ actor, table, visible: visibleTo(h, table, actor) });
    }
  }
  for (const table of TABLES) {
    list.push({ actor: noClaims, table, visible: new Set() });
    list.push({ actor: anonymous, table, visible: null });
  }
  return list;
}

/** The seed's FOR ALL policy, exercised through a probe role that has write grants (the API never does). */
function writeProbes(): WriteProbe[] {
  const roleOfA = [...registered(a).roles.values()].find((r) => r.code !== ADMIN_ROLE_CODE)!.roleId;
  const update = `UPDATE public.roles SET name = 'probed' WHERE id = $1`;
  const insert = `INSERT INTO public.roles (company_id, code, name) VALUES ($1, 'probe', 'Probe')`;
  return [
    { actor: adminOf(a), label: 'updates a role of A', sql: update, params: [roleOfA], rows: 1 },
    { actor: memberOf(a), label: 'updates a role of A', sql: update, params: [roleOfA], rows: 0 },
    { actor: adminOf(b), label: 'updates a role of A', sql: update, params: [roleOfA], rows: 0 },
    { actor: adminOf(a), label: 'inserts a role into A', sql: insert, params: [a.companyId], rows: 1 },
    { actor: adminOf(b), label: 'inserts a role into A', sql: insert, params: [a.companyId], rows: 'refused' },
    { actor: memberOf(a), label: 'inserts a role into A', sql: insert, params: [a.companyId], rows: 'refused' },
    { actor: memberOf(a), label: 'deletes a role of A', sql: 'DELETE FROM public.roles WHERE id = $1', params: [roleOfA], rows: 0 },
  ];
}

beforeAll(async () => {
  db = await createTestDatabase();
  const log = new PostgresEventLog(db.owner);
  a = simulateCompany({ users: 3, roles: 4, updatesPerRole: 1 });
  b = simulateCompany({ users: 3, roles: 4, updatesPerRole: 1 });
  await appendHistory(log, a);
  await appendHistory(log, b);
  const projector = startProjector({ ownerPool: db.owner, log });
  await waitForProjection(db.owner);
  await projector.stop();
  await db.owner.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_writer') THEN CREATE ROLE rls_writer NOLOGIN; END IF;
    END $$;
    GRANT authenticated TO rls_writer;
    GRANT SELECT, INSERT, UPDATE, DELETE ON public.roles TO rls_writer;`);
  api = new Client({ connectionString: db.apiUrl });
  await api.connect();
});

afterAll(async () => {
  await api.end();
  await db.drop();
});

describe('Row Level Security, through the API login role', () => {
  it('the API login is neither owner, superuser nor BYPASSRLS, and reads nothing without SET ROLE', async () => {
    const { rows } = await api.query(`SELECT rolsuper, rolbypassrls, rolinherit, current_user AS me FROM pg_roles WHERE rolname = current_user`);
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolinherit: false, me: 'vibot_api' });
    const owners = await api.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user`);
    expect(owners.rows[0].n).toBe(0);
    await expect(api.query('SELECT * FROM public.roles')).rejects.toThrow(/permission denied/);
  });

  it('two companies × admin, member, no claims, anon × every table: each sees exactly its own rows', async () => {
    await api.query('BEGIN');
    try {
      const violations = await rlsViolations(api, expectations(), []);
      expect(violations).toEqual([]);
    } finally {
      await api.query('ROLLBACK');
    }
  });

  it('authenticated can only read: every write is refused, admins included', async () => {
    const roleOfA = [...registered(a).roles.keys()][0]!;
    for (const actor of [adminOf(a), memberOf(a)]) {
      for (const sql of [
        `UPDATE public.roles SET name = 'x' WHERE id = '${roleOfA}'`,
        `DELETE FROM public.roles WHERE id = '${roleOfA}'`,
        `INSERT INTO public.roles (company_id, code, name) VALUES ('${a.companyId}', 'x', 'x')`,
        `INSERT INTO public.user_roles (company_id, user_id, role_id) VALUES ('${a.companyId}', '${actor.claims!.sub}', '${roleOfA}')`,
        `UPDATE public.projection_checkpoints SET commit_position = 0`,
        `UPDATE event_log.events SET data = '{}'`,
      ]) {
        await api.query('BEGIN');
        await api.query(`SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [
          JSON.stringify({ role: 'authenticated', ...actor.claims }),
        ]);
        await expect(api.query(sql)).rejects.toThrow(/permission denied/);
        await api.query('ROLLBACK');
      }
    }
  });

  it('a forged company claim gains nothing: not a member of it, no company, no role, no rows', async () => {
    await api.query('BEGIN');
    try {
      await api.query(`SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [
        JSON.stringify({ role: 'authenticated', sub: a.adminUserId, company_id: b.companyId }),
      ]);
      const { rows } = await api.query(`SELECT has_role('Vibot.admin') AS admin, current_company_id() AS company`);
      // current_company_id() names a company only to its own users (the membership rule).
      expect(rows[0]).toEqual({ admin: false, company: null });
      expect((await api.query('SELECT count(*)::int AS n FROM public.roles')).rows[0].n).toBe(0);
      await api.query(`SELECT set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ role: 'authenticated', sub: a.adminUserId, company_id: 'not-a-uuid' })]);
      expect((await api.query('SELECT count(*)::int AS n FROM public.roles')).rows[0].n).toBe(0);
    } finally {
      await api.query('ROLLBACK');
    }
  });

  it('the seed FOR ALL policy, as written: only admins of the company may change its roles', async () => {
    await rolledBack(db.owner, async (owner) => {
      expect(await rlsViolations(owner, [], writeProbes())).toEqual([]);
    });
  });

  it.each([
    ['Roles readable within company', /member of A read roles: \d+ missing/],
    ['Roles manageable by admins', /admin of A updates a role of A: expected 1, got 0/],
  ])(
    'control: with policy "%s" dropped the same checks fail',
    async (policy, breakage) => {
      await rolledBack(db.owner, async (owner) => {
        await owner.query(`DROP POLICY "${policy}" ON public.roles`);
        const violations = await rlsViolations(owner, expectations(), writeProbes());
        expect(violations.join('\n')).toMatch(breakage);
      });
    },
  );

  it('the documented table is exactly as seed 002 says', async () => {
    const columns = await db.owner.query(
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default, col_description('public.roles'::regclass, ordinal_position) AS comment
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'roles' ORDER BY ordinal_position`,
    );
    expect(columns.rows.map((c) => [c.column_name, c.data_type, c.len, c.is_nullable, c.column_default, c.comment])).toEqual([
      ['id', 'uuid', null, 'NO', 'gen_random_uuid()', '角色唯一标识'],
      ['company_id', 'uuid', null, 'NO', null, '所属公司'],
      ['code', 'character varying', 50, 'NO', null, '角色编码'],
      ['name', 'character varying', 100, 'NO', null, '角色名称'],
      ['description', 'text', null, 'YES', null, '角色说明'],
      ['scope', 'character varying', 30, 'NO', "'global'::character varying", '作用域'],
      ['created_at', 'timestamp with time zone', null, 'NO', 'CURRENT_TIMESTAMP', '创建时间'],
      ['updated_at', 'timestamp with time zone', null, 'NO', 'CURRENT_TIMESTAMP', '更新时间'],
    ]);
    const meta = await db.owner.query(`SELECT obj_description('public.roles'::regclass) AS comment,
        (SELECT confdeltype FROM pg_constraint WHERE conrelid = 'public.roles'::regclass AND contype = 'f') AS on_delete,
        (SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_roles_company_id') AS idx,
        (SELECT relrowsecurity FROM pg_class WHERE oid = 'public.roles'::regclass) AS rls`);
    expect(meta.rows[0]).toEqual({
      comment: '公司内可分配的角色定义。',
      on_delete: 'c',
      idx: 'CREATE INDEX idx_roles_company_id ON public.roles USING btree (company_id)',
      rls: true,
    });
    const policies = await db.owner.query(`SELECT policyname, cmd, qual, with_check FROM pg_policies WHERE tablename = 'roles' ORDER BY policyname`);
    expect(policies.rows).toEqual([
      { policyname: 'Roles manageable by admins', cmd: 'ALL', qual: "((company_id = current_company_id()) AND has_role('Vibot.admin'::text))", with_check: "((company_id = current_company_id()) AND has_role('Vibot.admin'::text))" },
      { policyname: 'Roles readable within company', cmd: 'SELECT', qual: '(company_id = current_company_id())', with_check: null },
    ]);
  });
});
