import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ExportVerifier, type ExportVerification } from '#infra/audit/verify-export';
import { printResult, UsageError } from './cli-output';

async function requireFile(file: string | undefined): Promise<string> {
  if (file === undefined || file.trim() === '') throw new UsageError('missing <file>: the NDJSON saved from GET /v1/audit/export');
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || !info.isFile()) throw new UsageError(`cannot read ${file}: not a file`);
  return file;
}

function summary(file: string, result: ExportVerification): string {
  const range = result.firstPosition === null ? 'no events' : `positions ${result.firstPosition} to ${result.lastPosition}`;
  const problems = result.broken.length + result.malformed.length + result.manifestProblems.length;
  const verdict = result.clean ? 'every hash chain verifies, and the manifest matches' : `${problems}${result.omitted > 0 ? '+' : ''} problems`;
  const manifest = result.manifest;
  return [
    `${file}: ${result.events} events in ${result.streams} streams (${result.lines} lines, ${range}): ${verdict}`,
    ...result.anchored.map((a) => `anchored ${a.stream}@${a.revision} (line ${a.line}): starts after revision 0, its prevHash is taken as given`),
    ...result.broken.map((b) => `BROKEN ${b.stream}@${b.revision} (line ${b.line}): ${b.reason}${b.detail ? ` (${b.detail})` : ''}`),
    ...result.malformed.map((m) => `MALFORMED line ${m.line}: ${m.reason}`),
    ...result.manifestProblems.map((p) => `MANIFEST ${p.reason}${p.stream ? ` ${p.stream}` : ''}${p.line ? ` (line ${p.line})` : ''}${p.detail ? `: ${p.detail}` : ''}`),
    // The hash only proves something when compared with a copy kept outside the service.
    ...(manifest ? [`manifest sha256 ${manifest.sha256} (line ${manifest.line}): compare it with the copy you anchored when the export was made`] : []),
    ...(result.omitted > 0 ? [`… ${result.omitted} more entries not listed`] : []),
  ].join('\n');
}

/**
 * `verify-export <file>`: checks an audit export with no database, reading it line by line so
 * its size does not matter. Exit 1 when any link is broken, any line is malformed, or the file
 * and its manifest disagree (a stream cut short or removed, no manifest at all).
 */
export async function verifyExportCommand(file: string | undefined, flags: Record<string, string | boolean | undefined>): Promise<void> {
  const path = await requireFile(file);
  const verifier = new ExportVerifier();
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) verifier.add(text, ++number);
  const result = verifier.finish();
  printResult(flags.json === true, { file: path, ...result }, summary(path, result));
  if (!result.clean) process.exitCode = 1;
}
