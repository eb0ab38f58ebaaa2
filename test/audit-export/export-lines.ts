import { buildManifest, manifestLine, StreamTally } from '#infra/audit/export-manifest';
import { ExportVerifier } from '#infra/audit/verify-export';
import { eventHash } from '#infra/event-log/hash-chain';
import { parsePosition } from '#infra/event-log/position';

/** Export lines made by hand, for the verifier's own specs (no database, no API). */
export type Line = { stream: string; revision: string; position: string; type: string; data: unknown; metadata: Record<string, unknown>; createdAt: string };

let position = 100;

/** A stream's events as the log hashes them: each metadata.prevHash is the previous hash. */
export function chain(stream: string, count: number, from = 0, prevHash: string | null = null): Line[] {
  const out: Line[] = [];
  for (let revision = from; revision < from + count; revision++) {
    const metadata: Record<string, unknown> = { eventId: `${stream}-${revision}`, tenant: { companyId: 'c' }, prevHash };
    const data = { n: revision, name: `event ${revision}` };
    metadata.hash = eventHash({ streamId: stream, revision: BigInt(revision), type: 'Happened', data, metadata: metadata as never });
    prevHash = metadata.hash as string;
    out.push({ stream, revision: String(revision), position: `${position}/${position++}`, type: 'Happened', data, metadata, createdAt: '2026-01-01T00:00:00.000Z' });
  }
  return out;
}

/** The manifest line an export of these event lines ends with (as they are, tampered or not). */
export function manifestOf(lines: readonly (Line | string)[]): string {
  const tally = new StreamTally();
  for (const line of lines) if (typeof line !== 'string') tally.see(line.stream, BigInt(line.revision), line.metadata.hash as string, parsePosition(line.position)!);
  return manifestLine(buildManifest({ companyId: 'c' }, tally));
}

/** Verifies lines exactly as given, 1-based line numbers, objects written as JSON. */
export function verifyLines(lines: readonly (Line | string)[]) {
  const verifier = new ExportVerifier();
  lines.forEach((line, i) => verifier.add(typeof line === 'string' ? line : JSON.stringify(line), i + 1));
  return verifier.finish();
}
