import { type ApiWorld, type Company, withWorldAndCompany } from './api-kit';

// Bodies no field validation can be trusted with: text PostgreSQL cannot store, nesting that
// would exhaust the stack, keys that mean something to JavaScript. Every route that takes a
// body, as the OpenAPI document lists them, answers 400 problem+json naming the field, never 5xx.
let world: ApiWorld;
let acme: Company;
withWorldAndCompany((started, company) => ((world = started), (acme = company)));

type Route = Readonly<{ method: string; path: string }>;

async function documented(withBody: boolean): Promise<Route[]> {
  const answer = await world.app.inject({ method: 'GET', url: '/docs-json' });
  const document = JSON.parse(answer.body) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method, operation]) => (operation.requestBody !== undefined) === withBody && method !== 'get')
      .map(([method]) => ({ method: method.toUpperCase(), path: path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'version' ? '1' : acme.companyId)) })),
  );
}
const routesWithBodies = (): Promise<Route[]> => documented(true);

const send = (route: Route, payload: string) =>
  world.app.inject({
    method: route.method as 'POST',
    url: route.path,
    headers: { authorization: `Bearer ${acme.adminToken}`, 'content-type': 'application/json' },
    payload,
  });

const deep = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

const HOSTILE: readonly [string, string, string][] = [
  ['a NUL in a string', '{"name":"a\\u0000b"}', 'name'],
  ['a lone high surrogate', '{"name":"x\\ud800"}', 'name'],
  ['a lone low surrogate', '{"reason":"\\udc00y"}', 'reason'],
  ['a NUL deep inside', '{"config":{"host":"db\\u0000.example.com"}}', 'config.host'],
  ['a NUL in an array item', '{"roleIds":["a","b\\u0000"]}', 'roleIds.1'],
  ['a __proto__ key', '{"__proto__":{"admin":true}}', '__proto__'],
  ['a constructor key', '{"name":"x","constructor":{"prototype":{}}}', 'constructor'],
  ['10,000 levels of nesting', deep(10_000), 'body'],
  ['not JSON at all', '{"name":', 'body'],
];

describe('hostile bodies on every route that takes one', () => {
  it('finds the routes in the OpenAPI document', async () => {
    const routes = await routesWithBodies();
    expect(routes.length).toBeGreaterThanOrEqual(10);
  });

  it.each(HOSTILE)('%s: 400 problem+json naming the field, the body not repeated', async (_label, payload, field) => {
    const wrong: string[] = [];
    for (const route of await routesWithBodies()) {
      const answer = await send(route, payload);
      const body = answer.headers['content-type']?.toString().includes('json') ? JSON.parse(answer.body) : {};
      const named = (body.errors ?? []).some((e: { field: string }) => e.field === field);
      if (answer.statusCode !== 400 || !String(answer.headers['content-type']).startsWith('application/problem+json') || !named) {
        wrong.push(`${route.method} ${route.path}: ${answer.statusCode} ${answer.body.slice(0, 200)}`);
      }
      if (answer.body.includes('example.com') || answer.body.includes('admin":true')) wrong.push(`${route.method} ${route.path} repeats the body`);
    }
    expect(wrong).toEqual([]);
  });

  it('routes that take no body (activate, deactivate, cancel, DELETE) refuse one that says anything, naming its fields', async () => {
    const routes = await documented(false);
    expect(routes.map((r) => r.method)).toEqual(expect.arrayContaining(['POST', 'DELETE']));
    const wrong: string[] = [];
    for (const route of routes) {
      const answer = await send(route, JSON.stringify({ force: true, reason: 'x' }));
      const fields = answer.statusCode === 400 ? JSON.parse(answer.body).errors.map((e: { field: string }) => e.field) : [];
      if (answer.statusCode !== 400 || fields.join() !== 'force,reason') wrong.push(`${route.method} ${route.path}: ${answer.statusCode}`);
      const array = await send(route, '[1]');
      if (array.statusCode !== 400) wrong.push(`${route.method} ${route.path} with an array: ${array.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });

  it('still takes ordinary text, astral characters included', async () => {
    const answer = await send({ method: 'POST', path: '/v1/roles' }, JSON.stringify({ code: 'emoji', name: 'Rôle 🚀 \u00e9' }));
    expect(answer.statusCode).toBe(201);
  });
});
