import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../cli/run-cli';
import { embeddedServiceEnv, killServices, readiness, scratchDir, spawnService, untilExit, waitFor } from '../support/service-process';
import { makeTempDir, removeTempDir } from '../support/temp-dir';

// The README's walk-through, run as a reader would paste it, block by block in one shell,
// against the service started the way the README starts it: the README cannot drift from the
// code. `npm run cli` becomes the built CLI it runs (npm would look for package.json in the
// shell's folder, a scratch one here), and `npm start` is the service this test started.
const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const dir = scratchDir('vibot-readme');
const work = makeTempDir('vibot-readme-work');

afterAll(async () => {
  killServices();
  await dir.remove();
  removeTempDir(work);
});

/** The sh blocks of the walk-through: from its heading to the next level-2 heading. */
function walkThrough(markdown: string): string[] {
  const start = markdown.indexOf('## Walk-through');
  const end = markdown.indexOf('\n## ', start + 1);
  return [...markdown.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** What a block's comments promise: problem codes (`# 404 {"code":"role_not_found"…`) and answer fields (`# {"id":…`). */
function promises(block: string): string[] {
  const found: string[] = [];
  for (const line of block.split('\n')) {
    const problem = /^# \d{3} \{"code":"(\w+)"/.exec(line);
    if (problem) found.push(`"code":"${problem[1]}"`);
    const answer = /^# \{"(\w+)":/.exec(line);
    if (answer) found.push(`"${answer[1]}":`);
  }
  return found;
}

/** psql for the SQL example: the one on PATH, else a stand-in on node-postgres (the CI image may have none). */
function psqlOnPath(): string {
  if (spawnSync('sh', ['-c', 'command -v psql']).status === 0) return process.env.PATH!;
  const bin = join(work, 'bin');
  mkdirSync(bin);
  const pg = require.resolve('pg');
  writeFileSync(
    join(bin, 'psql'),
    `#!${process.execPath}\nconst { Client } = require(${JSON.stringify(pg)});\nlet sql = '';\n` +
      `process.stdin.on('data', (d) => (sql += d)).on('end', async () => {\n` +
      `  const client = new Client({ connectionString: process.argv[2] });\n  await client.connect();\n` +
      `  const results = [].concat(await client.query(sql));\n` +
      `  for (const r of results) for (const row of r.rows ?? []) console.log(Object.values(row).join(' | '));\n` +
      `  await client.end();\n});\n`,
  );
  chmodSync(join(bin, 'psql'), 0o755);
  return `${bin}:${process.env.PATH}`;
}

it('every block of the walk-through runs as pasted and answers what its comments say', async () => {
  const blocks = walkThrough(README);
  expect(blocks.length).toBeGreaterThanOrEqual(4);
  const env = await embeddedServiceEnv(dir.path);
  const service = spawnService(env);
  const api = `http://127.0.0.1:${env.PORT}`;
  await waitFor('the service answers ready', async () => ((await readiness(api)).status === 200 ? true : undefined), 90_000, service.output);

  const script = [
    'set -euo pipefail',
    ...blocks.map((block, i) => {
      const pasted = block
        .split('\n')
        .filter((line) => !line.startsWith('npm start'))
        .join('\n')
        .replaceAll('npm run cli --silent --', `node ${CLI}`)
        .replaceAll('npm run cli --', `node ${CLI}`);
      return `${pasted}\necho; echo "::block ${i + 1} done"`;
    }),
  ].join('\n');
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env, API: api, PATH: psqlOnPath() })) if (v !== undefined) merged[k] = v;
  const shell = spawn('bash', ['-c', script], { cwd: work, env: merged });
  let output = '';
  shell.stdout.on('data', (d) => (output += d));
  shell.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => shell.once('exit', resolve));
  expect({ code, output: code === 0 ? '' : output.slice(-3000) }).toEqual({ code: 0, output: '' });

  const outputs = output.split(/::block \d+ done\n/);
  const unkept: string[] = [];
  blocks.forEach((block, i) => {
    for (const promise of promises(block)) if (!outputs[i]!.includes(promise)) unkept.push(`block ${i + 1}: ${promise}`);
  });
  expect(unkept).toEqual([]);
  expect(output).not.toMatch(/internal_error|"status":5\d\d/);

  process.kill(-service.pid, 'SIGINT');
  expect(await untilExit(service, 10_000)).not.toBe('still running');
}, 240_000);
