// Commands of the permission-change workflow. Like every command, the actor
// and the clock come in metadata; ids are chosen by the caller.
import type { Command } from '../../shared/decider';

// grant/revoke are role codes. Duplicates are dropped silently: asking twice
// for the same role means the same thing as asking once.
export type RequestPermissionChange = Command<
  'RequestPermissionChange',
  {
    requestId: string;
    targetUserId: string;
    grant: readonly string[];
    revoke: readonly string[];
    reason: string;
    /** ISO-8601; defaults to now + 7 days, at most now + 30 days. */
    expiresAt?: string;
  }
>;

export type ApproveRequest = Command<
  'ApproveRequest',
  { requestId: string; comment?: string | null; expectedRevision?: bigint }
>;

export type RejectRequest = Command<
  'RejectRequest',
  { requestId: string; reason: string; expectedRevision?: bigint }
>;

export type CancelRequest = Command<'CancelRequest', { requestId: string }>;

/** Sent by the scheduler once a request's deadline has passed. */
export type ExpireRequest = Command<'ExpireRequest', { requestId: string }>;

export type PermissionRequestCommand =
  | RequestPermissionChange
  | ApproveRequest
  | RejectRequest
  | CancelRequest
  | ExpireRequest;
