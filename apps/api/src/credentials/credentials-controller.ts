import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CONNECTOR_RUNTIME_SERVICE, NotFound } from '../../../../libs/domain/src';
import {
  type CredentialDeps,
  destroyCredentialVersion,
  readSecretForRuntime,
  rotateCredential,
} from '../../../../libs/infra/src/credentials/credential-service';
import { MAX_SECRET_BYTES, SecretTooLarge } from '../../../../libs/infra/src/crypto/credential-vault';
import { KeyDestroyed, KeyStore } from '../../../../libs/infra/src/crypto/key-store';
import { formatPosition } from '../../../../libs/infra/src/event-log/position';
import { ApiRuntime } from '../api-runtime';
import { CurrentService, type RequestService, ServiceRoute } from '../auth/service-caller';
import { serviceContext, userContext } from '../connectors/connector-commands';
import { CONNECTORS_PATH } from '../connectors/connectors-controller';
import { ConnectorsQueries } from '../connectors/connectors-queries';
import { badRequest, ProblemError } from '../http/problem';
import { type ApiRequest, CurrentUser, requireUser, type RequestUser } from '../http/request-user';
import { UuidParam } from '../http/headers';
import {
  CredentialDestroyedDto,
  CredentialListDto,
  CredentialRotatedDto,
  RotateCredentialDto,
  RuntimeSecretDto,
} from './credential-dtos';
import { CredentialsQueries } from './credentials-queries';

const VERSION = /^[1-9]\d{0,8}$/;

function parseVersion(raw: string): number {
  if (!VERSION.test(raw)) {
    throw badRequest('validation_failed', 'Invalid request: version', [{ field: 'version', messages: ['version must be a positive integer'] }]);
  }
  return Number(raw);
}

/** Vault failures as answers that name the limit, never the secret. */
function fromVault(error: unknown): unknown {
  if (error instanceof SecretTooLarge) {
    return new ProblemError({ status: 422, code: 'secret_too_large', detail: `A secret may hold at most ${MAX_SECRET_BYTES} bytes` });
  }
  if (error instanceof KeyDestroyed) {
    return new NotFound('credential_not_found', 'The credential version was destroyed');
  }
  return error;
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
  private readonly deps: CredentialDeps;

  constructor(
    runtime: ApiRuntime,
    private readonly queries: CredentialsQueries,
    private readonly connectors: ConnectorsQueries,
  ) {
    // The master key is read on first use by config, so the API starts without one until needed.
    let keys: KeyStore | undefined;
    const lazyKeys = (): KeyStore => (keys ??= new KeyStore(runtime.pool, runtime.config.masterKey()));
    this.deps = {
      log: runtime.eventLog,
      get keys() {
        return lazyKeys();
      },
    };
  }

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CredentialRotatedDto })
  async rotate(@Param('id', new UuidParam()) id: string, @Body() body: RotateCredentialDto, @Req() request: ApiRequest): Promise<CredentialRotatedDto> {
    const { actor } = requireUser(request);
    try {
      const result = await rotateCredential(this.deps, {
        actor,
        connectorId: id,
        secret: body.secret,
        ...(body.expectedVersion !== undefined ? { expectedVersion: body.expectedVersion } : {}),
        context: userContext(request, actor),
      });
      return { connectorId: id, version: result.version, position: result.position === undefined ? null : formatPosition(result.position) };
    } catch (error) {
      throw fromVault(error);
    }
  }

  @Get()
  @ApiOkResponse({ type: CredentialListDto })
  async list(@Param('id', new UuidParam()) id: string, @CurrentUser() user: RequestUser): Promise<CredentialListDto> {
    // The connector must be visible to the caller; its credentials may still be hidden (members).
    if ((await this.connectors.get(user, id)) === undefined) throw new NotFound('connector_not_found', 'Connector not found', { connectorId: id });
    return { items: await this.queries.versions(user, id) };
  }

  @Delete(':version')
  @HttpCode(200)
  @ApiOkResponse({ type: CredentialDestroyedDto })
  async destroy(@Param('id', new UuidParam()) id: string, @Param('version') raw: string, @Req() request: ApiRequest): Promise<CredentialDestroyedDto> {
    const version = parseVersion(raw);
    const { actor } = requireUser(request);
    const result = await destroyCredentialVersion(this.deps, { actor, connectorId: id, version, context: userContext(request, actor) });
    return { connectorId: id, version, position: result.position === undefined ? null : formatPosition(result.position) };
  }

  /** The connector runtime's read of the current secret; the access is an event before the answer. */
  @Get('current/secret')
  @ServiceRoute(CONNECTOR_RUNTIME_SERVICE)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: RuntimeSecretDto })
  async secret(@Param('id', new UuidParam()) id: string, @CurrentService() service: RequestService): Promise<RuntimeSecretDto> {
    try {
      return await readSecretForRuntime(this.deps, {
        service: service.actor.service,
        companyId: service.actor.companyId,
        connectorId: id,
        purpose: 'sync',
        context: serviceContext(service),
      });
    } catch (error) {
      throw fromVault(error);
    }
  }
}
