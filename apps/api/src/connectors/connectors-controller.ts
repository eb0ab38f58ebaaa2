import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CONNECTOR_RUNTIME_SERVICE, NotFound } from '#domain';
import { CurrentService, type RequestService, ServiceRoute } from '../auth/service-caller';
import { callerOf, serviceCallerOf } from '../commands/caller';
import { CommandAnswer } from '../commands/command-answer';
import { newEntityId } from '../commands/command-identity';
import { etagFor, type HeaderValue, parseIfMatch, requireIfMatch, UuidParam } from '../http/headers';
import { type ApiRequest, CurrentUser, type RequestUser } from '../http/request-user';
import { DEFAULT_PAGE_SIZE, type Page, PageQueryDto } from '../pagination/page';
import { ConnectorLifecycleCommand, RecordSyncCommand, RegisterConnectorCommand, UpdateConnectorCommand } from './connector-commands';
import { ConnectorDto, ConnectorPageDto, RecordSyncDto, RegisterConnectorDto, UpdateConnectorDto } from './connector-dtos';
import { ConnectorsQueries } from './connectors-queries';

export const CONNECTORS_PATH = 'v1/integration-connectors';

@ApiTags('integration-connectors')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Commands: same key and body return the first answer' })
@Controller(CONNECTORS_PATH)
export class ConnectorsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: ConnectorsQueries,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CommandAnswer })
  async register(@Body() body: RegisterConnectorDto, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    const connector = { provider: body.provider, connectorType: body.connectorType, config: body.config, schedule: body.schedule };
    const answer = await this.commands.execute(new RegisterConnectorCommand(callerOf(request), newEntityId(request, 'connector'), connector));
    reply.header('ETag', etagFor(answer.revision)).header('Location', `/${CONNECTORS_PATH}/${answer.id}`);
    return answer;
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: true, description: 'The revision last read (ETag)' })
  @ApiOkResponse({ type: CommandAnswer })
  async update(
    @Param('id', new UuidParam()) id: string,
    @Body() body: UpdateConnectorDto,
    @Headers('if-match') ifMatch: HeaderValue,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const changes = {
      ...(body.config !== undefined ? { config: body.config } : {}),
      ...(body.schedule !== undefined ? { schedule: body.schedule } : {}),
    };
    const answer = await this.commands.execute(new UpdateConnectorCommand(callerOf(request), id, changes, requireIfMatch(ifMatch)));
    reply.header('ETag', etagFor(answer.revision));
    return answer;
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandAnswer })
  activate(@Param('id', new UuidParam()) id: string, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    return this.lifecycle(request, reply, 'ActivateConnector', id);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandAnswer })
  deactivate(@Param('id', new UuidParam()) id: string, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    return this.lifecycle(request, reply, 'DeactivateConnector', id);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision (ETag) the deletion is for; a stale one is a 409 with the current revision' })
  @ApiOkResponse({ type: CommandAnswer })
  remove(@Param('id', new UuidParam()) id: string, @Headers('if-match') ifMatch: HeaderValue, @Req() request: ApiRequest): Promise<CommandAnswer> {
    return this.commands.execute(new ConnectorLifecycleCommand(callerOf(request), id, 'DeleteConnector', parseIfMatch(ifMatch)));
  }

  /** The connector runtime reports a finished run; user tokens are refused. */
  @Post(':id/syncs')
  @HttpCode(200)
  @ServiceRoute(CONNECTOR_RUNTIME_SERVICE)
  @ApiOkResponse({ type: CommandAnswer })
  async recordSync(
    @Param('id', new UuidParam()) id: string,
    @Body() body: RecordSyncDto,
    @CurrentService() service: RequestService,
  ): Promise<CommandAnswer> {
    const sync = { syncedAt: body.syncedAt, outcome: body.outcome, ...(body.detail !== undefined ? { detail: body.detail } : {}) };
    return this.commands.execute(new RecordSyncCommand(serviceCallerOf(service), id, sync));
  }

  @Get()
  @ApiOkResponse({ type: ConnectorPageDto })
  list(@Query() query: PageQueryDto, @CurrentUser() user: RequestUser): Promise<Page<ConnectorDto>> {
    return this.queries.list(user, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: ConnectorDto })
  async get(
    @Param('id', new UuidParam()) id: string,
    @CurrentUser() user: RequestUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConnectorDto> {
    const connector = await this.queries.get(user, id);
    if (connector === undefined) throw new NotFound('connector_not_found', 'Connector not found', { connectorId: id });
    if (connector.revision !== null) reply.header('ETag', etagFor(connector.revision));
    return connector;
  }

  private async lifecycle(
    request: ApiRequest,
    reply: FastifyReply,
    type: 'ActivateConnector' | 'DeactivateConnector',
    id: string,
  ): Promise<CommandAnswer> {
    const answer = await this.commands.execute(new ConnectorLifecycleCommand(callerOf(request), id, type));
    reply.header('ETag', etagFor(answer.revision));
    return answer;
  }
}
