import { randomUUID } from 'node:crypto';
import { companyDecider, type Actor, type CompanyCommand, type CompanyEvent, type RegisteredCompany } from '#domain';

export type RequestHistory = Readonly<{
  companyId: string;
  state: RegisteredCompany;
  events: CompanyEvent[];
  /** The events of each command: what one append (one transaction) holds. */
  batches: CompanyEvent[][];
  ids: Record<'approved' | 'elevated' | 'rejected' | 'cancelled' | 'expired' | 'pending', string>;
  users: Record<'admin1' | 'admin2' | 'member' | 'target' | 'bystander', string>;
}>;

/** A company whose requests end every way a request can end, all decided by the real domain. */
export function requestHistory(): RequestHistory {
  const companyId = randomUUID();
  const [admin1, admin2, member, target, bystander] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const roleId = randomUUID();
  let state = companyDecider.initialState();
  const events: CompanyEvent[] = [];
  const batches: CompanyEvent[][] = [];
  let clock = Date.parse('2026-03-01T09:00:00Z');
  const as = (userId: string): Actor => ({ kind: 'user', userId, companyId });
  const service: Actor = { kind: 'service', service: 'seed' };
  const run = (actor: Actor, type: CompanyCommand['type'], data: object, advanceMs = 60_000): void => {
    clock += advanceMs;
    const command = { type, data, metadata: { actor, now: new Date(clock).toISOString() } } as CompanyCommand;
    const decided = companyDecider.decide(command, state);
    batches.push([...decided]);
    for (const event of decided) {
      events.push(event);
      state = companyDecider.evolve(state, event);
    }
  };
  run(service, 'RegisterCompany', { companyId, name: 'Requests Inc', adminUserId: admin1, adminRoleId: randomUUID(), auditorRoleId: randomUUID(), adminEmail: 'a1@r.test' });
  for (const [userId, email] of [[admin2, 'a2@r.test'], [member, 'm@r.test'], [target, 't@r.test'], [bystander, 'b@r.test']]) {
    run(service, 'RegisterUser', { userId, email });
  }
  const adminRole = [...(state as RegisteredCompany).roles.values()].find((role) => role.code === 'Vibot.admin')!.roleId;
  run(service, 'GrantRole', { userId: admin2, roleId: adminRole, reason: 'second admin' });
  run(service, 'DefineRole', { roleId, code: 'viewer', name: 'Viewer', maxProjectScopedRoles: 20 });
  const ids = { approved: randomUUID(), elevated: randomUUID(), rejected: randomUUID(), cancelled: randomUUID(), expired: randomUUID(), pending: randomUUID() };
  run(as(member), 'RequestPermissionChange', { requestId: ids.approved, targetUserId: target, grant: ['viewer'], revoke: [], reason: 'needs dashboards' });
  run(as(admin1), 'ApproveRequest', { requestId: ids.approved, comment: 'ok' });
  run(as(member), 'RequestPermissionChange', { requestId: ids.elevated, targetUserId: target, grant: ['Vibot.admin'], revoke: [], reason: 'on call' });
  run(as(admin1), 'ApproveRequest', { requestId: ids.elevated, comment: 'first' });
  run(as(admin2), 'ApproveRequest', { requestId: ids.elevated, comment: null });
  run(as(target), 'RequestPermissionChange', { requestId: ids.rejected, targetUserId: member, grant: ['viewer'], revoke: [], reason: 'please' });
  run(as(admin2), 'RejectRequest', { requestId: ids.rejected, reason: 'not needed' });
  run(as(member), 'RequestPermissionChange', { requestId: ids.cancelled, targetUserId: member, grant: ['viewer'], revoke: [], reason: 'mine' });
  run(as(member), 'CancelRequest', { requestId: ids.cancelled });
  run(as(member), 'RequestPermissionChange', { requestId: ids.expired, targetUserId: member, grant: ['viewer'], revoke: [], reason: 'later', expiresAt: new Date(clock + 3_600_000).toISOString() });
  run(service, 'ExpireRequest', { requestId: ids.expired }, 2 * 3_600_000);
  run(as(member), 'RequestPermissionChange', { requestId: ids.pending, targetUserId: member, grant: ['viewer'], revoke: [], reason: 'waiting' });
  return { companyId, state: state as RegisteredCompany, events, batches, ids, users: { admin1, admin2, member, target, bystander } };
}

