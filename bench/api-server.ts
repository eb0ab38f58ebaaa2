import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { BenchDatabase } from './bench-database';
import type { LagPlan, LagResult, LoadPlan, LoadResult } from './http-loader';

export type ApiServer = Readonly<{ base: string; stop: () => Promise<void> }>;

const API_MAIN = join(__dirname, '../apps/api/src/main.js');
const PROJECTOR_MAIN = join(__dirname, '../apps/projector/src/main.js');
const LOADER = join(__dirname, 'http-loader.js');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The bench's own settings for the API process: the same for every start in one run. */
export function apiEnvironment(database: BenchDatabase): Record<string, string> {
  return {
    DATABASE_URL: database.ownerUrl,
    API_DATABASE_URL: database.apiUrl,
    API_DATABASE_PASSWORD: 'unused-api-url-given',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    MASTER_KEY: randomBytes(32).toString('base64'),
    // Request logs at info would be the loudest cost here; production may choose either.
    LOG_LEVEL: 'warn',
  };
}

/**
 * `npm run start:api`, as its own process, as production runs it. BENCH_API_NODE_ARGS adds
 * Node flags to it, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to find where a figure goes.
 */
export async function startApi(env: Record<string, string>): Promise<ApiServer> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, API_MAIN], {
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if ((await fetch(`${base}/health/live`).catch(() => undefined))?.status === 200) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the API process did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    base,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `npm run start:projector`, as its own process; stopped with SIGTERM like production stops it. */
export async function startProjectorProcess(env: Record<string, string>): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [PROJECTOR_MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs the HTTP load (or the lag probe) from a separate process and returns what it measured. */
export function load(plan: LoadPlan): Promise<LoadResult>;
export function load(plan: LagPlan): Promise<LagResult>;
export function load(plan: LoadPlan | LagPlan): Promise<LoadResult | LagResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [LOADER, JSON.stringify(plan)], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`loader failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as LoadResult | LagResult);
    });
  });
}
