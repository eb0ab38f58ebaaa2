import { escapeLiteral } from 'pg';

/**
 * A value as an SQL literal, for statements sent as one simple query (several statements in
 * one round trip, which the extended protocol's parameters cannot do). Strings go through pg's
 * escapeLiteral; anything this does not know how to quote is refused, never guessed.
 */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return `'${value.toString()}'`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not an SQL number: ${value}`);
    return `'${String(value)}'`;
  }
  if (typeof value === 'string') return escapeLiteral(value);
  if (value instanceof Date) return escapeLiteral(value.toISOString());
  if (Buffer.isBuffer(value)) return `'\\x${value.toString('hex')}'::bytea`;
  if (typeof value === 'object') return escapeLiteral(JSON.stringify(value));
  throw new Error(`cannot write a ${typeof value} as an SQL literal`);
}

/**
 * The statement with its `$n` placeholders replaced by literals. Only for SQL this service
 * generates itself (Kysely's output, the RowStore's statements), which holds no `$n` inside
 * quoted text of its own.
 */
export function inline(text: string, parameters: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= parameters.length) throw new Error(`no parameter $${n}`);
    return literal(parameters[index]);
  });
}
