/** stdout carries results only (one JSON object with --json); everything else goes to stderr. */
export function printResult(json: boolean, value: Record<string, unknown>, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

export class UsageError extends Error {}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`missing --${flag}`);
  return value;
}
