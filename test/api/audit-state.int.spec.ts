import { randomUUID } from 'node:crypto';
import { type ApiWorld, call, type Company, CONNECTORS, type Member, mysqlConnector, startWorld } from './api-kit';
import { auditGet, auditorOf, historySettled, type Shown } from './audit-kit';

let world: ApiWorld;
let acme: Company;
let globex: Company;
let auditor: Member;
let foreignAuditor: Member;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  globex = await world.registerCompany('Globex');
  auditor = await auditorOf(world, acme, 'Olga');
  foreignAuditor = await auditorOf(world, globex, 'Gina');
});
afterAll(async () => {
  await world?.close();
});

const stateOf = (token: string, category: string, id: string, at?: string) =>
  auditGet(world, token, `state/${category}/${id}${at !== undefined ? `?at=${encodeURIComponent(at)}` : ''}`);

/** The event a command produced, as the history shows it (its createdAt is what a time `at` compares with). */
async function eventAt(position: string): Promise<Shown> {
  const shown = await historySettled(world, auditor.token, acme.companyId);
  return shown.find((e) => e.position === position)!;
}

describe('GET /v1/audit/state/company/:id', () => {
  it('shows a role before and after its update, by log position and by time, with the events that led there', async () => {
    const defined = await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: 'reviewer', name: 'Reviewer' } });
    expect(defined.status).toBe(201);
    const roleId: string = defined.body.id;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await call(world.app, 'PATCH', `/v1/roles/${roleId}`, {
      token: acme.adminToken,
      headers: { 'if-match': '"1"' },
      body: { name: 'Senior reviewer' },
    });
    expect(updated.status).toBe(200);

    const before = await stateOf(auditor.token, 'company', acme.companyId, defined.body.position);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      stream: `company-${acme.companyId}`,
      at: defined.body.position,
      revision: defined.body.streamRevision,
      position: defined.body.position,
    });
    expect(before.body.state.roles[roleId]).toEqual({
      roleId,
      code: 'reviewer',
      name: 'Reviewer',
      description: null,
      scope: 'global',
      builtIn: false,
      revision: '1',
    });
    const trail = before.body.events as Shown[];
    expect(trail.map((e) => e.revision)).toEqual(trail.map((_, i) => String(i)));
    expect(trail[trail.length - 1]).toMatchObject({ type: 'RoleDefined', data: { roleId, code: 'reviewer' } });

    const after = await stateOf(auditor.token, 'company', acme.companyId, updated.body.position);
    expect(after.body.state.roles[roleId]).toMatchObject({ name: 'Senior reviewer', revision: '2' });
    expect(after.body.events[after.body.events.length - 1]).toMatchObject({ type: 'RoleUpdated', data: { roleId } });

    // By time: the moment the log recorded each event (createdAt), not a position.
    const definedAt = (await eventAt(defined.body.position)).createdAt;
    const updatedAt = (await eventAt(updated.body.position)).createdAt;
    expect(Date.parse(updatedAt)).toBeGreaterThan(Date.parse(definedAt));
    const thenByTime = await stateOf(auditor.token, 'company', acme.companyId, definedAt);
    expect(thenByTime.body.at).toBe(definedAt);
    expect(thenByTime.body.state.roles[roleId].name).toBe('Reviewer');
    expect(thenByTime.body.revision).toBe(defined.body.streamRevision);
    expect((await stateOf(auditor.token, 'company', acme.companyId, updatedAt)).body.state.roles[roleId].name).toBe('Senior reviewer');

    // No `at`: now.
    const now = await stateOf(auditor.token, 'company', acme.companyId);
    expect(now.body.state.roles[roleId].name).toBe('Senior reviewer');
    expect(Number.isNaN(Date.parse(now.body.at))).toBe(false);
  });

  it('is JSON-safe: maps as objects keyed by id, sets as arrays, revisions as strings', async () => {
    const { body } = await stateOf(auditor.token, 'company', acme.companyId);
    expect(body.state).toMatchObject({ status: 'registered', companyId: acme.companyId, name: 'Acme' });
    expect(body.state.users[auditor.userId]).toMatchObject({ userId: auditor.userId });
    expect(body.state.assignments[acme.adminUserId]).toEqual([acme.adminRoleId]);
    expect(body.state.assignments[auditor.userId]).toEqual([acme.auditorRoleId]);
    expect(body.state.roles[acme.auditorRoleId]).toMatchObject({ code: 'Vibot.auditor', builtIn: true, revision: '1' });
    expect(Object.values(body.state.requests)).toEqual([expect.objectContaining({ status: 'approved', revision: '3', diff: { grant: ['Vibot.auditor'], revoke: [] } })]);
    expect(body.state.retiredRoleIds).toEqual([]);
  });

  it('answers 404 before the company existed', async () => {
    const answer = await stateOf(auditor.token, 'company', acme.companyId, '2000-01-01T00:00:00Z');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('state_not_found');
    expect((await stateOf(auditor.token, 'company', acme.companyId, '0/0')).status).toBe(404);
  });
});

describe('GET /v1/audit/state for connectors and credentials', () => {
  it('folds a connector and its credential with their own deciders, and never shows the secret or its ciphertext in the state', async () => {
    const registered = await call(world.app, 'POST', CONNECTORS, { token: acme.adminToken, body: mysqlConnector() });
    const id: string = registered.body.id;
    expect((await stateOf(auditor.token, 'connectorCredential', id)).status).toBe(404);
    const secret = `s3cret-${randomUUID()}`;
    const first = await call(world.app, 'POST', `${CONNECTORS}/${id}/credentials`, { token: acme.adminToken, body: { secret, expectedVersion: 0 } });
    expect(first.status).toBe(201);
    const activated = await call(world.app, 'POST', `${CONNECTORS}/${id}/activate`, { token: acme.adminToken });
    expect(activated.status).toBe(200);
    const second = await call(world.app, 'POST', `${CONNECTORS}/${id}/credentials`, { token: acme.adminToken, body: { secret: `${secret}-2`, expectedVersion: 1 } });
    expect(second.status).toBe(201);

    const inactive = await stateOf(auditor.token, 'integrationConnector', id, registered.body.position);
    expect(inactive.body).toMatchObject({ stream: `integrationConnector-${id}`, revision: '0' });
    expect(inactive.body.state).toMatchObject({ status: 'inactive', connectorId: id, companyId: acme.companyId, provider: 'mysql', revision: '1' });
    const active = await stateOf(auditor.token, 'integrationConnector', id);
    expect(active.body.state).toMatchObject({ status: 'active', revision: '2' });

    const v1 = await stateOf(auditor.token, 'connectorCredential', id, first.body.position);
    expect(v1.body.state).toEqual({
      companyId: acme.companyId,
      currentVersion: 1,
      versions: { 1: { keyId: expect.any(String), checksum: expect.any(String), rotatedAt: expect.any(String), rotatedBy: acme.adminUserId, destroyed: false } },
    });
    const v2 = await stateOf(auditor.token, 'connectorCredential', id);
    expect(v2.body.state.currentVersion).toBe(2);
    expect(Object.keys(v2.body.state.versions)).toEqual(['1', '2']);
    // Events are shown as recorded (ciphertext, key id, checksum, as the stream endpoint does);
    // the state holds no ciphertext, and plaintext appears nowhere.
    const ciphertexts = (v2.body.events as Shown[]).map((e) => e.data.ciphertext as string);
    expect(ciphertexts).toHaveLength(2);
    for (const ciphertext of ciphertexts) expect(JSON.stringify(v2.body.state)).not.toContain(ciphertext);
    expect(JSON.stringify(v2.body)).not.toContain(secret);
  });

  it("answers 404 for another company's streams exactly as for missing ones", async () => {
    const registered = await call(world.app, 'POST', CONNECTORS, { token: acme.adminToken, body: mysqlConnector() });
    const missing = randomUUID();
    for (const [category, id] of [
      ['company', acme.companyId],
      ['integrationConnector', registered.body.id],
    ] as const) {
      const foreign = await stateOf(foreignAuditor.token, category, id);
      const absent = await stateOf(foreignAuditor.token, category, missing);
      expect([foreign.status, absent.status]).toEqual([404, 404]);
      expect(foreign.body.code).toBe(absent.body.code);
    }
    expect((await stateOf(foreignAuditor.token, 'company', globex.companyId)).status).toBe(200);
  });
});

describe('GET /v1/audit/state: refusals', () => {
  it.each([
    ['company/{id}?at=yesterday', 'at'],
    ['company/{id}?at=2026-02-30T00:00:00Z', 'at'],
    ['company/{id}?at=1/2/3', 'at'],
    ['company/{id}?at=2026-01-01T00:00:00', 'at'],
    ['company/{id}?when=now', 'when'],
    ['role/{id}', 'streamCategory'],
    ['company/not-a-uuid', 'id'],
  ])('%s is a 400 naming %s', async (path, field) => {
    const answer = await auditGet(world, auditor.token, `state/${path.replace('{id}', acme.companyId)}`);
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('refuses a plain member (403)', async () => {
    const member = await world.member(acme, 'Max');
    const answer = await stateOf(member.token, 'company', acme.companyId);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('not_auditor');
  });
});
