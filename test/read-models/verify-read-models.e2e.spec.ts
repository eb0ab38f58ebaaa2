import { companyStreamName } from '#domain';
import { newCommandContext, toEnvelopes } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { ALL_PROJECTIONS, type Projector, startProjector } from '#infra/projections/projector';
import { verifyReadModels } from '#infra/read-models/verify-read-models';
import { runCli } from '../cli/run-cli';
import { appendHistory, type CompanyHistory, registered, simulateCompany } from '../support/company-history';
import { waitForProjection } from '../support/projection-wait';
import { makeTempDir, removeTempDir } from '../support/temp-dir';
import { requestHistory } from '../support/request-history';
import { dumpTables, READ_TABLES } from '../support/table-dump';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_API_PASSWORD, TEST_JWT_SECRET } from '../support/test-settings';

describe('verify-read-models and the rebuild and as-of commands', () => {
  let db: TestDatabase;
  let log: PostgresEventLog;
  let projector: Projector;
  let acme: CompanyHistory;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.ownerUrl, API_DATABASE_PASSWORD: TEST_API_PASSWORD, JWT_SECRET: TEST_JWT_SECRET, DATA_DIR: makeTempDir('vibot-rm'), LOG_LEVEL: 'silent' };
    log = new PostgresEventLog(db.owner, { pollIntervalMs: 50 });
    projector = startProjector({ ownerPool: db.owner, log });
    acme = simulateCompany({ users: 8, roles: 5, updatesPerRole: 2 });
    await appendHistory(log, acme);
    await appendHistory(log, simulateCompany({ users: 3, roles: 2, updatesPerRole: 1 }));
    // Requests that end every way a request can, each command in its own transaction.
    const requests = requestHistory();
    let expected: bigint | 'no_stream' = 'no_stream';
    for (const batch of requests.batches.filter((b) => b.length > 0)) {
      const context = newCommandContext({ kind: 'service', service: 'seed' }, { companyId: requests.companyId });
      expected = (await log.append(companyStreamName(requests.companyId), toEnvelopes(batch, context), { expected })).nextRevision;
    }
    await waitForProjection(db.owner);
  });

  afterAll(async () => {
    await projector.stop();
    await db.drop();
    removeTempDir(env?.DATA_DIR);
  });

  it('an untouched read side equals a fresh replay, table by table', async () => {
    const result = await verifyReadModels(db.owner, log, ALL_PROJECTIONS[0]!);
    expect(result.differences).toEqual([]);
    expect(result.tables.map((t) => t.table)).toEqual(READ_TABLES);
    for (const t of result.tables) expect(t.replayRows).toBe(t.liveRows);
    expect(result.tables.find((t) => t.table === 'permission_change_requests')!.liveRows).toBe(6);
    const cli = await runCli(['verify-read-models'], env);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/9 tables, \d+ rows, 0 differences/);
    expect(cli.stderr).toMatch(/final: .*done/);
    expect((await db.owner.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'vibot_verify%'")).rows).toEqual([]);
  });

  it('a row altered by hand is reported with its table, key and differing columns; rebuild repairs it', async () => {
    const role = [...registered(acme).roles.values()].find((r) => !r.builtIn)!;
    const [userId, roleIds] = [...registered(acme).assignments.entries()].find(([user]) => user !== acme.adminUserId)!;
    const roleId = [...roleIds][0]!;
    await db.owner.query("UPDATE roles SET name = 'Tampered', scope = 'project:x' WHERE id = $1", [role.roleId]);
    await db.owner.query('DELETE FROM user_roles WHERE user_id = $1 AND role_id = $2', [userId, roleId]);

    const cli = await runCli(['verify-read-models', '--json'], env);
    expect(cli.code).toBe(1);
    const report = JSON.parse(cli.stdout) as { differences: number; results: { differences: unknown[] }[] };
    expect(report.differences).toBe(2);
    expect(report.results[0]!.differences).toEqual([
      { table: 'roles', key: { id: role.roleId }, kind: 'differs', columns: ['name', 'scope'] },
      { table: 'user_roles', key: { user_id: userId, role_id: roleId }, kind: 'missing', columns: [] },
    ]);
    const human = await runCli(['verify-read-models'], env);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`DIFF roles id=${role.roleId}: columns name, scope`);
    expect(human.stdout).toMatch(/roles\s+\d+ live rows\s+\d+ replayed\s+1 different/);

    const rebuild = await runCli(['rebuild'], env);
    expect(rebuild.code).toBe(0);
    expect(rebuild.stdout).toMatch(/rebuilt company: 9 tables, \d+ events replayed in [\d.]+ s, swapped in at position \d+\/\d+/);
    // Not a terminal: plain progress lines, no carriage returns.
    expect(rebuild.stderr).toMatch(/^final: [\d,]+\/[\d,]+ events\s+[\d,]+ events\/s\s+done$/m);
    expect(rebuild.stderr).not.toContain('\r');
    expect((await runCli(['verify-read-models'], env)).code).toBe(0);
  });

  it('as-of by CLI: a schema built at a position, refusals for bad input', async () => {
    const checkpoint = (await db.owner.query<{ p: string }>("SELECT commit_position || '/' || prepare_position AS p FROM projection_checkpoints WHERE name = 'company'")).rows[0]!.p;
    const run = await runCli(['as-of', '--at', checkpoint, '--schema', 'audit_now', '--json'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ schema: 'audit_now', position: checkpoint });
    expect(await dumpTables(db.owner, 'audit_now')).toEqual(await dumpTables(db.owner));
    expect((await runCli(['as-of', '--at', 'yesterday', '--schema', 'x'], env)).code).toBe(2);
    expect((await runCli(['as-of', '--at', checkpoint], env)).stderr).toContain('missing --schema');
    const again = await runCli(['as-of', '--at', checkpoint, '--schema', 'audit_now'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('pass --replace');
    expect((await runCli(['as-of', '--at', checkpoint, '--schema', 'audit_now', '--replace'], env)).code).toBe(0);
    expect((await runCli(['rebuild', 'nonsense'], env)).stderr).toContain('no projection named nonsense');
  });
});
