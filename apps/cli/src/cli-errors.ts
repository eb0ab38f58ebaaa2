import { isDomainError } from '#domain';
import { EmbeddedDatabaseError } from '#infra/database/cluster-ownership';
import { CliError } from './cli-output';

/** What the operator is told about a failure: one line, and a code a script can switch on. */
export type CliFailure = Readonly<{ message: string; code: string; details?: Readonly<Record<string, unknown>> }>;

/** The exit code of every error; 1 stays for commands whose result is "broken" (verify-log, verify-export). */
export const ERROR_EXIT = 2;

/** Any message on one line: a multi-line message must not pass for several errors. */
const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

function messageOf(error: Error): string {
  if (error.message.trim() !== '') return error.message;
  // AggregateError (e.g. a connection refused on every address of a host) has no message of its own.
  const inner = (error as { errors?: unknown[] }).errors;
  if (Array.isArray(inner) && inner.length > 0) return inner.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}

/** A PostgreSQL error as node-postgres reports it: a severity and a five-character SQLSTATE. */
const isDatabaseError = (error: Error): error is Error & { code: string } =>
  typeof (error as { severity?: unknown }).severity === 'string' && /^[0-9A-Z]{5}$/.test(String((error as { code?: unknown }).code));

export function describeError(error: unknown): CliFailure {
  if (!(error instanceof Error)) return { message: oneLine(String(error)), code: 'unexpected' };
  if (error instanceof CliError) return { message: oneLine(error.message), code: error.code };
  if (isDomainError(error)) {
    return { message: oneLine(`${error.message} (${error.code})`), code: error.code, ...(error.details ? { details: error.details } : {}) };
  }
  // The embedded PostgreSQL refusing to start (a busy port, another service on the data directory).
  if (error instanceof EmbeddedDatabaseError) return { message: oneLine(error.message), code: 'embedded_database' };
  if (isDatabaseError(error)) return { message: oneLine(`database: ${error.message} (SQLSTATE ${error.code})`), code: 'database_error' };
  // A refused connection, a missing file, a busy port: Node's message names the call and the address.
  if (/^E[A-Z]+$/.test(String((error as { code?: unknown }).code))) return { message: oneLine(messageOf(error)), code: 'system_error' };
  return { message: oneLine(messageOf(error)), code: 'unexpected' };
}

/**
 * Prints the failure and exits 2. With --json it is one JSON object on stdout, where a --json
 * caller reads the result, so a script parses one line whatever happened; without it, one line
 * on stderr. VIBOT_DEBUG=1 adds the stack, on stderr, for whoever debugs the CLI itself.
 */
export function reportError(error: unknown, json: boolean): never {
  const failure = describeError(error);
  if (json) {
    const body = { error: failure.message, code: failure.code, ...(failure.details ? { details: failure.details } : {}) };
    // A bigint in a detail must not turn the report itself into a crash.
    process.stdout.write(`${JSON.stringify(body, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}\n`);
  }
  else process.stderr.write(`error: ${failure.message}\n`);
  if (process.env.VIBOT_DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(ERROR_EXIT);
}
