#!/usr/bin/env node
// `npm start` and `npm run cli` run this first: it compiles only when a source is newer than the
// last build, so on a built tree a CLI command answers in well under a second instead of
// waiting for tsc. Plain JavaScript, so that it runs before anything is built.
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, utimesSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', '.tsbuildinfo');
// Migrations are read from migrations/ at run time, and specs are never built: neither needs a build.
const INPUTS = ['apps', 'libs', 'bench', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'test' || name.endsWith('.spec.ts')) continue;
    latest = Math.max(latest, newest(join(path, name)));
  }
  return latest;
}

const sources = Math.max(...INPUTS.map((input) => join(root, input)).filter(existsSync).map(newest));
if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources) process.exit(0);

process.stderr.write(existsSync(stamp) ? 'sources changed: rebuilding dist (tsc, incremental)…\n' : 'first run: building dist (tsc, about 15 s)…\n');
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
} catch {
  process.exit(1);
}
// tsc leaves its build info untouched when nothing it emits changed; the stamp must still move.
const now = new Date();
utimesSync(stamp, now, now);
