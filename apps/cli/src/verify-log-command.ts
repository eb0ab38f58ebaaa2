import type { AppConfig } from '#infra/config/config';
import { verifyLog } from '#infra/audit/verify-log';
import { printResult } from './cli-output';
import { withDatabase } from './with-database';

/** `verify-log [--stream <name>]`: every stream's hash chain; exits 1 when any link is broken. */
export async function verifyLogCommand(config: AppConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  const result = await withDatabase(config, (owner, log) => verifyLog(owner, log, { stream: flags.stream as string | undefined }));
  const broken = result.broken.map((b) => ({ stream: b.stream, revision: b.revision.toString(), reason: b.reason }));
  printResult(
    flags.json === true,
    { streams: result.streams, events: result.events, broken },
    [
      `${result.streams} streams, ${result.events} events: ${broken.length === 0 ? 'every hash chain verifies' : `${broken.length} broken`}`,
      ...broken.map((b) => `BROKEN ${b.stream}@${b.revision}: ${b.reason}`),
    ].join('\n'),
  );
  if (broken.length > 0) process.exitCode = 1;
}
