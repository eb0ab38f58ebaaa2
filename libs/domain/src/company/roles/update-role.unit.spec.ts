import { Conflict, Invalid, NotFound } from '../../shared/domain-errors';
import type { UpdateRole } from '../commands';
import {
  ADMIN_ROLE_ID,
  bootstrap,
  cmd,
  OTHER_ROLE_ID,
  ROLE_ID,
  roleDefined,
  roleDeleted,
  roleUpdated,
  spec,
  withMemberAndRole,
} from '../../../test/company/company-fixtures';

const update = (data: Partial<UpdateRole['data']> = {}) =>
  cmd('UpdateRole', { roleId: ROLE_ID, maxProjectScopedRoles: 1, ...data });

describe('UpdateRole', () => {
  it('emits the full new values', () => {
    spec.given(withMemberAndRole).when(update({ name: ' Operations ' })).then([roleUpdated(ROLE_ID, 'Operations')]);
  });

  it('sets and clears the description', () => {
    const described = [...withMemberAndRole, roleUpdated(ROLE_ID, 'ops', 'global', 'Runs prod')];
    spec.given(withMemberAndRole).when(update({ description: 'Runs prod' })).then([roleUpdated(ROLE_ID, 'ops', 'global', 'Runs prod')]);
    spec.given(described).when(update({ description: null })).then([roleUpdated(ROLE_ID, 'ops', 'global', null)]);
    spec.given(described).when(update({ name: 'Ops' })).then([roleUpdated(ROLE_ID, 'Ops', 'global', 'Runs prod')]);
  });

  it('emits nothing when nothing changes', () => {
    spec.given(withMemberAndRole).when(update()).thenNothingHappened();
    spec.given(withMemberAndRole).when(update({ name: ' ops ', description: '', scope: 'global' })).thenNothingHappened();
  });

  it('reports unknown and deleted roles as not found', () => {
    spec.given(withMemberAndRole).when(update({ roleId: OTHER_ROLE_ID })).thenThrows(NotFound, 'role_not_found');
    spec.given([...withMemberAndRole, roleDeleted(ROLE_ID, 'ops')]).when(update({ name: 'x' })).thenThrows(NotFound, 'role_not_found');
  });

  it('refuses a stale expected revision and reports the current one', () => {
    const history = [...withMemberAndRole, roleUpdated(ROLE_ID, 'Ops 2')];
    const error = spec.given(history).when(update({ name: 'Ops 3', expectedRevision: 1n })).thenThrows(Conflict, 'stale_revision');
    expect(error.currentRevision).toBe(2n);
    spec.given(history).when(update({ name: 'Ops 3', expectedRevision: 2n })).then([roleUpdated(ROLE_ID, 'Ops 3')]);
  });

  it('checks the revision even for a no-op', () => {
    spec.given(withMemberAndRole).when(update({ expectedRevision: 7n })).thenThrows(Conflict, 'stale_revision');
  });

  it.each([
    [{ name: '  ' }, 'invalid_role_name'],
    [{ name: 'n'.repeat(101) }, 'invalid_role_name'],
    [{ description: 'd'.repeat(2001) }, 'invalid_description'],
    [{ scope: 'project:' }, 'invalid_scope'],
    [{ scope: 'everywhere' }, 'invalid_scope'],
    [{ maxProjectScopedRoles: -1 }, 'invalid_limit'],
  ] as const)('validates %j', (data, code) => {
    spec.given(withMemberAndRole).when(update(data)).thenThrows(Invalid, code);
  });

  it('counts a move into project scope against the limit', () => {
    const full = [...withMemberAndRole, roleDefined(OTHER_ROLE_ID, 'qa', { scope: 'project:a' })];
    const error = spec.given(full).when(update({ scope: 'project:b' })).thenThrows(Invalid, 'project_role_limit');
    expect(error.details).toEqual({ limit: 1 });
    spec.given(full).when(update({ scope: 'project:b', maxProjectScopedRoles: 2 })).then([roleUpdated(ROLE_ID, 'ops', 'project:b')]);
  });

  it('does not count moves between projects or edits of roles already in a project', () => {
    const history = [...bootstrap, roleDefined(ROLE_ID, 'ops', { scope: 'project:a' }), roleDefined(OTHER_ROLE_ID, 'qa', { scope: 'project:b' })];
    spec.given(history).when(update({ scope: 'project:c', maxProjectScopedRoles: 1 })).then([roleUpdated(ROLE_ID, 'ops', 'project:c')]);
    spec.given(history).when(update({ name: 'Ops', maxProjectScopedRoles: 0 })).then([roleUpdated(ROLE_ID, 'Ops', 'project:a')]);
  });

  it('frees a project slot when a role moves back to global', () => {
    const history = [...bootstrap, roleDefined(ROLE_ID, 'ops', { scope: 'project:a' })];
    spec.given(history).when(update({ scope: 'global' })).then([roleUpdated(ROLE_ID, 'ops', 'global')]);
  });

  it('lets a built-in role be renamed and described but not re-scoped', () => {
    spec.given(bootstrap).when(update({ roleId: ADMIN_ROLE_ID, name: 'Admins', description: 'Full access' })).then([
      roleUpdated(ADMIN_ROLE_ID, 'Admins', 'global', 'Full access'),
    ]);
    spec.given(bootstrap).when(update({ roleId: ADMIN_ROLE_ID, name: 'Admins', scope: 'global' })).then([roleUpdated(ADMIN_ROLE_ID, 'Admins')]);
    const error = spec.given(bootstrap).when(update({ roleId: ADMIN_ROLE_ID, scope: 'project:a', maxProjectScopedRoles: 5 })).thenThrows(Invalid, 'builtin_role');
    expect(error.details).toEqual({ roleId: ADMIN_ROLE_ID });
  });
});
