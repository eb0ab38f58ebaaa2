import type { Command } from '../shared/decider';

// companyId is the owning company of the connector, read by the caller from
// the connector stream; actorIsAdmin is derived from the company stream (see
// connector/commands.ts for why these are passed in as facts).

/**
 * `version` must be the next one (current + 1, the first is 1), which makes a
 * retried rotation a Conflict instead of a second version. `expectedVersion`
 * is an optional check-and-set on the current version: 0 means "only if no
 * version was ever rotated".
 */
export type RotateCredential = Command<
  'RotateCredential',
  {
    connectorId: string;
    companyId: string;
    version: number;
    ciphertext: string;
    keyId: string;
    checksum: string;
    expectedVersion?: number;
    actorIsAdmin: boolean;
  }
>;

export type DestroyCredentialVersion = Command<
  'DestroyCredentialVersion',
  { connectorId: string; version: number; actorIsAdmin: boolean }
>;

// Sent by the connector runtime after it decrypted `version`.
export type RecordSecretAccess = Command<'RecordSecretAccess', { connectorId: string; version: number; purpose?: string }>;

export type CredentialCommand = RotateCredential | DestroyCredentialVersion | RecordSecretAccess;

export type CredentialCommandType = CredentialCommand['type'];
