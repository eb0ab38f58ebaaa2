import { eventHash } from '../event-log/hash-chain';
import { comparePositions, formatPosition, type Position } from '../event-log/position';
import { parseExportLine } from './export-line';
import { compareWithManifest, type ExportManifest, isManifestLine, manifestSha256, type ManifestProblem, parseManifest, StreamTally } from './export-manifest';

export { parseExportLine, type ParsedExportEvent } from './export-line';

export type ExportBreakReason =
  | 'hash_mismatch'
  | 'prev_hash_mismatch'
  | 'revision_gap'
  | 'revision_out_of_order'
  | 'duplicate_revision'
  | 'position_out_of_order';

export type ExportBreak = Readonly<{ stream: string; revision: string; line: number; reason: ExportBreakReason; detail?: string }>;
export type MalformedLine = Readonly<{ line: number; reason: string }>;
/** A stream whose chain in the file starts after revision 0: its first prevHash is taken as given. */
export type ChainAnchor = Readonly<{ stream: string; revision: string; line: number }>;

export type ExportVerification = Readonly<{
  clean: boolean;
  lines: number;
  events: number;
  streams: number;
  firstPosition: string | null;
  lastPosition: string | null;
  anchored: readonly ChainAnchor[];
  broken: readonly ExportBreak[];
  malformed: readonly MalformedLine[];
  /** The manifest line as found (null: none, or not readable), with the SHA-256 to compare with an anchored copy. */
  manifest: ManifestSummary | null;
  /** Where the file and its manifest disagree: a stream cut short or missing, the manifest itself missing. */
  manifestProblems: readonly ManifestProblem[];
  /** Entries left off the four lists above once each held LIST_LIMIT of them. */
  omitted: number;
}>;

export type ManifestSummary = Readonly<{
  line: number;
  sha256: string;
  companyId: string;
  from: string | null;
  to: string | null;
  events: number;
  streams: number;
}>;

const LIST_LIMIT = 1000;
// How far ahead of the next expected revision a stream's events may arrive before the missing
// ones are declared a gap. Log order can differ from revision order when two appends with
// expected 'any' race for one stream; a deleted line must still be reported without holding
// the rest of a huge stream in memory.
const REORDER_WINDOW = 1000;

type Link = Readonly<{ revision: bigint; hash: string; prevHash: string | null; line: number }>;
/** `next` is undefined until the stream's chain in the file has a starting point. */
type Chain = { next: bigint | undefined; lastHash: string | null; pending: Map<bigint, Link> };

/**
 * Verifies an export line by line with no database: each event's own hash, then the links of
 * each stream (prevHash = the previous revision's hash, revisions consecutive). Memory is one
 * small record per stream plus the reorder window, so files of any size stream through.
 */
export class ExportVerifier {
  private readonly chains = new Map<string, Chain>();
  private readonly anchored: ChainAnchor[] = [];
  private readonly broken: ExportBreak[] = [];
  private readonly malformed: MalformedLine[] = [];
  private readonly manifestProblems: ManifestProblem[] = [];
  private readonly tally = new StreamTally();
  private manifest: { line: number; sha256: string; value: ExportManifest | undefined } | undefined;
  private omitted = 0;
  private lines = 0;
  private events = 0;
  private first: Position | undefined;
  private last: Position | undefined;

  /** `line` is 1-based, as editors and error messages count. Blank lines are skipped. */
  add(text: string, line: number): void {
    this.lines = Math.max(this.lines, line);
    if (text.trim() === '') return;
    // The manifest closes the export: whatever follows it is not part of what it describes.
    if (this.manifest !== undefined) {
      return this.record(this.manifestProblems, { reason: 'line_after_manifest', line, detail: `the manifest is on line ${this.manifest.line}` });
    }
    if (isManifestLine(text)) return this.readManifest(text, line);
    const parsed = parseExportLine(text);
    if ('error' in parsed) return this.record(this.malformed, { line, reason: parsed.error });
    const event = parsed.event;
    this.events++;
    if (this.last !== undefined && comparePositions(event.position, this.last) <= 0) {
      this.breakAt(event.stream, event.revision, line, 'position_out_of_order', `after ${formatPosition(this.last)}`);
    } else {
      this.last = event.position;
    }
    this.first ??= event.position;
    const hashed = { streamId: event.stream, revision: event.revision, type: event.type, data: event.data, metadata: event.metadata };
    if (eventHash(hashed) !== event.metadata.hash) this.breakAt(event.stream, event.revision, line, 'hash_mismatch');
    this.tally.see(event.stream, event.revision, event.metadata.hash!, event.position);
    const link: Link = { revision: event.revision, hash: event.metadata.hash!, prevHash: event.metadata.prevHash ?? null, line };
    this.follow(event.stream, link);
  }

  finish(): ExportVerification {
    for (const [stream, chain] of this.chains) while (chain.pending.size > 0) this.settleLowest(stream, chain);
    const byLine = (a: { line: number }, b: { line: number }): number => a.line - b.line;
    if (this.manifest === undefined) {
      this.record(this.manifestProblems, { reason: 'manifest_missing', detail: 'the export does not end with its manifest line: it may have been cut short' });
    } else if (this.manifest.value !== undefined) {
      for (const problem of compareWithManifest(this.manifest.value, this.tally)) this.record(this.manifestProblems, problem);
    }
    const declared = this.manifest?.value;
    return {
      clean: this.broken.length === 0 && this.malformed.length === 0 && this.manifestProblems.length === 0,
      lines: this.lines,
      events: this.events,
      streams: this.chains.size,
      firstPosition: this.first ? formatPosition(this.first) : null,
      lastPosition: this.last ? formatPosition(this.last) : null,
      anchored: [...this.anchored].sort(byLine),
      broken: [...this.broken].sort(byLine),
      malformed: [...this.malformed].sort(byLine),
      manifest:
        declared === undefined
          ? null
          : { line: this.manifest!.line, sha256: this.manifest!.sha256, companyId: declared.companyId, from: declared.from, to: declared.to, events: declared.events, streams: Object.keys(declared.streams).length },
      manifestProblems: this.manifestProblems,
      omitted: this.omitted,
    };
  }

  private readManifest(text: string, line: number): void {
    const parsed = parseManifest(text);
    this.manifest = { line, sha256: manifestSha256(text), value: 'manifest' in parsed ? parsed.manifest : undefined };
    if ('error' in parsed) this.record(this.manifestProblems, { reason: 'manifest_malformed', line, detail: parsed.error });
  }

  private follow(stream: string, link: Link): void {
    let chain = this.chains.get(stream);
    if (chain === undefined) {
      chain = { next: undefined, lastHash: null, pending: new Map() };
      this.chains.set(stream, chain);
    }
    // Revision 0 starts the chain for certain; any other first revision waits a little in case
    // a lower one arrives just after it (see REORDER_WINDOW).
    if (chain.next === undefined && link.revision === 0n) {
      this.start(stream, chain, link);
    } else if (chain.next !== undefined && link.revision === chain.next) {
      this.extend(stream, chain, link);
    } else if (chain.next !== undefined && link.revision < chain.next) {
      return this.breakAt(stream, link.revision, link.line, 'revision_out_of_order', `expected revision ${chain.next}`);
    } else if (chain.pending.has(link.revision)) {
      return this.breakAt(stream, link.revision, link.line, 'duplicate_revision', `also on line ${chain.pending.get(link.revision)!.line}`);
    } else {
      chain.pending.set(link.revision, link);
      if (chain.pending.size > REORDER_WINDOW) this.settleLowest(stream, chain);
      return;
    }
    this.drain(stream, chain);
  }

  /** The chain's first event in the file: revision 0 must have no predecessor; later ones are anchors. */
  private start(stream: string, chain: Chain, link: Link): void {
    if (link.revision === 0n && link.prevHash !== null) {
      this.breakAt(stream, link.revision, link.line, 'prev_hash_mismatch', 'revision 0 must have a null prevHash');
    } else if (link.revision > 0n) {
      this.record(this.anchored, { stream, revision: link.revision.toString(), line: link.line });
    }
    chain.next = link.revision + 1n;
    chain.lastHash = link.hash;
  }

  private extend(stream: string, chain: Chain, link: Link): void {
    if (link.prevHash !== chain.lastHash) this.breakAt(stream, link.revision, link.line, 'prev_hash_mismatch');
    chain.next = link.revision + 1n;
    chain.lastHash = link.hash;
  }

  private drain(stream: string, chain: Chain): void {
    for (let link = chain.pending.get(chain.next!); link !== undefined; link = chain.pending.get(chain.next!)) {
      chain.pending.delete(link.revision);
      this.extend(stream, chain, link);
    }
  }

  /** The expected revision never came: start again at the lowest one that did. */
  private settleLowest(stream: string, chain: Chain): void {
    let lowest: Link | undefined;
    for (const link of chain.pending.values()) if (lowest === undefined || link.revision < lowest.revision) lowest = link;
    chain.pending.delete(lowest!.revision);
    if (chain.next === undefined) {
      this.start(stream, chain, lowest!);
    } else {
      const missing = lowest!.revision - 1n === chain.next ? `${chain.next}` : `${chain.next}..${lowest!.revision - 1n}`;
      this.breakAt(stream, lowest!.revision, lowest!.line, 'revision_gap', `revision ${missing} missing`);
      chain.next = lowest!.revision + 1n;
      chain.lastHash = lowest!.hash;
    }
    this.drain(stream, chain);
  }

  private breakAt(stream: string, revision: bigint, line: number, reason: ExportBreakReason, detail?: string): void {
    this.record(this.broken, { stream, revision: revision.toString(), line, reason, ...(detail !== undefined ? { detail } : {}) });
  }

  private record<T>(list: T[], entry: T): void {
    if (list.length < LIST_LIMIT) list.push(entry);
    else this.omitted++;
  }
}
