import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  type Actor as DomainActor,
  ADMIN_ROLE_CODE,
  type ConnectorCommand,
  connectorDecider,
  type ConnectorEvent,
  type ConnectorState,
  connectorStreamName,
  type CredentialCommand,
  credentialDecider,
  type CredentialEvent,
  type CredentialState,
  credentialStreamName,
  type RegisteredCompany,
} from '../../libs/domain/src';
import { toEnvelopes } from '../../libs/infra/src/event-log/envelope';
import type { ExpectedRevision } from '../../libs/infra/src/event-log/event-log';
import { PostgresEventLog } from '../../libs/infra/src/event-log/postgres-event-log';
import { credentialRowId } from '../../libs/infra/src/projections/connector-projection';
import { startProjector } from '../../libs/infra/src/projections/projector';
import { appendHistory, simulateCompany, type CompanyHistory } from '../support/company-history';
import { waitForProjection } from '../support/projection-wait';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { rlsViolations, type Actor, type Expectation, type WriteProbe } from './rls-matrix';

let db: TestDatabase;
let api: Client;
let a: CompanyHistory;
let b: CompanyHistory;
/** Per company: its connector ids and its credential row ids. */
const owned = new Map<string, { connectors: string[]; credentials: string[] }>();
const TABLES = ['integration_connectors', 'connector_credentials'] as const;

const nameOf = (h: CompanyHistory): string => (h === a ? 'A' : 'B');
const adminOf = (h: CompanyHistory): Actor => ({ label: `admin of ${nameOf(h)}`, role: 'authenticated', claims: { sub: h.adminUserId, company_id: h.companyId } });
function memberOf(h: CompanyHistory): Actor {
  const state = h.state as RegisteredCompany;
  const adminRole = [...state.roles.values()].find((r) => r.code === ADMIN_ROLE_CODE)!.roleId;
  const member = [...state.users.keys()].find((id) => !state.assignments.get(id)?.has(adminRole))!;
  return { label: `member of ${nameOf(h)}`, role: 'authenticated', claims: { sub: member, company_id: h.companyId } };
}
const noClaims: Actor = { label: 'authenticated without claims', role: 'authenticated' };
const anonymous: Actor = { label: 'anon', role: 'anon' };

/** Members read their company's connectors but none of its credentials; admins read both. */
function expectations(): Expectation[] {
  const list: Expectation[] = [];
  for (const h of [a, b]) {
    const mine = owned.get(h.companyId)!;
    list.push({ actor: adminOf(h), table: 'integration_connectors', visible: new Set(mine.connectors) });
    list.push({ actor: adminOf(h), table: 'connector_credentials', visible: new Set(mine.credentials) });
    list.push({ actor: memberOf(h), table: 'integration_connectors', visible: new Set(mine.connectors) });
    list.push({ actor: memberOf(h), table: 'connector_credentials', visible: new Set() });
  }
  for (const table of TABLES) {
    list.push({ actor: noClaims, table, visible: new Set() });
    list.push({ actor: anonymous, table, visible: null });
  }
  return list;
}

/** The seeds' FOR ALL policies, exercised through a probe role that has write grants (the API never does). */
function writeProbes(): WriteProbe[] {
  const connectorOfA = owned.get(a.companyId)!.connectors[0]!;
  const credentialOfA = owned.get(a.companyId)!.credentials[0]!;
  const updateConnector = `UPDATE public.integration_connectors SET status = 'probed' WHERE id = $1`;
  const updateCredential = `UPDATE public.connector_credentials SET checksum = 'probed' WHERE id = $1`;
  const insertCredential = `INSERT INTO public.connector_credentials (company_id, connector_id, version, secret_ciphertext, checksum)
                            VALUES ($1, $2, 99, '\\x00', 'probe')`;
  return [
    { actor: adminOf(a), label: 'updates a connector of A', sql: updateConnector, params: [connectorOfA], rows: 1 },
    { actor: memberOf(a), label: 'updates a connector of A', sql: updateConnector, params: [connectorOfA], rows: 0 },
    { actor: adminOf(b), label: 'updates a connector of A', sql: updateConnector, params: [connectorOfA], rows: 0 },
    { actor: adminOf(a), label: 'updates a credential of A', sql: updateCredential, params: [credentialOfA], rows: 1 },
    { actor: memberOf(a), label: 'updates a credential of A', sql: updateCredential, params: [credentialOfA], rows: 0 },
    { actor: adminOf(b), label: 'updates a credential of A', sql: updateCredential, params: [credentialOfA], rows: 0 },
    { actor: adminOf(a), label: 'inserts a credential into A', sql: insertCredential, params: [a.companyId, connectorOfA], rows: 1 },
    { actor: memberOf(a), label: 'inserts a credential into A', sql: insertCredential, params: [a.companyId, connectorOfA], rows: 'refused' },
    { actor: adminOf(b), label: 'inserts a credential into A', sql: insertCredential, params: [a.companyId, connectorOfA], rows: 'refused' },
    { actor: memberOf(a), label: 'deletes a credential of A', sql: 'DELETE FROM public.connector_credentials WHERE id = $1', params: [credentialOfA], rows: 0 },
  ];
}

/** Two connectors per company through the real deciders; the first with credential versions 1 and 2. */
async function appendConnectors(log: PostgresEventLog, h: CompanyHistory): Promise<void> {
  const actor: DomainActor = { kind: 'user', userId: h.adminUserId, companyId: h.companyId };
  const service = { kind: 'service', service: 'seed' } as const;
  const mine = { connectors: [] as string[], credentials: [] as string[] };
  const append = async (stream: string, events: readonly (ConnectorEvent | CredentialEvent)[], expected: ExpectedRevision): Promise<bigint> => {
    const context = { commandId: randomUUID(), correlationId: randomUUID(), actor: service, now: new Date().toISOString(), tenant: { companyId: h.companyId } };
    return (await log.append(stream, toEnvelopes(events, context), { expected })).nextRevision;
  };
  for (const provider of ['mysql', 'webhook'] as const) {
    const connectorId = randomUUID();
    const register = {
      type: 'RegisterConnector',
      data: {
        connectorId, companyId: h.companyId, provider, connectorType: provider === 'mysql' ? 'database' : 'webhook',
        config: provider === 'mysql' ? { host: 'db.acme.test', port: 3306, database: 'crm', user: 'reader' } : { url: 'https://hooks.acme.test/in' },
        schedule: {}, actorIsAdmin: true,
      },
      metadata: { actor, now: new Date().toISOString() },
    } as ConnectorCommand;
    const state: ConnectorState = connectorDecider.initialState();
    await append(connectorStreamName(connectorId), connectorDecider.decide(register, state), 'no_stream');
    mine.connectors.push(connectorId);
    if (provider !== 'mysql') continue;
    let credential: CredentialState = credentialDecider.initialState();
    let expected: ExpectedRevision = 'no_stream';
    for (const version of [1, 2]) {
      const ciphertext = randomBytes(32).toString('base64');
      const rotate = {
        type: 'RotateCredential',
        data: { connectorId, companyId: h.companyId, version, ciphertext, keyId: `k-${connectorId}-${version}`, checksum: createHash('sha256').update(ciphertext).digest('hex'), actorIsAdmin: true },
        metadata: { actor, now: new Date().toISOString() },
      } as CredentialCommand;
      const events = credentialDecider.decide(rotate, credential);
      credential = events.reduce(credentialDecider.evolve, credential);
      expected = await append(credentialStreamName(connectorId), events, expected);
      mine.credentials.push(credentialRowId(connectorId, version));
    }
  }
  owned.set(h.companyId, mine);
}

beforeAll(async () => {
  db = await createTestDatabase();
  const log = new PostgresEventLog(db.owner);
  a = simulateCompany({ users: 3, roles: 2, updatesPerRole: 0 });
  b = simulateCompany({ users: 3, roles: 2, updatesPerRole: 0 });
  await appendHistory(log, a);
  await appendHistory(log, b);
  const projector = startProjector({ ownerPool: db.owner, log });
  // Connectors are registered in companies the read model already has (the tables reference them).
  await waitForProjection(db.owner, log, 'company');
  await appendConnectors(log, a);
  await appendConnectors(log, b);
  await waitForProjection(db.owner, log, 'company');
  await projector.stop();
  await db.owner.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_writer') THEN CREATE ROLE rls_writer NOLOGIN; END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$;
    GRANT authenticated TO rls_writer;
    GRANT SELECT, INSERT, UPDATE, DELETE ON public.integration_connectors, public.connector_credentials TO rls_writer;`);
  api = new Client({ connectionString: db.apiUrl });
  await api.connect();
});

afterAll(async () => {
  await api.end();
  await db.drop();
});

describe('connectors and credentials: Row Level Security through the API login role', () => {
  it('the projection filled both tables for both companies', async () => {
    const { rows } = await db.owner.query(
      `SELECT (SELECT count(*)::int FROM integration_connectors) AS connectors, (SELECT count(*)::int FROM connector_credentials) AS credentials`,
    );
    expect(rows[0]).toEqual({ connectors: 4, credentials: 4 });
  });

  it('two companies × admin, member, no claims, anon: members see connectors but no credentials, admins both, nobody the other company', async () => {
    await api.query('BEGIN');
    try {
      expect(await rlsViolations(api, expectations(), [])).toEqual([]);
    } finally {
      await api.query('ROLLBACK');
    }
  });

  it('authenticated can only read: every write is refused, admins included', async () => {
    const connectorOfA = owned.get(a.companyId)!.connectors[0]!;
    for (const actor of [adminOf(a), memberOf(a)]) {
      for (const sql of [
        `UPDATE public.integration_connectors SET status = 'x' WHERE id = '${connectorOfA}'`,
        `DELETE FROM public.connector_credentials WHERE connector_id = '${connectorOfA}'`,
        `INSERT INTO public.connector_credentials (company_id, connector_id, version, secret_ciphertext, checksum) VALUES ('${a.companyId}', '${connectorOfA}', 9, '\\x00', 'x')`,
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

  it('the seed FOR ALL policies, as written: only admins of the company may change its connectors and credentials', async () => {
    const owner = await db.owner.connect();
    try {
      await owner.query('BEGIN');
      expect(await rlsViolations(owner, [], writeProbes())).toEqual([]);
    } finally {
      await owner.query('ROLLBACK');
      owner.release();
    }
  });

  it.each([
    ['integration_connectors', 'Connectors readable within company', /member of A read integration_connectors: \d+ missing/],
    ['integration_connectors', 'Connectors manageable by admins', /admin of A updates a connector of A: expected 1, got 0/],
    ['connector_credentials', 'Connector credentials managed by admins', /admin of A read connector_credentials: \d+ missing/],
  ])('control: with the policy on %s "%s" dropped the same checks fail', async (table, policy, breakage) => {
    const owner = await db.owner.connect();
    try {
      await owner.query('BEGIN');
      await owner.query(`DROP POLICY "${policy}" ON public.${table}`);
      const violations = await rlsViolations(owner, expectations(), writeProbes());
      expect(violations.join('\n')).toMatch(breakage);
    } finally {
      await owner.query('ROLLBACK');
      owner.release();
    }
  });

  it('control: with a member-readable policy added to credentials the matrix fails', async () => {
    const owner = await db.owner.connect();
    try {
      await owner.query('BEGIN');
      await owner.query(`CREATE POLICY "leak" ON public.connector_credentials FOR SELECT USING (company_id = current_company_id())`);
      const violations = await rlsViolations(owner, expectations(), []);
      expect(violations.join('\n')).toMatch(/member of A read connector_credentials: 0 missing, 2 not theirs/);
    } finally {
      await owner.query('ROLLBACK');
      owner.release();
    }
  });
});

describe('the documented tables are exactly as seeds 000 and 001 say', () => {
  async function columns(table: string): Promise<unknown[]> {
    const { rows } = await db.owner.query(
      `SELECT column_name, data_type, character_maximum_length AS len, is_nullable, column_default, col_description($1::regclass, ordinal_position) AS comment
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $2 ORDER BY ordinal_position`,
      [`public.${table}`, table],
    );
    return rows.map((c) => [c.column_name, c.data_type, c.len, c.is_nullable, c.column_default, c.comment]);
  }
  async function meta(table: string) {
    const rel = `public.${table}`;
    const q = async (sql: string, param: string): Promise<unknown[]> => (await db.owner.query(sql, [param])).rows;
    return {
      comment: (await q(`SELECT obj_description($1::regclass) AS c`, rel))[0],
      rls: (await q(`SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass`, rel))[0],
      foreignKeys: await q(`SELECT a.attname AS column, c.confrelid::regclass::text AS refs, c.confdeltype AS on_delete
                              FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
                             WHERE c.conrelid = $1::regclass AND c.contype = 'f' ORDER BY a.attname`, rel),
      indexes: await q(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 ORDER BY indexname`, table),
      policies: await q(`SELECT policyname, cmd, permissive, roles::text[] AS roles, qual, with_check FROM pg_policies
                          WHERE schemaname = 'public' AND tablename = $1 ORDER BY policyname`, table),
      grants: await q(`SELECT grantee, string_agg(privilege_type, ',' ORDER BY privilege_type) AS privileges FROM information_schema.role_table_grants
                        WHERE table_schema = 'public' AND table_name = $1 AND grantee IN ('anon', 'authenticated', 'service_role', 'PUBLIC', 'vibot_api')
                        GROUP BY grantee ORDER BY grantee`, table),
    };
  }
  const admins = "((company_id = current_company_id()) AND has_role('Vibot.admin'::text))";
  const grants = [
    { grantee: 'authenticated', privileges: 'SELECT' },
    { grantee: 'service_role', privileges: 'DELETE,INSERT,SELECT,UPDATE' },
  ];

  it('public.integration_connectors (seed 000)', async () => {
    expect(await columns('integration_connectors')).toEqual([
      ['id', 'uuid', null, 'NO', 'gen_random_uuid()', '连接器唯一标识'],
      ['company_id', 'uuid', null, 'NO', null, '所属公司'],
      ['provider', 'character varying', 50, 'NO', null, '服务商（dingtalk、mysql 等）'],
      ['connector_type', 'character varying', 30, 'NO', null, '模式（webhook、database、file 等）'],
      ['status', 'character varying', 20, 'NO', "'inactive'::character varying", '状态'],
      ['config', 'jsonb', null, 'NO', "'{}'::jsonb", '非敏感配置'],
      ['schedule', 'jsonb', null, 'NO', "'{}'::jsonb", '调度设置'],
      ['last_synced_at', 'timestamp with time zone', null, 'YES', null, '最近同步时间'],
      ['created_by', 'uuid', null, 'NO', null, '创建人'],
      ['updated_by', 'uuid', null, 'YES', null, '更新人'],
      ['created_at', 'timestamp with time zone', null, 'NO', 'CURRENT_TIMESTAMP', '创建时间'],
      ['updated_at', 'timestamp with time zone', null, 'NO', 'CURRENT_TIMESTAMP', '更新时间'],
    ]);
    expect(await meta('integration_connectors')).toEqual({
      comment: { c: '连接器定义' },
      rls: { relrowsecurity: true, relforcerowsecurity: false },
      foreignKeys: [
        { column: 'company_id', refs: 'companies', on_delete: 'c' },
        { column: 'created_by', refs: 'users', on_delete: 'a' },
        { column: 'updated_by', refs: 'users', on_delete: 'a' },
      ],
      indexes: [
        { indexdef: 'CREATE INDEX idx_integration_connectors_company_id ON public.integration_connectors USING btree (company_id)' },
        { indexdef: 'CREATE UNIQUE INDEX integration_connectors_pkey ON public.integration_connectors USING btree (id)' },
      ],
      policies: [
        { policyname: 'Connectors manageable by admins', cmd: 'ALL', permissive: 'PERMISSIVE', roles: ['public'], qual: admins, with_check: admins },
        { policyname: 'Connectors readable within company', cmd: 'SELECT', permissive: 'PERMISSIVE', roles: ['public'], qual: '(company_id = current_company_id())', with_check: null },
      ],
      grants,
    });
  });

  it('public.connector_credentials (seed 001), plus one unique index on (connector_id, version)', async () => {
    expect(await columns('connector_credentials')).toEqual([
      ['id', 'uuid', null, 'NO', 'gen_random_uuid()', '凭据唯一标识'],
      ['company_id', 'uuid', null, 'NO', null, '所属公司'],
      ['connector_id', 'uuid', null, 'NO', null, '关联连接器'],
      ['version', 'integer', null, 'NO', null, '版本号'],
      ['secret_ciphertext', 'bytea', null, 'NO', null, '使用 pgcrypto 加密后的密文'],
      ['checksum', 'character varying', 128, 'NO', null, '完整性校验'],
      ['rotated_at', 'timestamp with time zone', null, 'NO', 'CURRENT_TIMESTAMP', '最近轮换时间'],
      ['rotated_by', 'uuid', null, 'YES', null, '操作人'],
    ]);
    expect(await meta('connector_credentials')).toEqual({
      comment: { c: '连接器凭据' },
      rls: { relrowsecurity: true, relforcerowsecurity: false },
      foreignKeys: [
        { column: 'company_id', refs: 'companies', on_delete: 'c' },
        { column: 'connector_id', refs: 'integration_connectors', on_delete: 'c' },
        { column: 'rotated_by', refs: 'users', on_delete: 'a' },
      ],
      indexes: [
        { indexdef: 'CREATE UNIQUE INDEX connector_credentials_pkey ON public.connector_credentials USING btree (id)' },
        { indexdef: 'CREATE INDEX idx_connector_credentials_company_id ON public.connector_credentials USING btree (company_id)' },
        { indexdef: 'CREATE UNIQUE INDEX uq_connector_credentials_connector_version ON public.connector_credentials USING btree (connector_id, version)' },
      ],
      policies: [{ policyname: 'Connector credentials managed by admins', cmd: 'ALL', permissive: 'PERMISSIVE', roles: ['public'], qual: admins, with_check: admins }],
      grants,
    });
    const { rows } = await db.owner.query(`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pgcrypto'`);
    expect(rows[0].n).toBe(1);
  });
});
