import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { CLI, runCli } from '../cli/run-cli';
import { freePort } from '../support/free-port';
import { makeTempDir, removeTempDir } from '../support/temp-dir';

/** The README's first command, for real: the service on its embedded default, then Ctrl-C. */
let env: Record<string, string | undefined>;
let base: string;
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  removeTempDir(env?.DATA_DIR);
});

beforeAll(async () => {
  const dataDir = makeTempDir('vibot-service');
  const port = await freePort();
  env = {
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(await freePort()),
    DATABASE_URL: undefined,
    JWT_SECRET: undefined,
    API_DATABASE_PASSWORD: undefined,
    LOG_LEVEL: 'warn',
  };
  base = `http://127.0.0.1:${port}`;
});

function startService(): { child: ChildProcess; exited: Promise<number | string | null>; output: () => string } {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  // Its own process group, so a Ctrl-C can be sent the way a terminal does: to every process in it.
  const child = spawn(process.execPath, [CLI, 'start'], { env: merged, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return { child, exited, output: () => output };
}

async function ready(output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const answer = await fetch(`${base}/health/ready`).catch(() => undefined);
    if (answer?.status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`service did not become ready:\n${output()}`);
}

async function bootstrap(company: string): Promise<{ companyId: string; adminUserId: string; token: string }> {
  const run = await runCli(['bootstrap', '--company', company, '--admin-email', `admin@${company.toLowerCase()}.test`, '--json'], env);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

const call = (path: string, token: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

it('npm start: embedded PostgreSQL, migrations, API and projector; Ctrl-C stops it all; data survives a restart', async () => {
  const first = startService();
  await ready(first.output);
  expect(first.output()).toContain(`running at ${base}`);

  const acme = await bootstrap('Acme');
  const defined = await call('/v1/roles', acme.token, { method: 'POST', body: JSON.stringify({ code: 'auditor', name: 'Auditor', scope: 'global' }) });
  expect(defined.status).toBe(201);
  const answer = (await defined.json()) as { id: string; position: string };
  const listed = await call('/v1/roles', acme.token, { headers: { 'x-min-position': answer.position } });
  expect(listed.status).toBe(200);
  const codes = ((await listed.json()) as { items: { code: string }[] }).items.map((r) => r.code).sort();
  expect(codes).toEqual(['Vibot.admin', 'Vibot.auditor', 'auditor']);

  // The CLI answers without a position: wait until Globex's own admin role is projected.
  const other = await bootstrap('Globex');
  let theirCodes: string[] = [];
  for (let i = 0; i < 100 && theirCodes.length === 0; i++) {
    const theirs = await call('/v1/roles', other.token);
    theirCodes = ((await theirs.json()) as { items: { code: string }[] }).items.map((r) => r.code);
    if (theirCodes.length === 0) await new Promise((r) => setTimeout(r, 50));
  }
  expect(theirCodes.sort()).toEqual(['Vibot.admin', 'Vibot.auditor']);
  expect((await call(`/v1/roles/${answer.id}`, other.token)).status).toBe(404);

  const { url } = JSON.parse((await runCli(['db-url', '--json'], env)).stdout) as { url: string };
  process.kill(-first.child.pid!, 'SIGINT');
  const firstCode = await first.exited;
  expect({ code: firstCode, output: firstCode === 0 ? '' : first.output() }).toEqual({ code: 0, output: '' });
  const probe = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  await expect(probe.connect()).rejects.toThrow();
  await probe.end().catch(() => undefined);

  const second = startService();
  await ready(second.output);
  const again = await call(`/v1/roles/${answer.id}`, acme.token);
  expect(again.status).toBe(200);
  expect(((await again.json()) as { code: string }).code).toBe('auditor');
  second.child.kill('SIGTERM');
  const code = await second.exited;
  expect({ code, output: code === 0 ? '' : second.output() }).toEqual({ code: 0, output: '' });
});
