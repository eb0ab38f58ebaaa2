import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type CompanyState, NotFound, type RoleState } from '../../../../libs/domain/src';
import { ApiRuntime } from '../api-runtime';
import { newEntityId } from '../commands/command-identity';
import { type CommandAnswer, commandAnswer, CommandRunner } from '../commands/command-runner';
import { etagFor, type HeaderValue, parseIfMatch, requireIfMatch, UuidParam } from '../http/headers';
import { type ApiRequest, CurrentUser, type RequestUser } from '../http/request-user';
import { DEFAULT_PAGE_SIZE, type Page, PageQueryDto } from '../pagination/page';
import { CommandAnswerDto, DefineRoleDto, RoleDto, RolePageDto, UpdateRoleDto } from './role-dtos';
import { RolesQueries } from './roles-queries';

const roleIn = (state: CompanyState, id: string): RoleState | undefined =>
  state.status === 'registered' ? state.roles.get(id) : undefined;

@ApiTags('roles')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Commands: same key and body return the first answer' })
@Controller('v1/roles')
export class RolesController {
  constructor(
    private readonly commands: CommandRunner,
    private readonly queries: RolesQueries,
    private readonly runtime: ApiRuntime,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CommandAnswerDto })
  async define(@Body() body: DefineRoleDto, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    const roleId = newEntityId(request, 'role');
    const { result } = await this.commands.execute(request, 'DefineRole', {
      roleId,
      code: body.code,
      name: body.name,
      description: body.description ?? null,
      ...(body.scope !== undefined ? { scope: body.scope } : {}),
      maxProjectScopedRoles: this.runtime.config.maxProjectScopedRoles,
    });
    const revision = roleIn(result.state, roleId)?.revision ?? 1n;
    reply.header('ETag', etagFor(revision)).header('Location', `/v1/roles/${roleId}`);
    return commandAnswer(roleId, revision, result);
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: true, description: 'The revision last read (ETag)' })
  @ApiOkResponse({ type: CommandAnswerDto })
  async update(
    @Param('id', new UuidParam()) id: string,
    @Body() body: UpdateRoleDto,
    @Headers('if-match') ifMatch: HeaderValue,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const expectedRevision = requireIfMatch(ifMatch);
    const { result } = await this.commands.execute(request, 'UpdateRole', {
      roleId: id,
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.scope !== undefined ? { scope: body.scope } : {}),
      expectedRevision,
      maxProjectScopedRoles: this.runtime.config.maxProjectScopedRoles,
    });
    const revision = roleIn(result.state, id)?.revision ?? expectedRevision;
    reply.header('ETag', etagFor(revision));
    return commandAnswer(id, revision, result);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiOkResponse({ type: CommandAnswerDto })
  async remove(
    @Param('id', new UuidParam()) id: string,
    @Headers('if-match') ifMatch: HeaderValue,
    @Req() request: ApiRequest,
  ): Promise<CommandAnswer> {
    const expectedRevision = parseIfMatch(ifMatch);
    const { result, before } = await this.commands.execute(request, 'DeleteRole', {
      roleId: id,
      ...(expectedRevision !== undefined ? { expectedRevision } : {}),
    });
    // The revision that was deleted: the role itself no longer has one.
    return commandAnswer(id, roleIn(before, id)?.revision ?? 0n, result);
  }

  @Get()
  @ApiOkResponse({ type: RolePageDto })
  list(@Query() query: PageQueryDto, @CurrentUser() user: RequestUser): Promise<Page<RoleDto>> {
    return this.queries.list(user, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
  }

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
