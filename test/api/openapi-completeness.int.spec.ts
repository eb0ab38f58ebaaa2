import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiWorld, type Company, startWorld } from './api-kit';
import { type DocumentedOperation, headerOf, openApiDocument, type Schema, urlOf } from './openapi-kit';

// The OpenAPI document as a client developer needs it: every operation summarised, its errors
// documented as problem+json with their codes, its headers (Idempotency-Key, If-Match,
// X-Min-Position, ETag, Location) where they apply and nowhere else, ids as uuids, and one
// command-answer shape. Checked over every operation, so a new route is held to it at once.
let world: ApiWorld;
let acme: Company;
let operations: DocumentedOperation[];
let schemas: Record<string, Schema>;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  ({ operations, schemas } = await openApiDocument(world.app));
});
afterAll(async () => {
  await world?.close();
});

const v1 = () => operations.filter((o) => o.path.startsWith('/v1/'));
const commands = () => v1().filter((o) => o.method !== 'GET');
const header = headerOf;
const resolve = (schema: Schema): Schema => (schema.$ref ? schemas[schema.$ref.split('/').pop()!]! : schema);

it('every operation has a summary', () => {
  expect(operations.length).toBeGreaterThan(30);
  expect(operations.filter((o) => !o.summary || o.summary.trim().length < 5).map((o) => o.route)).toEqual([]);
});

it('every /v1 operation documents its errors as problem+json: 400, 401, 403, 503; 404 with a path id; 409 and 422 for commands', () => {
  const missing: string[] = [];
  for (const operation of v1()) {
    const expected = ['400', '401', '403', '503'];
    if (operation.path.includes('{')) expected.push('404');
    if (operation.method !== 'GET') expected.push('409');
    if (operation.method !== 'GET' && !operation.service) expected.push('422');
    if (header(operation, 'If-Match')) expected.push('412');
    if (header(operation, 'If-Match')?.required) expected.push('428');
    if (operation.body !== '') expected.push('413', '415');
    for (const status of expected) if (!operation.responses[status]) missing.push(`${operation.route} ${status}`);
    for (const [status, response] of Object.entries(operation.responses)) {
      if (Number(status) < 400) continue;
      if (response.content?.['application/problem+json']?.schema.$ref !== '#/components/schemas/Problem') missing.push(`${operation.route} ${status} schema`);
      if (!/Codes: `/.test(response.description)) missing.push(`${operation.route} ${status} codes`);
    }
  }
  expect(missing).toEqual([]);
  expect(Object.keys(schemas.Problem!.properties!)).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'errors', 'currentRevision']));
});

it('every code the document promises is one the service can answer', () => {
  const sources: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) sources.push(readFileSync(path, 'utf8'));
    }
  };
  walk(join(__dirname, '../../apps'));
  walk(join(__dirname, '../../libs'));
  const source = sources.join('\n');
  const codes = new Set(operations.flatMap((o) => Object.values(o.responses).flatMap((r) => [...r.description.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!))));
  expect(codes.size).toBeGreaterThan(40);
  expect([...codes].filter((code) => !source.includes(`'${code}'`))).toEqual([]);
});

it('Idempotency-Key is documented on exactly the user commands, credential rotation included', () => {
  const documented = operations.filter((o) => header(o, 'Idempotency-Key')).map((o) => o.route);
  const expected = commands().filter((o) => !o.service).map((o) => o.route);
  expect(documented).toEqual(expected);
  expect(documented).toContain('POST /v1/integration-connectors/{id}/credentials');
});

it('X-Min-Position is documented on every read, with 503 projection_behind', () => {
  const reads = v1().filter((o) => o.method === 'GET');
  expect(reads.filter((o) => !header(o, 'X-Min-Position') || !o.responses['503']!.description.includes('projection_behind')).map((o) => o.route)).toEqual([]);
});

it('If-Match is documented exactly where the route reads it', async () => {
  const wrong: string[] = [];
  for (const operation of commands()) {
    const answer = await world.app.inject({
      method: operation.method as 'POST',
      url: urlOf(operation, { version: '1' }, acme.companyId),
      headers: { authorization: `Bearer ${acme.adminToken}`, 'if-match': 'not-a-revision', ...(operation.body ? { 'content-type': 'application/json' } : {}) },
      ...(operation.body ? { payload: operation.body } : {}),
    });
    const readsIt = answer.statusCode === 400 && answer.body.includes('"field":"If-Match"');
    const documented = header(operation, 'If-Match') !== undefined;
    if (readsIt !== documented) wrong.push(`${operation.route}: reads it ${readsIt}, documented ${documented}`);
  }
  expect(wrong).toEqual([]);
});

it('path ids are uuids; answers that create document Location', () => {
  const wrong: string[] = [];
  for (const operation of operations) {
    for (const parameter of operation.parameters.filter((p) => p.in === 'path' && p.name === 'id')) {
      if (parameter.schema?.format !== 'uuid') wrong.push(`${operation.route} id`);
    }
    const created = operation.responses['201'];
    if (created && !operation.path.endsWith('/credentials') && !created.headers?.Location) wrong.push(`${operation.route} Location`);
  }
  expect(wrong).toEqual([]);
});

it('every command answers the one command-answer shape: id, revision, stream, streamRevision, position', () => {
  const wrong: string[] = [];
  for (const operation of commands().filter((o) => !o.service)) {
    const [status, response] = Object.entries(operation.responses).find(([s]) => s.startsWith('2'))!;
    const schema = response.content?.['application/json']?.schema;
    const properties = Object.keys(schema ? (resolve(schema).properties ?? {}) : {});
    const missing = ['id', 'revision', 'stream', 'streamRevision', 'position'].filter((p) => !properties.includes(p));
    if (missing.length > 0) wrong.push(`${operation.route} ${status}: no ${missing.join(', ')}`);
  }
  expect(wrong).toEqual([]);
});
