import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { type CompanyCommand, type CompanyEvent, companyDecider, companyStreamName, type CompanyState } from '#domain';
import { mintToken } from '#infra/auth/tokens';
import { newCommandContext, toEnvelopes } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { apiEnvironment, load, startApi } from './api-server';
import type { BenchDatabase } from './bench-database';
import type { LoadResult } from './http-loader';

const service = { kind: 'service', service: 'bench' } as const;

export type CommandFigures = Readonly<{
  emptyP50: number;
  bigP50: number;
  bigUsers: number;
  /** C1: DefineRole p50 in the big company ÷ in an empty one. */
  c1: number;
  /** C2: the first command on the big company right after a restart, in ms: as the new
   *  process's very first request, and after one request on another company warmed it. */
  c2ColdProcessMs: number;
  c2FirstCommandMs: number;
  s2: LoadResult;
  s2Half: LoadResult;
  s2b: LoadResult;
}>;

/**
 * A company made by the real decider and appended in batches: registration, then `users` users.
 * Returns its admin, who mints the token the load uses.
 */
export async function seedCompany(owner: Pool, users: number): Promise<{ companyId: string; adminUserId: string }> {
  const log = new PostgresEventLog(owner);
  const companyId = randomUUID();
  const adminUserId = randomUUID();
  const stream = companyStreamName(companyId);
  let state: CompanyState = companyDecider.initialState();
  let pending: CompanyEvent[] = [];
  let revision: bigint | 'no_stream' = 'no_stream';
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const appended = await log.append(stream, toEnvelopes(pending, newCommandContext(service, { companyId })), { expected: revision });
    revision = appended.nextRevision;
    pending = [];
  };
  const run = async (type: CompanyCommand['type'], data: object): Promise<void> => {
    const command = { type, data, metadata: { actor: service, now: new Date().toISOString() } } as CompanyCommand;
    for (const event of companyDecider.decide(command, state)) {
      pending.push(event);
      state = companyDecider.evolve(state, event);
    }
    if (pending.length >= 1000) await flush();
  };
  await run('RegisterCompany', { companyId, name: `Bench ${companyId.slice(0, 8)}`, adminUserId, adminRoleId: randomUUID(), auditorRoleId: randomUUID(), adminEmail: 'admin@bench.test' });
  for (let i = 0; i < users; i++) await run('RegisterUser', { userId: randomUUID(), email: `user${i}@bench.test`, displayName: `User ${i}` });
  await flush();
  return { companyId, adminUserId };
}

/**
 * The command side end to end, from a separate loader process over real HTTP to the API process
 * and the log: cost against the size of the aggregate (C1), a cold start on a large one (C2),
 * throughput against the log's own append rate (S2) and writers sharing one company (S2b).
 */
export async function measureCommands(database: BenchDatabase, owner: Pool, seconds: number, bigUsers = 20_000): Promise<CommandFigures> {
  const env = apiEnvironment(database);
  const jwt = { secret: env.JWT_SECRET!, jwksUrl: undefined, issuer: 'vibot-access', audience: 'authenticated', algorithms: ['HS256'] };
  const token = (c: { companyId: string; adminUserId: string }) => mintToken(jwt, { userId: c.adminUserId, companyId: c.companyId }, '2h');
  const empty = await seedCompany(owner, 0);
  const big = await seedCompany(owner, bigUsers);
  const eight = await Promise.all(Array.from({ length: 8 }, () => seedCompany(owner, 0)));

  let api = await startApi(env);
  try {
    const sequential = async (company: typeof empty) => load({ base: api.base, tokens: [await token(company)], seconds: 30, warmupSeconds: 1, requestsPerClient: 300 });
    // The first command on the big company folds it from the log and writes its first snapshot.
    await load({ base: api.base, tokens: [await token(big)], seconds: 5, warmupSeconds: 0, requestsPerClient: 1 });
    const emptyRun = await sequential(empty);
    const bigRun = await sequential(big);

    // C2: a new process, its cache empty, with the big company's snapshot in PostgreSQL.
    const once = async (company: typeof empty) => (await load({ base: api.base, tokens: [await token(company)], seconds: 5, warmupSeconds: 0, requestsPerClient: 1 })).max;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await api.stop();
    api = await startApi(env);
    const coldProcess = await once(big);
    await api.stop();
    api = await startApi(env);
    await once(eight[0]!);
    const firstCommand = await once(big);

    const tokens = await Promise.all(eight.map(token));
    const s2 = await load({ base: api.base, tokens, seconds, warmupSeconds: 1 });
    const s2Half = await load({ base: api.base, tokens, seconds, warmupSeconds: 1, rate: s2.perSecond / 2 });
    const shared = await token(empty);
    const s2b = await load({ base: api.base, tokens: Array(8).fill(shared), seconds, warmupSeconds: 1 });
    return {
      emptyP50: emptyRun.p50,
      bigP50: bigRun.p50,
      bigUsers,
      c1: bigRun.p50 / emptyRun.p50,
      c2ColdProcessMs: coldProcess,
      c2FirstCommandMs: firstCommand,
      s2,
      s2Half,
      s2b,
    };
  } finally {
    await api.stop();
  }
}
