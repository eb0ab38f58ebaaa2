import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { freePort } from './free-port';

const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

export type ServiceProcess = Readonly<{
  child: ChildProcess;
  pid: number;
  output: () => string;
  /** Resolves with the exit code, or the signal's name when a signal ended it. */
  exited: Promise<number | string | null>;
  running: () => boolean;
}>;

const started: ChildProcess[] = [];

/**
 * `npm start` for real (the built CLI's `start`) in its own process group, so that a Ctrl-C can
 * be sent the way a terminal does: to the service and the PostgreSQL it started.
 */
export function spawnService(env: Record<string, string | undefined>): ServiceProcess {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm test builds it first (npm run build)`);
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  const child = spawn(process.execPath, [CLI, 'start'], { env: merged, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return { child, pid: child.pid!, output: () => output, exited, running: () => child.exitCode === null && child.signalCode === null };
}

/** Every service this file started, with whatever is left in its process group. */
export function killServices(): void {
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, output?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms${output ? `; output:\n${output()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type Ready = Readonly<{ status: number; body: any; ms: number }>;

/** GET /health/ready, bounded: a probe that hangs is itself the failure. */
export async function readiness(base: string, timeoutMs = 5000): Promise<Ready> {
  const begun = Date.now();
  const answer = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await answer.text();
  return { status: answer.status, body: text.startsWith('{') ? JSON.parse(text) : text, ms: Date.now() - begun };
}

export async function untilExit(service: ServiceProcess, timeoutMs: number): Promise<{ exit: number | string | null; ms: number } | 'still running'> {
  const begun = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), timeoutMs)));
  const exit = await Promise.race([service.exited, late]);
  clearTimeout(timer);
  return exit === 'still running' ? exit : { exit, ms: Date.now() - begun };
}

const ticksPerSecond = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Share of one core the process used over `ms`. */
export async function cpuShare(pid: number, ms: number): Promise<number> {
  const before = cpuSeconds(pid);
  const begun = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (cpuSeconds(pid) - before) / ((Date.now() - begun) / 1000);
}

/** Live (not zombie) processes whose command line names `path`: what is left running on a data dir. */
export function processesOn(path: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state !== 'Z' && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(path)) found.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}

/**
 * A data directory PostgreSQL (running as `postgres`) can enter: under the run's temp root
 * (global-setup points TMPDIR there, mode 0755), never inside a private mkdtemp directory.
 * `remove` stops anything still running on it first, the way that lets PostgreSQL remove its
 * sockets (fast shutdown), harder only when that does not work.
 */
export function scratchDir(prefix: string): { path: string; remove: () => Promise<void> } {
  const path = join(tmpdir(), `${prefix}-${randomUUID().slice(0, 8)}`);
  mkdirSync(path, { recursive: true, mode: 0o755 });
  const stopAll = async (name: NodeJS.Signals, ms: number): Promise<void> => {
    for (const pid of processesOn(path)) signal(pid, name);
    for (const deadline = Date.now() + ms; processesOn(path).length > 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
  };
  return {
    path,
    remove: async () => {
      await stopAll('SIGINT', 10_000);
      await stopAll('SIGQUIT', 5000);
      await stopAll('SIGKILL', 1000);
      rmSync(path, { recursive: true, force: true });
    },
  };
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone meanwhile.
  }
}

/** `npm start` on its embedded default, in its own data dir and on free ports. */
export async function embeddedServiceEnv(dataDir: string): Promise<Record<string, string | undefined>> {
  return {
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    DATABASE_URL: undefined,
    API_DATABASE_URL: undefined,
    API_DATABASE_PASSWORD: undefined,
    JWT_SECRET: undefined,
    JWKS_URL: undefined,
    LOG_LEVEL: 'warn',
  };
}
