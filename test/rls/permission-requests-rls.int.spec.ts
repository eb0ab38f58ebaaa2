import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ADMIN_ROLE_CODE, companyStreamName, holdsRole } from '#domain';
import { toEnvelopes } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { startProjector } from '#infra/projections/projector';
import { waitForProjection } from '../support/projection-wait';
import { requestHistory, type RequestHistory } from '../support/request-history';
import { createTestDatabase, rolledBack, type TestDatabase } from '../support/test-database';
import { rlsViolations, type Actor, type Expectation } from './rls-matrix';

let db: TestDatabase;
let api: Client;
let a: RequestHistory;
let b: RequestHistory;
const TABLES = ['permission_change_requests', 'permission_change_request_details'] as const;

const actor = (h: RequestHistory, who: keyof RequestHistory['users']): Actor => ({
  label: `${who} of ${h === a ? 'A' : 'B'}`,
  role: 'authenticated',
  claims: { sub: h.users[who], company_id: h.companyId },
});

/** Requests an actor may see: all of the company's for admins; as requester or target otherwise. */
function visible(h: RequestHistory, who: keyof RequestHistory['users']): Set<string> {
  const userId = h.users[who];
  const admin = holdsRole(h.state, userId, ADMIN_ROLE_CODE);
  return new Set([...h.state.requests.values()].filter((r) => admin || r.requesterId === userId || r.targetUserId === userId).map((r) => r.requestId));
}

function expectations(): Expectation[] {
  const list: Expectation[] = [];
  for (const h of [a, b]) {
    for (const who of ['admin1', 'member', 'target', 'bystander'] as const) {
      for (const table of TABLES) list.push({ actor: actor(h, who), table, visible: visible(h, who) });
    }
  }
  for (const table of TABLES) {
    list.push({ actor: { label: 'no claims', role: 'authenticated' }, table, visible: new Set() });
    list.push({ actor: { label: 'anon', role: 'anon' }, table, visible: null });
  }
  return list;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const log = new PostgresEventLog(db.owner);
  a = requestHistory();
  b = requestHistory();
  for (const h of [a, b]) {
    const service = { kind: 'service', service: 'seed' } as const;
    await log.append(companyStreamName(h.companyId), toEnvelopes(h.events, { commandId: randomUUID(), correlationId: randomUUID(), actor: service, now: new Date().toISOString(), tenant: { companyId: h.companyId } }), { expected: 'no_stream' });
  }
  const projector = startProjector({ ownerPool: db.owner, log });
  await waitForProjection(db.owner);
  await projector.stop();
  api = new Client({ connectionString: db.apiUrl });
  await api.connect();
});
afterAll(async () => {
  await api.end();
  await db.drop();
});

describe('permission change requests under Row Level Security (API login)', () => {
  it('the requester and the target see a request; admins see all of their company; others and other companies none', async () => {
    // The matrix above must not be vacuous: the bystander really is in neither role.
    expect(visible(a, 'bystander').size).toBe(0);
    expect(visible(a, 'member').size).toBeGreaterThan(0);
    await api.query('BEGIN');
    try {
      expect(await rlsViolations(api, expectations(), [])).toEqual([]);
    } finally {
      await api.query('ROLLBACK');
    }
  });

  it('control: with the SELECT policy dropped, requesters and targets lose sight of their requests', async () => {
    await rolledBack(db.owner, async (owner) => {
      await owner.query(`DROP POLICY "Permission change requests readable within company" ON public.permission_change_requests`);
      expect((await rlsViolations(owner, expectations(), [])).join('\n')).toMatch(/member of A read permission_change_requests: \d+ missing/);
    });
  });

  it('the documented table is exactly as seed 004 says', async () => {
    const columns = await db.owner.query(
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default,
              col_description('public.permission_change_requests'::regclass, ordinal_position) AS comment
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'permission_change_requests' ORDER BY ordinal_position`,
    );
    expect(columns.rows.map((c) => [c.column_name, c.data_type, c.len, c.is_nullable, c.column_default, c.comment])).toEqual([
      ['id', 'uuid', null, 'NO', 'gen_random_uuid()', '请求唯一标识'],
      ['company_id', 'uuid', null, 'NO', null, '所属公司'],
      ['requester_id', 'uuid', null, 'NO', null, '申请人'],
      ['target_user_id', 'uuid', null, 'NO', null, '目标用户'],
      ['diff', 'jsonb', null, 'NO', "'{}'::jsonb", '拟变更内容'],
      ['status', 'character varying', 20, 'NO', "'pending'::character varying", '状态'],
      ['approval_flow', 'jsonb', null, 'NO', "'[]'::jsonb", '审批链'],
      ['decided_at', 'timestamp with time zone', null, 'YES', null, '决策时间'],
      ['decision_by', 'uuid', null, 'YES', null, '审批人'],
      ['created_at', 'timestamp with time zone', null, 'NO', 'CURRENT_TIMESTAMP', '提交时间'],
    ]);
    const fks = await db.owner.query(
      `SELECT a.attname AS col, c.confrelid::regclass::text AS ref, c.confdeltype AS on_delete
         FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.conrelid = 'public.permission_change_requests'::regclass AND c.contype = 'f' ORDER BY a.attname`,
    );
    expect(fks.rows).toEqual([
      { col: 'company_id', ref: 'companies', on_delete: 'c' },
      { col: 'decision_by', ref: 'users', on_delete: 'a' },
      { col: 'requester_id', ref: 'users', on_delete: 'a' },
      { col: 'target_user_id', ref: 'users', on_delete: 'a' },
    ]);
    const meta = await db.owner.query(`SELECT obj_description('public.permission_change_requests'::regclass) AS comment,
        (SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_permission_change_requests_company_id') AS idx`);
    expect(meta.rows[0]).toEqual({
      comment: '权限变更请求',
      idx: 'CREATE INDEX idx_permission_change_requests_company_id ON public.permission_change_requests USING btree (company_id)',
    });
    const policies = await db.owner.query(`SELECT policyname, cmd, qual, with_check FROM pg_policies WHERE tablename = 'permission_change_requests' ORDER BY policyname`);
    expect(policies.rows).toEqual([
      { policyname: 'Permission change requests manageable by admins', cmd: 'ALL', qual: "((company_id = current_company_id()) AND has_role('Vibot.admin'::text))", with_check: "((company_id = current_company_id()) AND has_role('Vibot.admin'::text))" },
      { policyname: 'Permission change requests readable within company', cmd: 'SELECT', qual: "((company_id = current_company_id()) AND ((requester_id = auth.uid()) OR (target_user_id = auth.uid()) OR has_role('Vibot.admin'::text)))", with_check: null },
    ]);
  });
});
