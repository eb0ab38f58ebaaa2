import { eventHash } from '#infra/event-log/hash-chain';
import { type ApiWorld, call, type Company, CONNECTORS, mysqlConnector, startWorld } from '../api/api-kit';
import { exportAudit, verifyExport, verifyExportJson, writeExport } from './export-kit';

let world: ApiWorld;
let acme: Company;
let lines: string[];
let events: any[];
let stream: string;
/** A moment between the first half of the history and the second, on the database clock. */
let midway: string;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  stream = `company-${acme.companyId}`;
  const role = (code: string) => call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code, name: `Role ${code}` } });
  for (const code of ['one', 'two']) expect((await role(code)).status).toBe(201);
  expect((await call(world.app, 'POST', CONNECTORS, { token: acme.adminToken, body: mysqlConnector() })).status).toBe(201);
  await sleep(15);
  midway = (await world.db.owner.query<{ at: Date }>(`SELECT date_trunc('milliseconds', clock_timestamp()) AS at`)).rows[0]!.at.toISOString();
  await sleep(15);
  for (const code of ['three', 'four', 'five']) expect((await role(code)).status).toBe(201);
  const answer = await exportAudit(world.app, acme.adminToken);
  expect(answer.status).toBe(200);
  ({ lines, events } = answer);
});
afterAll(async () => {
  await world?.close();
});

/** The line of one event of the company stream, by what it is about. */
const lineOf = (predicate: (event: any) => boolean): number => {
  const index = events.findIndex((event) => event.stream === stream && predicate(event));
  if (index < 0) throw new Error('no such event in the export');
  return index;
};

describe('npm run cli -- verify-export <file>: the export checked offline', () => {
  it('an untouched export verifies clean (exit 0) and says what it covered', async () => {
    const { code, result } = await verifyExportJson(writeExport(lines));
    expect(code).toBe(0);
    expect(result).toMatchObject({
      clean: true,
      // Every line but the last, the manifest.
      events: events.length,
      lines: lines.length,
      streams: new Set(events.map((e) => e.stream)).size,
      firstPosition: events[0].position,
      lastPosition: events[events.length - 1].position,
      anchored: [],
      broken: [],
      malformed: [],
      manifestProblems: [],
      omitted: 0,
    });
    const human = await verifyExport([writeExport(lines)]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${events.length} events in ${result.streams} streams`);
    expect(human.stdout).toContain('every hash chain verifies');
  });

  it('one byte changed in one event (a role name) is exit 1, naming that stream, revision and line', async () => {
    const index = lineOf((e) => e.type === 'RoleDefined' && e.data.code === 'two');
    const tampered = [...lines];
    expect(tampered[index]).toContain('"name":"Role two"');
    tampered[index] = tampered[index]!.replace('"name":"Role two"', '"name":"Role twO"');
    const revision = events[index].revision;
    const { code, result } = await verifyExportJson(writeExport(tampered));
    expect(code).toBe(1);
    expect(result.clean).toBe(false);
    expect(result.broken).toEqual([{ stream, revision, line: index + 1, reason: 'hash_mismatch' }]);
    const human = await verifyExport([writeExport(tampered)]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`BROKEN ${stream}@${revision} (line ${index + 1}): hash_mismatch`);
  });

  it('a forger who also recomputes the changed event hash breaks the link to the next one', async () => {
    const index = lineOf((e) => e.type === 'RoleDefined' && e.data.code === 'one');
    const forged = JSON.parse(lines[index]!);
    forged.data.name = 'Forged';
    forged.metadata.hash = eventHash({ streamId: forged.stream, revision: BigInt(forged.revision), type: forged.type, data: forged.data, metadata: forged.metadata });
    const tampered = [...lines];
    tampered[index] = JSON.stringify(forged);
    const next = lineOf((e) => BigInt(e.revision) === BigInt(forged.revision) + 1n);
    const { code, result } = await verifyExportJson(writeExport(tampered));
    expect(code).toBe(1);
    expect(result.broken).toEqual([{ stream, revision: events[next].revision, line: next + 1, reason: 'prev_hash_mismatch' }]);
  });

  it('a line deleted in the middle of a stream is reported as a revision gap', async () => {
    const index = lineOf((e) => e.type === 'RoleDefined' && e.data.code === 'two');
    const missing = BigInt(events[index].revision);
    const next = lineOf((e) => BigInt(e.revision) === missing + 1n);
    const shortened = lines.filter((_, i) => i !== index);
    const { code, result } = await verifyExportJson(writeExport(shortened));
    expect(code).toBe(1);
    // `next` counted from 0 in the original is its 1-based line once a line above it is gone.
    expect(result.broken).toEqual([
      { stream, revision: (missing + 1n).toString(), line: next, reason: 'revision_gap', detail: `revision ${missing} missing` },
    ]);
  });

  it('a malformed line is reported with its line number, the events around it still verified', async () => {
    const broken = [...lines.slice(0, 2), '{"stream": "company-x", oops', ...lines.slice(2, -1), '[]', lines[lines.length - 1]!];
    const { code, result } = await verifyExportJson(writeExport(broken));
    expect(code).toBe(1);
    expect(result).toMatchObject({ events: events.length, broken: [], manifestProblems: [] });
    expect(result.malformed).toEqual([
      { line: 3, reason: 'not valid JSON' },
      { line: lines.length + 1, reason: 'not a JSON object' },
    ]);
    expect((await verifyExport([writeExport(broken)])).stdout).toContain('MALFORMED line 3: not valid JSON');
  });

  it('a time-bounded export that starts mid-stream verifies clean, its chain anchored where it starts', async () => {
    const later = await exportAudit(world.app, acme.adminToken, `?from=${encodeURIComponent(midway)}`);
    expect(later.status).toBe(200);
    expect(later.events.length).toBeGreaterThan(0);
    expect(later.events.every((e) => e.stream === stream)).toBe(true);
    const start = later.events[0].revision;
    expect(BigInt(start)).toBeGreaterThan(0n);
    const { code, result } = await verifyExportJson(writeExport(later.lines));
    expect(code).toBe(0);
    expect(result).toMatchObject({ clean: true, streams: 1, events: later.events.length, broken: [], manifestProblems: [] });
    expect(result.anchored).toEqual([{ stream, revision: start, line: 1 }]);
    // Anchored is not unchecked: the events after the first one still link to it.
    const cut = later.lines.filter((_, i) => i !== 1);
    expect((await verifyExportJson(writeExport(cut))).code).toBe(1);
  });

  it('usage errors exit 2: no file given, or a path that is not a file', async () => {
    const none = await verifyExport([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing <file>');
    const absent = await verifyExport(['/nonexistent/export.ndjson']);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain('cannot read /nonexistent/export.ndjson');
  });

  it('an export of an empty window (its manifest alone) is clean and says so; an empty file is not (issue 11, defect 10)', async () => {
    const empty = await exportAudit(world.app, acme.adminToken, '?from=2001-01-01&to=2001-01-02');
    expect(empty.lines).toHaveLength(1);
    const { code, result } = await verifyExportJson(writeExport(empty.lines));
    expect(code).toBe(0);
    expect(result).toMatchObject({ clean: true, events: 0, streams: 0, firstPosition: null, lastPosition: null, manifest: { events: 0, streams: 0 } });
    const nothing = await verifyExportJson(writeExport([]));
    expect(nothing.code).toBe(1);
    expect(nothing.result).toMatchObject({ clean: false, events: 0, manifest: null, manifestProblems: [expect.objectContaining({ reason: 'manifest_missing' })] });
  });
});
