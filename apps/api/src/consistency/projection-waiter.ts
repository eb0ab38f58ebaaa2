import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { comparePositions, type Position } from '../../../../libs/infra/src/event-log/position';
import { ApiRuntime } from '../api-runtime';
import { ProblemError } from '../http/problem';

export const COMPANY_PROJECTION = 'company';
const POLL_MS = 25;

type CheckpointRow = { commit_position: string; prepare_position: string; status: string };

function behind(detail: string): ProblemError {
  return new ProblemError({ status: 503, code: 'projection_behind', detail, headers: { 'Retry-After': '1' } });
}

/** Read-your-writes on demand: hold a query until the projector has applied a given position. */
@Injectable()
export class ProjectionWaiter {
  constructor(private readonly runtime: ApiRuntime) {}

  async waitFor(position: Position): Promise<void> {
    const deadline = Date.now() + this.runtime.config.minPositionWaitMs;
    for (;;) {
      const { rows } = await this.runtime.pool.query<CheckpointRow>(
        'SELECT commit_position, prepare_position, status FROM public.projection_checkpoints WHERE name = $1',
        [COMPANY_PROJECTION],
      );
      const row = rows[0];
      if (row !== undefined) {
        const checkpoint = { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) };
        if (comparePositions(checkpoint, position) >= 0) return;
        // A halted projection will not catch up by itself; waiting would only delay the answer.
        if (row.status === 'halted') throw behind('The read model is halted and has not reached the requested position');
      }
      if (Date.now() + POLL_MS > deadline) {
        throw behind('The read model has not reached the requested position yet; retry shortly');
      }
      await sleep(POLL_MS);
    }
  }
}
