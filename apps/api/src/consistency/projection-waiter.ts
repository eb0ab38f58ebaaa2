import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { comparePositions, type Position } from '#infra/event-log/position';
import { type CheckpointWatch, watchCheckpoint } from '#infra/projections/checkpoint-watch';
import { ApiRuntime } from '../api-runtime';
import { badRequest, ProblemError } from '../http/problem';

export const COMPANY_PROJECTION = 'company';

function behind(detail: string): ProblemError {
  return new ProblemError({ status: 503, code: 'projection_behind', detail, headers: { 'Retry-After': '1' } });
}

/** Read-your-writes on demand: hold a query until the projector has applied a given position. */
@Injectable()
export class ProjectionWaiter implements OnModuleDestroy {
  private watch: CheckpointWatch | undefined;

  constructor(private readonly runtime: ApiRuntime) {}

  async waitFor(position: Position): Promise<void> {
    this.watch ??= watchCheckpoint(this.runtime.pool, COMPANY_PROJECTION);
    // A position no append has reached yet will never be projected: say so at once instead of
    // waiting out MIN_POSITION_WAIT_MS. Checked beside the wait, so the common case pays nothing.
    const stop = new AbortController();
    const waiting = this.watch.reached(position, this.runtime.config.minPositionWaitMs, stop.signal);
    const beyond = this.pastTheLog(position).then(
      (past) => (past ? ('beyond' as const) : waiting),
      () => waiting,
    );
    const outcome = await Promise.race([waiting, beyond]);
    if (outcome === 'beyond') {
      stop.abort();
      throw badRequest('position_not_in_log', 'X-Min-Position is past the end of the log', [
        { field: 'X-Min-Position', messages: ['is past the end of the log: send a position a command answered'] },
      ]);
    }
    if (outcome === 'halted') throw behind('The read model is halted and has not reached the requested position');
    if (outcome === 'timeout') throw behind('The read model has not reached the requested position yet; retry shortly');
  }

  /** Past the newest committed event (every committed one: the subscribers' horizon does not apply here). */
  private async pastTheLog(position: Position): Promise<boolean> {
    const { rows } = await this.runtime.pool.query<{ commit: string; prepare: string }>(
      `SELECT transaction_id::text AS commit, global_position::text AS prepare FROM event_log.events
        ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    );
    const head = rows[0] ? { commit: BigInt(rows[0].commit), prepare: BigInt(rows[0].prepare) } : { commit: 0n, prepare: 0n };
    return comparePositions(position, head) > 0;
  }

  /** Before the runtime ends the pool, which would wait for the listening connection. */
  async onModuleDestroy(): Promise<void> {
    await this.watch?.stop();
  }
}
