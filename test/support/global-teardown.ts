import { readdirSync, rmSync } from 'node:fs';

type TempState = { osTemp: string; root: string; before: string[] };

/**
 * Stops the run's PostgreSQL, then checks that the test files removed what they created: the
 * run's temp root must hold nothing else, and the OS temp dir nothing new. A leftover fails the
 * run by name (after removing it, so a failed run still leaves nothing behind).
 */
export default async function globalTeardown(): Promise<void> {
  const state = globalThis as { __EMBEDDED_PG__?: { stop: () => Promise<void> }; __EMBEDDED_PG_DIR__?: string; __TEMP__?: TempState };
  await state.__EMBEDDED_PG__?.stop();
  if (state.__EMBEDDED_PG_DIR__ !== undefined) rmSync(state.__EMBEDDED_PG_DIR__, { recursive: true, force: true });
  const temp = state.__TEMP__;
  if (temp === undefined) return;
  const leftInRoot = readdirSync(temp.root);
  rmSync(temp.root, { recursive: true, force: true });
  // Jest's own cache may appear on a first run; another run beside this one has its own root,
  // and its PostgreSQL its socket (ours removed its own when it stopped above).
  const newInOsTemp = readdirSync(temp.osTemp).filter(
    (name) => !temp.before.includes(name) && !['jest_', 'vibot-test-run-', '.s.PGSQL.'].some((prefix) => name.startsWith(prefix)),
  );
  const left = [...leftInRoot, ...newInOsTemp.map((name) => `${temp.osTemp}/${name}`)];
  if (left.length > 0) {
    throw new Error(`the tests left ${left.length} entries in the temp directory (removed now): ${left.join(', ')}`);
  }
}
