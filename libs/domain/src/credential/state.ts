import { assertNever } from '../shared/decider';
import { PersistentMap } from '../shared/persistent-map';
import type { CredentialEvent } from './events';

export type CredentialVersion = Readonly<{
  keyId: string;
  checksum: string;
  rotatedAt: string;
  rotatedBy: string;
  destroyed: boolean;
}>;

export type CredentialState = Readonly<{
  /** null until the first rotation fixes the owning company. */
  companyId: string | null;
  /** Every version ever rotated, destroyed ones included (ciphertext is not kept in memory). */
  versions: PersistentMap<number, CredentialVersion>;
  /**
   * The highest version ever rotated (0 = none). It stays current even when
   * older versions are destroyed; if it is itself destroyed there is no current
   * credential until the next rotation. Falling back to an older version was
   * rejected: a destroyed secret is usually a compromised one, and its
   * predecessor is older still, so reviving it silently would be worse.
   */
  currentVersion: number;
}>;

export const initialCredentialState = (): CredentialState => ({ companyId: null, versions: PersistentMap.empty(), currentVersion: 0 });

/** The usable version, or null when none was rotated or the current one is destroyed. */
export function currentCredential(state: CredentialState): (CredentialVersion & { version: number }) | null {
  const current = state.versions.get(state.currentVersion);
  return current === undefined || current.destroyed ? null : { ...current, version: state.currentVersion };
}

/** The fact ActivateConnector needs from this stream. */
export function hasCurrentCredential(state: CredentialState): boolean {
  return currentCredential(state) !== null;
}

export function evolveCredential(state: CredentialState, event: CredentialEvent): CredentialState {
  switch (event.type) {
    case 'CredentialRotated': {
      const { companyId, version, keyId, checksum, rotatedAt, rotatedBy } = event.data;
      return {
        companyId: state.companyId ?? companyId,
        versions: state.versions.set(version, { keyId, checksum, rotatedAt, rotatedBy, destroyed: false }),
        currentVersion: Math.max(state.currentVersion, version),
      };
    }
    case 'CredentialVersionDestroyed': {
      const existing = state.versions.get(event.data.version);
      if (existing === undefined) return state;
      return { ...state, versions: state.versions.set(event.data.version, { ...existing, destroyed: true }) };
    }
    case 'SecretAccessed':
      // Audit only: reading a secret changes nothing about it.
      return state;
    default:
      return assertNever(event);
  }
}
