import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { companyDecider, type CompanyEvent, companyStreamName, fold, type GrantRole, type RegisterCompany } from '#domain';
import { companies } from '#infra/commands/aggregates';
import { PostgresEventLog } from '#infra/event-log/postgres-event-log';
import { upcast } from '#infra/event-log/upcasters';
import { waitForProjection } from '../support/projection-wait';
import { runCommand } from '../support/run-command';
import type { TestDatabase } from '../support/test-database';
import { call } from './http-call';

export type Company = Readonly<{ companyId: string; adminUserId: string; adminRoleId: string; auditorRoleId: string; adminToken: string }>;

export type Member = Readonly<{ userId: string; token: string }>;

export type MintToken = (userId: string, companyId: string) => Promise<string>;

const actor = { kind: 'service', service: 'api-test' } as const;

/** One command as a service actor, as operator tooling runs it, then the projector caught up. */
async function runAsService(db: TestDatabase, log: PostgresEventLog, companyId: string, command: RegisterCompany | GrantRole): Promise<void> {
  const context = { commandId: randomUUID(), correlationId: randomUUID(), actor, now: command.metadata.now, tenant: { companyId } };
  await runCommand(log, companies, companyStreamName(companyId), command, context);
  await waitForProjection(db.owner);
}

/** Bootstraps a company through the domain (service actor), as the CLI does. */
export async function registerCompany(db: TestDatabase, token: MintToken, name = 'Acme'): Promise<Company> {
  const ids = { companyId: randomUUID(), adminUserId: randomUUID(), adminRoleId: randomUUID(), auditorRoleId: randomUUID() };
  const command: RegisterCompany = {
    type: 'RegisterCompany',
    data: { ...ids, name, adminEmail: `admin-${ids.companyId.slice(0, 8)}@example.com`, adminDisplayName: 'Ada Admin' },
    metadata: { actor, now: new Date().toISOString() },
  };
  await runAsService(db, new PostgresEventLog(db.owner), ids.companyId, command);
  return { ...ids, adminToken: await token(ids.adminUserId, ids.companyId) };
}

/** Registers a user through the API (as the company's admin) and mints their token. */
export async function registerMember(app: NestFastifyApplication, token: MintToken, company: Company, name: string): Promise<Member> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
  const answer = await call(app, 'POST', '/v1/users', { token: company.adminToken, body: { email, displayName: name } });
  if (answer.status !== 201) throw new Error(`registering ${name} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { userId: answer.body.id, token: await token(answer.body.id, company.companyId) };
}

/** Grants a role by code as a service actor, as operator tooling does (members cannot grant). */
export async function grantRole(db: TestDatabase, company: Company, userId: string, roleCode: string): Promise<void> {
  const log = new PostgresEventLog(db.owner);
  // From the log, not the read model: the grant must not depend on the projector being current.
  const history = await log.readStream(companyStreamName(company.companyId));
  const state = fold(companyDecider, history.map((event) => upcast(event) as CompanyEvent));
  const role = state.status === 'registered' ? [...state.roles.values()].find((r) => r.code === roleCode) : undefined;
  if (role === undefined) throw new Error(`no role ${roleCode} in company ${company.companyId}`);
  const command: GrantRole = {
    type: 'GrantRole',
    data: { userId, roleId: role.roleId, reason: 'test set-up' },
    metadata: { actor, now: new Date().toISOString() },
  };
  await runAsService(db, log, company.companyId, command);
}
