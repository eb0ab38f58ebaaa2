import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { companyDecider, companyStreamName, type RegisterCompany } from '../../libs/domain/src';
import { mintToken } from '../../libs/infra/src/auth/tokens';
import { handleCommand } from '../../libs/infra/src/commands/handle-command';
import { type AppConfig, loadConfig } from '../../libs/infra/src/config/config';
import { PostgresEventLog } from '../../libs/infra/src/event-log/postgres-event-log';
import { type Projector, startProjector } from '../../libs/infra/src/projections/projector';
import { waitForProjection } from '../support/projection-wait';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_JWT_SECRET } from '../support/test-settings';

export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    JWKS_URL: '',
    JWT_ALGORITHMS: 'HS256',
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'vibot-api-')),
    MIN_POSITION_WAIT_MS: '2000',
    MAX_PROJECT_SCOPED_ROLES: '2',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

export type Company = Readonly<{ companyId: string; adminUserId: string; adminRoleId: string; adminToken: string }>;

export type ApiWorld = Readonly<{
  db: TestDatabase;
  app: NestFastifyApplication;
  config: AppConfig;
  /** Bootstraps a company through the domain (service actor), as the CLI does. */
  registerCompany: (name?: string) => Promise<Company>;
  token: (userId: string, companyId: string) => Promise<string>;
  settled: () => Promise<void>;
  close: () => Promise<void>;
}>;

/** A fresh database, the projector and the API on it: the whole write → project → read loop. */
export async function startWorld(env: Record<string, string> = {}): Promise<ApiWorld> {
  const db = await createTestDatabase();
  const config = testConfig(env);
  const projector: Projector = startProjector({ ownerPool: db.owner, log: new PostgresEventLog(db.owner, { pollIntervalMs: 50 }) });
  const app = await createApiApp({ config, apiDatabaseUrl: db.apiUrl, logger: false });
  const token = (userId: string, companyId: string): Promise<string> => mintToken(config.jwt, { userId, companyId }, '10m');
  const registerCompany = async (name = 'Acme'): Promise<Company> => {
    const ids = { companyId: randomUUID(), adminUserId: randomUUID(), adminRoleId: randomUUID() };
    const actor = { kind: 'service', service: 'api-test' } as const;
    const now = new Date().toISOString();
    const command: RegisterCompany = {
      type: 'RegisterCompany',
      data: { ...ids, name, adminEmail: `admin-${ids.companyId.slice(0, 8)}@example.com`, adminDisplayName: 'Ada Admin' },
      metadata: { actor, now },
    };
    await handleCommand(new PostgresEventLog(db.owner), companyDecider, companyStreamName(ids.companyId), command, {
      commandId: randomUUID(),
      correlationId: randomUUID(),
      actor,
      now,
      tenant: { companyId: ids.companyId },
    });
    await waitForProjection(db.owner);
    return { ...ids, adminToken: await token(ids.adminUserId, ids.companyId) };
  };
  return {
    db,
    app,
    config,
    registerCompany,
    token,
    settled: async () => void (await waitForProjection(db.owner)),
    close: async () => {
      await app.close();
      await projector.stop();
      await db.drop();
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
