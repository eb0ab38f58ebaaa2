import { type ApiWorld, call, type Company, CONNECTORS, countEvents, mysqlConnector, startWorld } from './api-kit';

// Concurrent writers through the API: a command with no precondition never fails because someone
// else wrote first; a command with one fails exactly when it really is stale.
let world: ApiWorld;
let acme: Company;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Concurrent Co');
});
afterAll(async () => {
  await world?.close();
});

describe('concurrent commands on one company', () => {
  it('20 parallel role definitions with distinct codes: all 201, 20 roles', async () => {
    const before = await countEvents(world.db);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: `parallel.${i}`, name: `Parallel ${i}` } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((a) => a.body.streamRevision)).size).toBe(20);
    expect((await countEvents(world.db)) - before).toBe(20);
  });

  it('30 parallel PATCHes with the same If-Match: exactly one 2xx, the rest 409 with the current revision', async () => {
    const created = await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: 'contended', name: 'v1' } });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(world.app, 'PATCH', `/v1/roles/${created.body.id}`, { token: acme.adminToken, body: { name: `v${i + 2}` }, headers: { 'if-match': '"1"' } }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(29);
    for (const refused of answers.filter((a) => a.status === 409)) expect(refused.body.currentRevision).toBe('2');
  });

  it('10 parallel rotations without expectedVersion: 10 versions, each answered once', async () => {
    const connector = await call(world.app, 'POST', CONNECTORS, { token: acme.adminToken, body: mysqlConnector() });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(world.app, 'POST', `${CONNECTORS}/${connector.body.id}/credentials`, { token: acme.adminToken, body: { secret: `secret-${i}` } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(answers.map((a) => a.body.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const { rows } = await world.db.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM keystore.data_keys WHERE company_id = $1`,
      [acme.companyId],
    );
    expect(rows[0]!.n).toBe(10);
  });

  it('10 parallel rotations all expecting version 0: one wins, nine are 409 and leave no key behind', async () => {
    const connector = await call(world.app, 'POST', CONNECTORS, { token: acme.adminToken, body: mysqlConnector() });
    const keysBefore = (await world.db.owner.query<{ n: number }>('SELECT count(*)::int AS n FROM keystore.data_keys')).rows[0]!.n;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(world.app, 'POST', `${CONNECTORS}/${connector.body.id}/credentials`, { token: acme.adminToken, body: { secret: `s-${i}`, expectedVersion: 0 } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    const keysAfter = (await world.db.owner.query<{ n: number }>('SELECT count(*)::int AS n FROM keystore.data_keys')).rows[0]!.n;
    expect(keysAfter - keysBefore).toBe(1);
  });

  it('users and roles registered side by side by several admins: all succeed', async () => {
    const second = await world.member(acme, 'Second');
    await world.grant(acme, second.userId, 'Vibot.admin');
    const writes = Array.from({ length: 24 }, (_, i) => {
      const token = i % 2 === 0 ? acme.adminToken : second.token;
      return i % 3 === 0
        ? call(world.app, 'POST', '/v1/users', { token, body: { email: `side-${i}@example.com` } })
        : call(world.app, 'POST', '/v1/roles', { token, body: { code: `side.${i}`, name: `Side ${i}` } });
    });
    expect((await Promise.all(writes)).map((a) => a.status)).toEqual(Array(24).fill(201));
  });
});
