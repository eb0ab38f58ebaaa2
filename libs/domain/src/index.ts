// Public surface of the pure domain layer. Test helpers (shared/decider-spec)
// are intentionally not exported: they depend on Jest globals.
export { type Actor, assertNever, type Command, type CommandMetadata, type Decider, type Event, fold } from './shared/decider';
export {
  Conflict,
  DomainError,
  type DomainErrorDetails,
  type DomainErrorKind,
  Forbidden,
  Invalid,
  InvalidTransition,
  isDomainError,
  NotFound,
} from './shared/domain-errors';

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
} from './company/commands';
export type {
  ApproveRequest,
  CancelRequest,
  ExpireRequest,
  PermissionRequestCommand,
  RejectRequest,
  RequestPermissionChange,
} from './company/request-commands';
export {
  type ApprovalStep,
  type ApprovalStepStatus,
  isPermissionRequestEvent,
  type PermissionChangeApproved,
  type PermissionChangeCancelled,
  type PermissionChangeExpired,
  type PermissionChangeRejected,
  type PermissionChangeRequested,
  type PermissionChangeStepApproved,
  PERMISSION_REQUEST_EVENT_TYPES,
  type PermissionRequestEvent,
  type PermissionRequestEventType,
  type RoleDiff,
} from './company/request-events';
export type { RequestMap, RequestState, RequestStatus } from './company/request-state';
export { approvalChainFor, currentStep, eligibleApprovers } from './company/approval-flow';
export { DEFAULT_REQUEST_TTL_DAYS, MAX_REQUEST_TTL_DAYS } from './company/request-rules';
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
} from './company/events';
export {
  type AbsentCompany,
  type CompanyState,
  evolveCompany,
  initialCompanyState,
  type RegisteredCompany,
  type RoleState,
  type UserState,
} from './company/state';
export { companyDecider, companyStreamName, decideCompany } from './company/decider';
export { holdsRole } from './company/authorization';
export { ADMIN_ROLE_CODE, isProjectScope } from './company/role-rules';
