import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { COMMANDS } from '../../apps/cli/src/cli-arguments';
import { freePort } from '../support/free-port';
import { removeTempDir } from '../support/temp-dir';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { type CliRun, cliEnv, runCli } from './run-cli';

/**
 * Issue 11, defect 7: every CLI error is one line (one JSON object with --json), with no stack
 * and no usage text, and exit 2, whatever the command and whatever went wrong.
 */
let db: TestDatabase;
let env: Record<string, string>;
let admin: { companyId: string; adminUserId: string };
const nobody = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase();
  env = cliEnv(db, 'vibot-cli-errors');
  const boot = await runCli(['bootstrap', '--company', 'Refusals', '--admin-email', 'r@r.test', '--json'], env);
  expect(boot.code).toBe(0);
  admin = JSON.parse(boot.stdout);
});
afterAll(async () => {
  await db?.drop();
  removeTempDir(env?.DATA_DIR);
});

const STACK = /^\s+at /m;

/** The contract of an error, with and without --json; `code` is the JSON code expected. */
function expectOneError(run: CliRun, json: boolean, code?: string, says?: string): void {
  const detail = JSON.stringify(run);
  expect({ exit: run.code, detail }).toEqual({ exit: 2, detail });
  const out = json ? run.stdout : run.stderr;
  expect(json ? run.stderr : run.stdout).toBe('');
  expect(out.endsWith('\n')).toBe(true);
  expect(out.trimEnd().split('\n')).toHaveLength(1);
  expect(out).not.toMatch(STACK);
  expect(out).not.toContain('usage:');
  if (json) {
    const parsed = JSON.parse(out) as { error: unknown; code: unknown };
    expect(typeof parsed.error).toBe('string');
    expect(typeof parsed.code).toBe('string');
    if (code !== undefined) expect(parsed.code).toBe(code);
    if (says !== undefined) expect(parsed.error).toContain(says);
  } else {
    expect(out).toMatch(/^error: \S/);
    if (says !== undefined) expect(out).toContain(says);
  }
}

/** Each case twice, without and with --json, titled for Jest's `$title`. */
const withAndWithoutJson = <T extends object>(cases: T[], title: (c: T) => string): (T & { json: boolean; title: string })[] =>
  cases.flatMap((c) => [false, true].map((json) => ({ ...c, json, title: `${title(c)}${json ? ' --json' : ''}` })));
const COMMAND_NAMES = Object.keys(COMMANDS);
const ALL_FLAGS = [...new Set(Object.values(COMMANDS).flatMap((spec) => spec.flags))];

describe('(a) an unknown flag, on every command', () => {
  it.each(withAndWithoutJson(COMMAND_NAMES.map((command) => ({ command })), (c) => `${c.command} --no-such-flag`))('$title', async ({ command, json }) => {
    const run = await runCli([command, '--no-such-flag', ...(json ? ['--json'] : [])], env);
    expectOneError(run, json, 'usage', "unknown option '--no-such-flag'");
  });

  // A flag another command takes is not silently ignored either (nothing is written with it).
  const foreign = COMMAND_NAMES.map((command) => ({ command, flag: ALL_FLAGS.find((flag) => !COMMANDS[command]!.flags.includes(flag))! }));
  it.each(withAndWithoutJson(foreign, (c) => `${c.command} --${c.flag} (another command's flag)`))('$title', async ({ command, flag, json }) => {
    const value = ['replace', 'allow-duplicate'].includes(flag) ? [] : ['x'];
    const run = await runCli([command, `--${flag}`, ...value, ...(json ? ['--json'] : [])], env);
    expectOneError(run, json, 'usage', `${command} does not take --${flag}`);
  });
});

/** Every command with a required flag or argument, called without it; null where none is required. */
const MISSING: Readonly<Record<string, readonly [string[], string] | null>> = {
  start: null,
  bootstrap: [['--company', 'NoEmail'], 'missing --admin-email'],
  token: [[], 'missing --user'],
  'db-url': null,
  grant: [['--user', nobody, '--role', 'Vibot.admin'], 'missing --reason'],
  revoke: [['--user', nobody, '--reason', 'r'], 'missing --role'],
  'shred-keys': [['--company', nobody], 'missing --reason'],
  'verify-log': null,
  'verify-export': [[], 'missing <file>'],
  'as-of': [['--schema', 'then'], 'missing --at'],
  rebuild: null,
  'verify-read-models': null,
  projections: null,
  'skip-event': [['--projection', 'p'], 'missing --reason'],
  help: null,
};

describe('(b) a missing required flag', () => {
  it('the table names every command', () => expect(Object.keys(MISSING).sort()).toEqual([...COMMAND_NAMES].sort()));

  const cases = Object.entries(MISSING).flatMap(([command, spec]) => (spec ? [{ command, args: spec[0], says: spec[1] }] : []));
  it.each(withAndWithoutJson(cases, (c) => `${c.command} ${c.args.join(' ')}: ${c.says}`))('$title', async ({ command, args, says, json }) => {
    expectOneError(await runCli([command, ...args, ...(json ? ['--json'] : [])], env), json, 'usage', says);
  });

  const valueless = [{ args: ['bootstrap', '--company'] }, { args: ['grant', '--user', nobody, '--role', 'x', '--reason'] }];
  it.each(withAndWithoutJson(valueless, (c) => `a flag without its value: ${c.args.join(' ')}`))('$title', async ({ args, json }) => {
    expectOneError(await runCli([...args, ...(json ? ['--json'] : [])], env), json, 'usage', 'needs a value');
  });
});

describe('(c) refusals by the domain and by the CLI, and failures below them', () => {
  const grant = (user: () => string, role: string): (() => string[]) => () => ['grant', '--user', user(), '--role', role, '--reason', 'test'];
  const revoke = (user: () => string, role: string): (() => string[]) => () => ['revoke', '--user', user(), '--role', role, '--reason', 'test'];
  const me = (): string => admin.adminUserId;
  const table: [string, () => string[], string, string][] = [
    ['grant a role the user already has', grant(me, 'Vibot.admin'), 'already_granted', 'already holds this role'],
    ['revoke a role the user lacks', revoke(me, 'Vibot.auditor'), 'not_granted', 'does not hold this role'],
    ['revoke the last administrator', revoke(me, 'Vibot.admin'), 'last_admin', 'last administrator'],
    ['grant an unknown role', grant(me, 'ops.viewer'), 'role_not_found', 'no role ops.viewer in company'],
    ['grant to an unknown user', grant(() => nobody, 'Vibot.admin'), 'user_not_found', `no user ${nobody}`],
    ['revoke from an unknown user', revoke(() => nobody, 'Vibot.admin'), 'user_not_found', `no user ${nobody}`],
    ['a token for an unknown user', () => ['token', '--user', nobody], 'user_not_found', 'no user'],
    ['a token for longer than 30 days', () => ['token', '--user', me(), '--ttl', '31d'], 'usage', '--ttl must be between'],
    ['shred-keys with a company that is no uuid', () => ['shred-keys', '--company', 'acme', '--reason', 'r'], 'usage', 'uuid'],
    ['as-of at no time', () => ['as-of', '--at', 'yesterday', '--schema', 'then'], 'usage', '--at must be'],
    ['rebuild an unknown projection', () => ['rebuild', 'nope'], 'projection_not_found', 'no projection named nope'],
    ['skip-event on an unknown projection', () => ['skip-event', '--projection', 'nope', '--reason', 'r'], 'projection_not_found', 'no projection named nope'],
    ['verify-export of a directory', () => ['verify-export', tmpdir()], 'usage', 'not a file'],
    ['an unknown command', () => ['frobnicate'], 'usage', 'unknown command "frobnicate"; see --help'],
    ['no command at all', () => [], 'usage', 'no command given; see --help'],
    ['a second positional argument', () => ['bootstrap', '--company', 'Acme', 'Corp', '--admin-email', 'a@a.test'], 'usage', 'unexpected argument "Corp"'],
  ];
  const cases = table.map(([what, args, code, says]) => ({ what, args, code, says }));
  it.each(withAndWithoutJson(cases, (c) => c.what))('$title', async ({ args, code, says, json }) => {
    expectOneError(await runCli([...args(), ...(json ? ['--json'] : [])], env), json, code, says);
  });

  it.each([false, true])('a database that does not answer is one line too (json: %s)', async (json) => {
    const closed = `postgresql://nobody:nothing@127.0.0.1:${await freePort()}/vibot`;
    const run = await runCli(['projections', ...(json ? ['--json'] : [])], { ...env, DATABASE_URL: closed });
    expectOneError(run, json, 'system_error', 'ECONNREFUSED');
  });

  it.each([false, true])('a database that refuses the login is one line naming the SQLSTATE (json: %s)', async (json) => {
    const wrong = new URL(db.ownerUrl);
    wrong.password = 'not-the-password';
    const run = await runCli(['verify-log', ...(json ? ['--json'] : [])], { ...env, DATABASE_URL: wrong.toString() });
    expectOneError(run, json, 'database_error', 'SQLSTATE 28P01');
  });

  it('a refusal writes nothing: the log is as it was', async () => {
    const count = async (): Promise<number> => (await db.owner.query<{ n: number }>('SELECT count(*)::int AS n FROM event_log.events')).rows[0]!.n;
    const before = await count();
    expect((await runCli(grant(me, 'Vibot.admin')(), env)).code).toBe(2);
    expect((await runCli(revoke(me, 'Vibot.admin')(), env)).code).toBe(2);
    expect(await count()).toBe(before);
  });
});

describe('the usage text goes with --help only', () => {
  it.each([[['--help']], [['-h']], [['help']], [['bootstrap', '--help']], [['--help', '--no-such-flag']], [['grant', '-h', '--json']]])('%j prints it on stdout, exit 0', async (args) => {
    const run = await runCli(args, env);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^usage: npm run cli -- <command> \[options\]\n/);
    for (const command of COMMAND_NAMES) expect(run.stdout).toContain(`  ${command}`);
    expect(run.stdout).toContain('--allow-duplicate');
  });
});
