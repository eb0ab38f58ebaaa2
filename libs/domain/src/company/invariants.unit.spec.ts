import fc from 'fast-check';
import type { Actor } from '../shared/decider';
import { fold } from '../shared/decider';
import { isDomainError } from '../shared/domain-errors';
import type { CompanyCommand } from './commands';
import { companyDecider } from './decider';
import type { CompanyEvent } from './events';
import { ADMIN_ROLE_CODE, countHolders, isProjectScope } from './roles/role-rules';
import type { CompanyState, RegisteredCompany } from './state';
import { ADMIN_ID, ADMIN_ROLE_ID, admin, bootstrap, member, MEMBER_ID, NOW, service, userRegistered, uuid } from '../../test/company/company-fixtures';

// Small pools make collisions (same code, same role, same user) frequent, which
// is where the invariants are actually exercised.
const USERS = [ADMIN_ID, MEMBER_ID, uuid(30), uuid(31)];
const ROLES = [ADMIN_ROLE_ID, uuid(40), uuid(41), uuid(42), uuid(43)];
const CODES = ['ops', 'OPS', 'dev', 'qa', 'Vibot.admin', 'x'];
const SCOPES = ['global', 'project:a', 'project:b', 'bad scope'];

const start: readonly CompanyEvent[] = [
  ...bootstrap,
  userRegistered(MEMBER_ID, 'member@acme.test'),
  userRegistered(uuid(30), 'third@acme.test'),
  userRegistered(uuid(31), 'fourth@acme.test'),
];

const actorArb: fc.Arbitrary<Actor> = fc.constantFrom(service, admin, admin, member);
const userArb = fc.constantFrom(...USERS);
const roleArb = fc.constantFrom(...ROLES);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

// Commands are built without the limit, which is fixed per run so that
// "never exceeds the limit" is well defined.
type Intent = (limit: number) => CompanyCommand;
const at = (actor: Actor) => ({ actor, now: NOW });

const grantOrRevokeArb = (type: 'GrantRole' | 'RevokeRole'): fc.Arbitrary<Intent> =>
  fc.record({ userId: userArb, roleId: roleArb }).map(
    ({ userId, roleId }): Intent => () => ({ type, data: { userId, roleId, reason: 'prop' }, metadata: at(service) }),
  );

const intentArb: fc.Arbitrary<Intent> = fc.oneof(
  fc.record({ roleId: roleArb, code: fc.constantFrom(...CODES), scope: maybe(fc.constantFrom(...SCOPES)), actor: actorArb }).map(
    ({ roleId, code, scope, actor }): Intent =>
      (limit) => ({
        type: 'DefineRole',
        data: { roleId, code, name: code, ...(scope === undefined ? {} : { scope }), maxProjectScopedRoles: limit },
        metadata: at(actor),
      }),
  ),
  fc.record({ roleId: roleArb, name: maybe(fc.constantFrom('A', 'B')), scope: maybe(fc.constantFrom(...SCOPES)), actor: actorArb }).map(
    ({ roleId, name, scope, actor }): Intent =>
      (limit) => ({
        type: 'UpdateRole',
        data: { roleId, ...(name === undefined ? {} : { name }), ...(scope === undefined ? {} : { scope }), maxProjectScopedRoles: limit },
        metadata: at(actor),
      }),
  ),
  fc.record({ roleId: roleArb, actor: actorArb }).map(
    ({ roleId, actor }): Intent => () => ({ type: 'DeleteRole', data: { roleId }, metadata: at(actor) }),
  ),
  // Grants and revocations need a matching earlier state, so they get more weight.
  { arbitrary: grantOrRevokeArb('GrantRole'), weight: 3 },
  { arbitrary: grantOrRevokeArb('RevokeRole'), weight: 2 },
);

function checkInvariants(state: RegisteredCompany, limit: number, updates: ReadonlyMap<string, bigint>): void {
  const codes = [...state.roles.values()].map((role) => role.code.toLowerCase());
  expect(new Set(codes).size).toBe(codes.length);

  const projectRoles = [...state.roles.values()].filter((role) => isProjectScope(role.scope)).length;
  expect(projectRoles).toBeLessThanOrEqual(limit);

  for (const held of state.assignments.values()) for (const roleId of held) expect(state.roles.has(roleId)).toBe(true);

  const adminRole = [...state.roles.values()].find((role) => role.code === ADMIN_ROLE_CODE);
  expect(adminRole).toBeDefined();
  expect(countHolders(state, adminRole!.roleId)).toBeGreaterThanOrEqual(1);

  for (const role of state.roles.values()) expect(role.revision).toBe(1n + (updates.get(role.roleId) ?? 0n));

  // The indexes the rules read instead of scanning: exactly the assignments and roles, inverted.
  const byHolders = [...state.holders].flatMap(([roleId, users]) => [...users].map((userId) => `${userId}/${roleId}`)).sort();
  const byAssignments = [...state.assignments].flatMap(([userId, roles]) => [...roles].map((roleId) => `${userId}/${roleId}`)).sort();
  expect(byHolders).toEqual(byAssignments);
  expect(Object.fromEntries(state.roleIdsByCode)).toEqual(Object.fromEntries([...state.roles.values()].map((r) => [r.code.toLowerCase(), r.roleId])));
}

describe('company invariants under random command sequences', () => {
  it('hold after every accepted command', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.array(intentArb, { minLength: 10, maxLength: 60 }), (limit, intents) => {
        let state: CompanyState = fold(companyDecider, start);
        const updates = new Map<string, bigint>();
        for (const intent of intents) {
          let events: readonly CompanyEvent[];
          try {
            events = companyDecider.decide(intent(limit), state);
          } catch (error) {
            if (!isDomainError(error)) throw error;
            continue;
          }
          const before = state as RegisteredCompany;
          for (const event of events) {
            if (event.type === 'RoleDeleted') expect(countHolders(before, event.data.roleId)).toBe(0);
            if (event.type === 'RoleDefined') updates.set(event.data.roleId, 0n);
            if (event.type === 'RoleUpdated') updates.set(event.data.roleId, (updates.get(event.data.roleId) ?? 0n) + 1n);
          }
          state = fold(companyDecider, events, state);
          expect(state.status).toBe('registered');
          checkInvariants(state as RegisteredCompany, limit, updates);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('also reach interesting states (guards against a vacuous property)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(intentArb, { minLength: 10, maxLength: 60 }), (intents) => {
        let state = fold(companyDecider, start);
        for (const intent of intents) {
          try {
            const events = companyDecider.decide(intent(1), state);
            events.forEach((event) => seen.add(event.type));
            state = fold(companyDecider, events, state);
          } catch (error) {
            if (!isDomainError(error)) throw error;
            seen.add(error.code);
          }
        }
      }),
      { numRuns: 200, seed: 42 },
    );
    for (const expected of ['RoleDefined', 'RoleUpdated', 'RoleDeleted', 'RoleGranted', 'RoleRevoked', 'role_assigned', 'last_admin', 'project_role_limit', 'role_code_taken']) {
      expect(seen).toContain(expected);
    }
  });
});

it('start history registers every pooled user', () => {
  const state = fold(companyDecider, start) as RegisteredCompany;
  expect(USERS.every((userId) => state.users.has(userId))).toBe(true);
});
