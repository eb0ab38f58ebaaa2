import { type ApiWorld, call, type Company, startWorld } from './api-kit';

let world: ApiWorld;
let a: Company;
let b: Company;
let roleOfA: { id: string; position: string };

beforeAll(async () => {
  world = await startWorld();
  a = await world.registerCompany('Company A');
  b = await world.registerCompany('Company B');
  const created = await call(world.app, 'POST', '/v1/roles', { token: a.adminToken, body: { code: 'a.secret', name: 'Secret of A' } });
  expect(created.status).toBe(201);
  roleOfA = created.body;
});
afterAll(async () => {
  await world?.close();
});

describe('tenant isolation through the API', () => {
  it("B's admin lists only B's roles", async () => {
    const asB = await call(world.app, 'GET', '/v1/roles', { token: b.adminToken, headers: { 'x-min-position': roleOfA.position } });
    expect(asB.status).toBe(200);
    expect(asB.body.items.every((r: { companyId: string }) => r.companyId === b.companyId)).toBe(true);
    expect(asB.body.items.map((r: { id: string }) => r.id)).not.toContain(roleOfA.id);
    expect(asB.body.items.map((r: { code: string }) => r.code)).toEqual(['Vibot.admin', 'Vibot.auditor']);
    // Control: A sees its own role, so the emptiness above is RLS, not a missing projection.
    const asA = await call(world.app, 'GET', '/v1/roles', { token: a.adminToken });
    expect(asA.body.items.map((r: { id: string }) => r.id)).toContain(roleOfA.id);
  });

  it("B's admin gets 404 for A's role by id", async () => {
    const answer = await call(world.app, 'GET', `/v1/roles/${roleOfA.id}`, { token: b.adminToken });
    expect(answer.status).toBe(404);
    expect((await call(world.app, 'GET', `/v1/roles/${roleOfA.id}`, { token: a.adminToken })).status).toBe(200);
  });

  it("B's admin can neither update nor delete A's role", async () => {
    const update = await call(world.app, 'PATCH', `/v1/roles/${roleOfA.id}`, {
      token: b.adminToken,
      body: { name: 'Hijacked' },
      headers: { 'if-match': '"1"' },
    });
    expect([403, 404]).toContain(update.status);
    const remove = await call(world.app, 'DELETE', `/v1/roles/${roleOfA.id}`, { token: b.adminToken });
    expect([403, 404]).toContain(remove.status);
    const still = await call(world.app, 'GET', `/v1/roles/${roleOfA.id}`, { token: a.adminToken });
    expect(still.body).toMatchObject({ name: 'Secret of A', revision: '1' });
  });

  it("B's admin lists only B's users", async () => {
    const users = await call(world.app, 'GET', '/v1/users', { token: b.adminToken });
    expect(users.status).toBe(200);
    expect(users.body.items).toHaveLength(1);
    expect(users.body.items[0].id).toBe(b.adminUserId);
    expect((await call(world.app, 'GET', `/v1/users/${a.adminUserId}`, { token: b.adminToken })).status).toBe(404);
  });
});
