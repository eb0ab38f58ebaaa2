import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { NotFound } from '#domain';
import { callerOf } from '../commands/caller';
import { CommandAnswer } from '../commands/command-answer';
import { newEntityId } from '../commands/command-identity';
import { UuidParam } from '../http/headers';
import { type ApiRequest, CurrentUser, type RequestUser } from '../http/request-user';
import { DEFAULT_PAGE_SIZE, type Page, PageQueryDto } from '../pagination/page';
import { RegisterUserCommand } from './user-commands';
import { RegisterUserDto, UserDto, UserPageDto, UserRolesDto } from './user-dtos';
import { UsersQueries } from './users-queries';
import { RouteDoc } from '../docs/route-doc';

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/users')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: UsersQueries,
  ) {}

  @RouteDoc({
    summary: 'Register a user in your company',
    location: true,
    refusals: { 403: ['not_admin'], 409: ['email_taken'], 422: ['invalid_email', 'invalid_display_name'] },
  })
  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CommandAnswer })
  async register(@Body() body: RegisterUserDto, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    const answer = await this.commands.execute(new RegisterUserCommand(callerOf(request), newEntityId(request, 'user'), body));
    reply.header('Location', `/v1/users/${answer.id}`);
    return answer;
  }

  @RouteDoc({ summary: "List your company's users" })
  @Get()
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: PageQueryDto, @CurrentUser() user: RequestUser): Promise<Page<UserDto>> {
    return this.queries.list(user, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
  }

  @RouteDoc({ summary: 'Read a user', refusals: { 404: ['user_not_found'] } })
  @Get(':id')
  @ApiOkResponse({ type: UserDto })
  async get(@Param('id', new UuidParam()) id: string, @CurrentUser() user: RequestUser): Promise<UserDto> {
    const found = await this.queries.get(user, id);
    if (found === undefined) throw new NotFound('user_not_found', 'User not found', { userId: id });
    return found;
  }

  @RouteDoc({
    summary: "List a user's roles: your own, or anyone's in your company as an admin (a member gets [] for a colleague)",
    refusals: { 404: ['user_not_found'] },
  })
  @Get(':id/roles')
  // Documented choice: a member asking about a colleague gets 200 with an empty list (the user
  // exists and is visible to them, their assignments are not); 404 only outside the company.
  @ApiOkResponse({
    type: UserRolesDto,
    description: "Your own roles, or anyone's in your company as an admin; a member gets [] for a colleague",
  })
  async roles(@Param('id', new UuidParam()) id: string, @CurrentUser() user: RequestUser): Promise<UserRolesDto> {
    const items = await this.queries.roles(user, id);
    if (items === undefined) throw new NotFound('user_not_found', 'User not found', { userId: id });
    return { items };
  }
}
