import { parseExportLine } from '#infra/audit/verify-export';
import { chain, type Line, manifestOf, verifyLines } from './export-lines';

/** These lines verified as an export of them: the chains checked here, the manifest in export-manifest.unit.spec.ts. */
const verify = (lines: readonly (Line | string)[]) => verifyLines([...lines, manifestOf(lines)]);

/** File order is position order; a test that reorders lines renumbers positions to keep it. */
const renumbered = (lines: Line[]): Line[] => lines.map((line, i) => ({ ...line, position: `1/${i + 1}` }));

describe('ExportVerifier: an export checked line by line, without a database', () => {
  it('interleaved streams verify clean; coverage is reported', () => {
    const a = chain('a-1', 3);
    const b = chain('b-1', 2);
    const result = verify([...renumbered([a[0]!, b[0]!, a[1]!, b[1]!, a[2]!]), '', '  ']);
    expect(result).toEqual({
      clean: true,
      lines: 8,
      events: 5,
      streams: 2,
      firstPosition: '1/1',
      lastPosition: '1/5',
      anchored: [],
      broken: [],
      malformed: [],
      manifest: { line: 8, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), companyId: 'c', from: null, to: null, events: 5, streams: 2 },
      manifestProblems: [],
      omitted: 0,
    });
  });

  it('a chain that starts after revision 0 is anchored there, not broken, and still linked after it', () => {
    const whole = chain('s-1', 6);
    expect(verify(whole.slice(3))).toMatchObject({ clean: true, anchored: [{ stream: 's-1', revision: '3', line: 1 }] });
    const forged = whole.slice(3);
    forged[1] = { ...forged[1]!, metadata: { ...forged[1]!.metadata, prevHash: 'f'.repeat(64) } };
    expect(verify(forged).broken).toEqual([
      { stream: 's-1', revision: '4', line: 2, reason: 'hash_mismatch' },
      { stream: 's-1', revision: '4', line: 2, reason: 'prev_hash_mismatch' },
    ]);
  });

  it('revisions of one stream arriving out of order in the log (racing appends) still verify clean, at the start too', () => {
    const s = chain('s-1', 6);
    expect(verify(renumbered([s[0]!, s[2]!, s[3]!, s[1]!, s[4]!, s[5]!]))).toMatchObject({ clean: true, anchored: [] });
    expect(verify(renumbered([s[3]!, s[2]!, s[4]!, s[5]!]))).toMatchObject({ clean: true, anchored: [{ stream: 's-1', revision: '2', line: 2 }] });
  });

  it('a missing revision is a gap, also when more than the reorder window follows it', () => {
    const s = chain('s-1', 1500);
    const result = verify([...s.slice(0, 10), ...s.slice(11)]);
    expect(result.broken).toEqual([{ stream: 's-1', revision: '11', line: 11, reason: 'revision_gap', detail: 'revision 10 missing' }]);
    const tail = verify([...s.slice(0, 3), ...s.slice(7, 9)]);
    expect(tail.broken).toEqual([{ stream: 's-1', revision: '7', line: 4, reason: 'revision_gap', detail: 'revision 3..6 missing' }]);
  });

  it('a genesis event with a prevHash, a repeated line and lines out of log order are broken', () => {
    const s = chain('s-1', 3, 0, 'a'.repeat(64));
    expect(verify(s).broken).toEqual([{ stream: 's-1', revision: '0', line: 1, reason: 'prev_hash_mismatch', detail: 'revision 0 must have a null prevHash' }]);
    const t = chain('t-1', 3);
    expect(verify([t[0]!, t[1]!, t[1]!, t[2]!]).broken).toEqual([
      { stream: 't-1', revision: '1', line: 3, reason: 'position_out_of_order', detail: `after ${t[1]!.position}` },
      { stream: 't-1', revision: '1', line: 3, reason: 'revision_out_of_order', detail: 'expected revision 2' },
    ]);
    const u = chain('u-1', 4);
    expect(verify([u[0]!, u[2]!, u[2]!, u[1]!, u[3]!]).broken.map((b) => b.reason)).toEqual([
      'position_out_of_order',
      'duplicate_revision',
      'position_out_of_order',
    ]);
  });

  it('names what is wrong with a malformed line, and lists at most 1000 problems of a kind', () => {
    const [good] = chain('s-1', 1);
    const cases: [unknown, string][] = [
      [{ ...good, revision: 1 }, 'revision must be a string of digits'],
      [{ ...good, position: '12' }, 'position must be "<commit>/<prepare>"'],
      [{ ...good, stream: '' }, 'stream must be a non-empty string'],
      [{ ...good, data: undefined }, 'data is missing'],
      [{ ...good, metadata: { ...good!.metadata, hash: 'xyz' } }, 'metadata.hash must be a sha-256 hex string'],
      [{ ...good, metadata: { ...good!.metadata, prevHash: undefined } }, 'metadata.prevHash must be a sha-256 hex string or null'],
    ];
    for (const [value, error] of cases) expect(parseExportLine(JSON.stringify(value))).toEqual({ error });
    const result = verify(Array.from({ length: 1200 }, () => 'nope'));
    expect(result).toMatchObject({ clean: false, events: 0, lines: 1201, omitted: 200, manifestProblems: [] });
    expect(result.malformed).toHaveLength(1000);
    expect(result.malformed[999]).toEqual({ line: 1000, reason: 'not valid JSON' });
  });
});
