import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../support/temp-dir';
import type { TestDatabase } from '../support/test-database';
import { TEST_API_PASSWORD, TEST_JWT_SECRET } from '../support/test-settings';

export const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

export type CliRun = Readonly<{ code: number; stdout: string; stderr: string }>;

/** Runs the built CLI (npm test builds it) as a separate process, like an operator would. */
export function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm test builds it first (npm run build)`);
  return new Promise((resolve) => {
    const merged: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...process.env, ...env })) if (value !== undefined) merged[key] = value;
    execFile(process.execPath, [CLI, ...args], { env: merged, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The CLI's environment against a test database, with its own data dir (remove it with removeTempDir). */
export const cliEnv = (db: TestDatabase, prefix: string): Record<string, string> => ({
  DATABASE_URL: db.ownerUrl,
  API_DATABASE_PASSWORD: TEST_API_PASSWORD,
  JWT_SECRET: TEST_JWT_SECRET,
  DATA_DIR: makeTempDir(prefix),
  LOG_LEVEL: 'silent',
});
