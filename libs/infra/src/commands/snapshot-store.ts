import type { Pool } from 'pg';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { decodeState, encodeState } from './state-codec';
import { stateVersion } from './state-version';

export type Snapshot<State> = Readonly<{ state: State; index: unknown; revision: bigint; lastHash: string | null; bytes: number }>;

/** How many snapshots of a stream are kept: the newest, and a few older ones for recovery. */
const KEPT = 3;

/**
 * Folded states in api.aggregate_snapshots, under the version of the code that folded them.
 * Only ever a shortcut: a load reads every event after the snapshot's revision.
 */
export class SnapshotStore {
  constructor(
    private readonly pool: Pool,
    readonly version: string = stateVersion(),
  ) {}

  /** The newest snapshot of `stream` at or before `atOrBefore` (default: the newest of all). */
  async load<State>(stream: string, atOrBefore?: bigint): Promise<Snapshot<State> | undefined> {
    const { rows } = await this.pool.query<{ revision: string; last_hash: string | null; state: Buffer }>(
      `SELECT revision::text AS revision, last_hash, state FROM api.aggregate_snapshots
        WHERE stream_id = $1 AND state_version = $2 AND ($3::bigint IS NULL OR revision <= $3::bigint)
        ORDER BY revision DESC LIMIT 1`,
      [stream, this.version, atOrBefore === undefined ? null : atOrBefore.toString()],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    const text = inflateRawSync(row.state).toString('utf8');
    const { state, index } = decodeState<{ state: State; index: unknown }>(text);
    return { state, index, revision: BigInt(row.revision), lastHash: row.last_hash, bytes: text.length };
  }

  /** Writes one, and drops all but the newest few of the stream (and any of another version). */
  async save(stream: string, snapshot: Omit<Snapshot<unknown>, 'bytes'>): Promise<number> {
    const text = encodeState({ state: snapshot.state, index: snapshot.index });
    // Deflated at the fastest level: a large state reads back in a fifth of the bytes, and
    // inflating costs less than moving the rest through the socket and the protocol parser.
    const packed = deflateRawSync(text, { level: 1 });
    await this.pool.query(
      `WITH saved AS (
         INSERT INTO api.aggregate_snapshots (stream_id, state_version, revision, last_hash, state)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING)
       DELETE FROM api.aggregate_snapshots s
        WHERE s.stream_id = $1
          AND (s.state_version <> $2 OR s.revision < ALL (
            SELECT k.revision FROM api.aggregate_snapshots k
             WHERE k.stream_id = $1 AND k.state_version = $2 ORDER BY k.revision DESC LIMIT ${KEPT - 1}))`,
      [stream, this.version, snapshot.revision.toString(), snapshot.lastHash, packed],
    );
    return text.length;
  }
}
