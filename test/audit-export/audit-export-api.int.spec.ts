import { AUDITOR_ROLE_CODE, companyStreamName } from '#domain';
import { eventHash } from '#infra/event-log/hash-chain';
import { comparePositions, parsePosition } from '#infra/event-log/position';
import { type ApiWorld, call, type Company, CONNECTORS, type Member, mysqlConnector, startWorld } from '../api/api-kit';
import { exportAudit } from './export-kit';

let world: ApiWorld;
let acme: Company;
let other: Company;
let member: Member;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  other = await world.registerCompany('Other');
  member = await world.member(acme, 'Mo');
  for (const [company, code] of [[acme, 'ops'], [other, 'sales'], [acme, 'audit']] as const) {
    expect((await call(world.app, 'POST', '/v1/roles', { token: company.adminToken, body: { code, name: code.toUpperCase() } })).status).toBe(201);
  }
  for (const company of [acme, other]) {
    expect((await call(world.app, 'POST', CONNECTORS, { token: company.adminToken, body: mysqlConnector() })).status).toBe(201);
  }
});
afterAll(async () => {
  await world?.close();
});

/** The database's own answer: every event tagged with the company, in log order. */
async function companyEvents(companyId: string): Promise<{ stream_id: string; stream_revision: string; created_at: Date }[]> {
  const { rows } = await world.db.owner.query(
    `SELECT e.stream_id, e.stream_revision, e.created_at FROM event_log.events e
      WHERE e.metadata -> 'tenant' ->> 'companyId' = $1 ORDER BY e.transaction_id, e.global_position`,
    [companyId],
  );
  return rows;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('GET /v1/audit/export: the company history as NDJSON', () => {
  it("streams every event of the caller's company in log order, as recorded, and nothing of another company's", async () => {
    const answer = await exportAudit(world.app, acme.adminToken);
    expect(answer.status).toBe(200);
    expect(answer.type).toBe('application/x-ndjson; charset=utf-8');
    expect(answer.text.endsWith('\n')).toBe(true);
    const expected = await companyEvents(acme.companyId);
    expect(answer.events.map((e) => [e.stream, e.revision])).toEqual(expected.map((r) => [r.stream_id, r.stream_revision]));
    expect(new Set(answer.events.map((e) => e.stream)).size).toBeGreaterThanOrEqual(2);
    for (const event of answer.events) {
      expect(Object.keys(event).sort()).toEqual(['createdAt', 'data', 'metadata', 'position', 'revision', 'stream', 'type']);
      expect(event.metadata.tenant.companyId).toBe(acme.companyId);
      expect(event.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(eventHash({ streamId: event.stream, revision: BigInt(event.revision), type: event.type, data: event.data, metadata: event.metadata })).toBe(event.metadata.hash);
    }
    const positions = answer.events.map((e) => parsePosition(e.position)!);
    positions.slice(1).forEach((position, i) => expect(comparePositions(positions[i]!, position)).toBe(-1));
    // Not one byte of the other company: neither its streams nor its ids.
    expect(answer.text).not.toContain(other.companyId);
    expect(answer.text).not.toContain('SALES');
    const theirs = await exportAudit(world.app, other.adminToken);
    expect(theirs.events.length).toBe((await companyEvents(other.companyId)).length);
    expect(theirs.text).not.toContain(acme.companyId);
  });

  it('filters on created_at: from inclusive, to exclusive, each bound optional', async () => {
    const before = (await exportAudit(world.app, acme.adminToken)).events;
    await sleep(15);
    // The database clock, truncated to the millisecond as the bounds are: later than every
    // event so far (15 ms ago at least), earlier than every event to come.
    const { rows } = await world.db.owner.query<{ at: Date }>(`SELECT date_trunc('milliseconds', clock_timestamp()) AS at`);
    const at = rows[0]!.at.toISOString();
    await sleep(15);
    expect((await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: 'late', name: 'Late' } })).status).toBe(201);
    const all = (await exportAudit(world.app, acme.adminToken)).events;
    expect(all.length).toBeGreaterThan(before.length);

    const after = await exportAudit(world.app, acme.adminToken, `?from=${encodeURIComponent(at)}`);
    expect(after.status).toBe(200);
    expect(after.events).toEqual(all.slice(before.length));
    expect(after.events.some((e) => e.data.code === 'late')).toBe(true);
    const upTo = await exportAudit(world.app, acme.adminToken, `?to=${encodeURIComponent(at)}`);
    expect(upTo.events).toEqual(before);
    // Bounds at millisecond precision select exactly by the exported createdAt: an event's own
    // createdAt as `from` includes it, as `to` excludes it.
    const pivot = all[3];
    const fromPivot = await exportAudit(world.app, acme.adminToken, `?from=${pivot.createdAt}&to=${encodeURIComponent(at)}`);
    expect(fromPivot.events).toContainEqual(pivot);
    expect(fromPivot.events).toEqual(all.filter((e) => e.createdAt >= pivot.createdAt && e.createdAt < at));
    const toPivot = await exportAudit(world.app, acme.adminToken, `?to=${pivot.createdAt}`);
    expect(toPivot.events).toEqual(all.filter((e) => e.createdAt < pivot.createdAt));
    // A window with nothing in it is a successful export of its manifest alone (issue 11, defect 10).
    const empty = await exportAudit(world.app, acme.adminToken, '?from=2001-01-01&to=2001-01-02');
    expect(empty).toMatchObject({ status: 200, events: [], manifest: { events: 0, streams: {}, from: '2001-01-01T00:00:00.000Z', to: '2001-01-02T00:00:00.000Z' } });
    expect(empty.lines).toHaveLength(1);
    expect((await exportAudit(world.app, acme.adminToken, '?from=2001-01-01T00:00:00%2B02:00')).events).toEqual(all);
  });

  it('is for administrators and auditors only: a member gets 403, no token 401, and neither sees a byte of history', async () => {
    const refused = await exportAudit(world.app, member.token);
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/problem+json');
    // Whatever the access rule's own code, the answer says nothing about the history.
    expect(refused.text).not.toContain(companyStreamName(acme.companyId));
    const anonymous = await world.app.inject({ method: 'GET', url: '/v1/audit/export' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toContain(companyStreamName(acme.companyId));
  });

  it('admits an auditor as well: the same export the administrator gets', async () => {
    const auditor = await world.member(acme, 'Aud');
    await world.grant(acme, auditor.userId, AUDITOR_ROLE_CODE);
    const theirs = await exportAudit(world.app, auditor.token);
    expect(theirs.status).toBe(200);
    expect(theirs.events).toEqual((await exportAudit(world.app, acme.adminToken)).events);
  });

  it.each([
    ['?from=yesterday', 'from'],
    ['?to=2026-02-30T00:00:00Z', 'to'],
    ['?from=2026-01-01T00:00:00', 'from'],
    ['?from=2026-01-01T00:00:00.1234Z', 'from'],
    ['?from=2026-01-01&from=2026-01-02', 'from'],
    ['?after=1/2', 'after'],
    ['?from=2026-02-01&to=2026-01-01', 'to'],
    ['?from=2026-01-01&to=2026-01-01', 'to'],
  ])('%s is a 400 problem naming %s', async (query, field) => {
    const answer = await exportAudit(world.app, acme.adminToken, query);
    expect(answer.status).toBe(400);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body.code).toBe('validation_failed');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });
});
