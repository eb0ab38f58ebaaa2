import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { NotFound } from '#domain';
import { callerOf } from '../commands/caller';
import { CommandAnswer } from '../commands/command-answer';
import { newEntityId } from '../commands/command-identity';
import { etagFor, type HeaderValue, parseIfMatch, requireIfMatch, UuidParam } from '../http/headers';
import { type ApiRequest, CurrentUser, type RequestUser } from '../http/request-user';
import { DEFAULT_PAGE_SIZE, type Page, PageQueryDto } from '../pagination/page';
import { DeleteRoleCommand, DefineRoleCommand, UpdateRoleCommand } from './role-commands';
import { DefineRoleDto, RoleDto, RolePageDto, UpdateRoleDto } from './role-dtos';
import { RolesQueries } from './roles-queries';
import { RouteDoc } from '../docs/route-doc';

@ApiTags('roles')
@ApiBearerAuth()
@Controller('v1/roles')
export class RolesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: RolesQueries,
  ) {}

  @RouteDoc({
    summary: 'Define a role in your company',
    etag: true,
    location: true,
    refusals: {
      403: ['not_admin'],
      409: ['role_code_taken'],
      422: ['invalid_role_code', 'reserved_role_code', 'invalid_role_name', 'invalid_description', 'invalid_scope', 'project_role_limit'],
    },
  })
  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CommandAnswer })
  async define(@Body() body: DefineRoleDto, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    const answer = await this.commands.execute(new DefineRoleCommand(callerOf(request), newEntityId(request, 'role'), body));
    reply.header('ETag', etagFor(answer.revision)).header('Location', `/v1/roles/${answer.id}`);
    return answer;
  }

  @RouteDoc({
    summary: "Update a role's name, description or scope",
    etag: true,
    refusals: {
      403: ['not_admin'],
      404: ['role_not_found'],
      409: ['stale_revision'],
      422: ['invalid_role_name', 'invalid_description', 'invalid_scope', 'builtin_role', 'project_role_limit'],
    },
  })
  @Patch(':id')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: true, description: 'The revision last read (ETag)' })
  @ApiOkResponse({ type: CommandAnswer })
  async update(
    @Param('id', new UuidParam()) id: string,
    @Body() body: UpdateRoleDto,
    @Headers('if-match') ifMatch: HeaderValue,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const changes = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.scope !== undefined ? { scope: body.scope } : {}),
    };
    const answer = await this.commands.execute(new UpdateRoleCommand(callerOf(request), id, changes, requireIfMatch(ifMatch)));
    reply.header('ETag', etagFor(answer.revision));
    return answer;
  }

  @RouteDoc({
    summary: 'Delete a role that no user holds',
    refusals: { 403: ['not_admin'], 404: ['role_not_found'], 409: ['stale_revision'], 422: ['builtin_role', 'role_assigned'] },
  })
  @Delete(':id')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswer })
  remove(@Param('id', new UuidParam()) id: string, @Headers('if-match') ifMatch: HeaderValue, @Req() request: ApiRequest): Promise<CommandAnswer> {
    return this.commands.execute(new DeleteRoleCommand(callerOf(request), id, parseIfMatch(ifMatch)));
  }

  @RouteDoc({ summary: "List your company's roles" })
  @Get()
  @ApiOkResponse({ type: RolePageDto })
  list(@Query() query: PageQueryDto, @CurrentUser() user: RequestUser): Promise<Page<RoleDto>> {
    return this.queries.list(user, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
  }

  @RouteDoc({ summary: 'Read a role', etag: true, refusals: { 404: ['role_not_found'] } })
  @Get(':id')
  @ApiOkResponse({ type: RoleDto })
  async get(
    @Param('id', new UuidParam()) id: string,
    @CurrentUser() user: RequestUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoleDto> {
    const role = await this.queries.get(user, id);
    if (role === undefined) throw new NotFound('role_not_found', 'Role not found', { roleId: id });
    if (role.revision !== null) reply.header('ETag', etagFor(role.revision));
    return role;
  }
}
