import { Conflict, Forbidden, Invalid, NotFound } from '../shared/domain-errors';
import { holdsRole } from './authorization';
import type { CompanyCommand } from './commands';
import {
  ADMIN_ID,
  ADMIN_ROLE_ID,
  asUser,
  AUDITOR_ROLE_ID,
  bootstrap,
  cmd,
  COMPANY_ID,
  member,
  MEMBER_ID,
  NEW_ROLE_ID,
  NEW_USER_ID,
  OTHER_COMPANY_ID,
  ROLE_ID,
  roleGranted,
  roleRevoked,
  SECOND_ADMIN_ID,
  service,
  spec,
  userRegistered,
  withMemberAndRole,
} from '../../test/company/company-fixtures';

const registerCompany = (overrides: Partial<Extract<CompanyCommand, { type: 'RegisterCompany' }>['data']> = {}) =>
  cmd(
    'RegisterCompany',
    {
      companyId: COMPANY_ID,
      name: '  Acme  ',
      adminUserId: ADMIN_ID,
      adminRoleId: ADMIN_ROLE_ID,
      auditorRoleId: AUDITOR_ROLE_ID,
      adminEmail: ' Admin@ACME.test ',
      adminDisplayName: ' Ada Admin ',
      ...overrides,
    },
    service,
  );

describe('RegisterCompany', () => {
  it('bootstraps the company, the built-in admin role, the admin user and the grant, and the built-in auditor role', () => {
    const { state } = spec.given([]).when(registerCompany()).then(bootstrap);
    expect(holdsRole(state, ADMIN_ID, 'Vibot.admin')).toBe(true);
    expect(state.status === 'registered' && state.roles.get(AUDITOR_ROLE_ID)).toEqual({
      roleId: AUDITOR_ROLE_ID,
      code: 'Vibot.auditor',
      name: 'Auditor',
      description: null,
      scope: 'global',
      builtIn: true,
      revision: 1n,
    });
  });

  it('grants the auditor role to nobody, not even the first admin', () => {
    const { state } = spec.given([]).when(registerCompany()).then(bootstrap);
    expect(holdsRole(state, ADMIN_ID, 'Vibot.auditor')).toBe(false);
    expect(state.status === 'registered' && [...state.assignments.values()].some((held) => held.has(AUDITOR_ROLE_ID))).toBe(false);
  });

  it('refuses the same id for the admin and the auditor role', () => {
    const error = spec.given([]).when(registerCompany({ auditorRoleId: ADMIN_ROLE_ID })).thenThrows(Invalid, 'duplicate_role_id');
    expect(error.details).toEqual({ field: 'auditorRoleId' });
  });

  it('stores a missing or blank admin display name as null', () => {
    const { events } = spec.given([]).when(registerCompany({ adminDisplayName: '  ' })).then([
      bootstrap[0]!,
      bootstrap[1]!,
      userRegistered(ADMIN_ID, 'admin@acme.test', null),
      bootstrap[3]!,
      bootstrap[4]!,
    ]);
    expect(events).toHaveLength(5);
  });

  it('is reserved to service actors', () => {
    spec.given([]).when({ ...registerCompany(), metadata: { actor: asUser(ADMIN_ID), now: 'x' } }).thenThrows(Forbidden, 'service_only');
  });

  it('refuses an existing stream', () => {
    spec.given(bootstrap).when(registerCompany()).thenThrows(Conflict, 'company_exists');
  });

  it.each([[''], ['   '], ['x'.repeat(201)]])('rejects company name %j', (name) => {
    spec.given([]).when(registerCompany({ name })).thenThrows(Invalid, 'invalid_company_name');
  });

  it('accepts a 200 character name', () => {
    const { state } = spec.given([]).when(registerCompany({ name: 'n'.repeat(200) })).then(expect.any(Array));
    expect(state.status === 'registered' && state.name).toBe('n'.repeat(200));
  });

  it('validates the admin email', () => {
    spec.given([]).when(registerCompany({ adminEmail: 'nope' })).thenThrows(Invalid, 'invalid_email');
  });

  it.each([['companyId'], ['adminUserId'], ['adminRoleId'], ['auditorRoleId']] as const)('requires %s to be a lower-case uuid', (field) => {
    const error = spec.given([]).when(registerCompany({ [field]: ADMIN_ID.toUpperCase().replace('0000', 'ABCD') })).thenThrows(Invalid, 'invalid_id');
    expect(error.details).toEqual({ field });
  });
});

describe('authorization of admin commands', () => {
  const adminCommands = (actor: ReturnType<typeof asUser>): [string, CompanyCommand][] => [
    ['RegisterUser', cmd('RegisterUser', { userId: NEW_USER_ID, email: 'new@acme.test' }, actor)],
    ['DefineRole', cmd('DefineRole', { roleId: NEW_ROLE_ID, code: 'dev', name: 'Dev', maxProjectScopedRoles: 5 }, actor)],
    ['UpdateRole', cmd('UpdateRole', { roleId: ROLE_ID, name: 'Operations', maxProjectScopedRoles: 5 }, actor)],
    ['DeleteRole', cmd('DeleteRole', { roleId: ROLE_ID }, actor)],
  ];

  describe.each(adminCommands(member).map(([name]) => [name]))('%s', (name) => {
    const pick = (actor: ReturnType<typeof asUser>) => adminCommands(actor).find(([n]) => n === name)![1];

    it('is allowed for an admin of the company', () => {
      expect(spec.given(withMemberAndRole).when(pick(asUser(ADMIN_ID))).then(expect.any(Array)).events).toHaveLength(1);
    });

    it('is allowed for a service actor', () => {
      expect(spec.given(withMemberAndRole).when(pick(service)).then(expect.any(Array)).events).toHaveLength(1);
    });

    it('is forbidden for a member without Vibot.admin', () => {
      spec.given(withMemberAndRole).when(pick(member)).thenThrows(Forbidden, 'not_admin');
    });

    it('is forbidden for an admin of another company', () => {
      spec.given(withMemberAndRole).when(pick(asUser(ADMIN_ID, OTHER_COMPANY_ID))).thenThrows(Forbidden, 'not_admin');
    });

    it('is forbidden for a user unknown to the company', () => {
      spec.given(withMemberAndRole).when(pick(asUser(NEW_USER_ID))).thenThrows(Forbidden, 'not_admin');
    });

    it('is forbidden for an admin whose Vibot.admin was revoked', () => {
      const history = [
        ...withMemberAndRole,
        roleGranted(MEMBER_ID, ADMIN_ROLE_ID, 'Vibot.admin'),
        roleRevoked(ADMIN_ID, ADMIN_ROLE_ID, 'Vibot.admin'),
      ];
      spec.given(history).when(pick(asUser(ADMIN_ID))).thenThrows(Forbidden, 'not_admin');
    });

    it('reports a missing company before checking the actor', () => {
      spec.given([]).when(pick(member)).thenThrows(NotFound, 'company_not_found');
    });
  });

  it('lets a newly granted admin act', () => {
    const history = [
      ...bootstrap,
      userRegistered(SECOND_ADMIN_ID, 'second@acme.test'),
      roleGranted(SECOND_ADMIN_ID, ADMIN_ROLE_ID, 'Vibot.admin'),
    ];
    spec.given(history).when(cmd('RegisterUser', { userId: NEW_USER_ID, email: 'new@acme.test' }, asUser(SECOND_ADMIN_ID))).then([
      userRegistered(NEW_USER_ID, 'new@acme.test'),
    ]);
  });

  it.each([['GrantRole'], ['RevokeRole']] as const)('%s is reserved to service actors, even for admins', (type) => {
    spec.given(withMemberAndRole).when(cmd(type, { userId: MEMBER_ID, roleId: ROLE_ID, reason: 'why' }, asUser(ADMIN_ID))).thenThrows(Forbidden, 'service_only');
  });
});
