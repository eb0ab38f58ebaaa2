import { MAX_POSITION_PART, parsePosition } from '#infra/event-log/position';
import { type ApiWorld, call, type Company, withWorldAndCompany } from './api-kit';

// Positions are two int64 halves (xid8/bigint, EventStoreDB's 64-bit positions). A larger
// number is refused where it enters, as a 400 naming the field, never passed to PostgreSQL.
let world: ApiWorld;
let acme: Company;
withWorldAndCompany((started, company) => ((world = started), (acme = company)), { MIN_POSITION_WAIT_MS: '300' });

const TOO_BIG = ['99999999999999999999/1', '1/99999999999999999999', `${MAX_POSITION_PART + 1n}/0`];

describe('positions beyond int64', () => {
  it('parsePosition takes int64 halves and nothing larger (the CLI --at and every header use it)', () => {
    expect(parsePosition(`${MAX_POSITION_PART}/${MAX_POSITION_PART}`)).toEqual({ commit: MAX_POSITION_PART, prepare: MAX_POSITION_PART });
    for (const text of TOO_BIG) expect(parsePosition(text)).toBeUndefined();
  });

  it.each(TOO_BIG)('after=%s on the audit history: 400 naming after', async (position) => {
    const answer = await call(world.app, 'GET', `/v1/audit/events?after=${position}`, { token: acme.adminToken });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['after']);
  });

  it('after at the int64 limit is a position like any other: an empty page', async () => {
    const answer = await call(world.app, 'GET', `/v1/audit/events?after=${MAX_POSITION_PART}/0`, { token: acme.adminToken });
    expect(answer.status).toBe(200);
    expect(answer.body.events).toEqual([]);
  });

  it.each(TOO_BIG)('at=%s on a past state: 400 naming at', async (position) => {
    const answer = await call(world.app, 'GET', `/v1/audit/state/company/${acme.companyId}?at=${position}`, { token: acme.adminToken });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['at']);
  });

  it.each(TOO_BIG)('X-Min-Position: %s: 400 naming the header', async (position) => {
    const answer = await call(world.app, 'GET', '/v1/roles', { token: acme.adminToken, headers: { 'x-min-position': position } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['X-Min-Position']);
  });
});
