import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '#infra/database/cluster-ownership';
import { cpuShare, embeddedServiceEnv, killServices, processesOn, readiness, scratchDir, spawnService, untilExit, waitFor } from '../support/service-process';

/**
 * The issue's own case (issue 11, defect 9): `npm start` on its embedded PostgreSQL, and that
 * PostgreSQL stopped under it (`pg_ctl stop -m fast`, i.e. SIGINT to the postmaster). The service
 * says it is not ready, idles, and a SIGTERM ends it at once, cleanly, instead of never.
 */
const dir = scratchDir('vibot-embedded-outage');

afterAll(async () => {
  killServices();
  await dir.remove();
});

it('its embedded PostgreSQL stopped under it: 503 naming the database, little CPU, and SIGTERM exits 0 within seconds', async () => {
  const env = await embeddedServiceEnv(dir.path);
  const base = `http://127.0.0.1:${env.PORT}`;
  const service = spawnService(env);
  await waitFor('the service answers ready', async () => ((await readiness(base)).status === 200 ? true : undefined), 60_000, service.output);

  const postmaster = Number(readFileSync(join(dir.path, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(postmaster, 'SIGINT');
  await waitFor('PostgreSQL is gone', async () => (isAlive(postmaster) ? undefined : true), 30_000);
  await waitFor(
    'readiness answers 503 naming the database',
    async () => {
      const ready = await readiness(base, 3000);
      return ready.status === 503 && ready.body?.error?.database?.status === 'down' ? true : undefined;
    },
    5000,
    service.output,
  );
  const cpu = await cpuShare(service.pid, 2000);

  service.child.kill('SIGTERM');
  const stopped = await untilExit(service, 5000);
  process.stdout.write(`embedded PostgreSQL stopped: CPU ${(cpu * 100).toFixed(1)}% of a core; SIGTERM exited after ${stopped === 'still running' ? 'more than 5000' : stopped.ms} ms\n`);
  expect(cpu).toBeLessThan(0.2);
  expect({ stopped, output: stopped !== 'still running' && stopped.exit === 0 ? '' : service.output() }).toEqual({
    stopped: { exit: 0, ms: expect.any(Number) },
    output: '',
  });
  expect(processesOn(join(dir.path, 'pg'))).toEqual([]);
  expect(existsSync(join(dir.path, 'service.pid'))).toBe(false);
});
