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
import { RouteDoc } from '../docs/route-doc';

export const CONNECTORS_PATH = 'v1/integration-connectors';

@ApiTags('integration-connectors')
@ApiBearerAuth()
@Controller(CONNECTORS_PATH)
export class ConnectorsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: ConnectorsQueries,
  ) {}

  @RouteDoc({
    summary: 'Register an integration connector (inactive until activated)',
    etag: true,
    location: true,
    refusals: {
      403: ['not_admin'],
      422: ['secret_in_config', 'unknown_provider', 'unsupported_connector_type', 'invalid_config', 'invalid_schedule'],
    },
  })
  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CommandAnswer })
  async register(@Body() body: RegisterConnectorDto, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    const connector = { provider: body.provider, connectorType: body.connectorType, config: body.config, schedule: body.schedule };
    const answer = await this.commands.execute(new RegisterConnectorCommand(callerOf(request), newEntityId(request, 'connector'), connector));
    reply.header('ETag', etagFor(answer.revision)).header('Location', `/${CONNECTORS_PATH}/${answer.id}`);
    return answer;
  }

  @RouteDoc({
    summary: "Update a connector's config or schedule",
    etag: true,
    refusals: {
      403: ['not_admin'],
      404: ['connector_not_found'],
      409: ['stale_revision'],
      422: ['secret_in_config', 'invalid_config', 'invalid_schedule'],
    },
  })
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

  @RouteDoc({
    summary: 'Activate a connector (one that needs a credential must have a current one)',
    etag: true,
    refusals: { 403: ['not_admin'], 404: ['connector_not_found'], 409: ['illegal_transition'], 422: ['credential_required'] },
  })
  @Post(':id/activate')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandAnswer })
  activate(@Param('id', new UuidParam()) id: string, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    return this.lifecycle(request, reply, 'ActivateConnector', id);
  }

  @RouteDoc({
    summary: 'Deactivate a connector',
    etag: true,
    refusals: { 403: ['not_admin'], 404: ['connector_not_found'], 409: ['illegal_transition'] },
  })
  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandAnswer })
  deactivate(@Param('id', new UuidParam()) id: string, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    return this.lifecycle(request, reply, 'DeactivateConnector', id);
  }

  @RouteDoc({
    summary: 'Delete a connector (final; its id is never reused)',
    refusals: { 403: ['not_admin'], 404: ['connector_not_found'], 409: ['stale_revision'] },
  })
  @Delete(':id')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false, description: 'The revision (ETag) the deletion is for; a stale one is a 409 with the current revision' })
  @ApiOkResponse({ type: CommandAnswer })
  remove(@Param('id', new UuidParam()) id: string, @Headers('if-match') ifMatch: HeaderValue, @Req() request: ApiRequest): Promise<CommandAnswer> {
    return this.commands.execute(new ConnectorLifecycleCommand(callerOf(request), id, 'DeleteConnector', parseIfMatch(ifMatch)));
  }

  /** The connector runtime reports a finished run; user tokens are refused. */
  @RouteDoc({
    summary: 'Record a finished sync run (connector runtime only)',
    refusals: { 404: ['connector_not_found'], 409: ['illegal_transition'], 422: ['invalid_synced_at'] },
  })
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

  @RouteDoc({ summary: "List your company's connectors" })
  @Get()
  @ApiOkResponse({ type: ConnectorPageDto })
  list(@Query() query: PageQueryDto, @CurrentUser() user: RequestUser): Promise<Page<ConnectorDto>> {
    return this.queries.list(user, query.limit ?? DEFAULT_PAGE_SIZE, query.cursor);
  }

  @RouteDoc({ summary: 'Read a connector', etag: true, refusals: { 404: ['connector_not_found'] } })
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
