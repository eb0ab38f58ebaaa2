import { createHash } from 'node:crypto';
import { comparePositions, formatPosition, parsePosition, type Position } from '../event-log/position';

/**
 * The last line of every audit export: what the file must hold. Hash chains alone cannot show
 * that something is missing at the end (a stream's tail cut off, a whole stream dropped, an
 * empty file); the manifest names every stream's last revision and head hash, and the head
 * hash pins the stream's whole run in the file, since each event's hash covers its prevHash.
 * It holds nothing of the moment of export, so a closed window exported again gives the same
 * manifest, byte for byte, while the log is unchanged.
 */
export type StreamHead = Readonly<{ firstRevision: string; lastRevision: string; headHash: string }>;

export type ExportManifest = Readonly<{
  version: 1;
  companyId: string;
  /** The window the export was asked for (createdAt, from inclusive, to exclusive); null: unbounded. */
  from: string | null;
  to: string | null;
  events: number;
  firstPosition: string | null;
  lastPosition: string | null;
  /** Every stream in the file, by name: its lowest and highest revision, and the hash of the highest. */
  streams: Readonly<Record<string, StreamHead>>;
}>;

export type ManifestProblemReason =
  | 'manifest_missing'
  | 'manifest_malformed'
  | 'line_after_manifest'
  | 'event_count_mismatch'
  | 'position_range_mismatch'
  | 'stream_missing'
  | 'stream_not_in_manifest'
  | 'first_revision_mismatch'
  | 'last_revision_mismatch'
  | 'head_hash_mismatch';

export type ManifestProblem = Readonly<{ reason: ManifestProblemReason; stream?: string; line?: number; detail?: string }>;

type Run = { first: bigint; last: bigint; head: string };

/** What passed by: per stream one small record (never per event), the count and the position range. */
export class StreamTally {
  private readonly runs = new Map<string, Run>();
  events = 0;
  first: Position | undefined;
  last: Position | undefined;

  see(stream: string, revision: bigint, hash: string, position: Position): void {
    this.events++;
    if (this.first === undefined || comparePositions(position, this.first) < 0) this.first = position;
    if (this.last === undefined || comparePositions(position, this.last) > 0) this.last = position;
    const run = this.runs.get(stream);
    if (run === undefined) this.runs.set(stream, { first: revision, last: revision, head: hash });
    else {
      // Log order may differ from revision order (racing appends): the head is the highest revision.
      if (revision < run.first) run.first = revision;
      if (revision > run.last) [run.last, run.head] = [revision, hash];
    }
  }

  heads(): Record<string, StreamHead> {
    const names = [...this.runs.keys()].sort();
    return Object.fromEntries(names.map((name) => {
      const run = this.runs.get(name)!;
      return [name, { firstRevision: run.first.toString(), lastRevision: run.last.toString(), headHash: run.head }];
    }));
  }

  has(stream: string): boolean {
    return this.runs.has(stream);
  }
}

export type ManifestScope = Readonly<{ companyId: string; from?: Date; to?: Date }>;

export function buildManifest(scope: ManifestScope, tally: StreamTally): ExportManifest {
  return {
    version: 1,
    companyId: scope.companyId,
    from: scope.from?.toISOString() ?? null,
    to: scope.to?.toISOString() ?? null,
    events: tally.events,
    firstPosition: tally.first ? formatPosition(tally.first) : null,
    lastPosition: tally.last ? formatPosition(tally.last) : null,
    streams: tally.heads(),
  };
}

export const manifestLine = (manifest: ExportManifest): string => JSON.stringify({ manifest });

/** The SHA-256 an auditor anchors: of the manifest line with its newline, as `tail -n 1 export.ndjson | sha256sum` prints it. */
export const manifestSha256 = (line: string): string => createHash('sha256').update(`${line}\n`, 'utf8').digest('hex');

const SHA256 = /^[0-9a-f]{64}$/;
const REVISION = /^\d{1,19}$/;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const nullOr = (value: unknown, test: (v: unknown) => boolean): boolean => value === null || test(value);
const isPosition = (value: unknown): boolean => typeof value === 'string' && parsePosition(value) !== undefined;

/** Whether a line is the manifest rather than an event: its only key is "manifest". Cheap for event lines. */
export function isManifestLine(text: string): boolean {
  if (!/^\s*\{\s*"manifest"\s*:/.test(text)) return false;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) && Object.keys(value).length === 1 && 'manifest' in value;
  } catch {
    return false;
  }
}

/** The manifest of a line isManifestLine accepted, checked for shape. */
export function parseManifest(text: string): { manifest: ExportManifest } | { error: string } {
  const { manifest: m } = JSON.parse(text) as { manifest: unknown };
  if (!isObject(m)) return { error: 'manifest must be an object' };
  if (m.version !== 1) return { error: `unknown manifest version ${JSON.stringify(m.version)}` };
  if (typeof m.companyId !== 'string') return { error: 'companyId must be a string' };
  if (!nullOr(m.from, (v) => typeof v === 'string') || !nullOr(m.to, (v) => typeof v === 'string')) return { error: 'from and to must be strings or null' };
  if (!Number.isSafeInteger(m.events) || (m.events as number) < 0) return { error: 'events must be a whole number' };
  if (!nullOr(m.firstPosition, isPosition) || !nullOr(m.lastPosition, isPosition)) return { error: 'firstPosition and lastPosition must be positions or null' };
  if (!isObject(m.streams)) return { error: 'streams must be an object' };
  for (const [stream, head] of Object.entries(m.streams)) {
    const ok = isObject(head) && REVISION.test(String(head.firstRevision)) && REVISION.test(String(head.lastRevision)) && SHA256.test(String(head.headHash));
    if (!ok || typeof head.firstRevision !== 'string' || typeof head.lastRevision !== 'string') {
      return { error: `streams.${stream} must be {firstRevision, lastRevision, headHash}` };
    }
  }
  return { manifest: m as unknown as ExportManifest };
}

/** Everything in which the file differs from its manifest, stream by stream. */
export function compareWithManifest(manifest: ExportManifest, tally: StreamTally): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  if (manifest.events !== tally.events) {
    problems.push({ reason: 'event_count_mismatch', detail: `the manifest says ${manifest.events} events, the file has ${tally.events}` });
  }
  const first = tally.first ? formatPosition(tally.first) : null;
  const last = tally.last ? formatPosition(tally.last) : null;
  if (manifest.firstPosition !== first || manifest.lastPosition !== last) {
    problems.push({ reason: 'position_range_mismatch', detail: `the manifest says ${manifest.firstPosition} to ${manifest.lastPosition}, the file has ${first} to ${last}` });
  }
  const found = tally.heads();
  for (const [stream, expected] of Object.entries(manifest.streams)) {
    const actual = Object.hasOwn(found, stream) ? found[stream] : undefined;
    if (actual === undefined) {
      problems.push({ reason: 'stream_missing', stream, detail: `the manifest lists revisions ${expected.firstRevision}..${expected.lastRevision}; the file has none` });
      continue;
    }
    if (actual.firstRevision !== expected.firstRevision) {
      problems.push({ reason: 'first_revision_mismatch', stream, detail: `the manifest says ${expected.firstRevision}, the file starts at ${actual.firstRevision}` });
    }
    if (actual.lastRevision !== expected.lastRevision) {
      problems.push({ reason: 'last_revision_mismatch', stream, detail: `the manifest says ${expected.lastRevision}, the file ends at ${actual.lastRevision}` });
    }
    if (actual.headHash !== expected.headHash) problems.push({ reason: 'head_hash_mismatch', stream, detail: `the manifest says ${expected.headHash}` });
  }
  for (const stream of Object.keys(found)) {
    if (!Object.hasOwn(manifest.streams, stream)) problems.push({ reason: 'stream_not_in_manifest', stream });
  }
  return problems;
}
