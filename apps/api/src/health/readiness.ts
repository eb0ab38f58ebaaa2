import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { formatPosition } from '#infra/event-log/position';
import { ApiRuntime } from '../api-runtime';
import { COMPANY_PROJECTION } from '../consistency/projection-waiter';

// Counting is capped: readiness must stay cheap even when a projector is far behind.
const LAG_COUNT_CAP = 100_000;

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// A probe waiting on a database that does not answer (a full pool, a half-open socket) would hang
// the load balancer's check with it; past this it answers "down" instead.
const PROBE_TIMEOUT_MS = 2000;

function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

type CheckpointRow = { commit_position: string; prepare_position: string; status: string; last_error: string | null };

/** The readiness probes: each answers up or down and never throws. */
@Injectable()
export class Readiness {
  constructor(
    private readonly runtime: ApiRuntime,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async database(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('database');
    try {
      await within(this.runtime.pool.query('SELECT 1'), 'the database');
      return check.up();
    } catch (error) {
      return check.down({ message: reason(error) });
    }
  }

  async eventLog(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('eventLog');
    try {
      const head = await within(this.runtime.eventLog.headPosition(), 'the event log');
      return check.up({ head: formatPosition(head) });
    } catch (error) {
      return check.down({ message: reason(error) });
    }
  }

  async projector(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('projector');
    try {
      return await within(this.projectorState(check), 'the projector checkpoint');
    } catch (error) {
      return check.down({ projection: COMPANY_PROJECTION, message: reason(error) });
    }
  }

  private async projectorState(check: ReturnType<HealthIndicatorService['check']>): Promise<HealthIndicatorResult> {
    const { rows } = await this.runtime.pool.query<CheckpointRow>(
      'SELECT commit_position, prepare_position, status, last_error FROM public.projection_checkpoints WHERE name = $1',
      [COMPANY_PROJECTION],
    );
    const row = rows[0];
    if (row === undefined) return check.down({ projection: COMPANY_PROJECTION, message: 'projection has not started' });
    const lag = await this.lagAfter(row.commit_position, row.prepare_position);
    const details = {
      projection: COMPANY_PROJECTION,
      checkpoint: `${row.commit_position}/${row.prepare_position}`,
      state: row.status,
      lag,
      lagCapped: lag >= LAG_COUNT_CAP,
    };
    // A halted projection needs an operator; a merely lagging one catches up on its own.
    if (row.status === 'halted') return check.down({ ...details, lastError: row.last_error });
    return check.up(details);
  }

  private async lagAfter(commit: string, prepare: string): Promise<number> {
    const { rows } = await this.runtime.pool.query<{ lag: string }>(
      `SELECT count(*) AS lag FROM (
         SELECT 1 FROM event_log.events
          WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
            AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          LIMIT $3) AS pending`,
      [commit, prepare, LAG_COUNT_CAP],
    );
    return Number(rows[0]!.lag);
  }
}
