import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { NotFound } from '#domain';
import { callerOf } from '../commands/caller';
import { CommandAnswer } from '../commands/command-answer';
import { newEntityId } from '../commands/command-identity';
import { etagFor, type HeaderValue, parseIfMatch, UuidParam } from '../http/headers';
import { type ApiRequest, CurrentUser, type RequestUser } from '../http/request-user';
import { DEFAULT_PAGE_SIZE, type Page } from '../pagination/page';
import {
  ApproveRequestDto,
  PermissionRequestDto,
  PermissionRequestPageDto,
  PermissionRequestQueryDto,
  RejectRequestDto,
  RequestPermissionChangeDto,
} from './permission-request-dtos';
import { CancelRequestCommand, DecideRequestCommand, RequestPermissionChangeCommand } from './permission-request-commands';
import { PermissionRequestsQueries } from './permission-requests-queries';
import { RouteDoc } from '../docs/route-doc';


@ApiTags('permission-change-requests')
@ApiBearerAuth()
@Controller('v1/permission-change-requests')
export class PermissionRequestsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: PermissionRequestsQueries,
  ) {}

  @RouteDoc({
    summary: "Request a change to a user's roles, to be approved by administrators",
    etag: true,
    location: true,
    refusals: {
      422: ['target_not_found', 'invalid_reason', 'empty_diff', 'overlapping_diff', 'role_not_found', 'already_granted', 'not_granted', 'last_admin', 'invalid_expiry', 'not_enough_approvers'],
    },
  })
  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CommandAnswer })
  async requestChange(
    @Body() body: RequestPermissionChangeDto,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const change = { ...body, targetUserId: body.targetUserId.toLowerCase() };
    const answer = await this.commands.execute(new RequestPermissionChangeCommand(callerOf(request), newEntityId(request, 'permission-request'), change));
    reply.header('ETag', etagFor(answer.revision)).header('Location', `/v1/permission-change-requests/${answer.id}`);
    return answer;
  }

  @RouteDoc({
    summary: 'Approve the current step of a permission change request (the last step applies the change)',
    etag: true,
    refusals: {
      403: ['not_approver', 'own_request', 'own_elevation', 'already_approved_step'],
      404: ['request_not_found'],
      409: ['request_decided', 'request_expired', 'stale_revision', 'request_no_longer_applicable'],
      422: ['invalid_comment'],
    },
  })
  @Post(':id/approve')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision last read (ETag); default: as loaded now' })
  @ApiOkResponse({ type: CommandAnswer })
  async approve(
    @Param('id', new UuidParam()) id: string,
    @Body() body: ApproveRequestDto,
    @Headers('if-match') ifMatch: HeaderValue,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const decision = { type: 'ApproveRequest', comment: body.comment ?? null } as const;
    return this.answered(reply, new DecideRequestCommand(callerOf(request), id, decision, parseIfMatch(ifMatch)));
  }

  @RouteDoc({
    summary: 'Reject a permission change request',
    etag: true,
    refusals: {
      403: ['not_approver', 'own_request', 'own_elevation', 'already_approved_step'],
      404: ['request_not_found'],
      409: ['request_decided', 'request_expired', 'stale_revision'],
      422: ['invalid_reason'],
    },
  })
  @Post(':id/reject')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision last read (ETag); default: as loaded now' })
  @ApiOkResponse({ type: CommandAnswer })
  async reject(
    @Param('id', new UuidParam()) id: string,
    @Body() body: RejectRequestDto,
    @Headers('if-match') ifMatch: HeaderValue,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const decision = { type: 'RejectRequest', reason: body.reason } as const;
    return this.answered(reply, new DecideRequestCommand(callerOf(request), id, decision, parseIfMatch(ifMatch)));
  }

  @RouteDoc({
    summary: 'Cancel your own pending permission change request',
    etag: true,
    refusals: { 403: ['not_requester'], 404: ['request_not_found'], 409: ['request_decided', 'request_expired'] },
  })
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandAnswer })
  async cancel(
    @Param('id', new UuidParam()) id: string,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    // No body: EmptyBodyInterceptor refuses one that says anything.
    return this.answered(reply, new CancelRequestCommand(callerOf(request), id));
  }

  @RouteDoc({ summary: 'List the permission change requests you may see (yours, about you, or all as an admin)' })
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

  @RouteDoc({ summary: 'Read a permission change request', etag: true, refusals: { 404: ['request_not_found'] } })
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

  private async answered(reply: FastifyReply, command: DecideRequestCommand | CancelRequestCommand): Promise<CommandAnswer> {
    const answer = await this.commands.execute(command);
    reply.header('ETag', etagFor(answer.revision));
    return answer;
  }
}
