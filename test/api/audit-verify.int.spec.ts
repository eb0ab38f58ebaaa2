import { type ApiWorld, call, type Company, startWorld } from './api-kit';

let world: ApiWorld;
let acme: Company;
let other: Company;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  other = await world.registerCompany('Other');
});
afterAll(async () => {
  await world?.close();
});

const verify = (token: string, query = '') => call(world.app, 'GET', `/v1/audit/verify${query}`, { token });

describe('GET /v1/audit/verify: tamper evidence', () => {
  it("an untouched log verifies clean; one event changed in SQL is named by stream and revision, in that company's view only", async () => {
    for (const code of ['one', 'two']) {
      expect((await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code, name: code } })).status).toBe(201);
    }
    const stream = `company-${acme.companyId}`;
    const clean = await verify(acme.adminToken);
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({ streams: 1, broken: [] });
    expect(clean.body.events).toBeGreaterThanOrEqual(6);

    await world.db.owner.query(`UPDATE event_log.events SET data = jsonb_set(data, '{name}', '"forged"') WHERE stream_id = $1 AND stream_revision = 4`, [stream]);
    const tampered = await verify(acme.adminToken);
    expect(tampered.body.broken).toEqual([{ stream, revision: '4', reason: 'hash_mismatch' }]);
    expect((await verify(acme.adminToken, `?stream=${stream}`)).body.broken).toEqual([{ stream, revision: '4', reason: 'hash_mismatch' }]);
    // Another company's log is its own: still clean, and Acme's stream is not theirs to check.
    expect((await verify(other.adminToken)).body.broken).toEqual([]);
    expect((await verify(other.adminToken, `?stream=${stream}`)).status).toBe(404);
    expect((await verify(acme.adminToken, '?stream=not a stream')).status).toBe(400);
  });
});
