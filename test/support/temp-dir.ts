import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh directory under the run's own temp root (global-setup points TMPDIR there), which
 * PostgreSQL running as `postgres` may enter. The caller removes it with `removeTempDir` in its
 * afterAll; whatever a test forgets, global-teardown reports and removes with the root.
 */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export function removeTempDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}
