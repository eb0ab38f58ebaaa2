import { type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import type { VerifiedClaims } from '#infra/auth/tokens';
import type { CommandPipeline } from '#infra/commands/command-pipeline';
import type { AppConfig } from '#infra/config/config';
import { KeyStore } from '#infra/crypto/key-store';
import type { Db } from '#infra/database/database';
import type { EventLog } from '#infra/event-log/event-log';
import { fingerprintKey } from './idempotency/request-fingerprint';

/**
 * Everything the API is built from, made once by createApiApp from explicit inputs. The class
 * itself is the injection token, so providers ask for it by type.
 */
export class ApiRuntime implements OnApplicationShutdown {
  constructor(
    readonly config: AppConfig,
    /** Logged in as the API role: never owner, superuser or BYPASSRLS. */
    readonly pool: Pool,
    readonly db: Db,
    readonly eventLog: EventLog,
    readonly verifyToken: (token: string) => Promise<VerifiedClaims>,
    /** Every command of this process runs through it; it caches state per stream. */
    readonly pipeline: CommandPipeline,
  ) {}

  private closed = false;
  private keyStore: KeyStore | undefined;
  private idempotencyKey: Buffer | undefined;

  /** The master key is read on first use, so the API starts without one until a secret is handled. */
  get keys(): KeyStore {
    return (this.keyStore ??= new KeyStore(this.pool, this.config.masterKey()));
  }

  /** Keys the Idempotency-Key fingerprints; read on first use like the key store. */
  get fingerprintKey(): Buffer {
    return (this.idempotencyKey ??= fingerprintKey(this.config.masterKey()));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pipeline.idle();
    await this.eventLog.close();
    await this.pool.end();
  }
}
