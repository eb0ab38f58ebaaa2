/**
 * A place in the log, comparable across adapters: PostgreSQL uses (transaction id, global
 * position); EventStoreDB its (commit, prepare) pair. Callers compare and format, never inspect.
 */
export type Position = Readonly<{ commit: bigint; prepare: bigint }>;

export const START: Position = { commit: 0n, prepare: 0n };

export function comparePositions(a: Position, b: Position): -1 | 0 | 1 {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** `"<commit>/<prepare>"`, the form used in HTTP answers and the X-Min-Position header. */
export function formatPosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

export function parsePosition(text: string): Position | undefined {
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(text.trim());
  if (!match) return undefined;
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}
