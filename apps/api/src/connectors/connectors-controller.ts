import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CONNECTOR_RUNTIME_SERVICE, NotFound } from '../../../../libs/domain/src';
import { CurrentService, type RequestService, ServiceRoute } from '../auth/service-caller';
import { newEntityId } from '../commands/command-identity';
import type { CommandAnswer } from '../commands/command-runner';
import { etagFor, type HeaderValue, requireIfMatch, UuidParam } from '../http/headers';
import { type ApiRequest, CurrentUser, requireUser, type RequestUser } from '../http/request-user';
import { DEFAULT_PAGE_SIZE, type Page, PageQueryDto } from '../pagination/page';
import { CommandAnswerDto } from '../roles/role-dtos';
import { connectorAnswer, ConnectorCommands, revisionOf } from './connector-commands';
import { ConnectorDto, ConnectorPageDto, RecordSyncDto, RegisterConnectorDto, UpdateConnectorDto } from './connector-dtos';
import { ConnectorsQueries } from './connectors-queries';

export const CONNECTORS_PATH = 'v1/integration-connectors';

@ApiTags('integration-connectors')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Commands: same key and body return the first answer' })
@Controller(CONNECTORS_PATH)
export class ConnectorsController {
  constructor(
    private readonly commands: ConnectorCommands,
    private readonly queries: ConnectorsQueries,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CommandAnswerDto })
  async register(@Body() body: RegisterConnectorDto, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    const connectorId = newEntityId(request, 'connector');
    const { result } = await this.commands.execute(request, 'RegisterConnector', {
      connectorId,
      companyId: requireUser(request).actor.companyId,
      provider: body.provider,
      connectorType: body.connectorType,
      config: body.config,
      schedule: body.schedule,
    });
    const revision = revisionOf(result.state) ?? 1n;
    reply.header('ETag', etagFor(revision)).header('Location', `/${CONNECTORS_PATH}/${connectorId}`);
    return connectorAnswer(connectorId, revision, result);
  }

  @Patch(':id')
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: true, description: 'The revision last read (ETag)' })
  @ApiOkResponse({ type: CommandAnswerDto })
  async update(
    @Param('id', new UuidParam()) id: string,
    @Body() body: UpdateConnectorDto,
    @Headers('if-match') ifMatch: HeaderValue,
    @Req() request: ApiRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandAnswer> {
    const expectedRevision = requireIfMatch(ifMatch);
    const { result } = await this.commands.execute(request, 'UpdateConnector', {
      connectorId: id,
      ...(body.config !== undefined ? { config: body.config } : {}),
      ...(body.schedule !== undefined ? { schedule: body.schedule } : {}),
      expectedRevision,
    });
    const revision = revisionOf(result.state) ?? expectedRevision;
    reply.header('ETag', etagFor(revision));
    return connectorAnswer(id, revision, result);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandAnswerDto })
  activate(@Param('id', new UuidParam()) id: string, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    return this.lifecycle(request, reply, 'ActivateConnector', id);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandAnswerDto })
  deactivate(@Param('id', new UuidParam()) id: string, @Req() request: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandAnswer> {
    return this.lifecycle(request, reply, 'DeactivateConnector', id);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOkResponse({ type: CommandAnswerDto })
  async remove(@Param('id', new UuidParam()) id: string, @Req() request: ApiRequest): Promise<CommandAnswer> {
    const { result, before } = await this.commands.execute(request, 'DeleteConnector', { connectorId: id });
    return connectorAnswer(id, revisionOf(result.state) ?? revisionOf(before) ?? 0n, result);
  }

  /** The connector runtime reports a finished run; user tokens are refused. */
  @Post(':id/syncs')
  @HttpCode(200)
  @ServiceRoute(CONNECTOR_RUNTIME_SERVICE)
  @ApiOkResponse({ type: CommandAnswerDto })
  async recordSync(
    @Param('id', new UuidParam()) id: string,
    @Body() body: RecordSyncDto,
    @CurrentService() service: RequestService,
  ): Promise<CommandAnswer> {
    const { result } = await this.commands.recordSync(service, {
      connectorId: id,
      syncedAt: body.syncedAt,
      outcome: body.outcome,
      ...(body.detail !== undefined ? { detail: body.detail } : {}),
    });
    return connectorAnswer(id, revisionOf(result.state) ?? 0n, result);
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
    const { result, before } = await this.commands.execute(request, type, { connectorId: id });
    const revision = revisionOf(result.state) ?? revisionOf(before) ?? 0n;
    reply.header('ETag', etagFor(revision));
    return connectorAnswer(id, revision, result);
  }
}
