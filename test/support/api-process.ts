import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port';
import type { TestDatabase } from './test-database';
import { TEST_API_PASSWORD, TEST_JWT_SECRET } from './test-settings';

const MAIN = join(__dirname, '../../dist/apps/api/src/main.js');

export type ApiProcess = Readonly<{
  base: string;
  child: ChildProcess;
  output: () => string;
  /** SIGKILL: no shutdown hook runs, as when a machine dies. */
  kill: () => Promise<void>;
  stop: () => Promise<void>;
}>;

/**
 * The built API (`npm run start:api`) as its own OS process on the test's database: its own
 * state cache, its own pool, killed for real when a test needs a crash.
 */
export async function startApiProcess(db: TestDatabase, env: Record<string, string> = {}): Promise<ApiProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: npm test builds it first (npm run build)`);
  const port = await freePort();
  const merged: Record<string, string> = {};
  const settings = {
    DATABASE_URL: db.ownerUrl,
    API_DATABASE_URL: db.apiUrl,
    API_DATABASE_PASSWORD: TEST_API_PASSWORD,
    JWT_SECRET: TEST_JWT_SECRET,
    JWKS_URL: '',
    JWT_ALGORITHMS: 'HS256',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...env,
  };
  for (const [key, value] of Object.entries({ ...process.env, ...settings })) if (value !== undefined) merged[key] = value;
  const child = spawn(process.execPath, [MAIN], { env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const live = await fetch(`${base}/health/live`).catch(() => undefined);
    if (live?.status === 200) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the API process did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { base, child, output: () => output, kill: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}

export type HttpAnswer = Readonly<{ status: number; body: any; headers: Headers }>;

/** One real HTTP request over a socket. */
export async function request(base: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.headers ?? {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text, headers: response.headers };
}
