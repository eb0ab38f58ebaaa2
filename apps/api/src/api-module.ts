import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { ApiRuntime } from './api-runtime';
import { AuditController } from './audit/audit-controller';
import { AuditExportController } from './audit/audit-export-controller';
import { AuditReader } from './audit/audit-reader';
import { AuthGuard } from './auth/auth-guard';
import { MinPositionInterceptor } from './consistency/min-position-interceptor';
import { EmptyBodyInterceptor } from './http/empty-body';
import { CONNECTOR_HANDLERS } from './connectors/connector-commands';
import { ConnectorsController } from './connectors/connectors-controller';
import { ConnectorsQueries } from './connectors/connectors-queries';
import { ProjectionWaiter } from './consistency/projection-waiter';
import { CREDENTIAL_HANDLERS } from './credentials/credential-commands';
import { CredentialsController } from './credentials/credentials-controller';
import { CredentialsQueries } from './credentials/credentials-queries';
import { HealthController } from './health/health-controller';
import { Readiness } from './health/readiness';
import { IdempotencyInterceptor } from './idempotency/idempotency-interceptor';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { MetricsController } from './metrics/metrics-controller';
import { PERMISSION_REQUEST_HANDLERS } from './permission-requests/permission-request-commands';
import { PermissionRequestsController } from './permission-requests/permission-requests-controller';
import { PermissionRequestsQueries } from './permission-requests/permission-requests-queries';
import { ROLE_HANDLERS } from './roles/role-commands';
import { RolesController } from './roles/roles-controller';
import { RolesQueries } from './roles/roles-queries';
import { RegisterUserHandler } from './users/user-commands';
import { UsersController } from './users/users-controller';
import { UsersQueries } from './users/users-queries';

const requestLogLevel = (status: number, error: unknown): 'error' | 'warn' | 'info' =>
  error !== undefined || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';

@Module({})
export class ApiModule {
  /** The whole API from a runtime built outside Nest, so tests and main.ts wire it identically. */
  static forRoot(runtime: ApiRuntime, logger: Logger, logging: boolean): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            // Request logs carry method, URL, status and timing; bodies are never read here.
            customLogLevel: (_req, res, error) => requestLogLevel(res.statusCode, error),
            quietReqLogger: true,
          },
        }),
        TerminusModule.forRoot({ logger: logging, errorLogStyle: 'json' }),
        // The CommandBus only: the event log and the projector carry events, not an EventBus.
        CqrsModule.forRoot(),
      ],
      controllers: [
        RolesController,
        UsersController,
        PermissionRequestsController,
        ConnectorsController,
        CredentialsController,
        AuditController,
        AuditExportController,
        HealthController,
        MetricsController,
      ],
      providers: [
        { provide: ApiRuntime, useValue: runtime },
        ...ROLE_HANDLERS,
        RegisterUserHandler,
        ...PERMISSION_REQUEST_HANDLERS,
        ...CONNECTOR_HANDLERS,
        ...CREDENTIAL_HANDLERS,
        RolesQueries,
        UsersQueries,
        PermissionRequestsQueries,
        ConnectorsQueries,
        CredentialsQueries,
        AuditReader,
        IdempotencyStore,
        ProjectionWaiter,
        Readiness,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: EmptyBodyInterceptor },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_INTERCEPTOR, useClass: MinPositionInterceptor },
      ],
    };
  }
}
