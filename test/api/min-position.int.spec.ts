import { type ApiWorld, call, type Company, withWorldAndCompany } from './api-kit';

let world: ApiWorld;
let acme: Company;
withWorldAndCompany((started, company) => ((world = started), (acme = company)), { MIN_POSITION_WAIT_MS: '300' });

const list = (position: string) =>
  call(world.app, 'GET', '/v1/roles', { token: acme.adminToken, headers: { 'x-min-position': position } });

describe('X-Min-Position', () => {
  it('answers at once for a position the projector has passed', async () => {
    const created = await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: 'fresh', name: 'Fresh' } });
    const answer = await list(created.body.position);
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((r: { id: string }) => r.id)).toContain(created.body.id);
  });

  it.each(['abc', '12', '1/2/3', '-1/2', '1/x', ''])('refuses a malformed position %p with 400', async (position) => {
    const answer = await list(position);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('invalid_min_position');
  });

  it('refuses a position past the end of the log at once: 400 naming the header, no waiting', async () => {
    const started = Date.now();
    const answer = await list('99999999999/1');
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('position_not_in_log');
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['X-Min-Position']);
    expect(Date.now() - started).toBeLessThan(250);
  });

  it('gives up with 503 projection_behind and Retry-After when the projector is truly behind', async () => {
    // The projector's next batch waits for this lock, so the new role is in the log but not projected.
    const holder = await world.db.owner.connect();
    try {
      await holder.query('BEGIN; LOCK TABLE public.roles IN ACCESS EXCLUSIVE MODE');
      const created = await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: 'held', name: 'Held' } });
      expect(created.status).toBe(201);
      const started = Date.now();
      const answer = await list(created.body.position);
      const elapsed = Date.now() - started;
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.body.code).toBe('projection_behind');
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(1500);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });

  it('authenticates before waiting', async () => {
    const answer = await call(world.app, 'GET', '/v1/roles', { headers: { 'x-min-position': '99999999999/1' } });
    expect(answer.status).toBe(401);
  });
});
