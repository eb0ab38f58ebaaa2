// Public surface of the pure domain layer. Test helpers live beside it in libs/domain/test
// (decider specs, fixtures, generators): never compiled into dist.
export { type Actor, assertNever, type Command, type CommandMetadata, type Decider, type Event, fold } from './shared/decider';
export { PersistentMap, PersistentSet } from './shared/persistent-map';
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
} from './company/permission-requests/request-commands';
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
} from './company/permission-requests/request-events';
export type { RequestMap, RequestState, RequestStatus } from './company/permission-requests/request-state';
export { approvalChainFor, currentStep, eligibleApprovers } from './company/permission-requests/approval-flow';
export { DEFAULT_REQUEST_TTL_DAYS, MAX_REQUEST_TTL_DAYS } from './company/permission-requests/request-rules';
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
export { holdsRole, isMember } from './company/authorization';
export { ADMIN_ROLE_CODE, AUDITOR_ROLE_CODE, isProjectScope } from './company/roles/role-rules';

// Integration connectors and their credentials.
export type {
  ActivateConnector,
  ConnectorCommand,
  ConnectorCommandType,
  DeactivateConnector,
  DeleteConnector,
  RecordSync,
  RegisterConnector,
  UpdateConnector,
} from './connector/commands';
export {
  type ConnectorActivated,
  type ConnectorDeactivated,
  type ConnectorDeleted,
  type ConnectorEvent,
  type ConnectorEventType,
  type ConnectorFailed,
  type ConnectorRegistered,
  type ConnectorSynced,
  type ConnectorUpdated,
  CONNECTOR_EVENT_TYPES,
  isConnectorEventType,
} from './connector/events';
export {
  type AbsentConnector,
  type ConnectorState,
  type DeletedConnector,
  evolveConnector,
  initialConnectorState,
  type LiveConnector,
} from './connector/state';
export { connectorDecider, connectorStreamName, decideConnector } from './connector/decider';
export { CONNECTOR_RUNTIME_SERVICE } from './connector/authorization';
export {
  CONNECTOR_TYPES,
  type ConnectorType,
  isConnectorType,
  isProvider,
  needsCredential,
  PROVIDER_CATALOGUE,
  type Provider,
  type ProviderEntry,
  PROVIDERS,
} from './connector/provider-catalogue';
export {
  checkConfig,
  CONFIG_SCHEMAS,
  type ConfigError,
  type ConfigValue,
  type ConnectorConfig,
  validateConfig,
} from './connector/config-schemas';
export { assertNoSecrets, CREDENTIALS_ENDPOINT, findSecretKeyPaths, isSecretLikeKey } from './connector/secret-keys';
export { checkCron, CRON_FIELDS, normalizeCron } from './connector/cron-expression';
export {
  checkSchedule,
  type ConnectorSchedule,
  type CronSchedule,
  isCronSchedule,
  isValidTimeZone,
  type ManualSchedule,
  validateSchedule,
} from './connector/schedule';
export {
  canTransition,
  CONNECTOR_STATUSES,
  type ConnectorStatus,
  FAILURES_BEFORE_ERROR,
  nextStatus,
  STATUS_TRANSITIONS,
  type StatusTransition,
} from './connector/status-machine';
export type {
  CredentialCommand,
  CredentialCommandType,
  DestroyCredentialVersion,
  RecordSecretAccess,
  RotateCredential,
} from './credential/commands';
export {
  CREDENTIAL_EVENT_TYPES,
  type CredentialEvent,
  type CredentialEventType,
  type CredentialRotated,
  type CredentialVersionDestroyed,
  isCredentialEventType,
  type SecretAccessed,
} from './credential/events';
export {
  type CredentialState,
  type CredentialVersion,
  currentCredential,
  evolveCredential,
  hasCurrentCredential,
  initialCredentialState,
} from './credential/state';
export { credentialDecider, credentialStreamName, decideCredential } from './credential/decider';

// Operator actions, put on the record.
export {
  type CompanyKeysShredded,
  decideOperation,
  keyOperationsStreamName,
  type OperationCommand,
  type OperationEvent,
  operationsDecider,
  type OperationsState,
  projectorOperationsStreamName,
  type ProjectionEventSkipped,
} from './operations/decider';
