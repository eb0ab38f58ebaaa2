// Public entry of the company aggregate: users, roles, grants and permission requests share one
// stream (see decider.ts), so they share one entry too.
export type {
  CompanyCommand,
  CompanyCommandType,
  DefineRole,
  DeleteRole,
  GrantRole,
  RegisterCompany,
  RegisterUser,
  RevokeRole,
  UpdateRole,
} from './commands';
export {
  type CompanyEvent,
  type CompanyEventType,
  type CompanyRegistered,
  COMPANY_EVENT_TYPES,
  isCompanyEventType,
  type RoleDefined,
  type RoleDeleted,
  type RoleGranted,
  type RoleRevoked,
  type RoleScope,
  type RoleUpdated,
  type UserRegistered,
} from './events';
export {
  type AbsentCompany,
  type CompanyState,
  evolveCompany,
  initialCompanyState,
  type RegisteredCompany,
  type RoleState,
  type UserState,
} from './state';
export { companyDecider, companyStreamName, decideCompany } from './decider';
export { holdsRole, isMember } from './authorization';
export * from './permission-requests';
export * from './roles';
