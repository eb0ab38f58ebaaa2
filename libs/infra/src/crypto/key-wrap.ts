import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Envelope encryption for data keys: AES-256-GCM under a key-encryption key (the master key, or
 * a company key under the master key). Layout: 12-byte nonce | ciphertext | 16-byte tag. The
 * key's id is bound as additional data, so a wrapped key cannot be swapped onto another id.
 */
export function wrapKey(key: Buffer, kek: Buffer, keyId: string): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(Buffer.from(keyId, 'utf8'));
  const body = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function unwrapKey(wrapped: Buffer, kek: Buffer, keyId: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, 12));
  decipher.setAAD(Buffer.from(keyId, 'utf8'));
  decipher.setAuthTag(wrapped.subarray(wrapped.length - 16));
  return Buffer.concat([decipher.update(wrapped.subarray(12, wrapped.length - 16)), decipher.final()]);
}

/** A fresh data key as the passphrase pgcrypto takes. */
export const newDataKey = (): string => randomBytes(32).toString('base64');
