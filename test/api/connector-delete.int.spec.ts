import { type ApiWorld, call, type Company, CONNECTORS, mysqlConnector, withWorldAndCompany } from './api-kit';

// Deleting a connector takes If-Match the way deleting a role does: optional, and when given,
// a stale revision is a 409 with the current one and nothing is deleted.
let world: ApiWorld;
let acme: Company;
withWorldAndCompany((started, company) => ((world = started), (acme = company)));

const register = async (): Promise<string> => (await call(world.app, 'POST', CONNECTORS, { token: acme.adminToken, body: mysqlConnector() })).body.id;

describe('DELETE /v1/integration-connectors/:id with If-Match', () => {
  it('refuses a stale revision with 409 and the current revision, and deletes nothing', async () => {
    const id = await register();
    const updated = await call(world.app, 'PATCH', `${CONNECTORS}/${id}`, { token: acme.adminToken, body: { config: { host: 'db2.example.com', port: 3307, database: 'erp', user: 'reader' } }, headers: { 'if-match': '"1"' } });
    expect(updated.body.revision).toBe('2');
    expect(updated.status).toBe(200);
    const stale = await call(world.app, 'DELETE', `${CONNECTORS}/${id}`, { token: acme.adminToken, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(409);
    expect(stale.body.currentRevision).toBe(updated.body.revision);
    await world.settled();
    expect((await call(world.app, 'GET', `${CONNECTORS}/${id}`, { token: acme.adminToken })).status).toBe(200);
  });

  it('deletes at the current revision', async () => {
    const id = await register();
    const deleted = await call(world.app, 'DELETE', `${CONNECTORS}/${id}`, { token: acme.adminToken, headers: { 'if-match': '"1"' } });
    expect(deleted.status).toBe(200);
  });

  it('refuses a malformed If-Match with 400 naming the header', async () => {
    const id = await register();
    const answer = await call(world.app, 'DELETE', `${CONNECTORS}/${id}`, { token: acme.adminToken, headers: { 'if-match': 'yesterday' } });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.errors)).toContain('If-Match');
  });
});
