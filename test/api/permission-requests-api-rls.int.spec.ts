import { type ApiWorld, call, type Company, type Member, readRequest, REQUESTS, requestChange, startWorld } from './api-kit';

let world: ApiWorld;
let acme: Company;
let other: Company;
let requester: Member;
let target: Member;
let bystander: Member;
let forTarget: { id: string; position: string };
let forBystander: { id: string; position: string };

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  other = await world.registerCompany('Other');
  requester = await world.member(acme, 'Rita');
  target = await world.member(acme, 'Tom');
  bystander = await world.member(acme, 'Bea');
  expect((await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: 'ops.viewer', name: 'Ops' } })).status).toBe(201);
  expect((await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: 'ops.editor', name: 'Ops+' } })).status).toBe(201);
  await world.settled();
  const first = await requestChange(world.app, requester.token, { targetUserId: target.userId, diff: { grant: ['ops.viewer'] } });
  expect(first.status).toBe(201);
  forTarget = first.body;
  // Made by the target about the bystander: the admin sees both, the requester only the first.
  const second = await requestChange(world.app, target.token, { targetUserId: bystander.userId, diff: { grant: ['ops.editor'] } });
  expect(second.status).toBe(201);
  forBystander = second.body;
  await world.settled();
});
afterAll(async () => {
  await world?.close();
});

const list = (token: string, query = '') => call(world.app, 'GET', `${REQUESTS}${query}`, { token });
const ids = (answer: { body: { items: { id: string }[] } }) => answer.body.items.map((r) => r.id).sort();

describe('permission change requests through RLS', () => {
  it('the requester and the target see the request; an admin sees all of the company', async () => {
    expect(ids(await list(requester.token))).toEqual([forTarget.id]);
    expect((await readRequest(world.app, requester.token, forTarget.id)).status).toBe(200);
    expect(ids(await list(target.token))).toEqual([forTarget.id, forBystander.id].sort());
    const asTarget = await readRequest(world.app, target.token, forTarget.id);
    expect(asTarget.body).toMatchObject({ id: forTarget.id, reason: 'needed for the test', revision: '1' });
    expect(ids(await list(acme.adminToken))).toEqual([forTarget.id, forBystander.id].sort());
    expect((await readRequest(world.app, acme.adminToken, forBystander.id)).status).toBe(200);
  });

  it('another member sees none of the requests that are not about them; GET is 404', async () => {
    expect(ids(await list(bystander.token))).toEqual([forBystander.id]);
    const hidden = await readRequest(world.app, bystander.token, forTarget.id);
    expect(hidden.status).toBe(404);
    expect(hidden.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(hidden.body.code).toBe('request_not_found');
    expect((await readRequest(world.app, requester.token, forBystander.id)).status).toBe(404);
  });

  it("another company's admin sees none", async () => {
    const theirs = await list(other.adminToken);
    expect(theirs).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    expect((await readRequest(world.app, other.adminToken, forTarget.id)).status).toBe(404);
    // Nor can they decideRequest it: their commands run on their own company's stream.
    const approve = await call(world.app, 'POST', `${REQUESTS}/${forTarget.id}/approve`, { token: other.adminToken, body: {} });
    expect(approve.status).toBe(404);
  });

  it('filters by status, target and requester', async () => {
    const token = acme.adminToken;
    expect(ids(await list(token, `?targetUserId=${target.userId}`))).toEqual([forTarget.id]);
    expect(ids(await list(token, `?requesterId=${target.userId}`))).toEqual([forBystander.id]);
    expect(ids(await list(token, `?requesterId=${requester.userId}&targetUserId=${bystander.userId}`))).toEqual([]);
    expect(ids(await list(token, '?status=pending'))).toEqual([forTarget.id, forBystander.id].sort());
    expect(ids(await list(token, '?status=approved'))).toEqual([]);
    const upper = await list(token, `?targetUserId=${target.userId.toUpperCase()}`);
    expect(ids(upper)).toEqual([forTarget.id]);
  });

  it('refuses invalid filters with 400 naming each field', async () => {
    const answer = await list(acme.adminToken, '?status=done&targetUserId=x&requesterId=1&limit=0&extra=1');
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'limit', 'requesterId', 'status', 'targetUserId']);
    expect((await list(acme.adminToken, '?cursor=garbage')).status).toBe(400);
    const forged = Buffer.from(JSON.stringify(['yesterday', forTarget.id])).toString('base64url');
    expect(await list(acme.adminToken, `?cursor=${forged}`)).toMatchObject({ status: 400, body: { code: 'invalid_cursor' } });
    expect((await readRequest(world.app, acme.adminToken, 'nope')).status).toBe(400);
  });

  it('paginates newest first over every visible request exactly once', async () => {
    for (let i = 0; i < 3; i++) {
      const more = await requestChange(world.app, requester.token, { targetUserId: bystander.userId, diff: { grant: ['ops.viewer'] }, reason: `r${i}` });
      expect(more.status).toBe(201);
    }
    await world.settled();
    const all = await list(acme.adminToken, '?limit=200');
    expect(all.body.items).toHaveLength(5);
    const created = all.body.items.map((r: { createdAt: string }) => r.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(acme.adminToken, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((r: { id: string }) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.body.items.map((r: { id: string }) => r.id));
  });
});
