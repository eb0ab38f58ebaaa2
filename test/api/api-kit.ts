import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { Client } from 'pg';
import {
  companyDecider,
  type CompanyEvent,
  companyStreamName,
  fold,
  type GrantRole,
  type RegisterCompany,
} from '#domain';
import { mintServiceToken, mintToken } from '#infra/auth/tokens';
import type { Logger } from 'pino';
import { companies } from '#infra/commands/aggregates';
import { runCommand } from '../support/run-command';
import { type AppConfig, loadConfig } from '#infra/config/config';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { upcast } from '#infra/event-log/upcasters';
import { type Projector, startProjector } from '#infra/projections/projector';
import { waitForProjection } from '../support/projection-wait';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { makeTempDir, removeTempDir } from '../support/temp-dir';
import { TEST_JWT_SECRET } from '../support/test-settings';

export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    JWKS_URL: '',
    JWT_ALGORITHMS: 'HS256',
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: makeTempDir('vibot-api'),
    MIN_POSITION_WAIT_MS: '2000',
    MAX_PROJECT_SCOPED_ROLES: '2',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

export type Company = Readonly<{ companyId: string; adminUserId: string; adminRoleId: string; auditorRoleId: string; adminToken: string }>;

export type Member = Readonly<{ userId: string; token: string }>;

export type ApiWorld = Readonly<{
  db: TestDatabase;
  app: NestFastifyApplication;
  config: AppConfig;
  /** Bootstraps a company through the domain (service actor), as the CLI does. */
  registerCompany: (name?: string) => Promise<Company>;
  token: (userId: string, companyId: string) => Promise<string>;
  /** A connector-runtime service token for one company. */
  serviceToken: (companyId: string) => Promise<string>;
  /** Registers a user through the API (as the company's admin) and mints their token. */
  member: (company: Company, name: string) => Promise<Member>;
  /** Grants a role by code as a service actor, as operator tooling does (members cannot grant). */
  grant: (company: Company, userId: string, roleCode: string) => Promise<void>;
  settled: () => Promise<void>;
  close: () => Promise<void>;
}>;

/** A fresh database, the projector and the API on it: the whole write → project → read loop. */
export async function startWorld(env: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<ApiWorld> {
  const db = await createTestDatabase();
  const config = testConfig(env);
  const projector: Projector = startProjector({ ownerPool: db.owner, log: new PostgresEventLog(db.owner, { pollIntervalMs: 50 }) });
  const app = await createApiApp({ config, apiDatabaseUrl: db.apiUrl, logger: options.logger ?? false });
  const token = (userId: string, companyId: string): Promise<string> => mintToken(config.jwt, { userId, companyId }, '10m');
  const registerCompany = async (name = 'Acme'): Promise<Company> => {
    const ids = { companyId: randomUUID(), adminUserId: randomUUID(), adminRoleId: randomUUID(), auditorRoleId: randomUUID() };
    const actor = { kind: 'service', service: 'api-test' } as const;
    const now = new Date().toISOString();
    const command: RegisterCompany = {
      type: 'RegisterCompany',
      data: { ...ids, name, adminEmail: `admin-${ids.companyId.slice(0, 8)}@example.com`, adminDisplayName: 'Ada Admin' },
      metadata: { actor, now },
    };
    await runCommand(new PostgresEventLog(db.owner), companies, companyStreamName(ids.companyId), command, {
      commandId: randomUUID(),
      correlationId: randomUUID(),
      actor,
      now,
      tenant: { companyId: ids.companyId },
    });
    await waitForProjection(db.owner);
    return { ...ids, adminToken: await token(ids.adminUserId, ids.companyId) };
  };
  const member = async (company: Company, name: string): Promise<Member> => {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
    const answer = await call(app, 'POST', '/v1/users', { token: company.adminToken, body: { email, displayName: name } });
    if (answer.status !== 201) throw new Error(`registering ${name} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return { userId: answer.body.id, token: await token(answer.body.id, company.companyId) };
  };
  const grant = async (company: Company, userId: string, roleCode: string): Promise<void> => {
    const log = new PostgresEventLog(db.owner);
    const stream = companyStreamName(company.companyId);
    // From the log, not the read model: the grant must not depend on the projector being current.
    const state = fold(companyDecider, (await log.readStream(stream)).map((event) => upcast(event) as CompanyEvent));
    const role = state.status === 'registered' ? [...state.roles.values()].find((r) => r.code === roleCode) : undefined;
    if (role === undefined) throw new Error(`no role ${roleCode} in company ${company.companyId}`);
    const actor = { kind: 'service', service: 'api-test' } as const;
    const now = new Date().toISOString();
    const command: GrantRole = { type: 'GrantRole', data: { userId, roleId: role.roleId, reason: 'test set-up' }, metadata: { actor, now } };
    await runCommand(log, companies, stream, command, {
      commandId: randomUUID(),
      correlationId: randomUUID(),
      actor,
      now,
      tenant: { companyId: company.companyId },
    });
    await waitForProjection(db.owner);
  };
  return {
    db,
    app,
    config,
    registerCompany,
    token,
    serviceToken: (companyId: string) => mintServiceToken(config.jwt, { service: 'connector-runtime', companyId }, '10m'),
    member,
    grant,
    settled: async () => void (await waitForProjection(db.owner)),
    close: async () => {
      await app.close();
      await projector.stop();
      await db.drop();
      removeTempDir(config.dataDir);
    },
  };
}

export type Answer = Readonly<{ status: number; headers: Record<string, string | string[] | number | undefined>; body: any }>;

export type CallOptions = Readonly<{ token?: string; body?: unknown; headers?: Record<string, string> }>;

/** Real HTTP through Fastify's injector: routing, hooks, guards, pipes and filters all run. */
export async function call(app: NestFastifyApplication, method: string, url: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
  const type = String(response.headers['content-type'] ?? '');
  const body = type.includes('json') && response.body !== '' ? JSON.parse(response.body) : response.body;
  return { status: response.statusCode, headers: response.headers, body };
}

export async function countEvents(db: TestDatabase): Promise<number> {
  const { rows } = await db.owner.query<{ n: string }>('SELECT count(*) AS n FROM event_log.events');
  return Number(rows[0]!.n);
}

/** has_role(code) in SQL as the API's login under a user's claims, exactly as RLS evaluates it. */
export async function hasRoleInSql(db: TestDatabase, userId: string, companyId: string, code: string): Promise<boolean> {
  const client = new Client({ connectionString: db.apiUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const claims = JSON.stringify({ sub: userId, company_id: companyId, role: 'authenticated' });
    await client.query("SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [claims]);
    const { rows } = await client.query<{ held: boolean }>('SELECT has_role($1) AS held', [code]);
    await client.query('ROLLBACK');
    return rows[0]!.held;
  } finally {
    await client.end();
  }
}

export const REQUESTS = '/v1/permission-change-requests';

export type Decision = 'approve' | 'reject' | 'cancel';

/** POST /v1/permission-change-requests with a default reason, so tests state only what matters. */
export const requestChange = (app: NestFastifyApplication, token: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  call(app, 'POST', REQUESTS, { token, body: { reason: 'needed for the test', ...body }, ...(headers ? { headers } : {}) });

export const decide = (
  app: NestFastifyApplication,
  token: string,
  id: string,
  decision: Decision,
  body?: Record<string, unknown>,
  headers?: Record<string, string>,
) => call(app, 'POST', `${REQUESTS}/${id}/${decision}`, { token, ...(body ? { body } : {}), ...(headers ? { headers } : {}) });

/** GET one request, waiting for the projector to reach `position` when given. */
export const readRequest = (app: NestFastifyApplication, token: string, id: string, position?: string | null) =>
  call(app, 'GET', `${REQUESTS}/${id}`, { token, ...(position ? { headers: { 'x-min-position': position } } : {}) });

/** How many events of a type the log holds about one request. */
export async function countRequestEvents(db: TestDatabase, requestId: string, type: string): Promise<number> {
  const { rows } = await db.owner.query<{ n: string }>(
    "SELECT count(*) AS n FROM event_log.events WHERE type = $1 AND data->>'requestId' = $2",
    [type, requestId],
  );
  return Number(rows[0]!.n);
}

export const CONNECTORS = '/v1/integration-connectors';

/** A valid mysql connector body; override what the test is about. */
export const mysqlConnector = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  provider: 'mysql',
  connectorType: 'database',
  config: { host: 'db.example.com', port: 3306, database: 'erp', user: 'reader' },
  schedule: {},
  ...overrides,
});
