import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { unwrapKey, wrapKey } from './key-wrap';

export class KeyDestroyed extends Error {
  constructor(readonly keyId: string) {
    super(`key ${keyId} was destroyed: its secret can no longer be read`);
    this.name = 'KeyDestroyed';
  }
}

/**
 * Data keys for credential secrets: one per credential version, wrapped by a per-company key,
 * itself wrapped by the master key. Deleting a data key shreds one version; deleting a company's
 * keys shreds every secret of that company. The log keeps only ciphertext and key ids.
 */
export class KeyStore {
  constructor(
    private readonly pool: Pool,
    private readonly masterKey: Buffer,
  ) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  }

  private async companyKey(companyId: string, create: boolean): Promise<Buffer> {
    if (create) {
      const wrapped = wrapKey(randomBytes(32), this.masterKey, companyId);
      await this.pool.query('INSERT INTO keystore.company_keys (company_id, wrapped_key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [companyId, wrapped]);
    }
    const { rows } = await this.pool.query<{ wrapped_key: Buffer }>('SELECT wrapped_key FROM keystore.company_keys WHERE company_id = $1', [companyId]);
    if (!rows[0]) throw new KeyDestroyed(companyId);
    return unwrapKey(rows[0].wrapped_key, this.masterKey, companyId);
  }

  /** A new data key (the passphrase pgcrypto takes) and its id. */
  async createDataKey(companyId: string): Promise<{ keyId: string; dataKey: string }> {
    const kek = await this.companyKey(companyId, true);
    const keyId = randomUUID();
    const key = randomBytes(32);
    await this.pool.query('INSERT INTO keystore.data_keys (key_id, company_id, wrapped_key) VALUES ($1, $2, $3)', [
      keyId,
      companyId,
      wrapKey(key, kek, keyId),
    ]);
    return { keyId, dataKey: key.toString('base64') };
  }

  async dataKey(companyId: string, keyId: string): Promise<string> {
    const { rows } = await this.pool.query<{ wrapped_key: Buffer }>(
      'SELECT wrapped_key FROM keystore.data_keys WHERE key_id = $1 AND company_id = $2',
      [keyId, companyId],
    );
    if (!rows[0]) throw new KeyDestroyed(keyId);
    const kek = await this.companyKey(companyId, false).catch(() => {
      throw new KeyDestroyed(keyId);
    });
    return unwrapKey(rows[0].wrapped_key, kek, keyId).toString('base64');
  }

  async destroyDataKey(keyId: string): Promise<void> {
    await this.pool.query('DELETE FROM keystore.data_keys WHERE key_id = $1', [keyId]);
  }

  /**
   * Crypto-shredding of a whole company: every secret it ever stored becomes unreadable, and
   * its Idempotency-Key entries (fingerprints and first answers of its requests) go with it.
   */
  async destroyCompanyKeys(companyId: string): Promise<void> {
    await this.pool.query(
      `WITH data_keys AS (DELETE FROM keystore.data_keys WHERE company_id = $1),
            idempotency AS (DELETE FROM api.idempotency_keys WHERE company_id = $1)
       DELETE FROM keystore.company_keys WHERE company_id = $1`,
      [companyId],
    );
  }
}
