/** The actor the operator CLI's own commands (bootstrap, break-glass grants) are recorded under. */
export const CLI_ACTOR = { kind: 'service', service: 'vibot-cli' } as const;

/** stdout carries results only (one JSON object with --json); everything else goes to stderr. */
export function printResult(json: boolean, value: Record<string, unknown>, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * A refusal the CLI itself makes (nothing found, a duplicate, a state that forbids the command):
 * printed as one line with its code, never with a stack, and the process exits 2.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command line itself is wrong (a missing or bad flag, an unknown command). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 'usage');
  }
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`missing --${flag}`);
  return value;
}
