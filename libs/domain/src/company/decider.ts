import { assertNever, type Decider } from '../shared/decider';
import type { CompanyCommand } from './commands';
import { registerCompany, registerUser } from './decide-company';
import { grantRole, revokeRole } from './decide-grants';
import { defineRole, deleteRole, updateRole } from './decide-roles';
import type { CompanyEvent } from './events';
import { type CompanyState, evolveCompany, initialCompanyState } from './state';

// One stream per company: unique codes, the project-role limit, "no deleting an
// assigned role" and "only admins act" all span users and roles together, so
// they need a single consistency boundary.
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
    default:
      return assertNever(command);
  }
}

export const companyDecider: Decider<CompanyState, CompanyCommand, CompanyEvent> = {
  initialState: initialCompanyState,
  evolve: evolveCompany,
  decide: decideCompany,
};
