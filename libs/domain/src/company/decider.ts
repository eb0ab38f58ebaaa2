import { assertNever, type Decider } from '../shared/decider';
import type { CompanyCommand } from './commands';
import { registerCompany } from './decide-company';
import { grantRole, revokeRole } from './grants/decide-grants';
import { approveRequest, rejectRequest } from './permission-requests/decide-request-decisions';
import { cancelRequest, expireRequest, requestPermissionChange } from './permission-requests/decide-requests';
import { defineRole, deleteRole, updateRole } from './roles/decide-roles';
import { registerUser } from './users/decide-users';
import type { CompanyEvent } from './events';
import { type CompanyState, evolveCompany, initialCompanyState } from './state';

// One stream per company: unique codes, the project-role limit, "no deleting an
// assigned role", "only admins act" and "never without an admin" all span users
// and roles together, so they need a single consistency boundary. Permission
// requests live here too: their final approval and the role changes it causes
// must be one append, checked against the same last-admin rule.
export const companyStreamName = (companyId: string): string => `company-${companyId}`;

export function decideCompany(command: CompanyCommand, state: CompanyState): readonly CompanyEvent[] {
  switch (command.type) {
    case 'RegisterCompany':
      return registerCompany(command, state);
    case 'RegisterUser':
      return registerUser(command, state);
    case 'DefineRole':
      return defineRole(command, state);
    case 'UpdateRole':
      return updateRole(command, state);
    case 'DeleteRole':
      return deleteRole(command, state);
    case 'GrantRole':
      return grantRole(command, state);
    case 'RevokeRole':
      return revokeRole(command, state);
    case 'RequestPermissionChange':
      return requestPermissionChange(command, state);
    case 'ApproveRequest':
      return approveRequest(command, state);
    case 'RejectRequest':
      return rejectRequest(command, state);
    case 'CancelRequest':
      return cancelRequest(command, state);
    case 'ExpireRequest':
      return expireRequest(command, state);
    default:
      return assertNever(command);
  }
}

export const companyDecider: Decider<CompanyState, CompanyCommand, CompanyEvent> = {
  initialState: initialCompanyState,
  evolve: evolveCompany,
  decide: decideCompany,
};
