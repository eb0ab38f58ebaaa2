import pino, { type Logger, type LoggerOptions } from 'pino';

export type LogFormat = 'json' | 'pretty' | 'auto';

/**
 * The processes' one way to make a logger: JSON lines for machines (`LOG_FORMAT=json`, or
 * whenever stdout is not a terminal), readable lines on a terminal. pino-pretty runs in the
 * process, not as a worker transport, so a log line is written before the process exits.
 */
export function createLogger(settings: Readonly<{ level: string; format: LogFormat }>, options: LoggerOptions = {}): Logger {
  const pretty = settings.format === 'pretty' || (settings.format === 'auto' && process.stdout.isTTY === true);
  if (!pretty) return pino({ level: settings.level, ...options });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const prettyStream = require('pino-pretty') as (options: Record<string, unknown>) => NodeJS.WritableStream;
  return pino({ level: settings.level, ...options }, prettyStream({ translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }));
}
