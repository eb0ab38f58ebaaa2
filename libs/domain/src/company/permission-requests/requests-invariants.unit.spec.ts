import fc from 'fast-check';
import { fold } from '../../shared/decider';
import { isDomainError } from '../../shared/domain-errors';
import { companyDecider } from '../decider';
import type { CompanyEvent } from '../events';
import { isPermissionRequestEvent } from './request-events';
import { type Intent, intentsArb, iso, start } from '../../../test/company/request-generators';
import { ADMIN_ROLE_CODE, countHolders } from '../roles/role-rules';
import type { CompanyState, RegisteredCompany } from '../state';
import { ADMIN_ROLE_ID, NOW } from '../../../test/company/company-fixtures';

const serialize = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? `${inner}n` : inner));

/** userId -> sorted roleIds, from RoleGranted/RoleRevoked alone; empty holdings dropped. */
function foldAssignments(events: readonly CompanyEvent[]): Record<string, string[]> {
  const held = new Map<string, Set<string>>();
  for (const event of events) {
    if (event.type !== 'RoleGranted' && event.type !== 'RoleRevoked') continue;
    const roles = held.get(event.data.userId) ?? new Set<string>();
    if (event.type === 'RoleGranted') roles.add(event.data.roleId);
    else roles.delete(event.data.roleId);
    held.set(event.data.userId, roles);
  }
  return normalizeAssignments(held);
}

function normalizeAssignments(assignments: ReadonlyMap<string, ReadonlySet<string>>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [userId, roles] of assignments) if (roles.size > 0) result[userId] = [...roles].sort();
  return result;
}

function checkBatch(before: RegisteredCompany, events: readonly CompanyEvent[], decided: ReadonlyMap<string, string>): void {
  for (const event of events) {
    // Nothing may ever be said again about a decided request.
    if (isPermissionRequestEvent(event)) expect(decided.has(event.data.requestId)).toBe(false);
    if (event.type === 'PermissionChangeStepApproved') {
      const request = before.requests.get(event.data.requestId);
      expect(request).toBeDefined();
      expect([request?.requesterId, request?.targetUserId]).not.toContain(event.data.approvedBy);
    }
  }
  // Role changes only ever come from an approval, in the same batch, closed by PermissionChangeApproved.
  const roleChanges = events.filter((event) => event.type === 'RoleGranted' || event.type === 'RoleRevoked');
  if (roleChanges.length > 0) {
    const last = events[events.length - 1];
    expect(events[0]?.type).toBe('PermissionChangeStepApproved');
    if (last?.type !== 'PermissionChangeApproved') throw new Error(`role changes closed by ${last?.type}`);
    for (const change of roleChanges) expect(change.data).toMatchObject({ requestId: last.data.requestId });
  }
}

function checkState(state: RegisteredCompany, history: readonly CompanyEvent[], decided: Map<string, string>): void {
  expect(countHolders(state, ADMIN_ROLE_ID)).toBeGreaterThanOrEqual(1);
  expect(normalizeAssignments(state.assignments)).toEqual(foldAssignments(history));
  for (const request of state.requests.values()) {
    const approvers = request.approvalFlow.filter((step) => step.status === 'approved').map((step) => step.decidedBy);
    expect(new Set(approvers).size).toBe(approvers.length);
    expect(approvers).not.toContain(request.requesterId);
    expect(approvers).not.toContain(request.targetUserId);
    if (request.status === 'approved') expect(approvers).toHaveLength(request.approvalFlow.length);
    if (request.status === 'pending') expect(approvers.length).toBeLessThan(request.approvalFlow.length);
    if (request.status === 'pending') continue;
    const snapshot = serialize(request);
    if (decided.has(request.requestId)) expect(snapshot).toBe(decided.get(request.requestId));
    else decided.set(request.requestId, snapshot);
  }
}

type Observer = (outcome: Readonly<{ events?: readonly CompanyEvent[]; code?: string; before: RegisteredCompany }>) => void;

/** Runs the intents from `start`, skipping refused commands; returns nothing, reports through `observe`. */
function run(intents: readonly Intent[], observe: Observer): void {
  let state: CompanyState = fold(companyDecider, start);
  let history = start;
  let clock = Date.parse(NOW);
  const decided = new Map<string, string>();
  for (const { advance, build } of intents) {
    clock += advance;
    const before = state as RegisteredCompany;
    let events: readonly CompanyEvent[];
    try {
      events = companyDecider.decide(build(iso(clock), before), state);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      observe({ code: error.code, before });
      continue;
    }
    checkBatch(before, events, decided);
    state = fold(companyDecider, events, state);
    history = [...history, ...events];
    expect(state.status).toBe('registered');
    checkState(state as RegisteredCompany, history, decided);
    observe({ events, before });
  }
}

describe('permission requests under random command sequences', () => {
  it('keep an admin, four eyes, final decisions and assignments = fold of grants/revokes, after every step', () => {
    fc.assert(
      fc.property(intentsArb, (intents) => run(intents, () => undefined)),
      { numRuns: 300 },
    );
  });

  it('really reach approvals, two-step approvals and every refusal (guards against a vacuous property)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(intentsArb, (intents) =>
        run(intents, ({ events, code, before }) => {
          if (code !== undefined) seen.add(code);
          for (const event of events ?? []) {
            seen.add(event.type);
            if (event.type === 'PermissionChangeApproved') {
              const steps = before.requests.get(event.data.requestId)?.approvalFlow.length;
              seen.add(`approved after ${steps} step(s)`);
            }
            if (event.type === 'RoleRevoked' && event.data.roleCode === ADMIN_ROLE_CODE) seen.add('admin revoked');
          }
        }),
      ),
      { numRuns: 500, seed: 42 },
    );
    const missing = [
      'PermissionChangeRequested', 'PermissionChangeStepApproved', 'PermissionChangeApproved', 'PermissionChangeRejected',
      'PermissionChangeCancelled', 'PermissionChangeExpired', 'RoleGranted', 'RoleRevoked', 'approved after 1 step(s)',
      'approved after 2 step(s)', 'admin revoked', 'own_request', 'own_elevation', 'already_approved_step', 'not_approver',
      'request_decided', 'request_expired', 'not_expired', 'not_enough_approvers', 'last_admin', 'stale_revision',
      'request_no_longer_applicable', 'request_exists', 'not_requester', 'overlapping_diff', 'empty_diff', 'already_granted',
    ].filter((expected) => !seen.has(expected));
    expect(missing).toEqual([]);
  });
});
