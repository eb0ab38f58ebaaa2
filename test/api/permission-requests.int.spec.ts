import {
  type ApiWorld,
  call,
  type Company,
  countEvents,
  countRequestEvents,
  decideRequest,
  hasRoleInSql,
  type Member,
  readRequest,
  requestChange,
  startWorld,
} from './api-kit';

let world: ApiWorld;
let acme: Company;
let requester: Member;
let colleague: Member;
let admin1: Member;
let admin2: Member;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  requester = await world.member(acme, 'Rita');
  colleague = await world.member(acme, 'Carl');
  admin1 = await world.member(acme, 'Anna');
  admin2 = await world.member(acme, 'Bert');
  await world.grant(acme, admin1.userId, 'Vibot.admin');
  await world.grant(acme, admin2.userId, 'Vibot.admin');
  const role = await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: 'ops.viewer', name: 'Ops viewer' } });
  expect(role.status).toBe(201);
  await world.settled();
});
afterAll(async () => {
  await world?.close();
});

const rolesOf = (token: string, userId: string, position?: string) =>
  call(world.app, 'GET', `/v1/users/${userId}/roles`, { token, ...(position ? { headers: { 'x-min-position': position } } : {}) });

describe('permission change requests: request → two approvals → role held', () => {
  it("a member asks Vibot.admin for a colleague; two other admins approve; the colleague then administers", async () => {
    const created = await requestChange(world.app, requester.token, {
      targetUserId: colleague.userId,
      diff: { grant: ['Vibot.admin'] },
      reason: 'Carl takes over on-call administration',
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      revision: '1',
      stream: `company-${acme.companyId}`,
      streamRevision: expect.stringMatching(/^\d+$/),
      position: expect.stringMatching(/^\d+\/\d+$/),
    });
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe(`/v1/permission-change-requests/${id}`);

    const pending = await readRequest(world.app, requester.token, id, created.body.position);
    expect(pending.status).toBe(200);
    expect(pending.headers.etag).toBe('"1"');
    expect(pending.body).toMatchObject({
      id,
      companyId: acme.companyId,
      requesterId: requester.userId,
      targetUserId: colleague.userId,
      diff: { grant: ['Vibot.admin'], revoke: [] },
      status: 'pending',
      reason: 'Carl takes over on-call administration',
      expiresAt: expect.any(String),
      decisionReason: null,
      decidedAt: null,
      decisionBy: null,
      revision: '1',
    });
    expect(pending.body.approvalFlow).toEqual([
      { step: 1, approverRole: 'Vibot.admin', status: 'pending', decidedBy: null, decidedAt: null, comment: null },
      { step: 2, approverRole: 'Vibot.admin', status: 'pending', decidedBy: null, decidedAt: null, comment: null },
    ]);

    const first = await decideRequest(world.app, admin1.token, id, 'approve', { comment: 'ok from Anna' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, revision: '2' });
    const afterFirst = await readRequest(world.app, admin1.token, id, first.body.position);
    expect(afterFirst.body).toMatchObject({ status: 'pending', decidedAt: null, revision: '2' });
    expect(afterFirst.body.approvalFlow[0]).toMatchObject({ status: 'approved', decidedBy: admin1.userId, comment: 'ok from Anna' });
    expect(afterFirst.body.approvalFlow[1]).toMatchObject({ status: 'pending', decidedBy: null });
    expect(await hasRoleInSql(world.db, colleague.userId, acme.companyId, 'Vibot.admin')).toBe(false);

    // The same admin may not approve the second step as well.
    const twice = await decideRequest(world.app, admin1.token, id, 'approve');
    expect(twice.status).toBe(403);

    const second = await decideRequest(world.app, admin2.token, id, 'approve', {}, { 'if-match': afterFirst.headers.etag as string });
    expect(second.status).toBe(200);
    expect(second.body.revision).toBe('4');
    const approved = await readRequest(world.app, colleague.token, id, second.body.position);
    expect(approved.body).toMatchObject({ status: 'approved', decisionBy: admin2.userId, decidedAt: expect.any(String), revision: '4' });
    expect(approved.body.approvalFlow).toEqual([
      expect.objectContaining({ step: 1, status: 'approved', decidedBy: admin1.userId, decidedAt: expect.any(String) }),
      expect.objectContaining({ step: 2, status: 'approved', decidedBy: admin2.userId, decidedAt: expect.any(String) }),
    ]);
    const { rows } = await world.db.owner.query('SELECT status, decided_at, decision_by FROM permission_change_requests WHERE id = $1', [id]);
    expect(rows[0]).toEqual({ status: 'approved', decided_at: expect.any(Date), decision_by: admin2.userId });

    expect(await hasRoleInSql(world.db, colleague.userId, acme.companyId, 'Vibot.admin')).toBe(true);
    const defined = await call(world.app, 'POST', '/v1/roles', { token: colleague.token, body: { code: 'carl.role', name: 'Carl made this' } });
    expect(defined.status).toBe(201);

    const own = await rolesOf(colleague.token, colleague.userId, second.body.position);
    expect(own.status).toBe(200);
    expect(own.body.items).toEqual([
      { roleId: expect.any(String), code: 'Vibot.admin', name: expect.any(String), scope: 'global', grantedAt: expect.any(String) },
    ]);
    expect((await rolesOf(acme.adminToken, colleague.userId)).body.items.map((r: { code: string }) => r.code)).toEqual(['Vibot.admin']);

    // The audit story of the request: who asked, who approved each step, what changed, caused by what.
    const story = await call(world.app, 'GET', `/v1/audit/permission-change-requests/${id}`, { token: acme.adminToken });
    expect(story.status).toBe(200);
    const events = story.body.events as { type: string; data: Record<string, unknown>; metadata: Record<string, any> }[];
    expect(events.map((e) => e.type)).toEqual([
      'PermissionChangeRequested', 'PermissionChangeStepApproved', 'PermissionChangeStepApproved', 'RoleGranted', 'PermissionChangeApproved',
    ]);
    expect(events[0]!.metadata.actor).toEqual({ userId: requester.userId, companyId: acme.companyId });
    expect(events.slice(1, 3).map((e) => e.data.approvedBy)).toEqual([admin1.userId, admin2.userId]);
    expect(events[3]!.data).toMatchObject({ userId: colleague.userId, roleCode: 'Vibot.admin', requestId: id });
    expect(events[3]!.metadata.causationId).toBe(events[2]!.metadata.eventId);
    expect((await call(world.app, 'GET', `/v1/audit/permission-change-requests/${id}`, { token: colleague.token })).status).toBe(200);
    expect((await call(world.app, 'GET', `/v1/audit/permission-change-requests/${id}`, { token: requester.token })).status).toBe(403);
  });

  it('GET /v1/users/:id/roles: own roles, all for admins, [] for a colleague, 404 across companies', async () => {
    const mine = await rolesOf(requester.token, requester.userId);
    expect(mine).toMatchObject({ status: 200, body: { items: [] } });
    const asAdmin = await rolesOf(acme.adminToken, admin1.userId);
    expect(asAdmin.body.items.map((r: { code: string }) => r.code)).toEqual(['Vibot.admin']);
    const colleagues = await rolesOf(requester.token, admin1.userId);
    expect(colleagues).toMatchObject({ status: 200, body: { items: [] } });
    const other = await world.registerCompany('Other');
    expect((await rolesOf(other.adminToken, admin1.userId)).status).toBe(404);
    expect((await rolesOf(acme.adminToken, 'not-a-uuid')).status).toBe(400);
  });
});

/**
 * Opens several API connections first: on a cold pool the second request would wait for a new
 * connection's SCRAM handshake, by which time the first has committed, and nothing would race.
 */
const warmPool = () => Promise.all(Array.from({ length: 6 }, () => call(world.app, 'GET', '/v1/roles', { token: acme.adminToken })));

/**
 * Starts the calls while appends to the log wait on a lock, so both load the request before
 * either decision is written: without it the race depends on two HTTP requests arriving within
 * the same few milliseconds, and the second, loading after the first committed, rightly
 * approves step 2.
 */
async function withAppendsHeld<T>(start: () => Promise<T>[]): Promise<T[]> {
  const holder = await world.db.owner.connect();
  try {
    await holder.query('BEGIN; LOCK TABLE event_log.events IN SHARE MODE');
    const calls = start();
    const waiting = async () =>
      (await holder.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'event_log.events'::regclass AND NOT granted")).rows[0]!.n;
    for (const deadline = Date.now() + 5000; (await waiting()) === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
    // The first append is waiting; give the other call time to load the same revision.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await holder.query('ROLLBACK');
    return await Promise.all(calls);
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    holder.release();
  }
}

describe('concurrent decisions', () => {
  it('two admins approving a one-step request at the same moment: one 2xx, one 409, one approval in the log', async () => {
    const created = await requestChange(world.app, requester.token, { targetUserId: colleague.userId, diff: { grant: ['ops.viewer'] } });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    await warmPool();
    const answers = await Promise.all([decideRequest(world.app, admin1.token, id, 'approve'), decideRequest(world.app, admin2.token, id, 'approve')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)!.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await countRequestEvents(world.db, id, 'PermissionChangeStepApproved')).toBe(1);
    expect(await countRequestEvents(world.db, id, 'PermissionChangeApproved')).toBe(1);
    expect(await countRequestEvents(world.db, id, 'RoleGranted')).toBe(1);
  });

  it('two admins approving step 1 of a two-step request at once: the loser gets 409, not step 2', async () => {
    const target = await world.member(acme, 'Dora');
    const created = await requestChange(world.app, requester.token, { targetUserId: target.userId, diff: { grant: ['Vibot.admin'] } });
    const id: string = created.body.id;
    const answers = await withAppendsHeld(() => [decideRequest(world.app, admin1.token, id, 'approve'), decideRequest(world.app, admin2.token, id, 'approve')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)!.body).toMatchObject({ code: 'stale_revision', currentRevision: '2' });
    expect(await countRequestEvents(world.db, id, 'PermissionChangeStepApproved')).toBe(1);
    expect(await countRequestEvents(world.db, id, 'PermissionChangeApproved')).toBe(0);
    const winner = answers.find((a) => a.status === 200)!;
    const read = await readRequest(world.app, acme.adminToken, id, winner.body.position);
    expect(read.body).toMatchObject({ status: 'pending', revision: '2' });
  });

  it('a stale If-Match is refused with 409 and the current revision', async () => {
    const target = await world.member(acme, 'Emil');
    const created = await requestChange(world.app, requester.token, { targetUserId: target.userId, diff: { grant: ['Vibot.admin'] } });
    const id: string = created.body.id;
    expect((await decideRequest(world.app, admin1.token, id, 'approve', {}, { 'if-match': '"1"' })).status).toBe(200);
    const stale = await decideRequest(world.app, admin2.token, id, 'approve', {}, { 'if-match': '"1"' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'stale_revision', currentRevision: '2' });
    const malformed = await decideRequest(world.app, admin2.token, id, 'reject', { reason: 'no' }, { 'if-match': 'abc' });
    expect(malformed.status).toBe(400);
  });
});

describe('Idempotency-Key and X-Min-Position on the new routes', () => {
  it('replays a request and an approval for the same key, appending nothing', async () => {
    const target = await world.member(acme, 'Finn');
    const body = { targetUserId: target.userId, diff: { grant: ['ops.viewer'] } };
    const first = await requestChange(world.app, requester.token, body, { 'idempotency-key': 'ask-finn' });
    expect(first.status).toBe(201);
    const events = await countEvents(world.db);
    const again = await requestChange(world.app, requester.token, body, { 'idempotency-key': 'ask-finn' });
    expect(again).toMatchObject({ status: 201, body: first.body });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(await countEvents(world.db)).toBe(events);

    const approve = () => decideRequest(world.app, admin1.token, first.body.id, 'approve', {}, { 'idempotency-key': 'approve-finn' });
    const approved = await approve();
    expect(approved.status).toBe(200);
    const replayed = await approve();
    expect(replayed).toMatchObject({ status: 200, body: approved.body });
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(await countRequestEvents(world.db, first.body.id, 'PermissionChangeApproved')).toBe(1);
  });

  it('waits for the projection with X-Min-Position, and refuses a malformed one', async () => {
    const target = await world.member(acme, 'Gus');
    const created = await requestChange(world.app, requester.token, { targetUserId: target.userId, diff: { grant: ['ops.viewer'] } });
    const list = await call(world.app, 'GET', `/v1/permission-change-requests?targetUserId=${target.userId}`, {
      token: requester.token,
      headers: { 'x-min-position': created.body.position },
    });
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
    const bad = await call(world.app, 'GET', `/v1/permission-change-requests/${created.body.id}`, {
      token: requester.token,
      headers: { 'x-min-position': 'abc' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_min_position');
    // Past the end of the log: refused at once (issue 11), where it used to wait for a 503.
    const beyond = await rolesOf(requester.token, requester.userId, '99999999999/1');
    expect(beyond.status).toBe(400);
    expect(beyond.body.code).toBe('position_not_in_log');
  });
});
