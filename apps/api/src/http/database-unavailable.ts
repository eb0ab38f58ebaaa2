import { isConnectionError } from '#infra/database/connection-loss';
import type { ProblemInit } from './problem';

// About the projector's and the checkpoint watch's longest pause between reconnection attempts.
const RETRY_AFTER_SECONDS = '5';

/**
 * A request that failed because the database is unreachable is not the client's fault nor a bug:
 * 503 with Retry-After tells it to come back, where a 500 would say the request itself broke.
 */
export function databaseUnavailable(exception: unknown): ProblemInit | undefined {
  if (!isConnectionError(exception)) return undefined;
  return {
    status: 503,
    code: 'database_unavailable',
    detail: 'The database is unreachable right now; retry shortly',
    headers: { 'Retry-After': RETRY_AFTER_SECONDS },
  };
}
