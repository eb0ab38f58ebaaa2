import { requireId } from '../company/input-rules';
import { CONNECTOR_RUNTIME_SERVICE } from '../connector/authorization';
import { assertNever, type Actor, type Decider } from '../shared/decider';
import { Conflict, Forbidden, NotFound } from '../shared/domain-errors';
import type { CredentialCommand, DestroyCredentialVersion, RecordSecretAccess, RotateCredential } from './commands';
import { normalizePurpose, requireCiphertext, requireChecksum, requireKeyId, requireVersionNumber } from './input-rules';
import type { CredentialEvent, CredentialRotated, CredentialVersionDestroyed, SecretAccessed } from './events';
import { type CredentialState, currentCredential, evolveCredential, initialCredentialState } from './state';

// Separate from the connector stream so that ciphertext is only loaded by code
// that asks for secrets, and so a rotation never contends with sync reports.
export const credentialStreamName = (connectorId: string): string => `connectorCredential-${connectorId}`;

/** The only reader of decrypted secrets; kept equal to the connector decider's. */

type UserActor = Extract<Actor, { kind: 'user' }>;

// Secrets are managed by people (rotated_by references users); no service,
// the runtime included, may write or destroy them.
function requireAdminUser(actor: Actor, actorIsAdmin: boolean, companyId: string | null): UserActor {
  if (actor.kind !== 'user') throw new Forbidden('not_admin', 'Only company administrators may manage credentials');
  // Another company's credential is "not found", so ids do not leak across tenants.
  if (companyId === null || actor.companyId !== companyId) throw new NotFound('connector_not_found', 'Connector not found');
  if (actorIsAdmin !== true) throw new Forbidden('not_admin', 'Only company administrators may manage credentials');
  return actor;
}

function rotateCredential(command: RotateCredential, state: CredentialState): readonly CredentialRotated[] {
  const { data } = command;
  // The stream's company, once fixed, wins over whatever the command claims.
  if (state.companyId !== null && state.companyId !== data.companyId) {
    throw new NotFound('connector_not_found', 'Connector not found');
  }
  const user = requireAdminUser(command.metadata.actor, data.actorIsAdmin, data.companyId);
  const connectorId = requireId(data.connectorId, 'connectorId');
  const companyId = requireId(data.companyId, 'companyId');
  if (data.expectedVersion !== undefined) {
    const expected = requireVersionNumber(data.expectedVersion, 'expectedVersion', 0);
    if (expected !== state.currentVersion) {
      throw new Conflict('version_mismatch', 'The credential was rotated by someone else; reload and retry', {
        currentVersion: state.currentVersion,
      });
    }
  }
  const version = requireVersionNumber(data.version, 'version', 1);
  const nextVersion = state.currentVersion + 1;
  if (version !== nextVersion) {
    throw new Conflict('unexpected_version', `The next credential version is ${nextVersion}`, {
      currentVersion: state.currentVersion,
      nextVersion,
    });
  }
  const ciphertext = requireCiphertext(data.ciphertext);
  const keyId = requireKeyId(data.keyId);
  const checksum = requireChecksum(data.checksum);
  // Destroying a version deletes its key; a shared key would silently destroy
  // the other versions encrypted with it.
  if ([...state.versions.values()].some((existing) => existing.keyId === keyId)) {
    throw new Conflict('key_reused', 'Each credential version needs its own data key', { keyId });
  }
  return [
    {
      type: 'CredentialRotated',
      data: { connectorId, companyId, version, ciphertext, keyId, checksum, rotatedBy: user.userId, rotatedAt: command.metadata.now },
    },
  ];
}

function destroyCredentialVersion(command: DestroyCredentialVersion, state: CredentialState): readonly CredentialVersionDestroyed[] {
  const { data } = command;
  const user = requireAdminUser(command.metadata.actor, data.actorIsAdmin, state.companyId);
  const existing = state.versions.get(data.version);
  if (existing === undefined || existing.destroyed) {
    throw new NotFound('credential_version_not_found', 'Credential version not found', { version: data.version });
  }
  return [
    {
      type: 'CredentialVersionDestroyed',
      data: {
        connectorId: data.connectorId,
        companyId: state.companyId as string,
        version: data.version,
        keyId: existing.keyId,
        destroyedBy: user.userId,
        destroyedAt: command.metadata.now,
      },
    },
  ];
}

function recordSecretAccess(command: RecordSecretAccess, state: CredentialState): readonly SecretAccessed[] {
  const { actor } = command.metadata;
  if (actor.kind !== 'service' || actor.service !== CONNECTOR_RUNTIME_SERVICE) {
    throw new Forbidden('runtime_only', 'Only the connector runtime may read secrets');
  }
  const current = currentCredential(state);
  if (current === null) throw new NotFound('credential_not_found', 'The connector has no current credential');
  // Refusing a superseded version makes the runtime re-read, so it never keeps
  // using a secret an admin has rotated away.
  if (command.data.version !== current.version) {
    throw new Conflict('stale_credential_version', 'A newer credential version is current', {
      currentVersion: current.version,
    });
  }
  return [
    {
      type: 'SecretAccessed',
      data: {
        connectorId: command.data.connectorId,
        companyId: state.companyId as string,
        version: current.version,
        purpose: normalizePurpose(command.data.purpose),
        accessedBy: actor.service,
        accessedAt: command.metadata.now,
      },
    },
  ];
}

export function decideCredential(command: CredentialCommand, state: CredentialState): readonly CredentialEvent[] {
  switch (command.type) {
    case 'RotateCredential':
      return rotateCredential(command, state);
    case 'DestroyCredentialVersion':
      return destroyCredentialVersion(command, state);
    case 'RecordSecretAccess':
      return recordSecretAccess(command, state);
    default:
      return assertNever(command);
  }
}

export const credentialDecider: Decider<CredentialState, CredentialCommand, CredentialEvent> = {
  initialState: initialCredentialState,
  evolve: evolveCredential,
  decide: decideCredential,
};
