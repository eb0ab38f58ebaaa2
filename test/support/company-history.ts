import { randomUUID } from 'node:crypto';
import { companyDecider, companyStreamName, type CompanyCommand, type CompanyEvent, type CompanyState, type RegisteredCompany } from '#domain';
import type { EventLog } from '#infra/event-log/event-log';
import { toEnvelopes } from '#infra/event-log/envelope';

export type CompanyHistory = Readonly<{
  companyId: string;
  adminUserId: string;
  stream: string;
  events: readonly CompanyEvent[];
  state: CompanyState;
}>;

const service = { kind: 'service', service: 'test-seed' } as const;

/**
 * A company's history made by the real decider (so every event is one the domain allows):
 * registration, users, roles, updates, grants and a deletion or two.
 */
export function simulateCompany(size: { users: number; roles: number; updatesPerRole: number }): CompanyHistory {
  const companyId = randomUUID();
  const adminUserId = randomUUID();
  let state = companyDecider.initialState();
  const events: CompanyEvent[] = [];
  let tick = Date.parse('2026-01-01T00:00:00Z');
  const run = (type: CompanyCommand['type'], data: object): void => {
    tick += 1000;
    const command = { type, data, metadata: { actor: service, now: new Date(tick).toISOString() } } as CompanyCommand;
    for (const event of companyDecider.decide(command, state)) {
      events.push(event);
      state = companyDecider.evolve(state, event);
    }
  };
  run('RegisterCompany', { companyId, name: `Company ${companyId.slice(0, 8)}`, adminUserId, adminRoleId: randomUUID(), auditorRoleId: randomUUID(), adminEmail: 'admin@example.com' });
  const users = Array.from({ length: size.users }, () => randomUUID());
  users.forEach((userId, i) => run('RegisterUser', { userId, email: `user${i}@example.com` }));
  const roles = Array.from({ length: size.roles }, () => randomUUID());
  roles.forEach((roleId, i) =>
    run('DefineRole', { roleId, code: `role_${i}`, name: `Role ${i}`, scope: i % 3 === 0 ? `project:p${i}` : 'global', maxProjectScopedRoles: 20 }),
  );
  for (let u = 1; u <= size.updatesPerRole; u++) {
    roles.forEach((roleId, i) => run('UpdateRole', { roleId, name: `Role ${i} v${u + 1}`, description: `update ${u}`, maxProjectScopedRoles: 20 }));
  }
  users.forEach((userId, i) => run('GrantRole', { userId, roleId: roles[i % roles.length]!, reason: 'seed' }));
  if (roles.length > users.length) run('DeleteRole', { roleId: roles[roles.length - 1]! });
  return { companyId, adminUserId, stream: companyStreamName(companyId), events, state };
}

export async function appendHistory(log: EventLog, history: CompanyHistory): Promise<void> {
  const context = { commandId: randomUUID(), correlationId: randomUUID(), actor: service, now: new Date().toISOString(), tenant: { companyId: history.companyId } };
  await log.append(history.stream, toEnvelopes(history.events, context), { expected: 'no_stream' });
}

/** The history's final state, which simulateCompany always leaves registered. */
export function registered(history: CompanyHistory): RegisteredCompany {
  if (history.state.status !== 'registered') throw new Error('the simulated company is not registered');
  return history.state;
}
