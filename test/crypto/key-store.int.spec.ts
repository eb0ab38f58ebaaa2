import { randomBytes, randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '#infra/config/config';
import { createPool } from '#infra/database/database';
import { KeyDestroyed, KeyStore } from '#infra/crypto/key-store';
import { openSecret, sealSecret, SecretTooLarge } from '#infra/crypto/credential-vault';
import { makeTempDir, removeTempDir } from '../support/temp-dir';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let keys: KeyStore;
const api = () => createPool(db.apiUrl, { max: 2 });
let apiPool: ReturnType<typeof api>;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.owner.query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
  apiPool = api();
  // The API's own login holds the key store: no owner, no superuser.
  keys = new KeyStore(apiPool, randomBytes(32));
});
afterAll(async () => {
  await apiPool.end();
  await db.drop();
});

describe('key store and sealed secrets', () => {
  it('seals a secret so that pgp_sym_decrypt with its data key returns it, and the checksum verifies', async () => {
    const company = randomUUID();
    const secret = { clientId: 'abc', clientSecret: 'canary-' + randomUUID() };
    const sealed = await sealSecret(keys, company, secret);
    expect(sealed.ciphertext).not.toContain('canary');
    const dataKey = await keys.dataKey(company, sealed.keyId);
    const { rows } = await db.owner.query('SELECT pgp_sym_decrypt(decode($1, $2), $3) AS secret', [sealed.ciphertext, 'base64', dataKey]);
    expect(JSON.parse(rows[0].secret)).toEqual(secret);
    expect(await openSecret(keys, company, sealed)).toBe(JSON.stringify(secret));
  });

  it('destroying one data key shreds that version only', async () => {
    const company = randomUUID();
    const v1 = await sealSecret(keys, company, 'one');
    const v2 = await sealSecret(keys, company, 'two');
    await keys.destroyDataKey(v1.keyId);
    await expect(openSecret(keys, company, v1)).rejects.toBeInstanceOf(KeyDestroyed);
    expect(await openSecret(keys, company, v2)).toBe('two');
  });

  it("destroying a company's keys shreds every secret of that company and no other", async () => {
    const [company, other] = [randomUUID(), randomUUID()];
    const mine = await sealSecret(keys, company, 'mine');
    const theirs = await sealSecret(keys, other, 'theirs');
    await keys.destroyCompanyKeys(company);
    await expect(openSecret(keys, company, mine)).rejects.toBeInstanceOf(KeyDestroyed);
    expect(await openSecret(keys, other, theirs)).toBe('theirs');
  });

  it("a key is bound to its company: another company's id cannot open it", async () => {
    const sealed = await sealSecret(keys, randomUUID(), 'bound');
    await expect(openSecret(keys, randomUUID(), sealed)).rejects.toBeInstanceOf(KeyDestroyed);
  });

  it('refuses a secret over 64 KiB before anything is written', async () => {
    const company = randomUUID();
    await expect(sealSecret(keys, company, 'x'.repeat(64 * 1024 + 1))).rejects.toBeInstanceOf(SecretTooLarge);
    const { rows } = await db.owner.query('SELECT count(*)::int AS n FROM keystore.data_keys WHERE company_id = $1', [company]);
    expect(rows[0].n).toBe(0);
  });

  it('the embedded default generates a 32-byte master key under the data directory with mode 0600', () => {
    const dataDir = makeTempDir('vibot-master');
    try {
      const config = loadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40), API_DATABASE_PASSWORD: 'x' });
      const key = config.masterKey();
      expect(key).toHaveLength(32);
      expect(config.masterKey()).toEqual(key);
      expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    } finally {
      removeTempDir(dataDir);
    }
  });
});
