import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { exportEventPages, type ExportScope } from '#infra/audit/export-events';
import { newCommandContext, toEnvelopes } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let log: PostgresEventLog;

beforeAll(async () => {
  db = await createTestDatabase();
  log = new PostgresEventLog(db.owner);
});
afterAll(async () => {
  await db?.drop();
});

const service = { kind: 'service', service: 'test' } as const;

async function appendFor(companyId: string, stream: string, type: string): Promise<void> {
  const context = newCommandContext(service, { companyId });
  await log.append(stream, toEnvelopes([{ type, data: { n: 1 } }], context), { expected: 'any' });
}

async function exported(scope: ExportScope): Promise<string[]> {
  const types: string[] = [];
  for await (const page of exportEventPages(db.owner, scope)) types.push(...page.map((event) => event.type));
  return types;
}

/** A transaction that holds an id (so readers must stay below it) until released. */
async function openTransaction(): Promise<{ client: PoolClient; release: () => Promise<void> }> {
  const client = await db.owner.connect();
  await client.query('BEGIN');
  await client.query('SELECT pg_current_xact_id()');
  return {
    client,
    release: async () => {
      await client.query('ROLLBACK');
      client.release();
    },
  };
}

describe('the export horizon: a consistent prefix of the log, as complete as it can be made', () => {
  it('waits for a transaction older than the newest event to finish, then includes everything committed before the request', async () => {
    const companyId = randomUUID();
    const stream = `company-${companyId}`;
    await appendFor(companyId, stream, 'Before');
    const open = await openTransaction();
    await appendFor(companyId, stream, 'After');
    const started = Date.now();
    setTimeout(() => void open.release(), 300);
    expect(await exported({ companyId, settleMs: 10_000 })).toEqual(['Before', 'After']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('past its bound, exports only below the open transaction: never an event after a gap', async () => {
    const companyId = randomUUID();
    const stream = `company-${companyId}`;
    await appendFor(companyId, stream, 'Before');
    const open = await openTransaction();
    try {
      await appendFor(companyId, stream, 'After');
      // ['Before'] alone, unless a test in another database holds an even older transaction.
      const prefix = await exported({ companyId, settleMs: 100 });
      expect(prefix).not.toContain('After');
      expect([['Before'], []]).toContainEqual(prefix);
    } finally {
      await open.release();
    }
    expect(await exported({ companyId, settleMs: 30_000 })).toEqual(['Before', 'After']);
  });

  it("another company's events and untagged events are never exported", async () => {
    const companyId = randomUUID();
    await appendFor(companyId, `company-${companyId}`, 'Ours');
    await appendFor(randomUUID(), `company-${randomUUID()}`, 'Theirs');
    const context = newCommandContext(service, {});
    await log.append(`projectorOperations-${randomUUID()}`, toEnvelopes([{ type: 'Untagged', data: {} }], context), { expected: 'any' });
    expect(await exported({ companyId, settleMs: 30_000 })).toEqual(['Ours']);
  });
});
