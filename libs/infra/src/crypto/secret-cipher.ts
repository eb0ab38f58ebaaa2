import { createHmac } from 'node:crypto';
import * as openpgp from 'openpgp';

/**
 * Credential secrets as OpenPGP symmetric messages (AES-256, iterated+salted S2K, MDC), the
 * format PostgreSQL's pgcrypto reads: `pgp_sym_decrypt(ciphertext, <data key>)` returns the
 * secret. The literal packet is marked UTF-8 without line-ending conversion, so the secret
 * comes back byte for byte. The data key is a passphrase (base64 of 32 random bytes).
 */
export async function encryptSecret(secret: string, dataKey: string): Promise<Buffer> {
  const message = await openpgp.createMessage({ binary: Buffer.from(secret, 'utf8'), format: 'utf8' });
  const encrypted = await openpgp.encrypt({
    message,
    passwords: [dataKey],
    format: 'binary',
    config: { preferredSymmetricAlgorithm: openpgp.enums.symmetric.aes256, aeadProtect: false },
  });
  return Buffer.from(encrypted);
}

/** Throws on a wrong key or altered ciphertext (the MDC check): never returns garbage. */
export async function decryptSecret(ciphertext: Uint8Array, dataKey: string): Promise<string> {
  const message = await openpgp.readMessage({ binaryMessage: ciphertext });
  const { data } = await openpgp.decrypt({ message, passwords: [dataKey], format: 'binary', config: { allowUnauthenticatedMessages: false } });
  return Buffer.from(data).toString('utf8');
}

/**
 * The integrity checksum: HMAC-SHA256 of the secret's UTF-8 bytes, keyed with the data key,
 * hex. Whoever holds the key can verify a decrypted secret; nobody else learns anything from
 * it (a plain hash of a weak secret could be brute-forced from the log or an API answer).
 */
export function secretChecksum(secret: string, dataKey: string): string {
  return createHmac('sha256', dataKey).update(secret, 'utf8').digest('hex');
}
