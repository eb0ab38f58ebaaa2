import { type ApiWorld, call, type Company, withWorldAndCompany } from './api-kit';

// Integers are decimal digits and JSON is UTF-8: lenient readings are refused by name.
let world: ApiWorld;
let acme: Company;
withWorldAndCompany((started, company) => ((world = started), (acme = company)));

describe('strict parsing', () => {
  it.each(['0x10', ' 5', '5 ', '1e1', '', '+5', '-1', '5.0', '99999999999999999999'])('limit=%p: 400 naming limit', async (limit) => {
    for (const path of ['/v1/roles', '/v1/audit/events']) {
      const answer = await call(world.app, 'GET', `${path}?limit=${encodeURIComponent(limit)}`, { token: acme.adminToken });
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('limit');
    }
  });

  it.each(['2"', '"1', '""', '"1 "', 'W/"1"', 'w/"1"', '"0x1"'])('If-Match: %s is refused, and the role stays as it was', async (ifMatch) => {
    const created = await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: `im.${Buffer.from(ifMatch).toString('hex')}`, name: 'Before' } });
    const path = `/v1/roles/${created.body.id}`;
    const answer = await call(world.app, 'PATCH', path, { token: acme.adminToken, body: { name: 'After' }, headers: { 'if-match': ifMatch } });
    expect([400, 412]).toContain(answer.status);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).toEqual(['If-Match']);
    expect(answer.status === 412).toBe(ifMatch.startsWith('W/'));
    const read = await call(world.app, 'GET', path, { token: acme.adminToken, headers: { 'x-min-position': created.body.position } });
    expect(read.body.name).toBe('Before');
  });

  it('limit=5 is five', async () => {
    const answer = await call(world.app, 'GET', '/v1/roles?limit=1', { token: acme.adminToken });
    expect(answer.status).toBe(200);
    expect(answer.body.items).toHaveLength(1);
  });

  it.each(['latin1', 'iso-8859-1', 'utf-16'])('a JSON body in charset %s: 415 naming Content-Type', async (charset) => {
    const answer = await world.app.inject({
      method: 'POST',
      url: '/v1/roles',
      headers: { authorization: `Bearer ${acme.adminToken}`, 'content-type': `application/json; charset=${charset}` },
      payload: JSON.stringify({ code: 'latin', name: 'Latin' }),
    });
    expect(answer.statusCode).toBe(415);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body).errors[0].field).toBe('Content-Type');
  });

  it.each([['utf-8', 1], ['UTF-8', 2], ['"utf-8"', 3]])('charset=%s is JSON as usual', async (charset, n) => {
    const answer = await world.app.inject({
      method: 'POST',
      url: '/v1/roles',
      headers: { authorization: `Bearer ${acme.adminToken}`, 'content-type': `application/json; charset=${charset}` },
      payload: JSON.stringify({ code: `ok.charset${n}`, name: 'Fine' }),
    });
    expect(answer.statusCode).toBe(201);
  });
});
