import { type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import type { VerifiedClaims } from '../../../libs/infra/src/auth/tokens';
import type { AppConfig } from '../../../libs/infra/src/config/config';
import type { Db } from '../../../libs/infra/src/database/database';
import type { EventLog } from '../../../libs/infra/src/event-log/event-log';

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
  ) {}

  private closed = false;

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.eventLog.close();
    await this.pool.end();
  }
}
