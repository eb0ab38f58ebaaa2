import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiWorld, type Company, startWorld } from './api-kit';
import { type DocumentedOperation, openApiDocument, urlOf } from './openapi-kit';

// Every malformed id, position, cursor, limit, If-Match, content type and size, on every route
// the OpenAPI document lists: a 4xx problem+json naming what is wrong, never a 5xx. Routes come
// from the document, so a new route is covered without anyone remembering to add it.
let world: ApiWorld;
let acme: Company;
let operations: DocumentedOperation[];
let serviceToken: string;

type Answer = Readonly<{ status: number; type: string; body: { code?: string; errors?: { field: string }[] } }>;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  serviceToken = await world.serviceToken(acme.companyId);
  operations = (await openApiDocument(world.app)).operations;
});
afterAll(async () => {
  await world?.close();
});

const validPath = (): Record<string, string> => ({ id: acme.companyId, version: '1', stream: `company-${acme.companyId}`, streamCategory: 'company' });
const urlWith = (operation: DocumentedOperation, replace: Readonly<Record<string, string>> = {}): string =>
  urlOf(operation, { ...validPath(), ...replace });

async function send(operation: DocumentedOperation, init: { url?: string; headers?: Record<string, string>; payload?: string } = {}): Promise<Answer> {
  const answer = await world.app.inject({
    method: operation.method as 'GET',
    url: init.url ?? urlWith(operation),
    headers: {
      authorization: `Bearer ${operation.service ? serviceToken : acme.adminToken}`,
      ...(operation.body ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.payload !== undefined ? { payload: init.payload } : operation.body ? { payload: operation.body } : {}),
  });
  const type = String(answer.headers['content-type'] ?? '');
  return { status: answer.statusCode, type, body: type.includes('json') ? JSON.parse(answer.body || '{}') : {} };
}

/** What is wrong with an answer that should be `status` problem+json naming `field`, or ''. */
function refusal(answer: Answer, status: number, field?: string): string {
  if (answer.status !== status) return `${answer.status} ${answer.body.code ?? ''}`;
  if (!answer.type.startsWith('application/problem+json')) return `content-type ${answer.type}`;
  if (field !== undefined && !(answer.body.errors ?? []).some((e) => e.field === field)) return `names ${JSON.stringify(answer.body.errors)}`;
  return '';
}

/** Runs `check` over operations and collects what went wrong, so one failure lists every route. */
async function wrongOn(selected: readonly DocumentedOperation[], check: (operation: DocumentedOperation) => Promise<string[]>): Promise<string[]> {
  expect(selected.length).toBeGreaterThan(0);
  const wrong: string[] = [];
  for (const operation of selected) for (const problem of await check(operation)) wrong.push(`${operation.method} ${operation.path}: ${problem}`);
  return wrong;
}

const MALFORMED_PATH: Readonly<Record<string, readonly string[]>> = {
  id: ['not-a-uuid', '123', `${'0'.repeat(36)}`],
  version: ['0', 'one', '-1', '99999999999'],
};
const MALFORMED_QUERY: Readonly<Record<string, readonly string[]>> = {
  limit: ['abc', '-1', '0', '0x10', ' 5', '1e1', '100000', '5.5'],
  cursor: ['not-a-cursor', 'eyJ4IjoxfQ', '%00'],
  after: ['99999999999999999999/1', 'x', '1/', '/1', '1/2/3'],
  at: ['99999999999999999999/1', 'yesterday', '1/'],
  from: ['not-a-time', '2026-13-01T00:00:00Z'],
  to: ['not-a-time'],
  targetUserId: ['nope'],
  requesterId: ['nope'],
  status: ['bogus'],
};

describe('malformed parts of the request, on every route that takes them', () => {
  it('path ids: 400 naming the parameter', async () => {
    const selected = operations.filter((o) => o.parameters.some((p) => p.in === 'path' && MALFORMED_PATH[p.name]));
    const wrong = await wrongOn(selected, async (operation) => {
      const problems: string[] = [];
      for (const parameter of operation.parameters.filter((p) => p.in === 'path' && MALFORMED_PATH[p.name])) {
        for (const value of MALFORMED_PATH[parameter.name]!) {
          const problem = refusal(await send(operation, { url: urlWith(operation, { [parameter.name]: encodeURIComponent(value) }) }), 400, parameter.name);
          if (problem !== '') problems.push(`${parameter.name}=${value}: ${problem}`);
        }
      }
      return problems;
    });
    expect(wrong).toEqual([]);
  });

  it('a path segment too long for any id is 414, and a broken percent-encoding 400, both problem+json', async () => {
    const selected = operations.filter((o) => o.path.includes('{'));
    const wrong = await wrongOn(selected, async (operation) => {
      const name = /\{(\w+)\}/.exec(operation.path)![1]!;
      return [
        refusal(await send(operation, { url: urlWith(operation, { [name]: 'a'.repeat(500) }) }), 414, 'path'),
        refusal(await send(operation, { url: urlWith(operation, { [name]: '%E0%A4%A' }) }), 400),
      ].filter((p) => p !== '');
    });
    expect(wrong).toEqual([]);
  });

  it('query parameters (limits, cursors, positions, times, ids, enums): 400 naming the parameter', async () => {
    const selected = operations.filter((o) => o.parameters.some((p) => p.in === 'query' && MALFORMED_QUERY[p.name]));
    const wrong = await wrongOn(selected, async (operation) => {
      const problems: string[] = [];
      for (const parameter of operation.parameters.filter((p) => p.in === 'query' && MALFORMED_QUERY[p.name])) {
        for (const value of MALFORMED_QUERY[parameter.name]!) {
          const url = `${urlWith(operation)}?${parameter.name}=${value.startsWith('%') ? value : encodeURIComponent(value)}`;
          const problem = refusal(await send(operation, { url }), 400, parameter.name);
          if (problem !== '') problems.push(`${parameter.name}=${JSON.stringify(value)}: ${problem}`);
        }
      }
      return problems;
    });
    expect(wrong).toEqual([]);
  });

  it('If-Match that is not a revision: 400 naming If-Match', async () => {
    const selected = operations.filter((o) => o.parameters.some((p) => p.in === 'header' && p.name === 'If-Match'));
    const wrong = await wrongOn(selected, async (operation) =>
      (
        await Promise.all(['2"', '"1', 'abc', '"-1"', '"99999999999999999999"', '1, 2'].map(async (value) => {
          const problem = refusal(await send(operation, { headers: { 'if-match': value } }), 400, 'If-Match');
          return problem === '' ? '' : `If-Match ${value}: ${problem}`;
        }))
      ).filter((p) => p !== ''),
    );
    expect(wrong).toEqual([]);
  });

  it('X-Min-Position that is not a position, or is past int64: 400 naming X-Min-Position on every read', async () => {
    const selected = operations.filter((o) => o.method === 'GET' && o.path.startsWith('/v1/'));
    const wrong = await wrongOn(selected, async (operation) =>
      (
        await Promise.all(['soon', '1/', '99999999999999999999/1', '-1/0'].map(async (value) => {
          const problem = refusal(await send(operation, { headers: { 'x-min-position': value } }), 400, 'X-Min-Position');
          return problem === '' ? '' : `X-Min-Position ${value}: ${problem}`;
        }))
      ).filter((p) => p !== ''),
    );
    expect(wrong).toEqual([]);
  });
});

describe('bodies of the wrong kind or size, on every route that takes one', () => {
  const bodyRoutes = () => operations.filter((o) => o.body);

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1'])(
    'Content-Type %s: 415 problem+json naming Content-Type',
    async (type) => {
      const wrong = await wrongOn(bodyRoutes(), async (operation) => {
        const problem = refusal(await send(operation, { headers: { 'content-type': type }, payload: '{"name":"x"}' }), 415, 'Content-Type');
        return problem === '' ? [] : [problem];
      });
      expect(wrong).toEqual([]);
    },
  );

  it('a 2 MB body: 413 problem+json naming the body', async () => {
    const payload = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
    const wrong = await wrongOn(bodyRoutes(), async (operation) => {
      const problem = refusal(await send(operation, { payload }), 413, 'body');
      return problem === '' ? [] : [problem];
    });
    expect(wrong).toEqual([]);
  });

  it('an unknown field: 400 naming it', async () => {
    const wrong = await wrongOn(bodyRoutes(), async (operation) => {
      const problem = refusal(await send(operation, { payload: '{"surelyNotAField":1}' }), 400, 'surelyNotAField');
      return problem === '' ? [] : [problem];
    });
    expect(wrong).toEqual([]);
  });
});

describe('requests Node refuses before any route runs', () => {
  it('headers over 16 KiB: 431 problem+json, over real HTTP', async () => {
    await world.app.listen(0, '127.0.0.1');
    const { port } = world.app.getHttpServer().address() as AddressInfo;
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/v1/roles', headers: { 'x-padding': 'p'.repeat(20_000) } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), body }));
      });
      request.on('error', reject);
      request.end();
    });
    expect(answer.status).toBe(431);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, code: 'headers_too_large' });
  });
});
