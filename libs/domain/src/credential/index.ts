// Public entry of the credential aggregate: versions of a connector's secret and who read them.
export type {
  CredentialCommand,
  CredentialCommandType,
  DestroyCredentialVersion,
  RecordSecretAccess,
  RotateCredential,
} from './commands';
export {
  CREDENTIAL_EVENT_TYPES,
  type CredentialEvent,
  type CredentialEventType,
  type CredentialRotated,
  type CredentialVersionDestroyed,
  isCredentialEventType,
  type SecretAccessed,
} from './events';
export {
  type CredentialState,
  type CredentialVersion,
  currentCredential,
  evolveCredential,
  hasCurrentCredential,
  initialCredentialState,
} from './state';
export { credentialDecider, credentialStreamName, decideCredential } from './decider';
