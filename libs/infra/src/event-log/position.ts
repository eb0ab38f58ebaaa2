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

/** Both halves are PostgreSQL bigint / xid8 values and EventStoreDB's 64-bit positions: int64 at most. */
export const MAX_POSITION_PART = 2n ** 63n - 1n;

/** A position as answers show it, or undefined for anything else, a half above int64 included. */
export function parsePosition(text: string): Position | undefined {
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(text.trim());
  if (!match) return undefined;
  const position = { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
  return position.commit > MAX_POSITION_PART || position.prepare > MAX_POSITION_PART ? undefined : position;
}
