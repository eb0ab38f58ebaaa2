import { randomUUID } from 'node:crypto';
import { companyStreamName } from '#domain';
import { mintToken } from '#infra/auth/tokens';
import { companies } from '#infra/commands/aggregates';
import { newCommandContext } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { comparePositions } from '#infra/event-log/position';
import { readCheckpoint } from '#infra/projections/checkpoints';
import { type Projector, startProjector } from '#infra/projections/projector';
import { createDb } from '#infra/database/database';
import { type ApiProcess, request, startApiProcess } from '../support/api-process';
import { runCommand } from '../support/run-command';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_JWT_SECRET } from '../support/test-settings';

/**
 * Read-your-writes while other clients keep writing: the read side must follow the log within
 * a bound, not fall seconds behind (as it did when the projector's wake-ups were lost and its
 * batches waited behind open transactions). The API is its own process; the projector polls
 * only once a second, so it keeps up on notifications or not at all.
 */
const BOUND_MS = 1000;
const jwt = { secret: TEST_JWT_SECRET, jwksUrl: undefined, issuer: 'vibot-access', audience: 'authenticated', algorithms: ['HS256'] };

let db: TestDatabase;
let log: PostgresEventLog;
let api: ApiProcess;
let projector: Projector;

async function company(): Promise<string> {
  const ids = { companyId: randomUUID(), adminUserId: randomUUID(), adminRoleId: randomUUID(), auditorRoleId: randomUUID() };
  const service = { kind: 'service', service: 'e2e' } as const;
  await runCommand(log, companies, companyStreamName(ids.companyId), {
    type: 'RegisterCompany',
    data: { ...ids, name: 'Busy Co', adminEmail: `admin-${ids.companyId.slice(0, 8)}@example.com`, adminDisplayName: null },
    metadata: { actor: service, now: new Date().toISOString() },
  }, newCommandContext(service, { companyId: ids.companyId }));
  return mintToken(jwt, { userId: ids.adminUserId, companyId: ids.companyId }, '10m');
}

beforeAll(async () => {
  db = await createTestDatabase();
  log = new PostgresEventLog(db.owner);
  projector = startProjector({ ownerPool: db.owner, log: new PostgresEventLog(db.owner, { pollIntervalMs: 1000 }) });
  api = await startApiProcess(db, { MIN_POSITION_WAIT_MS: '3000' });
});
afterAll(async () => {
  await api?.stop();
  await projector?.stop();
  await log?.close();
  await db.drop();
});

const defineRole = (token: string, code: string) => request(api.base, 'POST', '/v1/roles', { token, body: { code, name: code } });

it(`keeps every write visible within ${BOUND_MS} ms while four other clients write`, async () => {
  const [probe, ...others] = await Promise.all(Array.from({ length: 5 }, company));
  let writing = true;
  let background = 0;
  // Four clients, each about 25 commands a second: paced, so the probe measures lag, not a queue.
  const load = others.map(async (token, client) => {
    for (let n = 0; writing; n++) {
      const started = Date.now();
      const answer = await defineRole(token, `load.${client}.${n}`);
      expect(answer.status).toBe(201);
      background += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 40 - (Date.now() - started))));
    }
  });

  const lags: number[] = [];
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (let n = 0; n < 40; n++) {
    const created = await defineRole(probe!, `probe.${n}`);
    expect(created.status).toBe(201);
    const answered = Date.now();
    const read = await request(api.base, 'GET', `/v1/roles/${created.body.id}`, { token: probe, headers: { 'x-min-position': created.body.position } });
    expect(read.status).toBe(200);
    lags.push(Date.now() - answered);
  }
  writing = false;
  await Promise.all(load);

  lags.sort((a, b) => a - b);
  expect(background).toBeGreaterThan(100);
  expect(lags[lags.length - 1]).toBeLessThan(BOUND_MS);

  // And once the writers stop, the checkpoint reaches the log's head without waiting for a poll.
  const head = await log.headPosition();
  const deadline = Date.now() + BOUND_MS;
  const owner = createDb(db.owner);
  for (;;) {
    const checkpoint = await readCheckpoint(owner, 'company');
    if (checkpoint && comparePositions(checkpoint.position, head) >= 0) break;
    expect(Date.now()).toBeLessThan(deadline);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
});
