import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';
import { Readable } from 'node:stream';
import { type ExportedEvent, exportEventPages, exportNdjson } from '../../../../libs/infra/src/audit/export-events';
import { ApiRuntime } from '../api-runtime';
import { badRequest } from '../http/problem';
import { CurrentUser, type RequestUser } from '../http/request-user';
import { requireAuditAccess } from './audit-access';

// A date, or a date-time with an explicit zone: a bare local time would mean whatever the
// server's zone is. At most milliseconds, the precision createdAt is exported with.
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const STRICT_ISO = { strict: true, strictSeparator: true } as const;

export class AuditExportQueryDto {
  @ApiPropertyOptional({ description: 'Events recorded at or after this time (created_at, inclusive)', example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @Matches(INSTANT, { message: 'from must be an ISO 8601 date or date-time with a zone, e.g. 2026-01-01T00:00:00Z' })
  @IsISO8601(STRICT_ISO, { message: 'from must be a valid calendar date and time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Events recorded before this time (created_at, exclusive)', example: '2026-02-01T00:00:00Z' })
  @IsOptional()
  @Matches(INSTANT, { message: 'to must be an ISO 8601 date or date-time with a zone, e.g. 2026-02-01T00:00:00Z' })
  @IsISO8601(STRICT_ISO, { message: 'to must be a valid calendar date and time' })
  to?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditExportController {
  constructor(private readonly runtime: ApiRuntime) {}

  /**
   * The company's events as NDJSON, in log order, each line one event as recorded with its
   * hash and prevHash: `npm run cli -- verify-export <file>` checks it with no database.
   */
  @Get('export')
  @ApiOkResponse({ description: 'One JSON event per line', content: { 'application/x-ndjson': {} } })
  async export(@Query() query: AuditExportQueryDto, @CurrentUser() user: RequestUser): Promise<StreamableFile> {
    const from = query.from !== undefined ? new Date(query.from) : undefined;
    const to = query.to !== undefined ? new Date(query.to) : undefined;
    if (from !== undefined && to !== undefined && to <= from) {
      throw badRequest('validation_failed', 'Invalid request: to', [{ field: 'to', messages: ['to must be later than from'] }]);
    }
    await requireAuditAccess(this.runtime.eventLog, user.actor);
    const pages = exportEventPages(this.runtime.pool, {
      companyId: user.actor.companyId,
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    });
    // The first page is read before answering: a failure then is a proper problem answer.
    // Later, the status is already sent, and a failure aborts the connection instead (see
    // StreamableFile), so a cut-short export never looks like a complete one.
    const first = await pages.next();
    async function* all(): AsyncGenerator<ExportedEvent[]> {
      if (first.done) return;
      yield first.value;
      yield* pages;
    }
    return new StreamableFile(Readable.from(exportNdjson(all())), {
      type: 'application/x-ndjson; charset=utf-8',
      disposition: `attachment; filename="audit-${user.actor.companyId}.ndjson"`,
    });
  }
}
