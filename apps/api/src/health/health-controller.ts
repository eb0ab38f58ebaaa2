import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public';
import { RouteDoc } from '../docs/route-doc';
import { Readiness } from './readiness';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: Readiness,
  ) {}

  /** The process answers: nothing else is checked, so a slow database never gets it restarted. */
  @RouteDoc({ summary: 'Report that the process is alive (nothing else is checked)' })
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @RouteDoc({
    summary: 'Report readiness: the database, the event log and the projector',
    description: '503 with the terminus report, naming what is down (error.database.status "down" while the database is unreachable)',
  })
  @Get('ready')
  @HealthCheck()
  async ready(@Res() reply: FastifyReply): Promise<void> {
    // Terminus throws on "down"; its report is still the body load balancers and operators want.
    const result = await this.health
      .check([() => this.readiness.database(), () => this.readiness.eventLog(), () => this.readiness.projector()])
      .then((report) => ({ status: 200, report }))
      .catch((error: { getResponse?: () => unknown }) => {
        if (typeof error.getResponse !== 'function') throw error;
        return { status: 503, report: error.getResponse() };
      });
    void reply.status(result.status).send(result.report);
  }
}
