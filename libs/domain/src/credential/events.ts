import type { Event } from '../shared/decider';

// The domain never sees plaintext: infrastructure encrypts before the command
// and decrypts after reading, so only ciphertext (base64) is ever stored.

export type CredentialRotated = Event<
  'CredentialRotated',
  {
    connectorId: string;
    companyId: string;
    version: number;
    ciphertext: string;
    keyId: string;
    checksum: string;
    rotatedBy: string;
    rotatedAt: string;
  }
>;

// keyId is carried so infrastructure can delete that version's data key
// (crypto-shredding: the ciphertext left in the event log becomes unreadable).
export type CredentialVersionDestroyed = Event<
  'CredentialVersionDestroyed',
  { connectorId: string; companyId: string; version: number; keyId: string; destroyedBy: string; destroyedAt: string }
>;

// An audit record of every decryption, so "who read this secret, when and why"
// has an answer.
export type SecretAccessed = Event<
  'SecretAccessed',
  { connectorId: string; companyId: string; version: number; purpose: string | null; accessedBy: string; accessedAt: string }
>;

export type CredentialEvent = CredentialRotated | CredentialVersionDestroyed | SecretAccessed;

export type CredentialEventType = CredentialEvent['type'];

export const CREDENTIAL_EVENT_TYPES: readonly CredentialEventType[] = [
  'CredentialRotated',
  'CredentialVersionDestroyed',
  'SecretAccessed',
];

export function isCredentialEventType(type: string): type is CredentialEventType {
  return (CREDENTIAL_EVENT_TYPES as readonly string[]).includes(type);
}
