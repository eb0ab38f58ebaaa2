// Public entry of permission change requests: asking for role changes, their approval chain and lifetime.
export type {
  ApproveRequest,
  CancelRequest,
  ExpireRequest,
  PermissionRequestCommand,
  RejectRequest,
  RequestPermissionChange,
} from './request-commands';
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
} from './request-events';
export type { RequestMap, RequestState, RequestStatus } from './request-state';
export { approvalChainFor, currentStep, eligibleApprovers } from './approval-flow';
export { DEFAULT_REQUEST_TTL_DAYS, MAX_REQUEST_TTL_DAYS } from './request-rules';
export { causeWithinBatch } from './causation';
