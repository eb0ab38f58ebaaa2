import { type ApiWorld, call, type Company, startWorld } from './api-kit';

let world: ApiWorld;
let acme: Company;
let other: Company;
let memberToken: string;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  other = await world.registerCompany('Other');
  const member = await call(world.app, 'POST', '/v1/users', { token: acme.adminToken, body: { email: 'member@acme.test' } });
  memberToken = await world.token(member.body.id, acme.companyId);
});
afterAll(async () => {
  await world?.close();
});

const audit = (stream: string, token: string, query = '') => call(world.app, 'GET', `/v1/audit/streams/${stream}${query}`, { token });

describe('GET /v1/audit/streams/:stream', () => {
  it('gives an admin the stream with full metadata and an intact hash chain', async () => {
    const created = await call(world.app, 'POST', '/v1/roles', {
      token: acme.adminToken,
      body: { code: 'audited', name: 'Audited' },
      headers: { 'x-correlation-id': 'ticket-4711' },
    });
    const stream = `company-${acme.companyId}`;
    const answer = await audit(stream, acme.adminToken);
    expect(answer.status).toBe(200);
    expect(answer.body.stream).toBe(stream);
    const { events } = answer.body;
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'CompanyRegistered',
      'RoleDefined',
      'UserRegistered',
      'RoleGranted',
      'RoleDefined',
      'UserRegistered',
      'RoleDefined',
    ]);
    events.forEach((event: { revision: string; position: string; createdAt: string }, i: number) => {
      expect(event.revision).toBe(String(i));
      expect(event.position).toMatch(/^\d+\/\d+$/);
      expect(Number.isNaN(Date.parse(event.createdAt))).toBe(false);
    });
    const last = events[events.length - 1];
    expect(last.data).toMatchObject({ code: 'audited', roleId: created.body.id });
    expect(last.metadata).toMatchObject({
      eventId: expect.any(String),
      commandId: expect.any(String),
      correlationId: 'ticket-4711',
      causationId: last.metadata.commandId,
      actor: { userId: acme.adminUserId, companyId: acme.companyId },
      tenant: { companyId: acme.companyId },
      schemaVersion: 1,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      prevHash: events[events.length - 2].metadata.hash,
    });
    expect(events[0].metadata.prevHash).toBeNull();
    expect(events[0].metadata.actor).toEqual({ service: 'api-test' });
    for (let i = 1; i < events.length; i++) expect(events[i].metadata.prevHash).toBe(events[i - 1].metadata.hash);
  });

  it('pages with from and limit', async () => {
    const stream = `company-${acme.companyId}`;
    const page = await audit(stream, acme.adminToken, '?from=2&limit=2');
    expect(page.status).toBe(200);
    expect(page.body.events.map((e: { revision: string }) => e.revision)).toEqual(['2', '3']);
    expect(page.body.nextFrom).toBe('4');
    expect(page.body.next).toEqual(expect.any(String));
    const beyond = await audit(stream, acme.adminToken, '?from=1000');
    expect(beyond.status).toBe(200);
    expect(beyond.body.events).toEqual([]);
    expect((await audit(stream, acme.adminToken, '?from=-1')).status).toBe(400);
    expect((await audit(stream, acme.adminToken, '?limit=0')).status).toBe(400);
  });

  it('pages with an opaque cursor: next walks the stream exactly once and is null at the end', async () => {
    const stream = `company-${acme.companyId}`;
    const all = (await audit(stream, acme.adminToken)).body.events.map((e: { revision: string }) => e.revision);
    const walked: string[] = [];
    let query = '?limit=2';
    for (;;) {
      const page = await audit(stream, acme.adminToken, query);
      expect(page.status).toBe(200);
      walked.push(...page.body.events.map((e: { revision: string; stream: string }) => e.revision));
      if (page.body.next === null) break;
      query = `?limit=2&cursor=${encodeURIComponent(page.body.next)}`;
    }
    expect(walked).toEqual(all);
    const first = await audit(stream, acme.adminToken, '?limit=2');
    const cursor = encodeURIComponent(first.body.next);
    // A cursor continues the stream it came from only, and says where to start on its own.
    const elsewhere = await audit(`company-${other.companyId}`, other.adminToken, `?cursor=${cursor}`);
    expect([elsewhere.status, elsewhere.body.code]).toEqual([400, 'invalid_cursor']);
    const both = await audit(stream, acme.adminToken, `?cursor=${cursor}&from=0`);
    expect([both.status, both.body.errors?.[0]?.field]).toEqual([400, 'from']);
  });

  it('refuses a member (403), decided from the event-sourced state', async () => {
    const answer = await audit(`company-${acme.companyId}`, memberToken);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('not_auditor');
  });

  it("answers 404 for another company's stream, exactly as for a missing one", async () => {
    const foreign = await audit(`company-${other.companyId}`, acme.adminToken);
    expect(foreign.status).toBe(404);
    const missing = await audit('company-00000000-0000-4000-8000-000000000000', acme.adminToken);
    expect(missing.status).toBe(404);
    expect(foreign.body.code).toBe(missing.body.code);
    expect((await audit('not a stream', acme.adminToken)).status).toBe(400);
  });
});
