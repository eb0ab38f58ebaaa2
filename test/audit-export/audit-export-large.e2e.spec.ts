import { createWriteStream } from 'node:fs';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportEventPages } from '#infra/audit/export-events';
import { toEnvelopes } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { type ApiWorld, startWorld } from '../api/api-kit';
import { type CompanyHistory, simulateCompany } from '../support/company-history';
import { verifyExportJson, writeExport } from './export-kit';

let world: ApiWorld;
let ours: CompanyHistory;
let theirs: CompanyHistory;

/**
 * Appends both histories in interleaved chunks, each its own transaction, so the export's
 * pages cross transactions and skip the other company's events in between.
 */
async function appendInterleaved(histories: readonly CompanyHistory[], chunk: number): Promise<void> {
  const log = new PostgresEventLog(world.db.owner);
  const service = { kind: 'service', service: 'test-seed' } as const;
  const longest = Math.max(...histories.map((h) => h.events.length));
  for (let start = 0; start < longest; start += chunk) {
    for (const history of histories) {
      const events = history.events.slice(start, start + chunk);
      if (events.length === 0) continue;
      const context = { commandId: randomUUID(), correlationId: randomUUID(), actor: service, now: new Date().toISOString(), tenant: { companyId: history.companyId } };
      await log.append(history.stream, toEnvelopes(events, context), { expected: start === 0 ? 'no_stream' : BigInt(start - 1) });
    }
  }
}

beforeAll(async () => {
  world = await startWorld();
  ours = simulateCompany({ users: 300, roles: 60, updatesPerRole: 45 });
  theirs = simulateCompany({ users: 100, roles: 30, updatesPerRole: 10 });
  await appendInterleaved([ours, theirs], 250);
  await world.app.listen(0, '127.0.0.1');
}, 120_000);
afterAll(async () => {
  await world?.close();
});

describe('a large export streams', () => {
  it('over a real socket, chunked as it is read, every event once, and verifies clean with the CLI', async () => {
    expect(ours.events.length).toBeGreaterThan(3000);
    const { port } = world.app.getHttpServer().address() as AddressInfo;
    const token = await world.token(ours.adminUserId, ours.companyId);
    const path = writeExport([], 'large.ndjson');
    const { headers, chunks } = await new Promise<{ headers: Record<string, unknown>; chunks: number }>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/v1/audit/export', headers: { authorization: `Bearer ${token}` } }, (response) => {
        let count = 0;
        response.on('data', () => count++);
        const file = createWriteStream(path);
        response.pipe(file);
        file.on('finish', () => resolve({ headers: { ...response.headers, status: response.statusCode }, chunks: count }));
        response.on('error', reject);
      }).on('error', reject);
    });
    expect(headers).toMatchObject({ status: 200, 'content-type': 'application/x-ndjson; charset=utf-8', 'transfer-encoding': 'chunked' });
    expect(headers['content-length']).toBeUndefined();
    // One write per page of 500: the body was never assembled whole before it was sent.
    expect(chunks).toBeGreaterThan(3);

    const { code, result } = await verifyExportJson(path);
    expect(code).toBe(0);
    expect(result).toMatchObject({ clean: true, streams: 1, events: ours.events.length, anchored: [], broken: [], malformed: [], manifestProblems: [] });
    // The manifest came last, after every page, and counts them all.
    expect(result.manifest).toMatchObject({ line: ours.events.length + 1, events: ours.events.length, streams: 1 });
  });

  it('pages by log position without losing or repeating an event at any page size', async () => {
    const read = async (pageSize: number): Promise<string[]> => {
      const out: string[] = [];
      for await (const page of exportEventPages(world.db.owner, { companyId: theirs.companyId, pageSize })) {
        expect(page.length).toBeLessThanOrEqual(pageSize);
        out.push(...page.map((event) => `${event.stream}@${event.revision}@${event.position}`));
      }
      return out;
    };
    const whole = await read(100_000);
    expect(whole).toHaveLength(theirs.events.length);
    expect(whole.map((key) => key.split('@')[1])).toEqual(theirs.events.map((_, i) => String(i)));
    expect(await read(7)).toEqual(whole);
    expect(await read(250)).toEqual(whole);
  });
});
