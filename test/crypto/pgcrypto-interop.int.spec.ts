import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, secretChecksum } from '#infra/crypto/secret-cipher';
import { newDataKey, unwrapKey, wrapKey } from '#infra/crypto/key-wrap';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.owner.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
});
afterAll(async () => {
  await db.drop();
});

const secrets: [string, string][] = [
  ['empty', ''],
  ['unicode', 'pässwörd 🎉 中文 \u2028 "quoted" \\ back'],
  ['multi-line, exact bytes', 'line1\nline2\r\nline3\n'],
  ['JSON object', JSON.stringify({ clientId: 'abc', clientSecret: 's3cr3t', nested: { k: [1, 2] } })],
  ['64 KiB', randomBytes(48 * 1024).toString('base64').slice(0, 64 * 1024)],
];

describe('credential ciphertext is what pgcrypto reads', () => {
  it.each(secrets)('%s: pgp_sym_decrypt(ciphertext, data key) returns the secret', async (_label, secret) => {
    const key = newDataKey();
    const ciphertext = await encryptSecret(secret, key);
    const { rows } = await db.owner.query('SELECT pgp_sym_decrypt($1::bytea, $2) AS secret', [ciphertext, key]);
    expect(rows[0].secret).toBe(secret);
    expect(await decryptSecret(ciphertext, key)).toBe(secret);
  });

  it('a wrong key fails loudly in SQL and in Node, never returns garbage', async () => {
    const ciphertext = await encryptSecret('canary', newDataKey());
    await expect(db.owner.query('SELECT pgp_sym_decrypt($1::bytea, $2)', [ciphertext, newDataKey()])).rejects.toThrow(/Wrong key or corrupt data/);
    await expect(decryptSecret(ciphertext, newDataKey())).rejects.toThrow();
  });

  it('an altered ciphertext is refused (integrity), not decrypted to something else', async () => {
    const key = newDataKey();
    const ciphertext = await encryptSecret('a secret long enough to flip a byte in', key);
    ciphertext[ciphertext.length - 30] ^= 0x01;
    await expect(db.owner.query('SELECT pgp_sym_decrypt($1::bytea, $2)', [ciphertext, key])).rejects.toThrow();
    await expect(decryptSecret(ciphertext, key)).rejects.toThrow();
  });

  it('what SQL encrypts, Node decrypts (both directions)', async () => {
    const key = newDataKey();
    const { rows } = await db.owner.query(`SELECT pgp_sym_encrypt('from sql', $1, 'cipher-algo=aes256') AS ct`, [key]);
    expect(await decryptSecret(rows[0].ct, key)).toBe('from sql');
  });

  it('the checksum verifies only with the key, and never equals a plain hash of the secret', () => {
    const key = newDataKey();
    expect(secretChecksum('s', key)).toBe(secretChecksum('s', key));
    expect(secretChecksum('s', key)).not.toBe(secretChecksum('s', newDataKey()));
    expect(secretChecksum('s', key)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('data keys wrap under a key-encryption key, bound to their id', () => {
    const kek = randomBytes(32);
    const key = Buffer.from(newDataKey(), 'base64');
    const wrapped = wrapKey(key, kek, 'key-1');
    expect(unwrapKey(wrapped, kek, 'key-1')).toEqual(key);
    expect(() => unwrapKey(wrapped, kek, 'key-2')).toThrow();
    expect(() => unwrapKey(wrapped, randomBytes(32), 'key-1')).toThrow();
  });
});
