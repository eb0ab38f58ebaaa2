import { SignJWT } from 'jose';
import { ttlOf } from '../../apps/cli/src/mint-user-token';
import { CLOCK_SKEW_SECONDS } from '#infra/auth/tokens';
import { TEST_JWT_SECRET } from '../support/test-settings';
import { type ApiWorld, call, type Company, withWorldAndCompany } from './api-kit';

// A token is a bounded grant: it must say when it ends, and it cannot be issued or become
// valid later than the clocks may disagree. Everything else about it is checked as before.
let world: ApiWorld;
let acme: Company;
withWorldAndCompany((started, company) => ((world = started), (acme = company)));

const now = (): number => Math.floor(Date.now() / 1000);

function sign(claims: { exp?: number; iat?: number; nbf?: number }): Promise<string> {
  let jwt = new SignJWT({ company_id: acme.companyId, role: 'authenticated' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(acme.adminUserId)
    .setIssuer('vibot-access')
    .setAudience('authenticated');
  if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  if (claims.nbf !== undefined) jwt = jwt.setNotBefore(claims.nbf);
  return jwt.sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

const statusWith = async (claims: { exp?: number; iat?: number; nbf?: number }): Promise<number> =>
  (await call(world.app, 'GET', '/v1/roles', { token: await sign(claims) })).status;

describe('token lifetimes', () => {
  const skew = CLOCK_SKEW_SECONDS;
  it.each([
    ['no exp at all', { iat: now() }, 401],
    ['an exp in the past, beyond the skew', { exp: now() - skew - 5 }, 401],
    ['an exp just past, within the skew', { exp: now() - skew + 20 }, 200],
    ['an iat beyond the skew in the future', { exp: now() + 3600, iat: now() + skew + 30 }, 401],
    ['an iat within the skew in the future', { exp: now() + 3600, iat: now() + skew - 20 }, 200],
    ['an nbf beyond the skew in the future', { exp: now() + 3600, nbf: now() + skew + 30 }, 401],
    ['an nbf within the skew in the future', { exp: now() + 3600, nbf: now() + skew - 20 }, 200],
    ['an ordinary token', { exp: now() + 3600, iat: now() }, 200],
  ])('%s (%j): %d', async (_label, claims, status) => {
    expect(await statusWith(claims)).toBe(status);
  });

  it.each(['1s', '30m', '12h', '30d'])('the CLI mints a token of --ttl %s', (ttl) => {
    expect(ttlOf({ ttl })).toBe(ttl);
  });

  it.each(['31d', '100000d', '0s', '1y', 'forever', '-1h'])('the CLI refuses --ttl %s', (ttl) => {
    expect(() => ttlOf({ ttl })).toThrow(/--ttl/);
  });
});
