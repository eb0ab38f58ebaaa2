import { randomUUID } from 'node:crypto';
import { type CompanyCommand, companyStreamName, Conflict } from '#domain';
import { companies } from '#infra/commands/aggregates';
import { CommandPipeline } from '#infra/commands/command-pipeline';
import { newCommandContext } from '#infra/event-log/envelope';
import { firstBrokenLink } from '#infra/event-log/hash-chain';
import { InMemoryEventLog } from '#infra/event-log/in-memory-event-log';

// The command pipeline above the decider, on the in-memory log that passes the event-log
// contract: load → decide → append with the expected revision, in milliseconds and without a
// database. The same behaviours on PostgreSQL are in command-pipeline.int.spec.ts.
const service = { kind: 'service', service: 'unit' } as const;
const now = '2026-12-01T10:00:00.000Z';

function company(): { companyId: string; adminUserId: string; register: CompanyCommand } {
  const companyId = randomUUID();
  const adminUserId = randomUUID();
  const register = {
    type: 'RegisterCompany',
    data: { companyId, name: 'Acme', adminUserId, adminRoleId: randomUUID(), auditorRoleId: randomUUID(), adminEmail: 'a@acme.test', adminDisplayName: null },
    metadata: { actor: service, now },
  } as CompanyCommand;
  return { companyId, adminUserId, register };
}

const defineRole = (companyId: string, adminUserId: string, code: string): CompanyCommand =>
  ({
    type: 'DefineRole',
    data: { roleId: randomUUID(), code, name: code, description: null, scope: 'global', maxProjectScopedRoles: 20 },
    metadata: { actor: { kind: 'user', userId: adminUserId, companyId }, now },
  }) as CompanyCommand;

it('decides on the folded state and appends its events with the revision it saw', async () => {
  const log = new InMemoryEventLog();
  const pipeline = new CommandPipeline({ log });
  const { companyId, adminUserId, register } = company();
  const stream = companyStreamName(companyId);
  const registered = await pipeline.run(companies, stream, register, newCommandContext(service, { companyId }));
  const defined = await pipeline.run(companies, stream, defineRole(companyId, adminUserId, 'support'), newCommandContext(service, { companyId }));
  expect(defined.events.map((e) => e.type)).toEqual(['RoleDefined']);
  expect(defined.streamRevision).toBe(registered.streamRevision + 1n);
  const events = await log.readStream(stream, { from: 0n, limit: 100 });
  expect(events.map((e) => e.type).slice(-1)).toEqual(['RoleDefined']);
  expect(firstBrokenLink(events)).toBeUndefined();
});

it('refuses what the domain refuses, appending nothing', async () => {
  const log = new InMemoryEventLog();
  const pipeline = new CommandPipeline({ log });
  const { companyId, adminUserId, register } = company();
  const stream = companyStreamName(companyId);
  await pipeline.run(companies, stream, register, newCommandContext(service, { companyId }));
  await pipeline.run(companies, stream, defineRole(companyId, adminUserId, 'support'), newCommandContext(service, { companyId }));
  const before = (await log.readStream(stream, { from: 0n, limit: 100 })).length;
  await expect(pipeline.run(companies, stream, defineRole(companyId, adminUserId, 'SUPPORT'), newCommandContext(service, { companyId }))).rejects.toBeInstanceOf(Conflict);
  expect(await log.readStream(stream, { from: 0n, limit: 100 })).toHaveLength(before);
});

it('two pipelines on one log (two processes): each catches up with the other, nothing is lost', async () => {
  const log = new InMemoryEventLog();
  const [one, two] = [new CommandPipeline({ log }), new CommandPipeline({ log })];
  const { companyId, adminUserId, register } = company();
  const stream = companyStreamName(companyId);
  await one.run(companies, stream, register, newCommandContext(service, { companyId }));
  await one.load(companies, stream);
  await two.load(companies, stream);
  const codes = Array.from({ length: 10 }, (_, i) => `role-${i}`);
  await Promise.all(codes.map((code, i) => (i % 2 === 0 ? one : two).run(companies, stream, defineRole(companyId, adminUserId, code), newCommandContext(service, { companyId }))));
  const { state } = await one.load(companies, stream);
  const held = state.status === 'registered' ? [...state.roles.values()].map((r) => r.code) : [];
  expect(held).toEqual(expect.arrayContaining(codes));
  expect((await log.readStream(stream, { from: 0n, limit: 100 })).filter((e) => e.type === 'RoleDefined' && codes.includes((e.data as { code: string }).code))).toHaveLength(10);
});
