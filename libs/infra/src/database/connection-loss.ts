/**
 * Telling "the database is unreachable" from "this statement failed": the first passes when the
 * server is back, so callers wait and retry (or answer 503); the second is a bug or bad data.
 */

// Socket-level failures, as node reports them on the connection attempt or the open socket.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

// SQLSTATE 08xxx is "connection exception"; 57P01-57P03 are the server shutting down or starting
// up, and 53300 too many connections, which a restarting server answers for a moment.
const SERVER_CODES = /^(08...|57P0[123]|53300)$/;

// pg reports a dropped or closed connection as a plain Error, recognisable only by its words.
const MESSAGES = [
  'Connection terminated',
  'connection error and is not queryable',
  'Client was closed and is not queryable',
  'timeout exceeded when trying to connect',
  'Connection terminated due to connection timeout',
];

export function isConnectionError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { code, message, errors, cause } = error as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SERVER_CODES.test(code))) return true;
  if (typeof message === 'string' && MESSAGES.some((words) => message.includes(words))) return true;
  // "localhost" resolves to ::1 and 127.0.0.1: node refuses both at once as an AggregateError.
  if (Array.isArray(errors) && errors.some((inner) => isConnectionError(inner, depth + 1))) return true;
  return cause !== undefined && isConnectionError(cause, depth + 1);
}

/** Exponential backoff for reconnecting: 100 ms, 200 ms, ... capped at 5 s (attempt counts from 1). */
export function reconnectDelayMs(attempt: number, baseMs = 100, capMs = 5000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 20)));
}
