import { randomUUID } from 'node:crypto';
import { type ApiWorld, call, type Company, CONNECTORS, type Member, mysqlConnector, startWorld } from './api-kit';

let world: ApiWorld;
let acme: Company;
let globex: Company;
let member: Member;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  globex = await world.registerCompany('Globex');
  member = await world.member(acme, 'Mia');
});
afterAll(async () => {
  await world?.close();
});

const register = async (company: Company, overrides: Record<string, unknown> = {}) => {
  const answer = await call(world.app, 'POST', CONNECTORS, { token: company.adminToken, body: mysqlConnector(overrides) });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; revision: string; position: string };
};

const rotate = (token: string, id: string, body: Record<string, unknown>) => call(world.app, 'POST', `${CONNECTORS}/${id}/credentials`, { token, body });

describe('integration connectors: register → credential → activate → runtime read', () => {
  it('runs the whole flow with the right answers for admins, members, the runtime and other companies', async () => {
    const created = await register(acme);
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      revision: '1',
      stream: `integrationConnector-${created.id}`,
      streamRevision: '0',
      position: expect.stringMatching(/^\d+\/\d+$/),
    });
    const read = await call(world.app, 'GET', `${CONNECTORS}/${created.id}`, {
      token: acme.adminToken,
      headers: { 'x-min-position': created.position },
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: created.id,
      companyId: acme.companyId,
      provider: 'mysql',
      connectorType: 'database',
      status: 'inactive',
      config: { host: 'db.example.com', port: 3306, database: 'erp', user: 'reader' },
      createdBy: acme.adminUserId,
      revision: '1',
    });
    expect(read.headers.etag).toBe('"1"');

    // Activation needs a current credential.
    const early = await call(world.app, 'POST', `${CONNECTORS}/${created.id}/activate`, { token: acme.adminToken });
    expect(early.status).toBe(422);

    const secret = `s3cret-${randomUUID()}`;
    const rotated = await rotate(acme.adminToken, created.id, { secret, expectedVersion: 0 });
    expect(rotated.status).toBe(201);
    // The one command answer every command gives, naming the connector and version too.
    expect(rotated.body).toEqual({
      id: created.id,
      revision: '1',
      stream: `connectorCredential-${created.id}`,
      streamRevision: '0',
      position: expect.stringMatching(/^\d+\/\d+$/),
      connectorId: created.id,
      version: 1,
    });
    expect(JSON.stringify(rotated.body)).not.toContain(secret);

    const versions = await call(world.app, 'GET', `${CONNECTORS}/${created.id}/credentials`, {
      token: acme.adminToken,
      headers: { 'x-min-position': rotated.body.position },
    });
    expect(versions.status).toBe(200);
    expect(versions.body.items).toEqual([
      { version: 1, checksum: expect.any(String), rotatedAt: expect.any(String), rotatedBy: acme.adminUserId },
    ]);

    const activated = await call(world.app, 'POST', `${CONNECTORS}/${created.id}/activate`, { token: acme.adminToken });
    expect(activated.status).toBe(200);
    expect(activated.body.revision).toBe('2');

    const runtime = await world.serviceToken(acme.companyId);
    const opened = await call(world.app, 'GET', `${CONNECTORS}/${created.id}/credentials/current/secret`, { token: runtime });
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({ version: 1, secret });
    expect(opened.headers['cache-control']).toBe('no-store');
    const { rows } = await world.db.owner.query(
      "SELECT metadata FROM event_log.events WHERE stream_id = $1 AND type = 'SecretAccessed'",
      [`connectorCredential-${created.id}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].metadata.actor).toEqual({ service: 'connector-runtime' });

    // Users never read secrets, admins included.
    const asAdmin = await call(world.app, 'GET', `${CONNECTORS}/${created.id}/credentials/current/secret`, { token: acme.adminToken });
    expect(asAdmin.status).toBe(403);
    expect(JSON.stringify(asAdmin.body)).not.toContain(secret);

    // The runtime reports a sync.
    const synced = await call(world.app, 'POST', `${CONNECTORS}/${created.id}/syncs`, {
      token: runtime,
      body: { syncedAt: new Date().toISOString(), outcome: 'success' },
    });
    expect(synced.status).toBe(200);
    const asUser = await call(world.app, 'POST', `${CONNECTORS}/${created.id}/syncs`, {
      token: acme.adminToken,
      body: { syncedAt: new Date().toISOString(), outcome: 'success' },
    });
    expect(asUser.status).toBe(403);

    // A member sees the connector, not its credentials (RLS hides the rows: an empty list).
    const seen = await call(world.app, 'GET', `${CONNECTORS}/${created.id}`, { token: member.token, headers: { 'x-min-position': synced.body.position } });
    expect(seen.status).toBe(200);
    expect(seen.body.status).toBe('active');
    expect(seen.body.lastSyncedAt).not.toBeNull();
    const hidden = await call(world.app, 'GET', `${CONNECTORS}/${created.id}/credentials`, { token: member.token });
    expect(hidden.status).toBe(200);
    expect(hidden.body.items).toEqual([]);
    const listed = await call(world.app, 'GET', CONNECTORS, { token: member.token });
    expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(created.id);
    // A member cannot manage.
    const memberRotate = await rotate(member.token, created.id, { secret: 'nope-nope' });
    expect(memberRotate.status).toBe(403);

    // Another company sees nothing, and its runtime reads nothing.
    const foreign = await call(world.app, 'GET', `${CONNECTORS}/${created.id}`, { token: globex.adminToken });
    expect(foreign.status).toBe(404);
    const foreignCredentials = await call(world.app, 'GET', `${CONNECTORS}/${created.id}/credentials`, { token: globex.adminToken });
    expect(foreignCredentials.status).toBe(404);
    const foreignList = await call(world.app, 'GET', CONNECTORS, { token: globex.adminToken });
    expect(foreignList.body.items).toEqual([]);
    const foreignRuntime = await call(world.app, 'GET', `${CONNECTORS}/${created.id}/credentials/current/secret`, {
      token: await world.serviceToken(globex.companyId),
    });
    expect(foreignRuntime.status).toBe(404);
    expect(JSON.stringify(foreignRuntime.body)).not.toContain(secret);
    const foreignRotate = await rotate(globex.adminToken, created.id, { secret: 'x' });
    expect(foreignRotate.status).toBe(404);
  });

  it('updates with If-Match, deactivates, destroys a version and deletes', async () => {
    const created = await register(acme);
    const noMatch = await call(world.app, 'PATCH', `${CONNECTORS}/${created.id}`, { token: acme.adminToken, body: { schedule: {} } });
    expect(noMatch.status).toBe(428);
    const updated = await call(world.app, 'PATCH', `${CONNECTORS}/${created.id}`, {
      token: acme.adminToken,
      headers: { 'if-match': '"1"' },
      body: { config: { host: 'db2.example.com', port: 3307, database: 'erp', user: 'reader' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.revision).toBe('2');
    const stale = await call(world.app, 'PATCH', `${CONNECTORS}/${created.id}`, {
      token: acme.adminToken,
      headers: { 'if-match': '"1"' },
      body: { schedule: {} },
    });
    expect(stale.status).toBe(409);
    expect((await rotate(acme.adminToken, created.id, { secret: { password: 'p4ss' } })).status).toBe(201);
    expect((await call(world.app, 'POST', `${CONNECTORS}/${created.id}/activate`, { token: acme.adminToken })).status).toBe(200);
    expect((await call(world.app, 'POST', `${CONNECTORS}/${created.id}/deactivate`, { token: acme.adminToken })).status).toBe(200);
    const runtime = await world.serviceToken(acme.companyId);
    const opened = await call(world.app, 'GET', `${CONNECTORS}/${created.id}/credentials/current/secret`, { token: runtime });
    expect(opened.body).toEqual({ version: 1, secret: JSON.stringify({ password: 'p4ss' }) });
    const badVersion = await call(world.app, 'DELETE', `${CONNECTORS}/${created.id}/credentials/zero`, { token: acme.adminToken });
    expect(badVersion.status).toBe(400);
    const destroyed = await call(world.app, 'DELETE', `${CONNECTORS}/${created.id}/credentials/1`, { token: acme.adminToken });
    expect(destroyed.status).toBe(200);
    expect(destroyed.body).toMatchObject({ connectorId: created.id, version: 1 });
    const gone = await call(world.app, 'GET', `${CONNECTORS}/${created.id}/credentials/current/secret`, { token: runtime });
    expect(gone.status).toBe(404);
    const deleted = await call(world.app, 'DELETE', `${CONNECTORS}/${created.id}`, { token: acme.adminToken });
    expect(deleted.status).toBe(200);
    const after = await call(world.app, 'GET', `${CONNECTORS}/${created.id}`, { token: acme.adminToken, headers: { 'x-min-position': deleted.body.position } });
    expect(after.status).toBe(404);
  });

  it('pages the list with a cursor', async () => {
    await register(acme);
    await world.settled();
    const first = await call(world.app, 'GET', `${CONNECTORS}?limit=1`, { token: acme.adminToken });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(world.app, 'GET', `${CONNECTORS}?limit=1&cursor=${first.body.nextCursor}`, { token: acme.adminToken });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id > first.body.items[0].id).toBe(true);
  });
});

describe('refusals', () => {
  it('a config with secret-like keys is a 422 naming the path and the credentials route, never the value', async () => {
    const value = `leak-${randomUUID()}`;
    const answer = await call(world.app, 'POST', CONNECTORS, {
      token: acme.adminToken,
      body: mysqlConnector({ config: { host: 'db.example.com', port: 3306, database: 'erp', user: 'reader', password: value } }),
    });
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('secret_in_config');
    expect(answer.body.detail).toContain('config.password');
    expect(answer.body.detail).toContain('POST /v1/integration-connectors/{connectorId}/credentials');
    expect(JSON.stringify(answer.body)).not.toContain(value);
  });

  it('a secret over 64 KiB is a 422; a bad body is a 400', async () => {
    const created = await register(acme);
    const big = await rotate(acme.adminToken, created.id, { secret: 'x'.repeat(64 * 1024 + 1) });
    expect(big.status).toBe(422);
    expect(big.body.code).toBe('secret_too_large');
    expect((await rotate(acme.adminToken, created.id, { secret: 42 })).status).toBe(400);
    expect((await rotate(acme.adminToken, created.id, { secret: 'ok', expectedVersion: -1 })).status).toBe(400);
  });

  it('five concurrent rotations with the same expectedVersion: exactly one 201, the rest 409', async () => {
    const created = await register(acme);
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => rotate(acme.adminToken, created.id, { secret: `race-${i}`, expectedVersion: 0 })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    const { rows } = await world.db.owner.query("SELECT count(*)::int AS n FROM event_log.events WHERE stream_id = $1 AND type = 'CredentialRotated'", [
      `connectorCredential-${created.id}`,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('user routes refuse service tokens; service routes refuse user tokens', async () => {
    const runtime = await world.serviceToken(acme.companyId);
    for (const [method, url] of [
      ['GET', CONNECTORS],
      ['GET', '/v1/roles'],
      ['GET', '/v1/users'],
      ['GET', '/v1/permission-change-requests'],
    ] as const) {
      const answer = await call(world.app, method, url, { token: runtime });
      expect(answer.status).toBe(403);
    }
    const registered = await call(world.app, 'POST', CONNECTORS, { token: runtime, body: mysqlConnector() });
    expect(registered.status).toBe(403);
  });
});
