import { createHash, randomBytes } from 'node:crypto';
import { KeyStore } from '#infra/crypto/key-store';
import { ApiRuntime } from '../../apps/api/src/api-runtime';
import { canonicalJson } from '../../apps/api/src/http/canonical-json';
import { IdempotencyStore } from '../../apps/api/src/idempotency/idempotency-store';
import { requestFingerprint } from '../../apps/api/src/idempotency/request-fingerprint';
import { type ApiWorld, call, CONNECTORS, type Company, mysqlConnector, startWorld } from './api-kit';

// Idempotency keys must not outlive what they protect: no secret, and nothing derived from one
// that a copy of the database could confirm a guess against; keys expire; shredding a company
// takes its keys with it.
let world: ApiWorld;
let acme: Company;
let globex: Company;
const TTL_SECONDS = 3600;

beforeAll(async () => {
  world = await startWorld({ IDEMPOTENCY_KEY_TTL_SECONDS: String(TTL_SECONDS) });
  acme = await world.registerCompany('Acme');
  globex = await world.registerCompany('Globex');
});
afterAll(async () => {
  await world?.close();
});

const connector = async (company: Company): Promise<string> => {
  const created = await call(world.app, 'POST', CONNECTORS, { token: company.adminToken, body: mysqlConnector() });
  expect(created.status).toBe(201);
  return created.body.id as string;
};
const rotate = (company: Company, id: string, body: Record<string, unknown>, key: string) =>
  call(world.app, 'POST', `${CONNECTORS}/${id}/credentials`, { token: company.adminToken, body, headers: { 'idempotency-key': key } });
const createRole = (company: Company, key: string, body: Record<string, unknown>) =>
  call(world.app, 'POST', '/v1/roles', { token: company.adminToken, body, headers: { 'idempotency-key': key } });

/** Every row of every table the service owns, as text: what a stolen copy of the database holds. */
async function everythingStored(): Promise<string> {
  const { rows: tables } = await world.db.owner.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
  );
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['api.idempotency_keys', 'event_log.events', 'public.connector_credentials']));
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await world.db.owner.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

/** The secret, and the hashes of it (and of requests holding it) one would try offline. */
function guessable(secret: string, path: string, body: Record<string, unknown>): string[] {
  const texts = [secret, JSON.stringify(secret), canonicalJson(body), `POST\n${path}\n${canonicalJson(body)}`];
  return texts.flatMap((text) => [
    ...(text === secret ? [text] : []),
    ...['md5', 'sha1', 'sha256', 'sha512'].flatMap((algorithm) => {
      const digest = createHash(algorithm).update(text).digest();
      return [digest.toString('hex'), digest.toString('base64'), digest.toString('base64url')];
    }),
  ]);
}

describe('a rotation with an Idempotency-Key', () => {
  it('leaves no secret and no stable hash of one anywhere in the database', async () => {
    const id = await connector(acme);
    const secret = `s3cret-${randomBytes(12).toString('hex')}`;
    const path = `${CONNECTORS}/${id}/credentials`;
    const body = { secret, expectedVersion: 0 };
    expect((await rotate(acme, id, body, 'rotate-once')).status).toBe(201);
    const stored = await everythingStored();
    // The control: the scan sees the key's row, so a hash in it would be found.
    expect(stored).toContain('rotate-once');
    const found = guessable(secret, path, body).filter((text) => stored.includes(text));
    expect(found).toEqual([]);
  });

  it('fingerprints the request without its secret: a retry with another secret gets the first answer', async () => {
    const id = await connector(acme);
    const first = await rotate(acme, id, { secret: 'first-secret', expectedVersion: 0 }, 'rotate-retry');
    const retry = await rotate(acme, id, { secret: 'another-secret', expectedVersion: 0 }, 'rotate-retry');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    // The fields that are not secret still count: another expectedVersion is another request.
    expect((await rotate(acme, id, { secret: 'first-secret', expectedVersion: 1 }, 'rotate-retry')).status).toBe(422);
    const { rows } = await world.db.owner.query('SELECT request_hash FROM api.idempotency_keys WHERE key = $1', ['rotate-retry']);
    const key = world.app.get(ApiRuntime).fingerprintKey;
    const path = `${CONNECTORS}/${id}/credentials`;
    expect(rows[0].request_hash).toBe(requestFingerprint(key, { method: 'POST', path, body: { expectedVersion: 0 } }));
  });

  it('stores keyed fingerprints for every route: without the master key they confirm nothing', async () => {
    const body = { code: 'keyed', name: 'Keyed' };
    expect((await createRole(acme, 'keyed-role', body)).status).toBe(201);
    const { rows } = await world.db.owner.query('SELECT request_hash FROM api.idempotency_keys WHERE key = $1', ['keyed-role']);
    const request = { method: 'POST', path: '/v1/roles', body };
    expect(rows[0].request_hash).toBe(requestFingerprint(world.app.get(ApiRuntime).fingerprintKey, request));
    expect(rows[0].request_hash).not.toBe(requestFingerprint(randomBytes(32), request));
    const unkeyed = createHash('sha256').update(`POST\n/v1/roles\n${canonicalJson(body)}`).digest();
    expect([unkeyed.toString('hex'), unkeyed.toString('base64url')]).not.toContain(rows[0].request_hash);
  });

  it('every route with a write-only (secret) field in the OpenAPI document is covered above', async () => {
    const document = JSON.parse((await world.app.inject({ method: 'GET', url: '/docs-json' })).body);
    const secretSchemas = Object.entries(document.components.schemas as Record<string, { properties?: Record<string, { writeOnly?: boolean }> }>)
      .filter(([, schema]) => Object.values(schema.properties ?? {}).some((p) => p.writeOnly === true))
      .map(([name]) => `#/components/schemas/${name}`);
    const routes = Object.entries(document.paths as Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>>)
      .flatMap(([path, operations]) => Object.entries(operations).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })))
      .filter(({ op }) => Object.values(op.requestBody?.content ?? {}).some((c) => secretSchemas.includes(c.schema.$ref ?? '')))
      .map(({ route }) => route);
    expect(routes).toEqual(['POST /v1/integration-connectors/{id}/credentials']);
  });
});

describe('expiry and shredding', () => {
  it(`forgets a key ${TTL_SECONDS} s after its first use: the same key then starts a new request`, async () => {
    expect((await createRole(acme, 'reused-tomorrow', { code: 'today', name: 'Today' })).status).toBe(201);
    expect((await createRole(acme, 'reused-tomorrow', { code: 'tomorrow', name: 'Tomorrow' })).status).toBe(422);
    await world.db.owner.query(`UPDATE api.idempotency_keys SET reserved_at = now() - make_interval(secs => $2 + 1) WHERE key = $1`, [
      'reused-tomorrow',
      TTL_SECONDS,
    ]);
    const later = await createRole(acme, 'reused-tomorrow', { code: 'tomorrow', name: 'Tomorrow' });
    expect(later.status).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
  });

  it('sweeps expired keys and keeps the others', async () => {
    await createRole(acme, 'old-1', { code: 'old1', name: 'Old 1' });
    await createRole(acme, 'old-2', { code: 'old2', name: 'Old 2' });
    await createRole(acme, 'young', { code: 'young', name: 'Young' });
    await world.db.owner.query(`UPDATE api.idempotency_keys SET reserved_at = now() - interval '2 hours' WHERE key LIKE 'old-%'`);
    expect(await world.app.get(IdempotencyStore).sweep()).toBeGreaterThanOrEqual(2);
    const { rows } = await world.db.owner.query<{ key: string }>(`SELECT key FROM api.idempotency_keys WHERE key IN ('old-1', 'old-2', 'young')`);
    expect(rows.map((r) => r.key)).toEqual(['young']);
  });

  it("shredding a company's keys removes its Idempotency-Key entries, and only its", async () => {
    const id = await connector(globex);
    expect((await rotate(globex, id, { secret: 'globex-secret' }, 'globex-rotation')).status).toBe(201);
    expect((await createRole(acme, 'acme-stays', { code: 'stays', name: 'Stays' })).status).toBe(201);
    const count = async (companyId: string) =>
      (await world.db.owner.query<{ n: number }>('SELECT count(*)::int AS n FROM api.idempotency_keys WHERE company_id = $1', [companyId])).rows[0]!.n;
    expect(await count(globex.companyId)).toBeGreaterThan(0);
    const acmeBefore = await count(acme.companyId);
    await new KeyStore(world.db.owner, randomBytes(32)).destroyCompanyKeys(globex.companyId);
    expect(await count(globex.companyId)).toBe(0);
    expect(await count(acme.companyId)).toBe(acmeBefore);
  });
});
