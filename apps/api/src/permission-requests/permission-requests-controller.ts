import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type CompanyState, NotFound } from '../../../../libs/domain/src';
import { newEntityId } from '../commands/command-identity';
import { type CommandAnswer, commandAnswer, CommandRunner, type Executed } from '../commands/command-runner';
import { etagFor, type HeaderValue, parseIfMatch, UuidParam } from '../http/headers';
import { badRequest } from '../http/problem';
import { type ApiRequest, CurrentUser, type RequestUser } from '../http/request-user';
import { DEFAULT_PAGE_SIZE, type Page } from '../pagination/page';
import { CommandAnswerDto } from '../roles/role-dtos';
import {
  ApproveRequestDto,
  PermissionRequestDto,
  PermissionRequestPageDto,
  PermissionRequestQueryDto,
  RejectRequestDto,
  RequestPermissionChangeDto,
} from './permission-request-dtos';
import { PermissionRequestsQueries } from './permission-requests-queries';
import { RequestRevisions } from './request-revisions';

const revisionIn = (state: CompanyState, id: string): bigint | undefined =>
  state.status === 'registered' ? state.requests.get(id)?.revision : undefined;

/** Cancel takes no body; an empty class would make class-validator refuse even `{}`. */
function requireEmptyBody(body: unknown): void {
  if (body === undefined || body === null) return;
  const fields = typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : ['body'];
  if (fields.length === 0) return;
  throw badRequest(
    'validation_failed',
    `Invalid request: ${fields.join(', ')}`,
    fields.map((field) => ({ field, messages: [`property ${field} should not exist`] })),
  );
}

@ApiTags('permission-change-requests')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Commands: same key and body return the first answer' })
@Controller('v1/permission-change-requests')
export class PermissionRequestsController {
  constructor(
    private readonly commands: CommandRunner,
    private readonly queries: PermissionRequestsQueries,
    private readonly revisions: RequestRevisions,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CommandAnswerDto })
  async requestChange(
    @Body() body: RequestPermissionChangeDto,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const requestId = newEntityId(request, 'permission-request');
    const { result } = await this.commands.execute(request, 'RequestPermissionChange', {
      requestId,
      targetUserId: body.targetUserId.toLowerCase(),
      grant: body.diff.grant ?? [],
      revoke: body.diff.revoke ?? [],
      reason: body.reason,
      ...(body.expiresAt !== undefined ? { expiresAt: body.expiresAt } : {}),
    });
    const revision = revisionIn(result.state, requestId) ?? 1n;
    reply.header('ETag', etagFor(revision)).header('Location', `/v1/permission-change-requests/${requestId}`);
    return commandAnswer(requestId, revision, result);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision last read (ETag); default: as loaded now' })
  @ApiOkResponse({ type: CommandAnswerDto })
  async approve(
    @Param('id', new UuidParam()) id: string,
    @Body() body: ApproveRequestDto,
    @Headers('if-match') ifMatch: HeaderValue,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const expectedRevision = await this.expectedRevision(request, id, ifMatch);
    const executed = await this.commands.execute(request, 'ApproveRequest', {
      requestId: id,
      comment: body.comment ?? null,
      ...(expectedRevision !== undefined ? { expectedRevision } : {}),
    });
    return this.answer(id, executed, reply);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision last read (ETag); default: as loaded now' })
  @ApiOkResponse({ type: CommandAnswerDto })
  async reject(
    @Param('id', new UuidParam()) id: string,
    @Body() body: RejectRequestDto,
    @Headers('if-match') ifMatch: HeaderValue,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const expectedRevision = await this.expectedRevision(request, id, ifMatch);
    const executed = await this.commands.execute(request, 'RejectRequest', {
      requestId: id,
      reason: body.reason,
      ...(expectedRevision !== undefined ? { expectedRevision } : {}),
    });
    return this.answer(id, executed, reply);
  }

  // No If-Match: withdrawing one's own request is safe whatever happened to it meanwhile, and a
  // request decided in between is refused by the domain (409) when the cancel is decided again.
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandAnswerDto })
  async cancel(
    @Param('id', new UuidParam()) id: string,
    @Body() body: unknown,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    requireEmptyBody(body);
    const executed = await this.commands.execute(request, 'CancelRequest', { requestId: id });
    return this.answer(id, executed, reply);
  }

  @Get()
  @ApiOkResponse({ type: PermissionRequestPageDto })
  list(@Query() query: PermissionRequestQueryDto, @CurrentUser() user: RequestUser): Promise<Page<PermissionRequestDto>> {
    const filters = {
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.targetUserId !== undefined ? { targetUserId: query.targetUserId.toLowerCase() } : {}),
      ...(query.requesterId !== undefined ? { requesterId: query.requesterId.toLowerCase() } : {}),
    };
    return this.queries.list(user, filters, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: PermissionRequestDto })
  async get(
    @Param('id', new UuidParam()) id: string,
    @CurrentUser() user: RequestUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PermissionRequestDto> {
    const found = await this.queries.get(user, id);
    // Hidden by RLS and missing look the same: a 403 would confirm that the request exists.
    if (found === undefined) throw new NotFound('request_not_found', 'Permission change request not found', { requestId: id });
    if (found.revision !== null) reply.header('ETag', etagFor(found.revision));
    return found;
  }

  /** If-Match when sent; otherwise the revision as this HTTP request first saw it (see RequestRevisions). */
  private async expectedRevision(request: ApiRequest, id: string, ifMatch: HeaderValue): Promise<bigint | undefined> {
    return parseIfMatch(ifMatch) ?? (await this.revisions.current(request, id));
  }

  private answer(id: string, { result, before }: Executed, reply: FastifyReply): CommandAnswer {
    const revision = revisionIn(result.state, id) ?? revisionIn(before, id) ?? 0n;
    reply.header('ETag', etagFor(revision));
    return commandAnswer(id, revision, result);
  }
}
