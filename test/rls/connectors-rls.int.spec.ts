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
} from '#domain';
import { toEnvelopes } from '#infra/event-log/envelope';
import type { ExpectedRevision } from '#infra/event-log/event-log';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { credentialRowId } from '#infra/projections/connector-projection';
import { startProjector } from '#infra/projections/projector';
import { appendHistory, simulateCompany, type CompanyHistory } from '../support/company-history';
import { waitForProjection } from '../support/projection-wait';
import { createTestDatabase, rolledBack, type TestDatabase } from '../support/test-database';
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
    await rolledBack(db.owner, async (owner) => {
      expect(await rlsViolations(owner, [], writeProbes())).toEqual([]);
    });
  });

  it.each([
    ['integration_connectors', 'Connectors readable within company', /member of A read integration_connectors: \d+ missing/],
    ['integration_connectors', 'Connectors manageable by admins', /admin of A updates a connector of A: expected 1, got 0/],
    ['connector_credentials', 'Connector credentials managed by admins', /admin of A read connector_credentials: \d+ missing/],
  ])('control: with the policy on %s "%s" dropped the same checks fail', async (table, policy, breakage) => {
    await rolledBack(db.owner, async (owner) => {
      await owner.query(`DROP POLICY "${policy}" ON public.${table}`);
      const violations = await rlsViolations(owner, expectations(), writeProbes());
      expect(violations.join('\n')).toMatch(breakage);
    });
  });

  it('control: with a member-readable policy added to credentials the matrix fails', async () => {
    await rolledBack(db.owner, async (owner) => {
      await owner.query(`CREATE POLICY "leak" ON public.connector_credentials FOR SELECT USING (company_id = current_company_id())`);
      const violations = await rlsViolations(owner, expectations(), []);
      expect(violations.join('\n')).toMatch(/member of A read connector_credentials: 0 missing, 2 not theirs/);
    });
  });
});
