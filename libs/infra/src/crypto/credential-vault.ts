import type { KeyStore } from './key-store';
import { decryptSecret, encryptSecret, secretChecksum } from './secret-cipher';

export const MAX_SECRET_BYTES = 64 * 1024;

export type SealedSecret = Readonly<{ keyId: string; ciphertext: string; checksum: string }>;

export class SecretTooLarge extends Error {
  constructor(readonly bytes: number) {
    super(`a secret may hold at most ${MAX_SECRET_BYTES} bytes`);
    this.name = 'SecretTooLarge';
  }
}

/** A string secret as is; a JSON object secret as its JSON text (what pgp_sym_decrypt returns). */
export const secretText = (secret: string | Record<string, unknown>): string =>
  typeof secret === 'string' ? secret : JSON.stringify(secret);

/**
 * Encrypts a secret under a fresh data key before anything is written: the caller puts only
 * the result (ciphertext base64, key id, checksum) into an event. The plaintext goes nowhere else.
 */
export async function sealSecret(keys: KeyStore, companyId: string, secret: string | Record<string, unknown>): Promise<SealedSecret> {
  const text = secretText(secret);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_SECRET_BYTES) throw new SecretTooLarge(bytes);
  const { keyId, dataKey } = await keys.createDataKey(companyId);
  const ciphertext = await encryptSecret(text, dataKey);
  return { keyId, ciphertext: ciphertext.toString('base64'), checksum: secretChecksum(text, dataKey) };
}

/** Decrypts and verifies against the checksum; throws KeyDestroyed once the key is gone. */
export async function openSecret(keys: KeyStore, companyId: string, sealed: SealedSecret): Promise<string> {
  const dataKey = await keys.dataKey(companyId, sealed.keyId);
  const text = await decryptSecret(Buffer.from(sealed.ciphertext, 'base64'), dataKey);
  if (secretChecksum(text, dataKey) !== sealed.checksum) throw new Error(`checksum mismatch for key ${sealed.keyId}`);
  return text;
}
