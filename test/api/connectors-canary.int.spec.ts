import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { type Answer, type ApiWorld, call, type Company, CONNECTORS, mysqlConnector, startWorld } from './api-kit';

// A secret that must never leave the vault except in the runtime's own read: not in the log,
// not in a read model, not in an answer, not in a log line, whatever path the request took.

let world: ApiWorld;
let acme: Company;
const logLines: string[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  world = await startWorld({}, { logger });
  acme = await world.registerCompany('Acme');
});
afterAll(async () => {
  await world?.close();
});

const READ_TABLES = ['integration_connectors', 'connector_credentials', 'permission_change_requests', 'roles', 'users'] as const;

describe('the credential canary', () => {
  it('appears only in the runtime read of the secret', async () => {
    const canary = `canary-${randomUUID()}`;
    const answers: Answer[] = [];
    const send = async (method: string, url: string, options: Parameters<typeof call>[3]) => {
      const answer = await call(world.app, method, url, options);
      answers.push(answer);
      return answer;
    };
    const token = acme.adminToken;

    const created = await send('POST', CONNECTORS, { token, body: mysqlConnector() });
    expect(created.status).toBe(201);
    const credentials = `${CONNECTORS}/${created.body.id}/credentials`;

    // Success (with an Idempotency-Key, so the stored answer is searched too).
    const v1 = await send('POST', credentials, { token, body: { secret: canary, expectedVersion: 0 }, headers: { 'idempotency-key': randomUUID() } });
    expect(v1.status).toBe(201);
    // Validation errors: a bad expectedVersion, an unknown field, a secret of the wrong type.
    expect((await send('POST', credentials, { token, body: { secret: canary, expectedVersion: 'one' } })).status).toBe(400);
    expect((await send('POST', credentials, { token, body: { secret: canary, note: canary } })).status).toBe(400);
    expect((await send('POST', credentials, { token, body: { secret: [canary] } })).status).toBe(400);
    // A secret-like key in config, with the canary as its value.
    const inConfig = await send('POST', CONNECTORS, {
      token,
      body: mysqlConnector({ config: { host: 'db.example.com', port: 3306, database: 'erp', user: 'reader', apiKey: canary } }),
    });
    expect(inConfig.status).toBe(422);
    // Conflict: the current version is 1, not 0.
    expect((await send('POST', credentials, { token, body: { secret: canary, expectedVersion: 0 } })).status).toBe(409);
    // A second version, then destroy the first.
    const v2 = await send('POST', credentials, { token, body: { secret: { password: canary }, expectedVersion: 1 } });
    expect(v2.status).toBe(201);
    expect((await send('DELETE', `${credentials}/1`, { token })).status).toBe(200);
    expect((await send('GET', credentials, { token })).status).toBe(200);
    // The runtime read: the one place the canary may appear.
    const runtime = await call(world.app, 'GET', `${credentials}/current/secret`, { token: await world.serviceToken(acme.companyId) });
    expect(runtime.status).toBe(200);
    expect(runtime.body).toEqual({ version: 2, secret: JSON.stringify({ password: canary }) });
    // And the admin trying the same route.
    expect((await send('GET', `${credentials}/current/secret`, { token })).status).toBe(403);

    await world.settled();
    const where: string[] = [];
    const events = await world.db.owner.query<{ data: string; metadata: string }>('SELECT data::text AS data, metadata::text AS metadata FROM event_log.events');
    expect(events.rows.length).toBeGreaterThan(0);
    for (const row of events.rows) if (row.data.includes(canary) || row.metadata.includes(canary)) where.push('event_log.events');
    for (const table of [...READ_TABLES, 'api.idempotency_keys']) {
      const { rows } = await world.db.owner.query<{ t: string }>(`SELECT t::text AS t FROM ${table} t`);
      if (table === 'connector_credentials') expect(rows.length).toBe(1);
      for (const row of rows) if (row.t.includes(canary)) where.push(table);
    }
    answers.forEach((answer, index) => {
      if (JSON.stringify(answer.body).includes(canary) || JSON.stringify(answer.headers).includes(canary)) where.push(`answer #${index}`);
    });
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) if (line.includes(canary)) where.push(`log: ${line.slice(0, 200)}`);
    expect(where).toEqual([]);
  });
});
