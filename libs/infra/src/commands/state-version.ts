import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// What a snapshot's state depends on: every evolve, every state shape, the upcasters that feed
// them and the codec that writes them. Hashing their code, rather than trusting someone to bump
// a number, means that any change to it (even a comment) makes every older snapshot unusable:
// the next load folds from the log once and writes a snapshot under the new version.
const DOMAIN = join(__dirname, '..', '..', '..', 'domain', 'src');
const ALSO = [join(__dirname, '..', 'event-log', 'upcasters'), join(__dirname, 'state-codec')];

const isCode = (name: string): boolean => /\.(ts|js)$/.test(name) && !/\.spec\.|\.d\.ts$/.test(name);

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return codeFiles(path);
    return isCode(entry.name) ? [path] : [];
  });
}

function withExtension(base: string): string {
  for (const ext of ['.ts', '.js']) {
    try {
      readFileSync(base + ext);
      return base + ext;
    } catch {
      // try the other: tests run the sources, the service runs dist
    }
  }
  throw new Error(`state version: ${base} not found`);
}

let computed: string | undefined;

/** The version snapshots are written and read under, computed once per process. */
export function stateVersion(): string {
  if (computed === undefined) {
    const files = [...codeFiles(DOMAIN), ...ALSO.map(withExtension)].sort();
    const hash = createHash('sha256');
    for (const file of files) hash.update(relative(DOMAIN, file)).update('\0').update(readFileSync(file)).update('\0');
    computed = hash.digest('hex').slice(0, 16);
  }
  return computed;
}
