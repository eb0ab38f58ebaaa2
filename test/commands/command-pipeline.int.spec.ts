import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { type CompanyEvent, type CompanyState, companyDecider, fold, isDomainError, type RegisteredCompany } from '#domain';
import { intentsArb, iso, start } from '../../libs/domain/test/company/request-generators';
import { companies } from '#infra/commands/aggregates';
import { CommandPipeline } from '#infra/commands/command-pipeline';
import { SnapshotStore } from '#infra/commands/snapshot-store';
import { newCommandContext, toEnvelopes } from '#infra/event-log/envelope';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { upcast } from '#infra/event-log/upcasters';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let log: PostgresEventLog;

beforeAll(async () => {
  db = await createTestDatabase();
  log = new PostgresEventLog(db.owner);
});
afterAll(async () => {
  await db.drop();
});

const service = { kind: 'service', service: 'pipeline-test' } as const;

/** The state a fresh fold of the whole stream gives: what every cache and snapshot must equal. */
async function foldedFromLog(stream: string): Promise<CompanyState> {
  return fold(companyDecider, (await log.readStream(stream)).map((event) => upcast(event) as CompanyEvent));
}

async function seeded(): Promise<string> {
  const stream = `company-${randomUUID()}`;
  await log.append(stream, toEnvelopes(start, newCommandContext(service, {})), { expected: 'no_stream' });
  return stream;
}

describe('the command pipeline: cached and snapshotted state equals a fresh fold of the log', () => {
  it('for random command sequences from two processes, through evictions, snapshots and an invalidated snapshot version', async () => {
    await fc.assert(
      fc.asyncProperty(intentsArb, fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), async (intents, fromOther) => {
        const stream = await seeded();
        const snapshots = new SnapshotStore(db.owner, 'version-a');
        // Two "processes" with their own caches; a tiny cache and frequent snapshots so that
        // evictions, snapshot loads and catch-ups all happen within a short sequence.
        const first = new CommandPipeline({ log, snapshots, cacheSize: 1, snapshotEvery: 3 });
        const second = new CommandPipeline({ log, snapshots, snapshotEvery: 5 });
        let clock = Date.parse('2026-01-01T00:00:00Z');
        for (const [i, intent] of intents.entries()) {
          clock += intent.advance;
          const now = iso(clock);
          const pipeline = fromOther[i] ? second : first;
          if (i % 7 === 0) await first.load(companies, `company-${randomUUID()}`); // pushes the stream out of the tiny cache
          try {
            await pipeline.execute(companies, stream, {
              context: newCommandContext(service, {}, now),
              command: (state) => intent.build(now, state as RegisteredCompany),
            });
          } catch (error) {
            if (!isDomainError(error)) throw error;
          }
        }
        await Promise.all([first.idle(), second.idle()]);
        // Structural equality: events read back from jsonb carry their keys in another order.
        const expected = await foldedFromLog(stream);
        expect((await first.load(companies, stream)).state).toEqual(expected);
        expect((await second.load(companies, stream)).state).toEqual(expected);
        // A fresh process starts from the newest snapshot and folds only what came after it.
        const fresh = new CommandPipeline({ log, snapshots });
        expect((await fresh.load(companies, stream)).state).toEqual(expected);
        // Under another code version the snapshots are not used at all: it folds from the start.
        const upgraded = new CommandPipeline({ log, snapshots: new SnapshotStore(db.owner, 'version-b') });
        const reloaded = await upgraded.load(companies, stream);
        expect(reloaded.snapshotRevision).toBe(-1n);
        expect(reloaded.state).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });

  it('never uses a snapshot of another version, even one that would be wrong', async () => {
    const stream = await seeded();
    const truth = await foldedFromLog(stream);
    const [, tail] = await log.readStream(stream, { direction: 'backwards', limit: 1 }).then((events) => [events, events[0]!] as const);
    await new SnapshotStore(db.owner, 'old-code').save(stream, { state: { status: 'absent' }, index: undefined, revision: tail.revision, lastHash: null });
    const current = await new CommandPipeline({ log, snapshots: new SnapshotStore(db.owner, 'new-code') }).load(companies, stream);
    expect(current.state).toEqual(truth);
    // The control: the same snapshot under the version that reads it is taken at its word.
    const stale = await new CommandPipeline({ log, snapshots: new SnapshotStore(db.owner, 'old-code') }).load(companies, stream);
    expect(stale.state).toEqual({ status: 'absent' });
  });

  it('keeps the newest three snapshots of a stream and none of another version', async () => {
    const stream = await seeded();
    const store = new SnapshotStore(db.owner, 'keeper');
    await new SnapshotStore(db.owner, 'gone').save(stream, { state: {}, index: undefined, revision: 0n, lastHash: null });
    for (const revision of [1n, 2n, 3n, 4n, 5n]) await store.save(stream, { state: { revision }, index: undefined, revision, lastHash: null });
    const { rows } = await db.owner.query<{ state_version: string; revision: string }>(
      'SELECT state_version, revision::text FROM api.aggregate_snapshots WHERE stream_id = $1 ORDER BY revision',
      [stream],
    );
    expect(rows).toEqual(['3', '4', '5'].map((revision) => ({ state_version: 'keeper', revision })));
    expect((await store.load<{ revision: bigint }>(stream, 4n))?.state).toEqual({ revision: 4n });
  });
});
