import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { exportNdjson } from '#infra/audit/export-events';
import { ApiRuntime } from '../api-runtime';
import { CurrentUser, type RequestUser } from '../http/request-user';
import { requireAuditAccess } from './audit-access';
import { TimeRangeDto, timeRangeOf } from './audit-dtos';
import { RouteDoc } from '../docs/route-doc';

/** Only the time window: an export is the whole history of the company within it. */
export class AuditExportQueryDto extends TimeRangeDto {}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditExportController {
  constructor(private readonly runtime: ApiRuntime) {}

  /**
   * The company's events as NDJSON, in log order, each line one event as recorded with its
   * hash and prevHash, then one manifest line: `npm run cli -- verify-export <file>` checks it
   * with no database.
   */
  @RouteDoc({ summary: "Export the company's events as NDJSON, verifiable offline", refusals: { 403: ['not_auditor'] } })
  @Get('export')
  @ApiOkResponse({
    description:
      'One JSON event per line, in log order: {stream, revision, position, type, data, metadata (with hash and prevHash), createdAt}. ' +
      'The last line is the manifest, {"manifest": {version: 1, companyId, from, to, events, firstPosition, lastPosition, ' +
      'streams: {"<stream>": {firstRevision, lastRevision, headHash}}}}: an export without it was cut short. ' +
      'Keep the SHA-256 of that line (`tail -n 1 export.ndjson | sha256sum`) outside the service; `verify-export` prints it.',
    content: { 'application/x-ndjson': {} },
  })
  async export(@Query() query: AuditExportQueryDto, @CurrentUser() user: RequestUser): Promise<StreamableFile> {
    const range = timeRangeOf(query);
    await requireAuditAccess(this.runtime.pipeline, user.actor);
    const chunks = exportNdjson(this.runtime.pool, { companyId: user.actor.companyId, ...range });
    // The first page is read before answering: a failure then is a proper problem answer.
    // Later, the status is already sent, and a failure aborts the connection instead (see
    // StreamableFile) before the manifest, so a cut-short export never verifies as complete.
    const first = await chunks.next();
    async function* all(): AsyncGenerator<string> {
      if (first.done) return;
      yield first.value;
      yield* chunks;
    }
    return new StreamableFile(Readable.from(all()), {
      type: 'application/x-ndjson; charset=utf-8',
      disposition: `attachment; filename="audit-${user.actor.companyId}.ndjson"`,
    });
  }
}
