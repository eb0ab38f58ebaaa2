import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { appendHistory, simulateCompany, type CompanyHistory } from '../support/company-history';
import { expectedReadModel, readModelOf } from '../support/read-model-snapshot';
import { waitForProjection } from '../support/projection-wait';
import { makeTempDir, removeTempDir } from '../support/temp-dir';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_API_PASSWORD, TEST_JWT_SECRET } from '../support/test-settings';

const PROJECTOR = join(__dirname, '../../dist/apps/projector/src/main.js');

let db: TestDatabase;
const dataDir = makeTempDir('vibot-projector');
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  removeTempDir(dataDir);
});

function startProjectorProcess(): ChildProcess {
  if (!existsSync(PROJECTOR)) throw new Error(`${PROJECTOR} is missing: npm test builds it first (npm run build)`);
  return spawn(process.execPath, [PROJECTOR], {
    env: {
      ...process.env,
      DATABASE_URL: db.ownerUrl,
      API_DATABASE_PASSWORD: TEST_API_PASSWORD,
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      PROJECTOR_BATCH_SIZE: '10',
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
}

const exited = (child: ChildProcess): Promise<NodeJS.Signals | number | null> =>
  new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));

async function eventsApplied(): Promise<number> {
  const { rows } = await db.owner.query(`SELECT events_applied::int AS n FROM projection_checkpoints WHERE name = 'company'`);
  return rows[0]?.n ?? 0;
}

it('a projector killed with SIGKILL mid catch-up resumes and loses nothing, applies nothing twice', async () => {
  const log = new PostgresEventLog(db.owner);
  const histories: CompanyHistory[] = Array.from({ length: 100 }, () => simulateCompany({ users: 5, roles: 8, updatesPerRole: 3 }));
  for (const history of histories) await appendHistory(log, history);
  const total = histories.reduce((n, h) => n + h.events.length, 0);
  expect(total).toBeGreaterThan(4000);

  const first = startProjectorProcess();
  const firstExit = exited(first);
  let atKill = 0;
  // Kill as soon as it is well into the catch-up (batches of 10: hundreds of transactions remain).
  const deadline = Date.now() + 60_000;
  while (atKill < 100 && Date.now() < deadline) {
    atKill = await eventsApplied();
    await new Promise((r) => setTimeout(r, 5));
  }
  first.kill('SIGKILL');
  expect(await firstExit).toBe('SIGKILL');
  expect(atKill).toBeGreaterThan(0);
  expect(await eventsApplied()).toBeLessThan(total);

  const second = startProjectorProcess();
  const secondExit = exited(second);
  const checkpoint = await waitForProjection(db.owner, undefined, 'company', 60_000);
  second.kill('SIGTERM');
  expect(await secondExit).toBe(0);

  expect(checkpoint.eventsApplied).toBe(BigInt(total));
  const companyIds = histories.map((h) => h.companyId);
  expect(await readModelOf(db.owner, companyIds)).toEqual(expectedReadModel(histories.map((h) => h.state)));
});
