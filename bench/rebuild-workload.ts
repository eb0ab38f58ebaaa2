import { randomUUID } from 'node:crypto';
import { type CompanyCommand, type CompanyEvent, companyDecider, companyStreamName } from '#domain';
import { newCommandContext, toEnvelopes } from '#infra/event-log/envelope';
import type { EventLog } from '#infra/event-log/event-log';

const service = { kind: 'service', service: 'bench' } as const;

/**
 * One company's history made by the real decider: users, roles, many role updates (the common
 * event in a long-lived company) and grants: about a thousand events.
 */
function companyHistory(): { stream: string; companyId: string; events: CompanyEvent[] } {
  const companyId = randomUUID();
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
  run('RegisterCompany', { companyId, name: `Bench ${companyId.slice(0, 8)}`, adminUserId: randomUUID(), adminRoleId: randomUUID(), auditorRoleId: randomUUID(), adminEmail: 'admin@example.com' });
  const users = Array.from({ length: 100 }, () => randomUUID());
  users.forEach((userId, i) => run('RegisterUser', { userId, email: `user${i}@example.com`, displayName: `User ${i}` }));
  const roles = Array.from({ length: 30 }, () => randomUUID());
  roles.forEach((roleId, i) => run('DefineRole', { roleId, code: `role_${i}`, name: `Role ${i}`, scope: 'global', maxProjectScopedRoles: 20 }));
  for (let u = 1; u <= 25; u++) roles.forEach((roleId, i) => run('UpdateRole', { roleId, name: `Role ${i} v${u}`, description: `revision ${u}`, maxProjectScopedRoles: 20 }));
  users.forEach((userId, i) => run('GrantRole', { userId, roleId: roles[i % roles.length]!, reason: 'bench' }));
  return { stream: companyStreamName(companyId), companyId, events };
}

/** Appends companies until the log holds at least `target` events; returns how many it holds. */
export async function seedLog(log: EventLog, target: number, progress: (events: number) => void): Promise<number> {
  let events = 0;
  while (events < target) {
    const history = companyHistory();
    await log.append(history.stream, toEnvelopes(history.events, newCommandContext(service, { companyId: history.companyId })), { expected: 'no_stream' });
    events += history.events.length;
    progress(events);
  }
  return events;
}
