import { type ApiWorld, call, type Company, startWorld } from './api-kit';

let world: ApiWorld;
let acme: Company;

beforeAll(async () => {
  world = await startWorld({ MIN_POSITION_WAIT_MS: '300' });
  acme = await world.registerCompany('Acme');
});
afterAll(async () => {
  await world?.close();
});

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

  it('gives up with 503 projection_behind and Retry-After after the configured wait', async () => {
    const started = Date.now();
    const answer = await list('99999999999/1');
    const elapsed = Date.now() - started;
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(answer.body.code).toBe('projection_behind');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
  });

  it('authenticates before waiting', async () => {
    const answer = await call(world.app, 'GET', '/v1/roles', { headers: { 'x-min-position': '99999999999/1' } });
    expect(answer.status).toBe(401);
  });
});
