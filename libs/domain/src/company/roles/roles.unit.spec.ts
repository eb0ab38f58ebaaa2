import { Conflict, Invalid, NotFound } from '../../shared/domain-errors';
import type { DefineRole } from '../commands';
import {
  ADMIN_ID,
  ADMIN_ROLE_ID,
  bootstrap,
  cmd,
  MEMBER_ID,
  NEW_ROLE_ID,
  OTHER_ROLE_ID,
  ROLE_ID,
  roleDefined,
  roleDeleted,
  roleGranted,
  spec,
  withMemberAndRole,
} from '../../../test/company/company-fixtures';

const define = (overrides: Partial<DefineRole['data']> = {}) =>
  cmd('DefineRole', { roleId: NEW_ROLE_ID, code: 'dev', name: 'Developer', maxProjectScopedRoles: 2, ...overrides });

describe('DefineRole', () => {
  it('defines a global role by default, trimming name and blanking an empty description', () => {
    spec.given(bootstrap).when(define({ name: '  Developer ', description: '   ' })).then([
      roleDefined(NEW_ROLE_ID, 'dev', { name: 'Developer' }),
    ]);
  });

  it('keeps a trimmed description and an explicit project scope', () => {
    spec.given(bootstrap).when(define({ description: ' Builds things ', scope: 'project:p-1' })).then([
      roleDefined(NEW_ROLE_ID, 'dev', { name: 'Developer', description: 'Builds things', scope: 'project:p-1' }),
    ]);
  });

  it.each([['ops'], ['OPS'], ['Ops']])('refuses code %j when "ops" is taken (case-insensitive)', (code) => {
    const error = spec.given(withMemberAndRole).when(define({ code })).thenThrows(Conflict, 'role_code_taken');
    expect(error.details).toEqual({ code });
  });

  it('frees a code once its role is deleted', () => {
    spec.given([...withMemberAndRole, roleDeleted(ROLE_ID, 'ops')]).when(define({ code: 'ops', name: 'ops' })).then([
      roleDefined(NEW_ROLE_ID, 'ops'),
    ]);
  });

  it.each([['a'], ['1abc'], ['has space'], ['_x'], ['x'.repeat(51)], ['dév'], ['']])('rejects code %j', (code) => {
    spec.given(bootstrap).when(define({ code })).thenThrows(Invalid, 'invalid_role_code');
  });

  it.each([['ab'], ['x'.repeat(50)], ['a.b_c-D9']])('accepts code %j', (code) => {
    spec.given(bootstrap).when(define({ code, name: code })).then([roleDefined(NEW_ROLE_ID, code)]);
  });

  it.each([['Vibot.admin'], ['Vibot.custom'], ['vibot.custom'], ['VIBOT.x']])('reserves code %j', (code) => {
    spec.given(bootstrap).when(define({ code })).thenThrows(Invalid, 'reserved_role_code');
  });

  it.each([[''], ['   '], ['n'.repeat(101)]])('rejects name %j', (name) => {
    spec.given(bootstrap).when(define({ name })).thenThrows(Invalid, 'invalid_role_name');
  });

  it('accepts a 100 character name and a 2000 character description', () => {
    const name = 'n'.repeat(100);
    const description = 'd'.repeat(2000);
    spec.given(bootstrap).when(define({ name, description })).then([roleDefined(NEW_ROLE_ID, 'dev', { name, description })]);
  });

  it('rejects a description over 2000 characters', () => {
    spec.given(bootstrap).when(define({ description: 'd'.repeat(2001) })).thenThrows(Invalid, 'invalid_description');
  });

  it.each([['project:'], [`project:${'p'.repeat(23)}`], ['Global'], ['project:a b'], ['team:x'], ['project:a:b'], ['']])(
    'rejects scope %j',
    (scope) => {
      spec.given(bootstrap).when(define({ scope })).thenThrows(Invalid, 'invalid_scope');
    },
  );

  it('accepts the widest project scope (30 characters)', () => {
    const scope = `project:${'p'.repeat(22)}` as const;
    expect(scope).toHaveLength(30);
    spec.given(bootstrap).when(define({ scope })).then([roleDefined(NEW_ROLE_ID, 'dev', { name: 'Developer', scope })]);
  });

  it('enforces the project-scoped role limit, ignoring global roles', () => {
    const history = [...withMemberAndRole, roleDefined(OTHER_ROLE_ID, 'qa', { scope: 'project:a' })];
    const error = spec.given(history).when(define({ scope: 'project:b', maxProjectScopedRoles: 1 })).thenThrows(Invalid, 'project_role_limit');
    expect(error.details).toEqual({ limit: 1 });
    spec.given(history).when(define({ scope: 'global', maxProjectScopedRoles: 1 })).then(expect.any(Array));
    spec.given(history).when(define({ scope: 'project:b', maxProjectScopedRoles: 2 })).then(expect.any(Array));
  });

  it('refuses any project role with a limit of zero', () => {
    spec.given(bootstrap).when(define({ scope: 'project:a', maxProjectScopedRoles: 0 })).thenThrows(Invalid, 'project_role_limit');
  });

  it.each([[-1], [1.5], [Number.NaN]])('rejects limit %p', (maxProjectScopedRoles) => {
    spec.given(bootstrap).when(define({ maxProjectScopedRoles })).thenThrows(Invalid, 'invalid_limit');
  });

  it('refuses a role id already defined, or once used by a deleted role', () => {
    spec.given(withMemberAndRole).when(define({ roleId: ROLE_ID })).thenThrows(Conflict, 'role_exists');
    spec.given([...withMemberAndRole, roleDeleted(ROLE_ID, 'ops')]).when(define({ roleId: ROLE_ID })).thenThrows(Conflict, 'role_exists');
  });
});

describe('DeleteRole', () => {
  const del = (roleId: string, expectedRevision?: bigint) =>
    cmd('DeleteRole', expectedRevision === undefined ? { roleId } : { roleId, expectedRevision });

  it('deletes an unassigned custom role', () => {
    const { state } = spec.given(withMemberAndRole).when(del(ROLE_ID)).then([roleDeleted(ROLE_ID, 'ops')]);
    expect(state.status === 'registered' && state.roles.has(ROLE_ID)).toBe(false);
  });

  it('checks the expected revision', () => {
    spec.given(withMemberAndRole).when(del(ROLE_ID, 1n)).then([roleDeleted(ROLE_ID, 'ops')]);
    const error = spec.given(withMemberAndRole).when(del(ROLE_ID, 2n)).thenThrows(Conflict, 'stale_revision');
    expect(error.currentRevision).toBe(1n);
  });

  it('reports unknown and already deleted roles as not found', () => {
    spec.given(withMemberAndRole).when(del(NEW_ROLE_ID)).thenThrows(NotFound, 'role_not_found');
    spec.given([...withMemberAndRole, roleDeleted(ROLE_ID, 'ops')]).when(del(ROLE_ID)).thenThrows(NotFound, 'role_not_found');
  });

  it('never deletes the built-in admin role', () => {
    spec.given(bootstrap).when(del(ADMIN_ROLE_ID)).thenThrows(Invalid, 'builtin_role');
  });

  it('refuses while the role is assigned, reporting how many users hold it', () => {
    const history = [
      ...withMemberAndRole,
      roleGranted(MEMBER_ID, ROLE_ID, 'ops'),
      roleGranted(ADMIN_ID, ROLE_ID, 'ops', null),
    ];
    const error = spec.given(history).when(del(ROLE_ID)).thenThrows(Invalid, 'role_assigned');
    expect(error.details).toEqual({ assignedUsers: 2 });
  });
});
