import { createHash } from 'node:crypto';
import { type ApiWorld, call, type Company, CONNECTORS, mysqlConnector, startWorld } from '../api/api-kit';
import { exportAudit, verifyExport, verifyExportJson, writeExport } from './export-kit';

/**
 * Issue 11, defect 10, end to end: the API's own export ends with its manifest, and the CLI an
 * auditor runs refuses a file cut short (a stream's tail, a whole stream, everything) or whose
 * manifest was touched, and prints the manifest's SHA-256 for the copy anchored elsewhere.
 */
let world: ApiWorld;
let acme: Company;
let lines: string[];
let events: any[];
let manifest: any;
let companyStream: string;
let connectorStream: string;

beforeAll(async () => {
  world = await startWorld();
  acme = await world.registerCompany('Acme');
  companyStream = `company-${acme.companyId}`;
  expect((await call(world.app, 'POST', '/v1/roles', { token: acme.adminToken, body: { code: 'ops', name: 'Ops' } })).status).toBe(201);
  const connector = await call(world.app, 'POST', CONNECTORS, { token: acme.adminToken, body: mysqlConnector() });
  expect(connector.status).toBe(201);
  connectorStream = connector.body.stream;
  ({ lines, events, manifest } = await exportAudit(world.app, acme.adminToken));
});
afterAll(async () => {
  await world?.close();
});

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const without = (predicate: (event: any) => boolean): string[] => [...lines.slice(0, -1).filter((_, i) => !predicate(events[i])), lines[lines.length - 1]!];

describe('the export manifest, from GET /v1/audit/export to verify-export', () => {
  it("is the last line: the count, and each stream's first and last revision and head hash, of exactly what was exported", () => {
    expect(lines[lines.length - 1]).toBe(JSON.stringify({ manifest }));
    expect(events.length).toBe(lines.length - 1);
    const streams = [...new Set(events.map((e) => e.stream))].sort();
    expect(streams).toEqual(expect.arrayContaining([companyStream, connectorStream]));
    const last = (stream: string) => events.filter((e) => e.stream === stream).at(-1);
    expect(manifest).toEqual({
      version: 1,
      companyId: acme.companyId,
      from: null,
      to: null,
      events: events.length,
      firstPosition: events[0].position,
      lastPosition: events.at(-1).position,
      streams: Object.fromEntries(streams.map((s) => [s, { firstRevision: '0', lastRevision: last(s).revision, headHash: last(s).metadata.hash }])),
    });
  });

  it('verifies clean, and the CLI prints the SHA-256 that `tail -n 1 export.ndjson | sha256sum` gives', async () => {
    const anchored = sha256(`${lines[lines.length - 1]}\n`);
    const { code, result } = await verifyExportJson(writeExport(lines));
    expect(code).toBe(0);
    expect(result).toMatchObject({ clean: true, manifestProblems: [], manifest: { line: lines.length, sha256: anchored, events: events.length } });
    const human = await verifyExport([writeExport(lines)]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`manifest sha256 ${anchored} (line ${lines.length})`);
  });

  it("a stream's tail cut off is exit 1, naming the stream", async () => {
    const lastOfCompany = events.filter((e) => e.stream === companyStream).at(-1);
    const { code, result } = await verifyExportJson(writeExport(without((e) => e === lastOfCompany)));
    expect(code).toBe(1);
    expect(result.broken).toEqual([]);
    expect(result.manifestProblems).toEqual(expect.arrayContaining([
      { reason: 'last_revision_mismatch', stream: companyStream, detail: `the manifest says ${lastOfCompany.revision}, the file ends at ${BigInt(lastOfCompany.revision) - 1n}` },
      expect.objectContaining({ reason: 'head_hash_mismatch', stream: companyStream }),
    ]));
    const human = await verifyExport([writeExport(without((e) => e === lastOfCompany))]);
    expect(human.stdout).toContain(`MANIFEST last_revision_mismatch ${companyStream}: the manifest says ${lastOfCompany.revision}`);
  });

  it('a whole stream removed is exit 1, naming it', async () => {
    const { code, result } = await verifyExportJson(writeExport(without((e) => e.stream === connectorStream)));
    expect(code).toBe(1);
    expect(result.broken).toEqual([]);
    expect(result.manifestProblems).toContainEqual(expect.objectContaining({ reason: 'stream_missing', stream: connectorStream }));
  });

  it('an empty file, or the events without their manifest, is exit 1: no manifest', async () => {
    for (const file of [writeExport([]), writeExport(lines.slice(0, -1))]) {
      const human = await verifyExport([file]);
      expect(human.code).toBe(1);
      expect(human.stdout).toContain('MANIFEST manifest_missing: the export does not end with its manifest line');
      expect(human.stdout).not.toContain('manifest sha256');
    }
  });

  it('a tampered manifest is exit 1, and a forged one that matches a shortened file has another hash than the anchored one', async () => {
    const forged = JSON.parse(lines[lines.length - 1]!);
    forged.manifest.events -= 1;
    const { code, result } = await verifyExportJson(writeExport([...lines.slice(0, -1), JSON.stringify(forged)]));
    expect(code).toBe(1);
    expect(result.manifestProblems).toEqual([{ reason: 'event_count_mismatch', detail: `the manifest says ${events.length - 1} events, the file has ${events.length}` }]);
    expect(result.manifest.sha256).not.toBe(sha256(`${lines[lines.length - 1]}\n`));
  });

  it('lines after the manifest are exit 1, by line number', async () => {
    const { code, result } = await verifyExportJson(writeExport([...lines, lines[0]!]));
    expect(code).toBe(1);
    expect(result.manifestProblems).toEqual([{ reason: 'line_after_manifest', line: lines.length + 1, detail: `the manifest is on line ${lines.length}` }]);
  });

  it('a closed window exported again gives the same file and manifest, byte for byte; its manifest names the window', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const query = `?from=2020-01-01T00:00:00Z&to=${encodeURIComponent(to)}`;
    const [one, two] = [await exportAudit(world.app, acme.adminToken, query), await exportAudit(world.app, acme.adminToken, query)];
    expect(one.text).toBe(two.text);
    expect(one.manifest).toMatchObject({ from: '2020-01-01T00:00:00.000Z', to, events: events.length });
    expect((await verifyExportJson(writeExport(one.lines))).code).toBe(0);
  });
});
