import { keyOperationsStreamName } from '#domain';
import { operations } from '#infra/commands/aggregates';
import type { AppConfig } from '#infra/config/config';
import { KeyStore } from '#infra/crypto/key-store';
import { newCommandContext } from '#infra/event-log/envelope';
import { CLI_ACTOR, printResult, required, UsageError } from './cli-output';
import { withDatabase } from './with-database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `shred-keys --company <id> --reason <text>`: crypto-shredding. Deletes every key of the
 * company, so none of its credential secrets can be decrypted again, by anyone; the log is
 * untouched and still rebuilds every table. The shredding itself is recorded for auditors.
 */
export async function shredKeys(config: AppConfig, flags: Record<string, string | boolean | undefined>): Promise<void> {
  const companyId = required(flags.company as string | undefined, 'company').toLowerCase();
  if (!UUID.test(companyId)) throw new UsageError('--company must be a company id (uuid)');
  const reason = required(flags.reason as string | undefined, 'reason');
  const destroyed = await withDatabase(config, async (owner, _log, pipeline) => {
    const { rows } = await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM keystore.data_keys WHERE company_id = $1', [companyId]);
    await new KeyStore(owner, config.masterKey()).destroyCompanyKeys(companyId);
    const actor = CLI_ACTOR;
    const now = new Date().toISOString();
    const command = { type: 'RecordKeysShredded', data: { companyId, dataKeys: rows[0]!.n, reason }, metadata: { actor, now } } as const;
    await pipeline.run(operations, keyOperationsStreamName(companyId), command, newCommandContext(actor, { companyId }, now));
    return rows[0]!.n;
  });
  printResult(flags.json === true, { companyId, dataKeysDestroyed: destroyed }, `shredded ${destroyed} data keys of company ${companyId}`);
}
