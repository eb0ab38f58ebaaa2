import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliRun, runCli } from '../cli/run-cli';
import { makeTempDir, removeTempDir } from '../support/temp-dir';

/** `lines` are all of them, the manifest last; `events` the event lines parsed, `manifest` the last line's. */
export type ExportAnswer = Readonly<{ status: number; type: string; text: string; lines: string[]; events: any[]; manifest: any; body: any }>;

/** GET /v1/audit/export through Fastify's injector; the NDJSON split into lines and parsed. */
export async function exportAudit(app: NestFastifyApplication, token: string, query = ''): Promise<ExportAnswer> {
  const response = await app.inject({ method: 'GET', url: `/v1/audit/export${query}`, headers: { authorization: `Bearer ${token}` } });
  const type = String(response.headers['content-type'] ?? '');
  const text = response.body;
  const isNdjson = type.startsWith('application/x-ndjson');
  const lines = isNdjson ? text.split('\n').filter((line) => line !== '') : [];
  const parsed = lines.map((line) => JSON.parse(line));
  const manifest = parsed.length > 0 && 'manifest' in parsed[parsed.length - 1] ? parsed.pop().manifest : undefined;
  return {
    status: response.statusCode,
    type,
    text,
    lines,
    events: parsed,
    manifest,
    body: type.includes('json') && !isNdjson && text !== '' ? JSON.parse(text) : text,
  };
}

const dir = makeTempDir('vibot-export');
let files = 0;
// Each test file that imports the kit gets its own directory (Jest loads modules per file); it
// goes with the file's other data when the file is done.
afterAll(() => removeTempDir(dir));

/** Writes lines as an export file would hold them (newline-terminated) and returns its path. */
export function writeExport(lines: readonly string[], name = `export-${++files}.ndjson`): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
  return path;
}

// verify-export needs no database; DATA_DIR only keeps the CLI's config loader out of ./.data.
const CLI_ENV = { DATA_DIR: dir, LOG_LEVEL: 'silent', DATABASE_URL: undefined };

/** The real CLI process, as an auditor runs it on a file they were handed. */
export function verifyExport(args: string[]): Promise<CliRun> {
  return runCli(['verify-export', ...args], CLI_ENV);
}

export async function verifyExportJson(path: string): Promise<{ code: number; result: any; stdout: string }> {
  const run = await verifyExport([path, '--json']);
  const lines = run.stdout.trim().split('\n');
  if (lines.length !== 1) throw new Error(`verify-export --json printed ${lines.length} lines: ${run.stdout}\n${run.stderr}`);
  return { code: run.code, result: JSON.parse(lines[0]!), stdout: run.stdout };
}
