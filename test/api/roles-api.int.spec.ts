import { type ApiWorld, call, type Company, withWorldAndCompany } from './api-kit';

let world: ApiWorld;
let acme: Company;
withWorldAndCompany((started, company) => ((world = started), (acme = company)));

const defineRole = (body: object, token = acme.adminToken) => call(world.app, 'POST', '/v1/roles', { token, body });

describe('roles: command → event → projection → query', () => {
  it('defines a role (201) and reads it back with X-Min-Position', async () => {
    const created = await defineRole({ code: 'ops.viewer', name: 'Ops viewer', description: 'Reads ops dashboards' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      revision: '1',
      stream: `company-${acme.companyId}`,
      // Bootstrap wrote revisions 0..4: company, Vibot.admin, first admin, its grant, Vibot.auditor.
      streamRevision: '5',
      position: expect.stringMatching(/^\d+\/\d+$/),
    });
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe(`/v1/roles/${created.body.id}`);

    const list = await call(world.app, 'GET', '/v1/roles', {
      token: acme.adminToken,
      headers: { 'x-min-position': created.body.position },
    });
    expect(list.status).toBe(200);
    const role = list.body.items.find((r: { id: string }) => r.id === created.body.id);
    expect(role).toEqual({
      id: created.body.id,
      companyId: acme.companyId,
      code: 'ops.viewer',
      name: 'Ops viewer',
      description: 'Reads ops dashboards',
      scope: 'global',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      revision: '1',
    });
    expect(list.body.nextCursor).toBeNull();

    const one = await call(world.app, 'GET', `/v1/roles/${created.body.id}`, { token: acme.adminToken });
    expect(one.status).toBe(200);
    expect(one.headers.etag).toBe('"1"');
    expect(one.body.code).toBe('ops.viewer');
  });

  it('updates with If-Match in every accepted form, refuses a stale one with 409 and the current revision', async () => {
    const { body: created } = await defineRole({ code: 'editor', name: 'Editor' });
    const path = `/v1/roles/${created.id}`;
    const first = await call(world.app, 'PATCH', path, { token: acme.adminToken, body: { name: 'Editor v2' }, headers: { 'if-match': '"1"' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: created.id, revision: '2', position: expect.any(String) });
    expect(first.headers.etag).toBe('"2"');
    // A weak ETag never matches If-Match (strong comparison, issue 11): 412, nothing changed.
    const weakTag = await call(world.app, 'PATCH', path, { token: acme.adminToken, body: { description: 'edits' }, headers: { 'if-match': 'W/"2"' } });
    expect(weakTag.status).toBe(412);
    const weak = await call(world.app, 'PATCH', path, { token: acme.adminToken, body: { description: 'edits' }, headers: { 'if-match': '"2"' } });
    expect(weak.body.revision).toBe('3');
    const bare = await call(world.app, 'PATCH', path, { token: acme.adminToken, body: { scope: 'project:alpha' }, headers: { 'if-match': '3' } });
    expect(bare.body.revision).toBe('4');

    const stale = await call(world.app, 'PATCH', path, { token: acme.adminToken, body: { name: 'Lost update' }, headers: { 'if-match': '"2"' } });
    expect(stale.status).toBe(409);
    expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(stale.body).toMatchObject({ status: 409, code: 'stale_revision', currentRevision: '4' });

    const read = await call(world.app, 'GET', path, { token: acme.adminToken, headers: { 'x-min-position': bare.body.position } });
    expect(read.body).toMatchObject({ name: 'Editor v2', description: 'edits', scope: 'project:alpha', revision: '4' });
    expect(read.headers.etag).toBe('"4"');
  });

  it('answers a no-op update with the unchanged revision and no position', async () => {
    const { body: created } = await defineRole({ code: 'noop', name: 'Same' });
    const same = await call(world.app, 'PATCH', `/v1/roles/${created.id}`, { token: acme.adminToken, body: { name: 'Same' }, headers: { 'if-match': '"1"' } });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ revision: '1', position: null });
  });

  it('requires If-Match on PATCH (428) and refuses a malformed one (400)', async () => {
    const { body: created } = await defineRole({ code: 'guarded', name: 'Guarded' });
    const missing = await call(world.app, 'PATCH', `/v1/roles/${created.id}`, { token: acme.adminToken, body: { name: 'x' } });
    expect(missing.status).toBe(428);
    expect(missing.body.code).toBe('if_match_required');
    const bad = await call(world.app, 'PATCH', `/v1/roles/${created.id}`, { token: acme.adminToken, body: { name: 'x' }, headers: { 'if-match': 'abc' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_if_match');
  });

  it('deletes a role (200 with the answer); it is then gone from reads and for a second delete', async () => {
    const { body: created } = await defineRole({ code: 'temp', name: 'Temporary' });
    const stale = await call(world.app, 'DELETE', `/v1/roles/${created.id}`, { token: acme.adminToken, headers: { 'if-match': '"7"' } });
    expect(stale.status).toBe(409);
    const deleted = await call(world.app, 'DELETE', `/v1/roles/${created.id}`, { token: acme.adminToken, headers: { 'if-match': '"1"' } });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: created.id, revision: '1', position: expect.any(String) });
    const read = await call(world.app, 'GET', `/v1/roles/${created.id}`, { token: acme.adminToken, headers: { 'x-min-position': deleted.body.position } });
    expect(read.status).toBe(404);
    expect(read.body.code).toBe('role_not_found');
    const again = await call(world.app, 'DELETE', `/v1/roles/${created.id}`, { token: acme.adminToken });
    expect(again.status).toBe(404);
  });

  it('maps business rules: duplicate code 409, bad code 422, reserved prefix 422, project-role limit 422', async () => {
    await defineRole({ code: 'dup', name: 'Dup' });
    const duplicate = await defineRole({ code: 'DUP', name: 'Dup again' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ code: 'role_code_taken', type: 'urn:vibot:problem:role_code_taken', title: 'Conflict', instance: '/v1/roles' });

    const badCode = await defineRole({ code: '9 bad code', name: 'Bad' });
    expect(badCode.status).toBe(422);
    expect(badCode.body.code).toBe('invalid_role_code');
    const reserved = await defineRole({ code: 'Vibot.fake', name: 'Fake' });
    expect(reserved.status).toBe(422);

    // The test config allows 2 project-scoped roles; a fresh company makes the count exact.
    const limits = await world.registerCompany('Limits');
    const inLimits = (body: object) => defineRole(body, limits.adminToken);
    expect((await inLimits({ code: 'proj0', name: 'P0', scope: 'project:p0' })).status).toBe(201);
    expect((await inLimits({ code: 'proj1', name: 'P1', scope: 'project:p1' })).status).toBe(201);
    const refused = await inLimits({ code: 'proj2', name: 'P2', scope: 'project:p2' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'project_role_limit', details: { limit: 2 } });
    expect((await inLimits({ code: 'global1', name: 'G1' })).status).toBe(201);
  });

  it('rejects an unknown body field with 400 naming it', async () => {
    const answer = await defineRole({ code: 'x1', name: 'X', isAdmin: true });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(answer.body.errors).toEqual([{ field: 'isAdmin', messages: [expect.stringContaining('isAdmin')] }]);
  });

  it('names every invalid field in one 400', async () => {
    const answer = await defineRole({ code: 42, name: null, description: 7, scope: [], extra: 1 });
    expect(answer.status).toBe(400);
    const fields = answer.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['code', 'description', 'extra', 'name', 'scope']);
    for (const error of answer.body.errors) expect(error.messages.length).toBeGreaterThan(0);
  });

  it('refuses a malformed id (400), malformed JSON (400), a non-JSON body (415) and an unknown route (404) as problems', async () => {
    const badId = await call(world.app, 'GET', '/v1/roles/not-a-uuid', { token: acme.adminToken });
    expect(badId.status).toBe(400);
    expect(badId.body.errors).toEqual([{ field: 'id', messages: ['id must be a UUID'] }]);
    const response = await world.app.inject({
      method: 'POST',
      url: '/v1/roles',
      headers: { authorization: `Bearer ${acme.adminToken}`, 'content-type': 'application/json' },
      payload: '{"code": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const form = await world.app.inject({
      method: 'POST',
      url: '/v1/roles',
      headers: { authorization: `Bearer ${acme.adminToken}`, 'content-type': 'text/plain' },
      payload: 'code=x',
    });
    expect(form.statusCode).toBe(415);
    const unknown = await call(world.app, 'GET', '/v1/nothing-here', { token: acme.adminToken });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
  });

  it('lets only admins change roles: a member gets 403 but may read', async () => {
    const registered = await call(world.app, 'POST', '/v1/users', { token: acme.adminToken, body: { email: 'member@acme.test' } });
    expect(registered.status).toBe(201);
    const memberToken = await world.token(registered.body.id, acme.companyId);
    const attempt = await defineRole({ code: 'sneaky', name: 'Sneaky' }, memberToken);
    expect(attempt.status).toBe(403);
    expect(attempt.body.code).toBe('not_admin');
    const list = await call(world.app, 'GET', '/v1/roles', { token: memberToken, headers: { 'x-min-position': registered.body.position } });
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
  });

  it('paginates with an opaque cursor over every role exactly once', async () => {
    const all = await call(world.app, 'GET', '/v1/roles?limit=200', { token: acme.adminToken });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/roles?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call(world.app, 'GET', url, { token: acme.adminToken });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((r: { id: string }) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.body.items.map((r: { id: string }) => r.id));
    expect((await call(world.app, 'GET', '/v1/roles?limit=0', { token: acme.adminToken })).status).toBe(400);
    expect((await call(world.app, 'GET', '/v1/roles?limit=201', { token: acme.adminToken })).status).toBe(400);
    expect((await call(world.app, 'GET', '/v1/roles?cursor=garbage', { token: acme.adminToken })).status).toBe(400);
  });
});

describe('users', () => {
  it('registers a user (201) and lists it after the projection', async () => {
    const created = await call(world.app, 'POST', '/v1/users', {
      token: acme.adminToken,
      body: { email: 'Grace@Acme.test', displayName: 'Grace Hopper' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), revision: '1', stream: `company-${acme.companyId}`, position: expect.any(String) });
    const list = await call(world.app, 'GET', '/v1/users', { token: acme.adminToken, headers: { 'x-min-position': created.body.position } });
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual({
      id: created.body.id,
      companyId: acme.companyId,
      email: 'grace@acme.test',
      displayName: 'Grace Hopper',
      createdAt: expect.any(String),
    });
    const one = await call(world.app, 'GET', `/v1/users/${created.body.id}`, { token: acme.adminToken });
    expect(one.body.email).toBe('grace@acme.test');
    const duplicate = await call(world.app, 'POST', '/v1/users', { token: acme.adminToken, body: { email: 'grace@acme.test' } });
    expect(duplicate.status).toBe(409);
    const invalid = await call(world.app, 'POST', '/v1/users', { token: acme.adminToken, body: { email: 'not-an-email' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('invalid_email');
  });
});
