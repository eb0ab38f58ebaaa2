import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { mintServiceToken, mintToken } from '#infra/auth/tokens';
import { type AppConfig, loadConfig } from '#infra/config/config';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { type Projector, startProjector } from '#infra/projections/projector';
import { waitForProjection } from '../support/projection-wait';
import { makeTempDir, removeTempDir } from '../support/temp-dir';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_JWT_SECRET } from '../support/test-settings';
import { type Company, grantRole, type Member, registerCompany, registerMember } from './company-setup';

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
  return {
    db,
    app,
    config,
    registerCompany: (name) => registerCompany(db, token, name),
    token,
    serviceToken: (companyId: string) => mintServiceToken(config.jwt, { service: 'connector-runtime', companyId }, '10m'),
    member: (company, name) => registerMember(app, token, company, name),
    grant: (company, userId, roleCode) => grantRole(db, company, userId, roleCode),
    settled: async () => void (await waitForProjection(db.owner)),
    close: async () => {
      await app.close();
      await projector.stop();
      await db.drop();
      removeTempDir(config.dataDir);
    },
  };
}

/**
 * The usual frame of an API suite: one world and its company Acme, started before the file's
 * tests and closed after them. `ready` gets both, so the file keeps plain variables.
 */
export function withWorldAndCompany(ready: (world: ApiWorld, acme: Company) => void, env: Record<string, string> = {}): void {
  let world: ApiWorld | undefined;
  beforeAll(async () => {
    world = await startWorld(env);
    ready(world, await world.registerCompany('Acme'));
  });
  afterAll(async () => {
    await world?.close();
  });
}
