import { randomUUID } from 'node:crypto';
import { type ApiWorld, call, type Company, CONNECTORS, decideRequest, type Member, mysqlConnector, requestChange, startWorld } from './api-kit';
import { auditGet, auditorOf, historySettled, logOf as logIn, positionOrder, type Shown, walk as walkIn } from './audit-kit';

let world: ApiWorld;
let acme: Company;
let globex: Company;
let auditor: Member & { requestId: string };
let plain: Member;
let foreignAuditor: Member;
let connectorId: string;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  globex = await world.registerCompany('Globex');
  auditor = await auditorOf(world, acme, 'Olga');
  plain = await world.member(acme, 'Max');
  foreignAuditor = await auditorOf(world, globex, 'Gina');
  for (const code of ['ops', 'dev']) {
    expect((await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code, name: code } })).status).toBe(201);
  }
  expect((await call(world.app, 'POST', '/v1/roles', { token: globex.adminToken, body: { code: 'theirs', name: 'Theirs' } })).status).toBe(201);
  const connector = await call(world.app, 'POST', CONNECTORS, { token: acme.adminToken, body: mysqlConnector() });
  connectorId = connector.body.id;
  const rotated = await call(world.app, 'POST', `${CONNECTORS}/${connectorId}/credentials`, { token: acme.adminToken, body: { secret: 'pw', expectedVersion: 0 } });
  expect(rotated.status).toBe(201);
});
afterAll(async () => {
  await world?.close();
});

const events = (token: string, query = '') => auditGet(world, token, `events${query}`);
const logOf = (companyId: string) => logIn(world, companyId);
const walk = (token: string, query: string, expected: number, between?: (page: number) => Promise<void>) => walkIn(world, token, query, expected, between);

describe('GET /v1/audit/events: who may read', () => {
  it('an auditor (granted by an approved request) reads every audit endpoint; a plain member gets 403 not_auditor on each', async () => {
    const paths = [
      'events',
      `streams/company-${acme.companyId}`,
      `state/company/${acme.companyId}`,
      'verify',
      `permission-change-requests/${auditor.requestId}`,
    ];
    for (const path of paths) {
      expect((await auditGet(world, auditor.token, path)).status).toBe(200);
      const refused = await auditGet(world, plain.token, path);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('not_auditor');
    }
    // The grant itself is in the history, applied by the admin's approval of the request.
    await historySettled(world, auditor.token, acme.companyId);
    const grants = await events(auditor.token, `?type=RoleGranted&actor=${acme.adminUserId}`);
    expect(grants.body.events.map((e: Shown) => [e.data.roleCode, e.data.userId, e.data.requestId])).toContainEqual([
      'Vibot.auditor',
      auditor.userId,
      auditor.requestId,
    ]);
  });

  it('loses access the moment the role is revoked through an approved request (decided from the log)', async () => {
    const leaving = await auditorOf(world, acme, 'Lea');
    expect((await events(leaving.token)).status).toBe(200);
    const asked = await requestChange(world.app, leaving.token, { targetUserId: leaving.userId, diff: { revoke: ['Vibot.auditor'] } });
    expect((await decideRequest(world.app, acme.adminToken, asked.body.id, 'approve')).status).toBe(200);
    expect((await events(leaving.token)).body.code).toBe('not_auditor');
  });

  it("another company's auditor sees none of our events, and only its own", async () => {
    await historySettled(world, foreignAuditor.token, globex.companyId);
    const theirs = await events(foreignAuditor.token, '?limit=1000');
    expect(theirs.status).toBe(200);
    expect(theirs.body.events.length).toBeGreaterThan(0);
    expect(theirs.body.events.every((e: Shown) => e.metadata.tenant.companyId === globex.companyId)).toBe(true);
    const ours = await events(foreignAuditor.token, `?stream=company-${acme.companyId}`);
    expect(ours.body).toEqual({ events: [], next: null });
  });
});

describe('GET /v1/audit/events: the whole history', () => {
  it("is every event of the company's streams, in log order, each with its stream, revision, position, data and metadata", async () => {
    const shown = await historySettled(world, auditor.token, acme.companyId);
    const expected = await logOf(acme.companyId);
    expect(shown.map((e) => e.metadata.eventId)).toEqual(expected.map((e) => e.eventId));
    expect(new Set(shown.map((e) => e.stream))).toEqual(
      new Set([`company-${acme.companyId}`, `integrationConnector-${connectorId}`, `connectorCredential-${connectorId}`]),
    );
    for (let i = 1; i < shown.length; i++) expect(positionOrder(shown[i - 1]!.position, shown[i]!.position)).toBe(-1);
    const defined = shown.find((e) => e.type === 'RoleDefined' && e.data.code === 'ops')!;
    expect(defined).toEqual({
      type: 'RoleDefined',
      stream: `company-${acme.companyId}`,
      revision: expect.stringMatching(/^\d+$/),
      position: expect.stringMatching(/^\d+\/\d+$/),
      data: expect.objectContaining({ code: 'ops', builtIn: false }),
      metadata: expect.objectContaining({
        actor: { userId: acme.adminUserId, companyId: acme.companyId },
        commandId: expect.any(String),
        correlationId: expect.any(String),
        causationId: expect.any(String),
        occurredAt: expect.any(String),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
      createdAt: expect.any(String),
    });
    // Credential events are shown as recorded, which never includes the secret.
    expect(JSON.stringify(shown)).not.toContain('"pw"');
  });
});

describe('GET /v1/audit/events: filters', () => {
  let all: Shown[];
  beforeAll(async () => {
    all = await historySettled(world, auditor.token, acme.companyId);
  });
  const ids = (list: Shown[]) => list.map((e) => e.metadata.eventId);
  const expectFiltered = async (query: string, keep: (e: Shown) => boolean) => {
    const answer = await events(auditor.token, `?limit=1000&${query}`);
    expect(answer.status).toBe(200);
    const wanted = all.filter(keep);
    expect(wanted.length).toBeGreaterThan(0);
    expect(ids(answer.body.events)).toEqual(ids(wanted));
  };

  it('type: one type, or several comma separated', async () => {
    await expectFiltered('type=RoleDefined', (e) => e.type === 'RoleDefined');
    await expectFiltered('type=RoleGranted,CredentialRotated,RoleGranted', (e) => e.type === 'RoleGranted' || e.type === 'CredentialRotated');
  });

  it('actor: a user id, or a service name', async () => {
    await expectFiltered(`actor=${acme.adminUserId}`, (e) => e.metadata.actor.userId === acme.adminUserId);
    await expectFiltered(`actor=${auditor.userId}`, (e) => e.metadata.actor.userId === auditor.userId);
    await expectFiltered('actor=api-test', (e) => e.metadata.actor.service === 'api-test');
  });

  it('stream and category', async () => {
    await expectFiltered(`stream=integrationConnector-${connectorId}`, (e) => e.stream === `integrationConnector-${connectorId}`);
    await expectFiltered('category=company', (e) => e.stream.startsWith('company-'));
    await expectFiltered('category=connectorCredential', (e) => e.stream.startsWith('connectorCredential-'));
    expect((await events(auditor.token, '?category=integration')).body.events).toEqual([]);
  });

  it('from (inclusive) and to (exclusive) on createdAt, and after a log position', async () => {
    const middle = all[Math.floor(all.length / 2)]!;
    const time = Date.parse(middle.createdAt);
    await expectFiltered(`from=${middle.createdAt}`, (e) => Date.parse(e.createdAt) >= time);
    await expectFiltered(`to=${middle.createdAt}`, (e) => Date.parse(e.createdAt) < time);
    await expectFiltered(`after=${middle.position}`, (e) => positionOrder(e.position, middle.position) > 0);
  });

  it('combine with AND', async () => {
    const middle = all[Math.floor(all.length / 2)]!;
    await expectFiltered(
      `type=RoleDefined,RoleGranted&category=company&actor=${acme.adminUserId}`,
      (e) => ['RoleDefined', 'RoleGranted'].includes(e.type) && e.stream.startsWith('company-') && e.metadata.actor.userId === acme.adminUserId,
    );
    await expectFiltered(
      `stream=company-${acme.companyId}&from=${all[0]!.createdAt}&to=${middle.createdAt}&type=UserRegistered`,
      (e) => e.stream === `company-${acme.companyId}` && Date.parse(e.createdAt) < Date.parse(middle.createdAt) && e.type === 'UserRegistered',
    );
  });

  it.each([
    ['foo=1', 'foo'],
    ['type=roleDefined', 'type'],
    ['type=RoleDefined,', 'type'],
    ['actor=a b', 'actor'],
    ['stream=company', 'stream'],
    ['category=company-x', 'category'],
    ['from=yesterday', 'from'],
    ['from=2026-02-30T00:00:00Z', 'from'],
    ['to=2026-01-01T00:00:00', 'to'],
    ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ['after=12', 'after'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    ['type=RoleDefined,RoleDefind', 'type'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const answer = await events(auditor.token, `?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe('GET /v1/audit/events: cursor pagination', () => {
  it('walks the whole history exactly once, in order, while new events are appended between pages', async () => {
    const appended: string[] = [];
    const between = async (page: number) => {
      if (page >= 4) return;
      const code = `late-${page}-${randomUUID().slice(0, 6)}`;
      const created = await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code, name: code } });
      expect(created.status).toBe(201);
      appended.push(code);
    };
    const before = (await logOf(acme.companyId)).length;
    const walked = await walk(auditor.token, 'limit=3', before + 4, between);
    const log = await logOf(acme.companyId);
    expect(walked.map((e) => e.metadata.eventId)).toEqual(log.map((e) => e.eventId));
    expect(new Set(walked.map((e) => e.metadata.eventId)).size).toBe(walked.length);
    expect(walked.filter((e) => e.type === 'RoleDefined').map((e) => e.data.code)).toEqual(expect.arrayContaining(appended));
  });

  it('a cursor carries its filters: cursor= alone continues the same query; repeating them is fine, changing them is a 400', async () => {
    await historySettled(world, auditor.token, acme.companyId);
    const all = (await events(auditor.token, '?type=RoleDefined&limit=1000')).body.events as Shown[];
    const walked = await walk(auditor.token, 'type=RoleDefined&limit=2', all.length);
    expect(walked.map((e) => e.metadata.eventId)).toEqual(all.map((e) => e.metadata.eventId));

    const first = await events(auditor.token, '?type=RoleDefined&limit=2');
    const next = encodeURIComponent(first.body.next);
    expect((await events(auditor.token, `?cursor=${next}&type=RoleDefined`)).status).toBe(200);
    const changed = await events(auditor.token, `?cursor=${next}&type=RoleUpdated`);
    expect(changed.status).toBe(400);
    expect(changed.body.errors[0].field).toBe('type');
    const both = await events(auditor.token, `?cursor=${next}&after=1/1`);
    expect(both.status).toBe(400);
    expect(both.body.errors[0].field).toBe('after');
    // A stream cursor is not a history cursor.
    const streamPage = await auditGet(world, auditor.token, `streams/company-${acme.companyId}?limit=1`);
    expect((await events(auditor.token, `?cursor=${encodeURIComponent(streamPage.body.next)}`)).body.code).toBe('invalid_cursor');
  });

  it('a forged cursor with filters the query would refuse is a 400, not a 500', async () => {
    const forged = Buffer.from(JSON.stringify({ k: 'history', after: '1/1', filters: { from: 'soon' } })).toString('base64url');
    const answer = await events(auditor.token, `?cursor=${forged}`);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_cursor');
  });
});
