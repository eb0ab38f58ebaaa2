import { type ApiWorld, call, type Company, decideRequest, type Member, readRequest, REQUESTS, requestChange, startWorld } from './api-kit';

let world: ApiWorld;
let acme: Company;
let member: Member;
let target: Member;
let outsider: Member;
let admin1: Member;
let admin2: Member;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  member = await world.member(acme, 'Mia');
  target = await world.member(acme, 'Tim');
  outsider = await world.member(acme, 'Olli');
  admin1 = await world.member(acme, 'Anna');
  admin2 = await world.member(acme, 'Bert');
  await world.grant(acme, admin1.userId, 'Vibot.admin');
  await world.grant(acme, admin2.userId, 'Vibot.admin');
  expect((await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: 'ops.viewer', name: 'Ops' } })).status).toBe(201);
  await world.settled();
});
afterAll(async () => {
  await world?.close();
});

/** A fresh pending one-step request by `by` (default: the member) for the target. */
async function pending(by: Member = member, targetUserId = target.userId): Promise<string> {
  const created = await requestChange(world.app, by.token, { targetUserId, diff: { grant: ['ops.viewer'] } });
  expect(created.status).toBe(201);
  return created.body.id;
}

const DAY = 24 * 60 * 60 * 1000;

describe('who may decide', () => {
  it('refuses self-approval, the target approving and a plain member approving (403)', async () => {
    const own = await pending(admin1);
    expect(await decideRequest(world.app, admin1.token, own, 'approve')).toMatchObject({ status: 403, body: { code: 'own_request' } });
    const forAdmin = await pending(member, admin2.userId);
    expect(await decideRequest(world.app, admin2.token, forAdmin, 'approve')).toMatchObject({ status: 403, body: { code: 'own_elevation' } });
    const id = await pending();
    expect((await decideRequest(world.app, outsider.token, id, 'approve')).status).toBe(403);
    expect((await decideRequest(world.app, target.token, id, 'approve')).status).toBe(403);
    expect((await decideRequest(world.app, member.token, id, 'reject', { reason: 'changed my mind' })).status).toBe(403);
  });

  it('an approver rejects: the request is rejected with the reason', async () => {
    const id = await pending();
    const rejected = await decideRequest(world.app, admin1.token, id, 'reject', { reason: 'Not needed this quarter' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.revision).toBe('2');
    const read = await readRequest(world.app, member.token, id, rejected.body.position);
    expect(read.body).toMatchObject({ status: 'rejected', decisionReason: 'Not needed this quarter', decisionBy: admin1.userId });
    expect(read.body.decidedAt).toEqual(expect.any(String));
    expect(await decideRequest(world.app, admin2.token, id, 'approve')).toMatchObject({ status: 409, body: { code: 'request_decided' } });
  });

  it('the requester cancels; anyone else gets 403; a decided request cannot change again (409)', async () => {
    const id = await pending();
    expect(await decideRequest(world.app, admin1.token, id, 'cancel')).toMatchObject({ status: 403, body: { code: 'not_requester' } });
    expect((await decideRequest(world.app, target.token, id, 'cancel')).status).toBe(403);
    const cancelled = await decideRequest(world.app, member.token, id, 'cancel');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.revision).toBe('2');
    expect((await readRequest(world.app, member.token, id, cancelled.body.position)).body.status).toBe('cancelled');
    expect((await decideRequest(world.app, member.token, id, 'cancel')).status).toBe(409);
    expect((await decideRequest(world.app, admin1.token, id, 'approve')).status).toBe(409);
    expect((await decideRequest(world.app, admin1.token, id, 'reject', { reason: 'late' })).status).toBe(409);

    const approved = await pending(member, outsider.userId);
    expect((await decideRequest(world.app, admin1.token, approved, 'approve')).status).toBe(200);
    expect((await decideRequest(world.app, member.token, approved, 'cancel')).status).toBe(409);
    expect((await decideRequest(world.app, admin2.token, approved, 'reject', { reason: 'too late' })).status).toBe(409);
  });

  it('answers 404 for an unknown request', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await decideRequest(world.app, admin1.token, unknown, 'approve')).status).toBe(404);
    expect((await decideRequest(world.app, member.token, unknown, 'cancel')).status).toBe(404);
    expect((await readRequest(world.app, admin1.token, unknown)).status).toBe(404);
  });
});

describe('business rules (422)', () => {
  const ask = (body: Record<string, unknown>, by: Member = member) => requestChange(world.app, by.token, { targetUserId: target.userId, ...body });

  it.each([
    ['an unknown role', { diff: { grant: ['no.such.role'] } }, 'role_not_found'],
    ['an empty diff', { diff: {} }, 'empty_diff'],
    ['empty lists', { diff: { grant: [], revoke: [] } }, 'empty_diff'],
    ['an overlapping diff', { diff: { grant: ['ops.viewer'], revoke: ['ops.viewer'] } }, 'overlapping_diff'],
    ['revoking a role not held', { diff: { revoke: ['ops.viewer'] } }, 'not_granted'],
    ['a reason that is too long', { diff: { grant: ['ops.viewer'] }, reason: 'x'.repeat(2001) }, 'invalid_reason'],
    ['a blank reason', { diff: { grant: ['ops.viewer'] }, reason: '   ' }, 'invalid_reason'],
    ['an expiry beyond 30 days', { diff: { grant: ['ops.viewer'] }, expiresAt: new Date(Date.now() + 31 * DAY).toISOString() }, 'invalid_expiry'],
    ['an expiry in the past', { diff: { grant: ['ops.viewer'] }, expiresAt: new Date(Date.now() - DAY).toISOString() }, 'invalid_expiry'],
    ['an unknown target', { targetUserId: '00000000-0000-4000-8000-000000000000', diff: { grant: ['ops.viewer'] } }, 'target_not_found'],
  ])('refuses %s', async (_what, body, code) => {
    const answer = await ask(body);
    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe(code);
  });

  it('refuses a role the target already holds', async () => {
    const answer = await requestChange(world.app, member.token, { targetUserId: admin1.userId, diff: { grant: ['Vibot.admin'] } });
    expect(answer).toMatchObject({ status: 422, body: { code: 'already_granted' } });
  });

  it('accepts an expiry within 30 days and shows it', async () => {
    const expiresAt = new Date(Date.now() + 10 * DAY).toISOString();
    const created = await ask({ diff: { grant: ['ops.viewer'] }, expiresAt });
    expect(created.status).toBe(201);
    expect((await readRequest(world.app, member.token, created.body.id, created.body.position)).body.expiresAt).toBe(expiresAt);
  });

  it('refuses when not enough approvers exist, and removing the last admin', async () => {
    const solo = await world.registerCompany('Solo');
    const soloMember = await world.member(solo, 'Sam');
    const soloAdmin = { userId: solo.adminUserId, token: solo.adminToken };
    const defined = await call(world.app, 'POST', '/v1/roles', { token: solo.adminToken, body: { code: 'solo.role', name: 'Solo' } });
    expect(defined.status).toBe(201);
    const noApprover = await requestChange(world.app, soloAdmin.token, { targetUserId: soloMember.userId, diff: { grant: ['solo.role'] } });
    expect(noApprover).toMatchObject({ status: 422, body: { code: 'not_enough_approvers' } });
    const lastAdmin = await requestChange(world.app, soloMember.token, { targetUserId: solo.adminUserId, diff: { revoke: ['Vibot.admin'] } });
    expect(lastAdmin).toMatchObject({ status: 422, body: { code: 'last_admin' } });
    // Granting admin takes two approvers other than requester and target: Acme has three admins.
    const twoStep = await requestChange(world.app, admin1.token, { targetUserId: member.userId, diff: { grant: ['Vibot.admin'] } });
    expect(twoStep.status).toBe(201);
  });
});

describe('request shape (400)', () => {
  it('rejects unknown fields, top-level and nested, naming them', async () => {
    const answer = await requestChange(world.app, member.token, { targetUserId: target.userId, diff: { grant: ['ops.viewer'], extra: 1 }, isUrgent: true });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['diff.extra', 'isUrgent']);
    const id = await pending();
    const approve = await decideRequest(world.app, admin1.token, id, 'approve', { comment: 'ok', step: 2 });
    expect(approve).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const cancel = await decideRequest(world.app, member.token, id, 'cancel', { force: true });
    expect(cancel.status).toBe(400);
    expect(cancel.body.errors).toEqual([{ field: 'force', messages: [expect.stringContaining('force')] }]);
    expect((await decideRequest(world.app, member.token, id, 'cancel', {})).status).toBe(200);
  });

  it('names every invalid field in one 400', async () => {
    const answer = await call(world.app, 'POST', REQUESTS, {
      token: member.token,
      body: { targetUserId: 'x', diff: { grant: 'ops.viewer', revoke: [1] }, reason: 7, expiresAt: 'tomorrow' },
    });
    expect(answer.status).toBe(400);
    const fields = answer.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['diff.grant', 'diff.revoke', 'expiresAt', 'reason', 'targetUserId']);
    const missing = await call(world.app, 'POST', REQUESTS, { token: member.token, body: {} });
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['diff', 'reason', 'targetUserId']);
    const id = await pending();
    expect((await decideRequest(world.app, admin1.token, id, 'reject', {})).status).toBe(400);
    expect((await decideRequest(world.app, admin1.token, id, 'approve', { comment: 5 })).status).toBe(400);
  });

  it('requires a token (401)', async () => {
    expect((await call(world.app, 'POST', REQUESTS, { body: {} })).status).toBe(401);
    expect((await call(world.app, 'GET', REQUESTS)).status).toBe(401);
  });
});
