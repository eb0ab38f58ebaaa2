import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '../http/headers';
import { badRequest } from '../http/problem';
import { CurrentUser, type RequestUser } from '../http/request-user';
import {
  AuditEventsPageDto,
  AuditEventsQueryDto,
  AuditQueryDto,
  AuditStateDto,
  AuditStreamPageDto,
  STATE_CATEGORIES,
  type StateCategory,
  StateQueryDto,
  STREAM,
  VerifyQueryDto,
} from './audit-dtos';
import type { HistoryPage } from './audit-history-pages';
import { type AuditPage, AuditReader } from './audit-reader';
import type { PointInTimeState } from './audit-state';
import { RouteDoc } from '../docs/route-doc';

const FORBIDDEN = 'not_auditor: only holders of Vibot.admin or Vibot.auditor read the audit trail';

@ApiTags('audit')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: FORBIDDEN })
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  /** The company's whole history across all its streams, in log order, filtered and paged. */
  @RouteDoc({ summary: "Read the company's history across all its streams, filtered and paged", refusals: { 403: ['not_auditor'] } })
  @Get('events')
  @ApiOkResponse({ type: AuditEventsPageDto })
  readHistory(@Query() query: AuditEventsQueryDto, @CurrentUser() user: RequestUser): Promise<HistoryPage> {
    return this.reader.readHistory(user.actor, query);
  }

  @RouteDoc({ summary: "Read one stream's events, a page at a time", refusals: { 403: ['not_auditor'], 404: ['stream_not_found'] } })
  @Get('streams/:stream')
  @ApiOkResponse({ type: AuditStreamPageDto })
  @ApiNotFoundResponse({ description: 'stream_not_found: missing, or not your company’s' })
  readStream(@Param('stream') stream: string, @Query() query: AuditQueryDto, @CurrentUser() user: RequestUser): Promise<AuditPage> {
    if (!STREAM.test(stream)) {
      throw badRequest('validation_failed', 'Invalid request: stream', [
        { field: 'stream', messages: ['stream must be a stream name such as company-<uuid>'] },
      ]);
    }
    return this.reader.readStream(user.actor, stream, query);
  }

  /** What a company, connector or credential looked like at a past moment, and the events that made it so. */
  @RouteDoc({
    summary: 'Read what a company, connector or credential looked like at a past moment',
    refusals: { 403: ['not_auditor'], 404: ['stream_not_found', 'state_not_found'] },
  })
  @Get('state/:streamCategory/:id')
  @ApiParam({ name: 'streamCategory', enum: STATE_CATEGORIES })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The company or connector id (credentials: the connector id)' })
  @ApiOkResponse({ type: AuditStateDto })
  @ApiNotFoundResponse({ description: 'stream_not_found (missing, or not your company’s) or state_not_found (nothing existed then)' })
  readState(
    @Param('streamCategory') category: string,
    @Param('id', new UuidParam()) id: string,
    @Query() query: StateQueryDto,
    @CurrentUser() user: RequestUser,
  ): Promise<PointInTimeState> {
    if (!(STATE_CATEGORIES as readonly string[]).includes(category)) {
      throw badRequest('validation_failed', 'Invalid request: streamCategory', [
        { field: 'streamCategory', messages: [`streamCategory must be one of ${STATE_CATEGORIES.join(', ')}`] },
      ]);
    }
    return this.reader.readState(user.actor, category as StateCategory, id, query.at);
  }

  @RouteDoc({
    summary: "Verify the hash chains of the company's streams (or one of them)",
    refusals: { 403: ['not_auditor'], 404: ['stream_not_found'] },
  })
  @Get('verify')
  verify(@Query() query: VerifyQueryDto, @CurrentUser() user: RequestUser) {
    return this.reader.verify(user.actor, query.stream);
  }

  @RouteDoc({ summary: "Read a permission change request's whole story", refusals: { 403: ['not_auditor'], 404: ['request_not_found'] } })
  @Get('permission-change-requests/:id')
  readRequestHistory(@Param('id', new UuidParam()) id: string, @CurrentUser() user: RequestUser): Promise<AuditPage> {
    return this.reader.readRequestHistory(user.actor, id);
  }
}
