import { removeTempDir } from '../support/temp-dir';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { cliEnv, runCli } from './run-cli';

/** Issue 11, defect 7: `bootstrap` run twice (a retried script) must not make a second company silently. */
let db: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  env = cliEnv(db, 'vibot-cli-dup');
});
afterAll(async () => {
  await db?.drop();
  removeTempDir(env?.DATA_DIR);
});

const events = async (): Promise<number> => (await db.owner.query<{ n: number }>('SELECT count(*)::int AS n FROM event_log.events')).rows[0]!.n;
const registered = async (): Promise<string[]> =>
  (await db.owner.query<{ id: string }>(`SELECT data ->> 'companyId' AS id FROM event_log.events WHERE type = 'CompanyRegistered' ORDER BY global_position`)).rows.map((r) => r.id);
const bootstrap = (company: string, email: string, ...more: string[]) => runCli(['bootstrap', '--company', company, '--admin-email', email, ...more], env);

describe('bootstrap twice with the same company name and admin email', () => {
  it('is refused (one line, exit 2, nothing written), whatever the case or spaces, and accepted with --allow-duplicate', async () => {
    const first = await bootstrap('Initech', 'boss@initech.test', '--json');
    expect(first.code).toBe(0);
    const { companyId } = JSON.parse(first.stdout);
    const before = await events();

    for (const [name, email] of [['Initech', 'boss@initech.test'], ['  initech ', ' BOSS@Initech.test']] as const) {
      const again = await bootstrap(name, email);
      expect({ code: again.code, stdout: again.stdout }).toEqual({ code: 2, stdout: '' });
      expect(again.stderr).toBe(`error: company "${name.trim()}" with admin boss@initech.test exists already (${companyId}); pass --allow-duplicate to create another\n`);
    }
    const json = await bootstrap('INITECH', 'boss@initech.test', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ error: expect.stringContaining(companyId), code: 'duplicate_company' });
    expect(json.stderr).toBe('');
    expect(await events()).toBe(before);

    const allowed = await bootstrap('Initech', 'boss@initech.test', '--allow-duplicate', '--json');
    expect(allowed.code).toBe(0);
    const second = JSON.parse(allowed.stdout).companyId;
    expect(second).not.toBe(companyId);
    expect(await registered()).toEqual([companyId, second]);
  });

  it('another company name, or the same name with another admin, is no duplicate', async () => {
    expect((await bootstrap('Hooli', 'gavin@hooli.test')).code).toBe(0);
    expect((await bootstrap('Hooli', 'richard@hooli.test')).code).toBe(0);
    expect((await bootstrap('Hooli XYZ', 'gavin@hooli.test')).code).toBe(0);
    expect((await bootstrap('Hooli', 'gavin@hooli.test')).stderr).toContain('exists already');
  });

  it('two bootstraps at once: exactly one company, the other refused', async () => {
    const runs = await Promise.all([bootstrap('Pied Piper', 'r@pp.test', '--json'), bootstrap('Pied Piper', 'r@pp.test', '--json')]);
    expect(runs.map((r) => r.code).sort()).toEqual([0, 2]);
    const refused = runs.find((r) => r.code === 2)!;
    expect(JSON.parse(refused.stdout).code).toBe('duplicate_company');
    const { rows } = await db.owner.query(`SELECT count(*)::int AS n FROM event_log.events WHERE type = 'CompanyRegistered' AND data ->> 'name' = 'Pied Piper'`);
    expect(rows[0].n).toBe(1);
  });
});
