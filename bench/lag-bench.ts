import type { Pool } from 'pg';
import { mintToken } from '#infra/auth/tokens';
import { apiEnvironment, load, startApi, startProjectorProcess } from './api-server';
import type { BenchDatabase } from './bench-database';
import { seedCompany } from './command-bench';
import type { LagResult, LoadResult } from './http-loader';

export type LagFigures = Readonly<{ sequential: LagResult; polled: LagResult; underLoad: LagResult; background: LoadResult; backgroundRate: number }>;

/**
 * Read-your-writes lag from a client's side: the time from a command's answer until its row is
 * visible through the API (RLS), with the API and the projector as separate processes: read back
 * with X-Min-Position, as the answer invites, once alone (and once by polling, for comparison),
 * once while four other clients send `backgroundRate` commands per second in all.
 */
export async function measureLag(database: BenchDatabase, owner: Pool, backgroundRate: number, samples: number): Promise<LagFigures> {
  const env = apiEnvironment(database);
  const jwt = { secret: env.JWT_SECRET!, jwksUrl: undefined, issuer: 'vibot-access', audience: 'authenticated', algorithms: ['HS256'] };
  const token = async (c: { companyId: string; adminUserId: string }) => mintToken(jwt, { userId: c.adminUserId, companyId: c.companyId }, '2h');
  const probe = await seedCompany(owner, 0);
  const others = await Promise.all(Array.from({ length: 4 }, () => seedCompany(owner, 0)));
  // The same settings as the API's (so its migration check leaves the API login's password alone).
  const projector = await startProjectorProcess({ ...env, EVENT_LOG_POLL_MS: '1000' });
  const api = await startApi(env);
  try {
    const lagPlan = { mode: 'lag' as const, base: api.base, token: await token(probe), samples, giveUpMs: 3000, minPosition: true };
    await load({ ...lagPlan, samples: 20 });
    const sequential = await load(lagPlan);
    // A client that does not send the position and asks again until the row is there.
    const polled = await load({ ...lagPlan, minPosition: false });
    const tokens = await Promise.all(others.map(token));
    const seconds = Math.max(5, Math.ceil(samples / 40));
    const [background, underLoad] = await Promise.all([
      load({ base: api.base, tokens, seconds, warmupSeconds: 0, rate: backgroundRate }),
      new Promise<void>((resolve) => setTimeout(resolve, 500)).then(() => load(lagPlan)),
    ]);
    return { sequential, polled, underLoad, background, backgroundRate };
  } finally {
    await api.stop();
    await projector.stop();
  }
}
