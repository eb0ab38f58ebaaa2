import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TestDatabase } from '../support/test-database';
import { call } from './http-call';

export const REQUESTS = '/v1/permission-change-requests';

export type Decision = 'approve' | 'reject' | 'cancel';

/** POST /v1/permission-change-requests with a default reason, so tests state only what matters. */
export const requestChange = (app: NestFastifyApplication, token: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  call(app, 'POST', REQUESTS, { token, body: { reason: 'needed for the test', ...body }, ...(headers ? { headers } : {}) });

export const decideRequest = (
  app: NestFastifyApplication,
  token: string,
  id: string,
  decision: Decision,
  body?: Record<string, unknown>,
  headers?: Record<string, string>,
) => call(app, 'POST', `${REQUESTS}/${id}/${decision}`, { token, ...(body ? { body } : {}), ...(headers ? { headers } : {}) });

/** GET one request, waiting for the projector to reach `position` when given. */
export const readRequest = (app: NestFastifyApplication, token: string, id: string, position?: string | null) =>
  call(app, 'GET', `${REQUESTS}/${id}`, { token, ...(position ? { headers: { 'x-min-position': position } } : {}) });

/** How many events of a type the log holds about one request. */
export async function countRequestEvents(db: TestDatabase, requestId: string, type: string): Promise<number> {
  const { rows } = await db.owner.query<{ n: string }>(
    "SELECT count(*) AS n FROM event_log.events WHERE type = $1 AND data->>'requestId' = $2",
    [type, requestId],
  );
  return Number(rows[0]!.n);
}
