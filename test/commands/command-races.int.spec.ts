import { randomUUID } from 'node:crypto';
import { type CompanyCommand, companyStreamName, type CompanyState } from '#domain';
import { companies } from '#infra/commands/aggregates';
import { CommandPipeline } from '#infra/commands/command-pipeline';
import { SnapshotStore } from '#infra/commands/snapshot-store';
import { type CommandContext, newCommandContext } from '#infra/event-log/envelope';
import { type EventLog, WrongExpectedVersion } from '#infra/event-log/event-log';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
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

const service = { kind: 'service', service: 'race-test' } as const;

/** The real log, counting its appends and those it refused for a wrong expected revision. */
function countingConflicts(inner: EventLog): EventLog & { conflicts: number; appends: number } {
  const counted = Object.create(inner) as EventLog & { conflicts: number; appends: number };
  counted.conflicts = 0;
  counted.appends = 0;
  counted.append = async (...args) => {
    counted.appends += 1;
    try {
      return await inner.append(...args);
    } catch (error) {
      if (error instanceof WrongExpectedVersion) counted.conflicts += 1;
      throw error;
    }
  };
  return counted;
}

async function company(pipeline: CommandPipeline): Promise<{ companyId: string; stream: string; adminUserId: string }> {
  const ids = { companyId: randomUUID(), adminUserId: randomUUID(), adminRoleId: randomUUID(), auditorRoleId: randomUUID() };
  const stream = companyStreamName(ids.companyId);
  await pipeline.run(companies, stream, command('RegisterCompany', { ...ids, name: 'Race Co', adminEmail: 'a@race.test' }), context(ids.companyId));
  return { ...ids, stream };
}

const command = (type: CompanyCommand['type'], data: object): CompanyCommand =>
  ({ type, data, metadata: { actor: service, now: new Date().toISOString() } }) as CompanyCommand;
const context = (companyId: string): CommandContext => newCommandContext(service, { companyId });
const defineRole = (code: string) => command('DefineRole', { roleId: randomUUID(), code, name: code, maxProjectScopedRoles: 20 });
const roleCount = (state: CompanyState) => (state.status === 'registered' ? state.roles.size : 0);

describe('writers on one stream', () => {
  it('in one process queue behind each other: 20 parallel role definitions in order, appended together, no conflict', async () => {
    const counting = countingConflicts(log);
    const pipeline = new CommandPipeline({ log: counting });
    const { companyId, stream } = await company(pipeline);
    const base = (await pipeline.load(companies, stream)).revision;
    const appendsBefore = counting.appends;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pipeline.run(companies, stream, defineRole(`r${i}`), context(companyId))));
    // In the order they were sent: the lane is first come, first served.
    expect(results.map((r) => r.streamRevision)).toEqual(Array.from({ length: 20 }, (_, i) => base + BigInt(i + 1)));
    expect(counting.conflicts).toBe(0);
    // The first goes alone; the others waited behind it and share one append (one commit).
    expect(counting.appends - appendsBefore).toBeLessThan(20);
    expect(new Set(results.slice(1).map((r) => `${r.position?.commit}/${r.position?.prepare}`)).size).toBeLessThan(19);
    expect(roleCount((await pipeline.load(companies, stream)).state)).toBe(22);
  });

  it('in two processes all succeed: a lost race is decided again on the caught-up state', async () => {
    const counting = countingConflicts(log);
    const [one, two] = [new CommandPipeline({ log: counting }), new CommandPipeline({ log: counting })];
    const { companyId, stream } = await company(one);
    await two.load(companies, stream);
    const writes = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? one : two).run(companies, stream, defineRole(`p${i}`), context(companyId)));
    expect((await Promise.allSettled(writes)).filter((r) => r.status === 'rejected')).toEqual([]);
    expect(counting.conflicts).toBeGreaterThan(0);
    expect(roleCount((await new CommandPipeline({ log }).load(companies, stream)).state)).toBe(32);
  });

  it('a decision on a stale cache is never wrong: the rule sees what really happened', async () => {
    const [one, two] = [new CommandPipeline({ log }), new CommandPipeline({ log })];
    const { companyId, stream } = await company(one);
    await two.load(companies, stream);
    await one.run(companies, stream, defineRole('taken'), context(companyId));
    // `two` still caches the state without the role; the same code must still be refused.
    await expect(two.run(companies, stream, defineRole('taken'), context(companyId))).rejects.toMatchObject({ code: 'role_code_taken' });
  });

  it('a precondition fails on the first real conflict with the current revision', async () => {
    const [one, two] = [new CommandPipeline({ log }), new CommandPipeline({ log })];
    const { companyId, stream } = await company(one);
    const roleId = randomUUID();
    await one.run(companies, stream, command('DefineRole', { roleId, code: 'edited', name: 'v1', maxProjectScopedRoles: 20 }), context(companyId));
    await two.load(companies, stream);
    const update = (name: string) => command('UpdateRole', { roleId, name, expectedRevision: 1n, maxProjectScopedRoles: 20 });
    await one.run(companies, stream, update('v2'), context(companyId));
    await expect(two.run(companies, stream, update('v3'), context(companyId))).rejects.toMatchObject({ kind: 'conflict', currentRevision: 2n });
  });
});

describe('an attempt whose answer was lost', () => {
  it('is recovered from the log by its command id: the same outcome, nothing appended twice', async () => {
    const pipeline = new CommandPipeline({ log });
    const { companyId, stream } = await company(pipeline);
    const attempt = context(companyId);
    const started = new Date();
    const roleId = randomUUID();
    const first = await pipeline.run(companies, stream, command('DefineRole', { roleId, code: 'once', name: 'Once', maxProjectScopedRoles: 20 }), attempt);
    await pipeline.run(companies, stream, defineRole('after'), context(companyId));
    // A new process retries it (the domain would now refuse the code as taken).
    const retried = await new CommandPipeline({ log, snapshots: new SnapshotStore(db.owner) }).execute(companies, stream, {
      context: { ...attempt, now: new Date().toISOString() },
      command: () => command('DefineRole', { roleId, code: 'once', name: 'Once', maxProjectScopedRoles: 20 }),
      recoverSince: started,
    });
    expect(retried).toMatchObject({ recovered: true, streamRevision: first.streamRevision, position: first.position });
    expect(retried.events.map((e) => e.type)).toEqual(['RoleDefined']);
    expect(retried.state).toEqual(first.state);
    expect(retried.before).toEqual(first.before);
    expect((await log.readStream(stream)).filter((e) => e.metadata.commandId === attempt.commandId)).toHaveLength(1);
  });

  it('that decides the same again finds its own events in the way, and answers with them', async () => {
    const pipeline = new CommandPipeline({ log });
    const { companyId, stream } = await company(pipeline);
    const roleId = randomUUID();
    await pipeline.run(companies, stream, command('DefineRole', { roleId, code: 'renamed', name: 'v1', maxProjectScopedRoles: 20 }), context(companyId));
    const attempt = context(companyId);
    const rename = command('UpdateRole', { roleId, name: 'v2', maxProjectScopedRoles: 20 });
    const first = await pipeline.run(companies, stream, rename, attempt);
    // Renamed back meanwhile, so deciding the rename again produces the same event again.
    await pipeline.run(companies, stream, command('UpdateRole', { roleId, name: 'v1', maxProjectScopedRoles: 20 }), context(companyId));
    // No start time known (the key was released): the append of the same event ids is refused
    // as a duplicate, and the pipeline answers from the events the first attempt left.
    const again = await new CommandPipeline({ log }).run(companies, stream, rename, attempt);
    expect(again).toMatchObject({ recovered: true, streamRevision: first.streamRevision, position: first.position });
    expect((await log.readStream(stream)).filter((e) => e.metadata.commandId === attempt.commandId)).toHaveLength(1);
  });

  it('that never appended is decided as new', async () => {
    const pipeline = new CommandPipeline({ log });
    const { companyId, stream } = await company(pipeline);
    const outcome = await pipeline.execute(companies, stream, {
      context: context(companyId),
      command: () => defineRole('fresh'),
      recoverSince: new Date(),
    });
    expect(outcome.recovered).toBe(false);
    expect(outcome.events.map((e) => e.type)).toEqual(['RoleDefined']);
  });
});

describe('commands appended together', () => {
  it('refuse only the ones that break a rule; the others land, in order, on the state the earlier ones left', async () => {
    const pipeline = new CommandPipeline({ log });
    const { companyId, stream } = await company(pipeline);
    const codes = ['aa', 'bb', 'aa', 'cc', 'BB', 'dd'];
    const settled = await Promise.allSettled(codes.map((code) => pipeline.run(companies, stream, defineRole(code), context(companyId))));
    expect(settled.map((s) => (s.status === 'fulfilled' ? 'ok' : (s.reason as { code: string }).code))).toEqual([
      'ok',
      'ok',
      'role_code_taken',
      'ok',
      'role_code_taken',
      'ok',
    ]);
    const state = (await new CommandPipeline({ log }).load(companies, stream)).state;
    expect(roleCount(state)).toBe(2 + 4);
  });

  it('each know their own revision and share the position of their append; a lost answer among them is recovered as it was', async () => {
    const pipeline = new CommandPipeline({ log });
    const { companyId, stream } = await company(pipeline);
    await pipeline.run(companies, stream, defineRole('first'), context(companyId));
    const contexts = [context(companyId), context(companyId), context(companyId)];
    const started = new Date();
    const outcomes = await Promise.all(contexts.map((c, i) => pipeline.run(companies, stream, defineRole(`together.${i}`), c)));
    expect(outcomes[1]!.position).toEqual(outcomes[2]!.position);
    expect(outcomes[2]!.streamRevision - outcomes[1]!.streamRevision).toBe(1n);
    const recovered = await new CommandPipeline({ log }).execute(companies, stream, {
      context: contexts[1]!,
      command: () => defineRole('together.1'),
      recoverSince: started,
    });
    expect(recovered).toMatchObject({ recovered: true, streamRevision: outcomes[1]!.streamRevision, position: outcomes[1]!.position });
    expect(recovered.state).toEqual(outcomes[1]!.state);
  });

  it('one whose events are in the log already is recovered alone; the others are appended', async () => {
    const pipeline = new CommandPipeline({ log });
    const { companyId, stream } = await company(pipeline);
    const roleId = randomUUID();
    await pipeline.run(companies, stream, command('DefineRole', { roleId, code: 'toggled', name: 'v1', maxProjectScopedRoles: 20 }), context(companyId));
    const attempt = context(companyId);
    const rename = command('UpdateRole', { roleId, name: 'v2', maxProjectScopedRoles: 20 });
    const first = await pipeline.run(companies, stream, rename, attempt);
    await pipeline.run(companies, stream, command('UpdateRole', { roleId, name: 'v1', maxProjectScopedRoles: 20 }), context(companyId));
    const [again, ...others] = await Promise.all([
      pipeline.run(companies, stream, defineRole('busy.0'), context(companyId)),
      pipeline.run(companies, stream, rename, attempt),
      pipeline.run(companies, stream, defineRole('busy.1'), context(companyId)),
      pipeline.run(companies, stream, defineRole('busy.2'), context(companyId)),
    ]).then(([lead, retried, ...rest]) => [retried!, lead!, ...rest]);
    expect(again).toMatchObject({ recovered: true, streamRevision: first.streamRevision, position: first.position });
    expect(others.map((o) => o.recovered)).toEqual([false, false, false]);
    expect((await log.readStream(stream)).filter((e) => e.metadata.commandId === attempt.commandId)).toHaveLength(1);
  });
});
