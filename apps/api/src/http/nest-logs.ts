import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * Nest's own messages into the service's pino logger. Its `log` level is start-up chatter (a
 * line per module and per mapped route, about 50 of them) that tells an operator nothing the
 * banner does not, so only warnings and errors are kept; request logs come from pino-http.
 */
export class NestLogs implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(): void {}

  debug(): void {}

  verbose(): void {}

  warn(message: unknown, context?: string): void {
    this.write('warn', message, [context]);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  // Nest passes (message, stack?, context) with the context last; the service's own code passes
  // (fields, message) through a Nest Logger, which appends its context.
  private write(level: 'warn' | 'error' | 'fatal', message: unknown, rest: unknown[]): void {
    const context = rest.length > 0 ? rest[rest.length - 1] : undefined;
    const second = rest.length > 1 ? rest[0] : undefined;
    if (message instanceof Error) this.logger[level]({ err: message, context }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...message, context }, typeof second === 'string' ? second : '');
    else this.logger[level]({ context, ...(second !== undefined ? { stack: second } : {}) }, String(message));
  }
}
