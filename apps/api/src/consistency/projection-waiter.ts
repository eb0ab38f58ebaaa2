import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Position } from '#infra/event-log/position';
import { type CheckpointWatch, watchCheckpoint } from '#infra/projections/checkpoint-watch';
import { ApiRuntime } from '../api-runtime';
import { ProblemError } from '../http/problem';

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
    const outcome = await this.watch.reached(position, this.runtime.config.minPositionWaitMs);
    if (outcome === 'halted') throw behind('The read model is halted and has not reached the requested position');
    if (outcome === 'timeout') throw behind('The read model has not reached the requested position yet; retry shortly');
  }

  /** Before the runtime ends the pool, which would wait for the listening connection. */
  async onModuleDestroy(): Promise<void> {
    await this.watch?.stop();
  }
}
