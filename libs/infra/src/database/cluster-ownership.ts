import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/**
 * Who owns the embedded PostgreSQL: the service records its pid in `service.pid` beside the
 * cluster, PostgreSQL its own in `pg/postmaster.pid`. A postmaster alive on our data directory
 * with no live service owning it was left behind by a service that was killed (SIGKILL, a crash).
 */

/** A refusal to start, one line for the operator; the CLI prints the message as it is. */
export class EmbeddedDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedDatabaseError';
  }
}

export const portBusy = (port: number): EmbeddedDatabaseError =>
  new EmbeddedDatabaseError(`port ${port} is in use by another program; set EMBEDDED_PG_PORT to a free port`);

/** /proc/<pid>/stat's fields after the command name; undefined when Linux's /proc cannot say. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const hasProc = existsSync('/proc/self/stat');

/** When the process started (clock ticks since boot): a pid reused by a later process differs. */
const startedAt = (pid: number): string | undefined => procStat(pid)?.[19];

/** Alive, and not a zombie that nobody reaped (an orphan's exit status waits for init). */
export function isAlive(pid: number): boolean {
  if (hasProc) {
    const state = procStat(pid)?.[0];
    return state !== undefined && state !== 'Z' && state !== 'X';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

type LockRecord = { pid: number; startedAt?: string };

export type ServiceLock = Readonly<{ release: () => void }>;

/**
 * Records this process as the service owning the data directory. Refuses while another live
 * service owns it: two services on one embedded cluster would each think they may stop it.
 */
export function lockService(dataDir: string): ServiceLock {
  const file = join(dataDir, 'service.pid');
  let previous: LockRecord | undefined;
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
  } catch {
    previous = undefined;
  }
  if (previous && previous.pid !== process.pid && isAlive(previous.pid) && (!previous.startedAt || startedAt(previous.pid) === previous.startedAt)) {
    throw new EmbeddedDatabaseError(`another service (pid ${previous.pid}) is running on ${dataDir}; stop it first, or give this one its own DATA_DIR`);
  }
  const mine: LockRecord = { pid: process.pid, startedAt: startedAt(process.pid) };
  writeFileSync(file, `${JSON.stringify(mine)}\n`);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as LockRecord).pid === process.pid) unlinkSync(file);
    } catch {
      // Already gone: nothing to give back.
    }
  };
  // A forced exit still gives the lock back; only SIGKILL leaves it, and its pid is then dead.
  process.once('exit', release);
  return { release };
}

export type Postmaster = Readonly<{ pid: number; port: number | undefined }>;

/** The PostgreSQL running on this cluster directory, from its postmaster.pid, if it is alive. */
export function runningPostmaster(pgDir: string): Postmaster | undefined {
  let lines: string[];
  try {
    lines = readFileSync(join(pgDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  // A postmaster that crashed leaves its file behind; its pid may since belong to anything.
  if (hasProc && !readProc(`/proc/${pid}/cmdline`).includes('postgres')) return undefined;
  const port = Number.parseInt(lines[3] ?? '', 10);
  return { pid, port: Number.isInteger(port) ? port : undefined };
}

function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function gone(pid: number, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await pause(100)) if (!isAlive(pid)) return true;
  return !isAlive(pid);
}

/** Fast shutdown (SIGINT: sessions end, the data is flushed); immediate (SIGQUIT) if it hangs. */
export async function stopPostmaster(pid: number): Promise<void> {
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch (error) {
      if ((error as { code?: string }).code === 'ESRCH') return;
      throw new EmbeddedDatabaseError(`the stale PostgreSQL (pid ${pid}) cannot be stopped from here (${(error as { code?: string }).code}); stop it by hand`);
    }
  };
  signal('SIGINT');
  if (await gone(pid, 30_000)) return;
  signal('SIGQUIT');
  if (await gone(pid, 10_000)) return;
  throw new EmbeddedDatabaseError(`the stale PostgreSQL (pid ${pid}) does not stop; stop it by hand`);
}

/** Something accepts connections on the port (whatever it is). */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (inUse: boolean): void => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(1000, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
