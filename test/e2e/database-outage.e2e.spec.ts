import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { companyStreamName } from '#domain';
import { mintToken } from '#infra/auth/tokens';
import { companies } from '#infra/commands/aggregates';
import { createPool } from '#infra/database/database';
import { newCommandContext } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { type ControlledPostgres, startControlledPostgres } from '../support/controlled-postgres';
import { freePort } from '../support/free-port';
import { runCommand } from '../support/run-command';
import { cpuShare, killServices, readiness, scratchDir, type ServiceProcess, spawnService, untilExit, waitFor } from '../support/service-process';
import { TEST_API_PASSWORD, TEST_JWT_SECRET } from '../support/test-settings';

/**
 * PostgreSQL stopping under a running `npm start` (issue 11, defect 9): the service must say it is
 * not ready (503 naming the database) at once, stay cheap while it waits, resume by itself when the
 * server is back (the projector from its checkpoint: nothing lost, nothing twice), and stop within
 * seconds whenever asked. The test owns the PostgreSQL, so it can stop and start it at will.
 */
const jwt = { secret: TEST_JWT_SECRET, jwksUrl: undefined, issuer: 'vibot-access', audience: 'authenticated', algorithms: ['HS256'] };
const dir = scratchDir('vibot-outage');
let cluster: ControlledPostgres;
let setup: Pool;

beforeAll(async () => {
  cluster = await startControlledPostgres(join(dir.path, 'cluster'), await freePort());
  setup = createPool(cluster.url, { max: 2 });
});
afterAll(async () => {
  killServices();
  await setup?.end().catch(() => undefined);
  await cluster?.stop().catch(() => undefined);
  // Anything still running on the directory is stopped before it goes.
  await dir.remove();
});

async function startService(): Promise<{ service: ServiceProcess; base: string }> {
  const port = await freePort();
  const service = spawnService({
    DATABASE_URL: cluster.url,
    API_DATABASE_URL: undefined,
    API_DATABASE_PASSWORD: TEST_API_PASSWORD,
    JWT_SECRET: TEST_JWT_SECRET,
    JWKS_URL: '',
    JWT_ALGORITHMS: 'HS256',
    DATA_DIR: join(dir.path, 'service'),
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the service answers ready', async () => ((await readiness(base)).status === 200 ? true : undefined), 60_000, service.output);
  return { service, base };
}

/** A company registered through the service's own pipeline, and its admin's token. */
async function company(): Promise<{ id: string; token: string }> {
  const ids = { companyId: randomUUID(), adminUserId: randomUUID(), adminRoleId: randomUUID(), auditorRoleId: randomUUID() };
  const actor = { kind: 'service', service: 'e2e' } as const;
  const data = { ...ids, name: 'Outage Co', adminEmail: `admin-${ids.companyId.slice(0, 8)}@example.com`, adminDisplayName: null };
  const command = { type: 'RegisterCompany', data, metadata: { actor, now: new Date().toISOString() } } as const;
  await runCommand(new PostgresEventLog(setup), companies, companyStreamName(ids.companyId), command, newCommandContext(actor, { companyId: ids.companyId }));
  return { id: ids.companyId, token: await mintToken(jwt, { userId: ids.adminUserId, companyId: ids.companyId }, '10m') };
}

type Answer = { status: number; begun: number; ended: number; retryAfter: string | null; code?: string };

/** Clients defining roles, each about 30 a second, slowing to 4 a second while refused. */
function load(base: string, tenants: readonly { id: string; token: string }[]) {
  const answers: Answer[] = [];
  const acknowledged: { id: string; code: string; position: string }[] = [];
  let running = true;
  const clients = tenants.map(async ({ token }, client) => {
    for (let n = 0; running; n++) {
      const code = `load.${client}.${n}`;
      const begun = Date.now();
      const answer = await fetch(`${base}/v1/roles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ code, name: code }),
        signal: AbortSignal.timeout(15_000),
      }).catch(() => undefined);
      const body = answer ? ((await answer.json().catch(() => ({}))) as { id?: string; code?: string; position?: string }) : {};
      answers.push({ status: answer?.status ?? 0, begun, ended: Date.now(), retryAfter: answer?.headers.get('retry-after') ?? null, code: body.code });
      if (answer?.status === 201) acknowledged.push({ id: body.id!, code, position: body.position! });
      await new Promise((resolve) => setTimeout(resolve, answer?.status === 201 ? 30 : 250));
    }
  });
  return {
    answers,
    acknowledged,
    stop: async () => {
      running = false;
      await Promise.all(clients);
    },
  };
}

const downNamingDatabase = async (base: string): Promise<true | undefined> => {
  const ready = await readiness(base, 3000);
  return ready.status === 503 && ready.body?.error?.database?.status === 'down' ? true : undefined;
};

it('PostgreSQL stopped and started under load: 503 naming the database, low CPU, resumes by itself with nothing lost, then stops on SIGTERM', async () => {
  const { service, base } = await startService();
  const tenants = await Promise.all([company(), company(), company()]);
  await waitFor('the companies are projected', async () => {
    const { rows } = await setup.query('SELECT count(*)::int AS n FROM public.companies WHERE id = ANY($1)', [tenants.map((t) => t.id)]);
    return rows[0].n === tenants.length ? true : undefined;
  }, 10_000);
  const traffic = load(base, tenants);
  await waitFor('commands are acknowledged', async () => (traffic.acknowledged.length >= 20 ? true : undefined), 10_000, service.output);

  await cluster.stop();
  const down = Date.now();
  await waitFor('readiness answers 503 naming the database', () => downNamingDatabase(base), 5000, service.output);
  const notReadyMs = Date.now() - down;
  const cpu = await cpuShare(service.pid, 3000);
  const refused = traffic.answers.filter((a) => a.begun > down);

  await cluster.start();
  const up = Date.now();
  await waitFor('readiness answers 200 again', async () => ((await readiness(base, 3000)).status === 200 ? true : undefined), 15_000, service.output);
  const resumeMs = Date.now() - up;
  const before = traffic.acknowledged.length;
  await waitFor('commands succeed again', async () => (traffic.acknowledged.length > before ? true : undefined), 15_000, service.output);
  const firstAfter = traffic.acknowledged[before]!.id;
  await waitFor('the projector applies new commands', async () => {
    const { rowCount } = await setup.query('SELECT 1 FROM public.roles WHERE id = $1', [firstAfter]);
    return rowCount === 1 ? true : undefined;
  }, 15_000, service.output);
  const projectedMs = Date.now() - up;
  await waitFor('commands keep succeeding', async () => (traffic.acknowledged.length >= before + 20 ? true : undefined), 15_000, service.output);
  await traffic.stop();
  process.stdout.write(
    `database outage: not ready after ${notReadyMs} ms, CPU ${(cpu * 100).toFixed(1)}% of a core while down, ready ${resumeMs} ms and projecting ${projectedMs} ms after the restart\n`,
  );

  expect(cpu).toBeLessThan(0.2);
  // While the server was down every command was refused as unavailable, promptly, never as a 500.
  const whileDown = refused.filter((a) => a.ended < up);
  expect(whileDown.length).toBeGreaterThan(0);
  expect(whileDown.filter((a) => a.status !== 503 || a.code !== 'database_unavailable' || a.retryAfter === null || a.ended - a.begun > 5000)).toEqual([]);

  // Every acknowledged command is in the log once and in the read table, and the table is the log.
  const streams = tenants.map((t) => companyStreamName(t.id));
  const events = async () =>
    (await setup.query<{ id: string; code: string }>(
      `SELECT data->>'roleId' AS id, data->>'code' AS code FROM event_log.events WHERE type = 'RoleDefined' AND stream_id = ANY($1) AND data->>'code' LIKE 'load.%'`,
      [streams],
    )).rows;
  const rows = async () =>
    (await setup.query<{ id: string; code: string }>(`SELECT id::text, code FROM public.roles WHERE company_id = ANY($1) AND code LIKE 'load.%'`, [tenants.map((t) => t.id)])).rows;
  const logged = await events();
  await waitFor('the projector catches up', async () => ((await rows()).length === logged.length ? true : undefined), 10_000, service.output);
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  expect((await rows()).sort(byId)).toEqual([...logged].sort(byId));
  expect(new Set(logged.map((e) => e.code)).size).toBe(logged.length);
  const loggedIds = new Set(logged.map((e) => e.id));
  expect(traffic.acknowledged.filter((a) => !loggedIds.has(a.id))).toEqual([]);
  // Read-your-writes works again: the waits behind X-Min-Position (their LISTEN connection) came back.
  const last = traffic.acknowledged[traffic.acknowledged.length - 1]!;
  const tenant = tenants[Number(last.code.split('.')[1])]!;
  const read = await fetch(`${base}/v1/roles/${last.id}`, { headers: { authorization: `Bearer ${tenant.token}`, 'x-min-position': last.position } });
  expect(read.status).toBe(200);

  service.child.kill('SIGTERM');
  const stopped = await untilExit(service, 5000);
  expect({ stopped, output: stopped !== 'still running' && stopped.exit === 0 ? '' : service.output() }).toEqual({
    stopped: { exit: 0, ms: expect.any(Number) },
    output: '',
  });
});

it('PostgreSQL frozen (it takes connections and never answers): readiness still answers 503 at once, and SIGTERM still ends the service', async () => {
  const { service, base } = await startService();
  cluster.freeze();
  try {
    const ready = await readiness(base, 5000).catch(() => ({ status: 0, body: 'no answer within 5 s', ms: 5000 }));
    expect({ status: ready.status, database: ready.body?.error?.database?.status, quick: ready.ms < 3500 }).toEqual({ status: 503, database: 'down', quick: true });
    service.child.kill('SIGTERM');
    const stopped = await untilExit(service, 5000);
    process.stdout.write(`database frozen: readiness answered in ${ready.ms} ms; SIGTERM exited after ${stopped === 'still running' ? 'more than 5000' : stopped.ms} ms\n`);
    expect(stopped).not.toBe('still running');
  } finally {
    cluster.thaw();
  }
});

it('SIGTERM while PostgreSQL is down and clients keep calling: the service exits within seconds', async () => {
  const { service, base } = await startService();
  const tenants = await Promise.all([company(), company()]);
  const traffic = load(base, tenants);
  await cluster.stop();
  await waitFor('readiness answers 503 naming the database', () => downNamingDatabase(base), 5000, service.output);
  await new Promise((resolve) => setTimeout(resolve, 1000));

  service.child.kill('SIGTERM');
  const stopped = await untilExit(service, 5000);
  await traffic.stop();
  process.stdout.write(`database outage: SIGTERM while down, exited after ${stopped === 'still running' ? 'more than 5000' : stopped.ms} ms\n`);
  expect(stopped).not.toBe('still running');
});
