import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CONNECTOR_RUNTIME_SERVICE, NotFound } from '#domain';
import { CurrentService, type RequestService, ServiceRoute } from '../auth/service-caller';
import { callerOf, serviceCallerOf } from '../commands/caller';
import { CONNECTORS_PATH } from '../connectors/connectors-controller';
import { ConnectorsQueries } from '../connectors/connectors-queries';
import { UuidParam } from '../http/headers';
import { badRequest } from '../http/problem';
import { type ApiRequest, CurrentUser, type RequestUser } from '../http/request-user';
import { type CredentialAnswer, DestroyCredentialVersionCommand, ReadRuntimeSecretCommand, RotateCredentialCommand } from './credential-commands';
import { CredentialAnswerDto, CredentialListDto, RotateCredentialDto, RuntimeSecretDto } from './credential-dtos';
import { CredentialsQueries } from './credentials-queries';
import { SecretFields } from '../idempotency/request-fingerprint';
import { RouteDoc } from '../docs/route-doc';

const VERSION = /^[1-9]\d{0,8}$/;

function parseVersion(raw: string): number {
  if (!VERSION.test(raw)) {
    throw badRequest('validation_failed', 'Invalid request: version', [{ field: 'version', messages: ['version must be a positive integer'] }]);
  }
  return Number(raw);
}

/**
 * Connector credentials. Secrets go in through rotateCredential (sealed before anything reaches
 * the log) and come out only to the connector runtime of the same company, which is recorded.
 * No route echoes a secret to a user, admins included.
 */
@ApiTags('integration-connectors')
@ApiBearerAuth()
@Controller(`${CONNECTORS_PATH}/:id/credentials`)
export class CredentialsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: CredentialsQueries,
    private readonly connectors: ConnectorsQueries,
  ) {}

  @RouteDoc({
    summary: "Rotate a connector's credential: seal a new secret as the next version",
    refusals: {
      403: ['not_admin'],
      404: ['connector_not_found'],
      409: ['version_mismatch'],
      422: ['secret_too_large', 'invalid_version', 'invalid_ciphertext'],
    },
  })
  @Post()
  @HttpCode(201)
  @SecretFields('secret')
  @ApiCreatedResponse({ type: CredentialAnswerDto })
  rotate(@Param('id', new UuidParam()) id: string, @Body() body: RotateCredentialDto, @Req() request: ApiRequest): Promise<CredentialAnswer> {
    return this.commands.execute(new RotateCredentialCommand(callerOf(request), id, body.secret, body.expectedVersion));
  }

  @RouteDoc({
    summary: "List a connector's credential versions, never their secrets (admins; other members get [])",
    refusals: { 404: ['connector_not_found'] },
  })
  @Get()
  @ApiOkResponse({ type: CredentialListDto })
  async list(@Param('id', new UuidParam()) id: string, @CurrentUser() user: RequestUser): Promise<CredentialListDto> {
    // The connector must be visible to the caller; its credentials may still be hidden (members).
    if ((await this.connectors.get(user, id)) === undefined) throw new NotFound('connector_not_found', 'Connector not found', { connectorId: id });
    return { items: await this.queries.versions(user, id) };
  }

  @RouteDoc({
    summary: 'Destroy a credential version, shredding its data key',
    refusals: { 403: ['not_admin'], 404: ['connector_not_found', 'credential_version_not_found'] },
  })
  @Delete(':version')
  @HttpCode(200)
  @ApiOkResponse({ type: CredentialAnswerDto })
  destroy(@Param('id', new UuidParam()) id: string, @Param('version') raw: string, @Req() request: ApiRequest): Promise<CredentialAnswer> {
    return this.commands.execute(new DestroyCredentialVersionCommand(callerOf(request), id, parseVersion(raw)));
  }

  /** The connector runtime's read of the current secret; the access is an event before the answer. */
  @RouteDoc({
    summary: 'Read the current secret (connector runtime only; the access is recorded first)',
    refusals: { 404: ['credential_not_found'] },
  })
  @Get('current/secret')
  @ServiceRoute(CONNECTOR_RUNTIME_SERVICE)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: RuntimeSecretDto })
  secret(@Param('id', new UuidParam()) id: string, @CurrentService() service: RequestService): Promise<RuntimeSecretDto> {
    return this.commands.execute(new ReadRuntimeSecretCommand(serviceCallerOf(service), id));
  }
}
