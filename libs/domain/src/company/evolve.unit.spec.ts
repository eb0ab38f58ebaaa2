import { fold } from '../shared/decider';
import { PersistentMap, PersistentSet } from '../shared/persistent-map';
import { holdsRole } from './authorization';
import { companyDecider, companyStreamName } from './decider';
import type { CompanyEvent } from './events';
import type { CompanyState, RegisteredCompany } from './state';
import {
  ADMIN_ID,
  ADMIN_ROLE_ID,
  bootstrap,
  cmd,
  COMPANY_ID,
  MEMBER_ID,
  ROLE_ID,
  roleDefined,
  roleDeleted,
  roleGranted,
  roleRevoked,
  roleUpdated,
  spec,
  userRegistered,
  withMemberAndRole,
} from '../../test/company/company-fixtures';

const registered = (events: readonly CompanyEvent[]): RegisteredCompany => {
  const state = fold(companyDecider, events);
  if (state.status !== 'registered') throw new Error('expected a registered company');
  return state;
};

// Serialises Maps/Sets/bigints so "unchanged" can be compared structurally.
const snapshot = (state: CompanyState): string =>
  JSON.stringify(state, (_key, value: unknown) => {
    if (value instanceof Map || value instanceof PersistentMap) return [...value.entries()];
    if (value instanceof Set || value instanceof PersistentSet) return [...value.values()];
    if (typeof value === 'bigint') return `${value}n`;
    return value;
  });

describe('role revisions', () => {
  it('start at 1n and grow by one per RoleUpdated only', () => {
    expect(registered(withMemberAndRole).roles.get(ROLE_ID)?.revision).toBe(1n);
    const history = [
      ...withMemberAndRole,
      roleUpdated(ROLE_ID, 'A'),
      roleGranted(MEMBER_ID, ROLE_ID, 'ops'),
      roleUpdated(ROLE_ID, 'B'),
      roleRevoked(MEMBER_ID, ROLE_ID, 'ops'),
    ];
    expect(registered(history).roles.get(ROLE_ID)?.revision).toBe(3n);
  });

  it('do not move on a no-op update', () => {
    const { state } = spec.given(withMemberAndRole).when(cmd('UpdateRole', { roleId: ROLE_ID, name: 'ops', maxProjectScopedRoles: 1 })).then([]);
    expect(state.status === 'registered' && state.roles.get(ROLE_ID)?.revision).toBe(1n);
  });
});

describe('evolve', () => {
  const steps: readonly CompanyEvent[] = [
    userRegistered(MEMBER_ID, 'm@acme.test'),
    roleDefined(ROLE_ID, 'ops'),
    roleUpdated(ROLE_ID, 'Ops'),
    roleGranted(MEMBER_ID, ROLE_ID, 'ops'),
    roleRevoked(MEMBER_ID, ROLE_ID, 'ops'),
    roleDeleted(ROLE_ID, 'ops'),
  ];

  it('never mutates the previous state', () => {
    let state = fold(companyDecider, bootstrap);
    for (const event of steps) {
      const before = snapshot(state);
      const next = companyDecider.evolve(state, event);
      expect(snapshot(state)).toBe(before);
      expect(next).not.toBe(state);
      state = next;
    }
  });

  it('removes deleted roles but remembers their ids', () => {
    const state = registered([...bootstrap, ...steps]);
    expect(state.roles.has(ROLE_ID)).toBe(false);
    expect(state.retiredRoleIds.has(ROLE_ID)).toBe(true);
    expect(state.assignments.get(MEMBER_ID)?.size).toBe(0);
  });

  it('builds the registered state from the bootstrap events', () => {
    const state = registered(bootstrap);
    expect(state).toMatchObject({ status: 'registered', companyId: COMPANY_ID, name: 'Acme' });
    expect(state.users.get(ADMIN_ID)).toEqual({ userId: ADMIN_ID, email: 'admin@acme.test', displayName: 'Ada Admin' });
    expect(state.roles.get(ADMIN_ROLE_ID)).toMatchObject({ code: 'Vibot.admin', builtIn: true, scope: 'global', revision: 1n });
    expect([...state.assignments.get(ADMIN_ID)!]).toEqual([ADMIN_ROLE_ID]);
  });

  it('ignores history before registration and a duplicate registration', () => {
    const absent = companyDecider.initialState();
    expect(companyDecider.evolve(absent, userRegistered(MEMBER_ID, 'm@acme.test'))).toBe(absent);
    const state = fold(companyDecider, bootstrap);
    expect(companyDecider.evolve(state, bootstrap[0]!)).toBe(state);
  });

  it('produces JSON-native events', () => {
    const events = spec.given(withMemberAndRole).when(cmd('UpdateRole', { roleId: ROLE_ID, name: 'X', maxProjectScopedRoles: 1 })).then(expect.any(Array)).events;
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
  });
});

describe('holdsRole', () => {
  it('is false for an absent company or an unknown user, and matches codes exactly', () => {
    expect(holdsRole(companyDecider.initialState(), ADMIN_ID, 'Vibot.admin')).toBe(false);
    const state = fold(companyDecider, withMemberAndRole);
    expect(holdsRole(state, MEMBER_ID, 'Vibot.admin')).toBe(false);
    expect(holdsRole(state, 'nobody', 'Vibot.admin')).toBe(false);
    expect(holdsRole(state, ADMIN_ID, 'Vibot.admin')).toBe(true);
    expect(holdsRole(state, ADMIN_ID, 'vibot.admin')).toBe(false);
  });
});

it('names the stream after the company', () => {
  expect(companyStreamName(COMPANY_ID)).toBe(`company-${COMPANY_ID}`);
});
