import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { TEST_JWT_SECRET } from '../support/test-settings';
import { type ApiWorld, call, type Company, withWorldAndCompany } from './api-kit';

let world: ApiWorld;
let acme: Company;
withWorldAndCompany((started, company) => ((world = started), (acme = company)));

const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const secret = (text: string): Uint8Array => new TextEncoder().encode(text);
const now = (): number => Math.floor(Date.now() / 1000);

type Shape = { alg?: string; key?: string; iss?: string; aud?: string; exp?: number; nbf?: number; claims?: Record<string, unknown> };

function sign(shape: Shape = {}): Promise<string> {
  const jwt = new SignJWT({ company_id: acme.companyId, role: 'authenticated', ...shape.claims })
    .setProtectedHeader({ alg: shape.alg ?? 'HS256', typ: 'JWT' })
    .setSubject(acme.adminUserId)
    .setIssuer(shape.iss ?? world.config.jwt.issuer)
    .setAudience(shape.aud ?? world.config.jwt.audience)
    .setIssuedAt()
    .setExpirationTime(shape.exp ?? now() + 600);
  if (shape.nbf !== undefined) jwt.setNotBefore(shape.nbf);
  return jwt.sign(secret(shape.key ?? TEST_JWT_SECRET));
}

async function expectUnauthorized(authorization: string | undefined): Promise<void> {
  const answer = await call(world.app, 'GET', '/v1/roles', { headers: authorization === undefined ? {} : { authorization } });
  expect(answer.status).toBe(401);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(String(answer.headers['www-authenticate'])).toMatch(/^Bearer/);
  expect(answer.body).toMatchObject({ status: 401, title: 'Unauthorized' });
}

describe('bearer authentication', () => {
  it('accepts a valid token (control)', async () => {
    const answer = await call(world.app, 'GET', '/v1/roles', { token: await sign() });
    expect(answer.status).toBe(200);
  });

  it('401 without an Authorization header, or with another scheme', async () => {
    await expectUnauthorized(undefined);
    await expectUnauthorized(`Basic ${Buffer.from('admin:admin').toString('base64')}`);
  });

  it('401 for an unsigned alg=none token', async () => {
    const payload = { sub: acme.adminUserId, company_id: acme.companyId, role: 'authenticated', iss: world.config.jwt.issuer, aud: world.config.jwt.audience, exp: now() + 600 };
    await expectUnauthorized(`Bearer ${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`);
  });

  it('401 for a token signed with another key, or with an algorithm outside the allowlist', async () => {
    await expectUnauthorized(`Bearer ${await sign({ key: 'some-other-secret-that-is-also-long-enough-0123456789' })}`);
    await expectUnauthorized(`Bearer ${await sign({ alg: 'HS512' })}`);
  });

  it('401 for an expired token and for one not valid yet', async () => {
    await expectUnauthorized(`Bearer ${await sign({ exp: now() - 120 })}`);
    await expectUnauthorized(`Bearer ${await sign({ nbf: now() + 3600 })}`);
  });

  it('401 for a wrong audience or issuer', async () => {
    await expectUnauthorized(`Bearer ${await sign({ aud: 'someone-else' })}`);
    await expectUnauthorized(`Bearer ${await sign({ iss: 'https://evil.example' })}`);
  });

  it('401 for garbage, and for claims of the wrong shape', async () => {
    await expectUnauthorized('Bearer garbage');
    await expectUnauthorized('Bearer a.b.c');
    await expectUnauthorized(`Bearer ${await sign({ claims: { role: 'service_role' } })}`);
    await expectUnauthorized(`Bearer ${await sign({ claims: { company_id: 'not-a-uuid' } })}`);
  });

  it('never takes roles from the token: a member claiming Vibot.admin is still refused', async () => {
    const member = await call(world.app, 'POST', '/v1/users', { token: acme.adminToken, body: { email: 'm@acme.test' } });
    const forged = await new SignJWT({
      company_id: acme.companyId,
      role: 'authenticated',
      roles: ['Vibot.admin'],
      app_metadata: { roles: ['Vibot.admin'] },
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(member.body.id)
      .setIssuer(world.config.jwt.issuer)
      .setAudience(world.config.jwt.audience)
      .setExpirationTime('5m')
      .sign(secret(TEST_JWT_SECRET));
    const attempt = await call(world.app, 'POST', '/v1/roles', { token: forged, body: { code: 'escalate', name: 'Escalate' } });
    expect(attempt.status).toBe(403);
  });

  it('a user acting under another company id is no admin there (403)', async () => {
    const other = await world.registerCompany('Other');
    // Validly signed, but the subject is Other's admin while the company is Acme.
    const crossed = await world.token(other.adminUserId, acme.companyId);
    const attempt = await call(world.app, 'POST', '/v1/roles', { token: crossed, body: { code: 'crossed', name: 'Crossed' } });
    expect(attempt.status).toBe(403);
    const random = await world.token(randomUUID(), acme.companyId);
    expect((await call(world.app, 'POST', '/v1/users', { token: random, body: { email: 'x@acme.test' } })).status).toBe(403);
  });

  it('keeps health, metrics and docs public', async () => {
    for (const url of ['/health/live', '/metrics', '/docs-json', '/docs']) {
      expect((await call(world.app, 'GET', url)).status).toBe(200);
    }
  });
});
