import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { isAlive } from '#infra/database/cluster-ownership';
import { runCli } from '../cli/run-cli';
import { freePort } from '../support/free-port';
import { embeddedServiceEnv as serviceEnv, killServices, processesOn, readiness, scratchDir, spawnService, untilExit, waitFor } from '../support/service-process';

/**
 * The embedded PostgreSQL outliving its service (issue 11, defect 8): a service killed with
 * SIGKILL leaves its PostgreSQL running; the next `npm start` must notice, stop it and run its
 * own, whose Ctrl-C then leaves nothing behind. A port some other program holds must be said so.
 */
const scratch: { remove: () => Promise<void> }[] = [];
let server: Server | undefined;

afterAll(async () => {
  killServices();
  server?.close();
  for (const dir of scratch) await dir.remove();
});

const postmasterPid = (dataDir: string): number => Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
const parentOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);

async function ready(base: string, output: () => string): Promise<void> {
  await waitFor('the service answers ready', async () => ((await readiness(base)).status === 200 ? true : undefined), 60_000, output);
}

it('after a SIGKILL the next start stops the stale PostgreSQL, says so, runs, and its Ctrl-C leaves nothing running', async () => {
  const dir = scratchDir('vibot-stale');
  scratch.push(dir);
  const env = await serviceEnv(dir.path);
  const base = `http://127.0.0.1:${env.PORT}`;

  const first = spawnService(env);
  await ready(base, first.output);
  const orphan = postmasterPid(dir.path);
  // Only the service, as `kill -9 <pid>` does: its PostgreSQL is not told.
  process.kill(first.pid, 'SIGKILL');
  await first.exited;
  expect(isAlive(orphan)).toBe(true);
  expect(parentOf(orphan)).not.toBe(first.pid);

  const second = spawnService(env);
  await ready(base, second.output);
  expect(second.output()).toContain(`stopped a stale PostgreSQL (pid ${orphan})`);
  expect(isAlive(orphan)).toBe(false);
  const own = postmasterPid(dir.path);
  expect(parentOf(own)).toBe(second.pid);

  // The CLI beside the service joins its cluster and leaves it running.
  const bootstrap = await runCli(['bootstrap', '--company', 'Stale Co', '--admin-email', 'admin@stale.test', '--json'], env);
  expect({ code: bootstrap.code, stderr: bootstrap.code === 0 ? '' : bootstrap.stderr }).toEqual({ code: 0, stderr: '' });
  expect((await readiness(base)).status).toBe(200);

  // A second service on the same data directory is refused, and the first one is left alone.
  const intruder = spawnService({ ...env, PORT: String(await freePort()) });
  const refused = await untilExit(intruder, 30_000);
  expect(refused).not.toBe('still running');
  expect(refused).not.toMatchObject({ exit: 0 });
  expect(intruder.output()).toContain(`another service (pid ${second.pid}) is running on ${dir.path}`);
  expect(isAlive(own)).toBe(true);
  expect((await readiness(base)).status).toBe(200);

  // Ctrl-C, the way a terminal sends it: to the service and its PostgreSQL.
  process.kill(-second.pid, 'SIGINT');
  const stopped = await untilExit(second, 10_000);
  expect({ stopped, output: stopped !== 'still running' && stopped.exit === 0 ? '' : second.output() }).toEqual({
    stopped: { exit: 0, ms: expect.any(Number) },
    output: '',
  });
  expect(processesOn(join(dir.path, 'pg'))).toEqual([]);
  expect(isAlive(own)).toBe(false);
  expect(existsSync(join(dir.path, 'service.pid'))).toBe(false);
});

it('a port held by another program: one clear line naming it and EMBEDDED_PG_PORT, no TypeError, nothing left running', async () => {
  const dir = scratchDir('vibot-busy');
  scratch.push(dir);
  const env = await serviceEnv(dir.path);
  const port = Number(env.EMBEDDED_PG_PORT);
  // A program that accepts connections and says nothing, as a stray server or tunnel does.
  server = createServer(() => undefined);
  await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));

  const service = spawnService(env);
  const ended = await untilExit(service, 30_000);
  expect(ended).toMatchObject({ exit: 2 });
  const output = service.output();
  expect(output).not.toContain('TypeError');
  expect(output.trim().split('\n')).toEqual([expect.stringContaining(`port ${port} is in use by another program; set EMBEDDED_PG_PORT to a free port`)]);
  expect(processesOn(dir.path)).toEqual([]);
  expect(existsSync(join(dir.path, 'service.pid'))).toBe(false);
});
