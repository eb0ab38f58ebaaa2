import { createHash } from 'node:crypto';
import { chain, type Line, manifestOf, verifyLines } from './export-lines';

/**
 * Issue 11, defect 10: the hash chains cannot see what is missing at the end of an export; the
 * manifest line can. These run the verifier on hand-made lines (the API's own exports are in
 * export-manifest-cli.e2e.spec.ts).
 */
const renumbered = (lines: Line[]): Line[] => lines.map((line, i) => ({ ...line, position: `1/${i + 1}` }));
const a = chain('a-1', 4);
const b = chain('b-1', 3);
const events = renumbered([a[0]!, b[0]!, a[1]!, b[1]!, a[2]!, b[2]!, a[3]!]);
const manifest = manifestOf(events);
const reasons = (result: ReturnType<typeof verifyLines>) => result.manifestProblems.map((p) => [p.reason, p.stream ?? null]);
const tampered = (change: (m: any) => void): string => {
  const value = JSON.parse(manifest);
  change(value.manifest);
  return JSON.stringify(value);
};

describe('the manifest line of an export', () => {
  it('describes every stream by its last revision and head hash; an untouched export verifies clean and reports the hash to anchor', () => {
    expect(JSON.parse(manifest)).toEqual({
      manifest: {
        version: 1,
        companyId: 'c',
        from: null,
        to: null,
        events: 7,
        firstPosition: '1/1',
        lastPosition: '1/7',
        streams: {
          'a-1': { firstRevision: '0', lastRevision: '3', headHash: a[3]!.metadata.hash },
          'b-1': { firstRevision: '0', lastRevision: '2', headHash: b[2]!.metadata.hash },
        },
      },
    });
    const result = verifyLines([...events, manifest]);
    expect(result).toMatchObject({ clean: true, broken: [], manifestProblems: [] });
    // What `tail -n 1 export.ndjson | sha256sum` prints: the line with its newline.
    const sha256 = createHash('sha256').update(`${manifest}\n`).digest('hex');
    expect(result.manifest).toEqual({ line: 8, sha256, companyId: 'c', from: null, to: null, events: 7, streams: 2 });
  });

  it("a stream's tail cut off is refused, naming the stream, though every chain still links", () => {
    const result = verifyLines([...events.filter((e) => e !== events[6]), manifest]);
    expect(result.broken).toEqual([]);
    expect(result.clean).toBe(false);
    expect(reasons(result)).toEqual([
      ['event_count_mismatch', null],
      ['position_range_mismatch', null],
      ['last_revision_mismatch', 'a-1'],
      ['head_hash_mismatch', 'a-1'],
    ]);
    expect(result.manifestProblems[2]!.detail).toBe('the manifest says 3, the file ends at 2');
  });

  it('a whole stream removed is refused, naming it', () => {
    const result = verifyLines([...events.filter((e) => e.stream !== 'b-1'), manifest]);
    expect(result.broken).toEqual([]);
    expect(reasons(result)).toEqual([
      ['event_count_mismatch', null],
      ['stream_missing', 'b-1'],
    ]);
    expect(result.manifestProblems[1]!.detail).toBe('the manifest lists revisions 0..2; the file has none');
  });

  it('a stream added that the manifest does not list is refused', () => {
    const extra = chain('z-1', 1).map((e) => ({ ...e, position: '2/1' }));
    expect(reasons(verifyLines([...events, ...extra, manifest]))).toEqual([
      ['event_count_mismatch', null],
      ['position_range_mismatch', null],
      ['stream_not_in_manifest', 'z-1'],
    ]);
  });

  it('an empty file, and events without a manifest, are refused: no manifest', () => {
    for (const lines of [[], ['', ' '], events]) {
      const result = verifyLines(lines);
      expect(result).toMatchObject({ clean: false, manifest: null, broken: [] });
      expect(result.manifestProblems).toEqual([
        { reason: 'manifest_missing', detail: 'the export does not end with its manifest line: it may have been cut short' },
      ]);
    }
  });

  it('a tampered manifest is refused, and its hash is no longer the one anchored', () => {
    const fewer = tampered((m) => (m.events = 6));
    expect(reasons(verifyLines([...events, fewer]))).toEqual([['event_count_mismatch', null]]);
    const head = tampered((m) => (m.streams['b-1'].headHash = 'f'.repeat(64)));
    expect(reasons(verifyLines([...events, head]))).toEqual([['head_hash_mismatch', 'b-1']]);
    expect(verifyLines([...events, head]).manifest!.sha256).not.toBe(verifyLines([...events, manifest]).manifest!.sha256);
    // A manifest rewritten to match a shortened file verifies, but only its hash can tell: the anchor.
    const short = events.slice(0, 5);
    const forged = verifyLines([...short, manifestOf(short)]);
    expect(forged.clean).toBe(true);
    expect(forged.manifest!.sha256).not.toBe(verifyLines([...events, manifest]).manifest!.sha256);
  });

  it('lines after the manifest are refused, each by its line number, and are not counted', () => {
    const result = verifyLines([...events, manifest, JSON.stringify(chain('y-1', 1)[0]), '', manifest]);
    expect(result).toMatchObject({ clean: false, events: 7, broken: [] });
    expect(result.manifestProblems).toEqual([
      { reason: 'line_after_manifest', line: 9, detail: 'the manifest is on line 8' },
      { reason: 'line_after_manifest', line: 11, detail: 'the manifest is on line 8' },
    ]);
  });

  it('a manifest of the wrong shape is refused as malformed', () => {
    for (const [line, detail] of [
      ['{"manifest": "all fine"}', 'manifest must be an object'],
      [tampered((m) => (m.version = 2)), 'unknown manifest version 2'],
      [tampered((m) => (m.events = '7')), 'events must be a whole number'],
      [tampered((m) => (m.streams['a-1'].lastRevision = 3)), 'streams.a-1 must be {firstRevision, lastRevision, headHash}'],
    ] as const) {
      const result = verifyLines([...events, line]);
      expect(result).toMatchObject({ clean: false, manifest: null });
      expect(result.manifestProblems).toEqual([{ reason: 'manifest_malformed', line: 8, detail }]);
    }
  });

  it("a window's first revision is checked too, and a manifest naming a stream like an Object property is not fooled", () => {
    const window = chain('w-1', 5).slice(2);
    const cut = verifyLines([...window.slice(1), manifestOf(window)]);
    expect(reasons(cut)).toEqual([
      ['event_count_mismatch', null],
      ['position_range_mismatch', null],
      ['first_revision_mismatch', 'w-1'],
    ]);
    const odd = tampered((m) => (m.streams.constructor = { firstRevision: '0', lastRevision: '0', headHash: 'a'.repeat(64) }));
    expect(reasons(verifyLines([...events, odd]))).toEqual([['stream_missing', 'constructor']]);
  });

  it('the head is the highest revision, also when revisions arrive out of log order (racing appends)', () => {
    const s = chain('s-1', 3);
    const raced = renumbered([s[0]!, s[2]!, s[1]!]);
    const line = manifestOf(raced);
    expect(JSON.parse(line).manifest.streams['s-1']).toEqual({ firstRevision: '0', lastRevision: '2', headHash: s[2]!.metadata.hash });
    expect(verifyLines([...raced, line]).clean).toBe(true);
  });
});
