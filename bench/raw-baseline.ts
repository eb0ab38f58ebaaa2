import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { benchEvents, rawRows, type RawRow } from './bench-payload';
import type { BenchSettings } from './bench-settings';
import type { Step } from './measure';

export const RAW_SCHEMA = 'bench_raw';

/** A plain table shaped like event_log.events (same columns, defaults and indexes). */
export async function createRawTable(owner: Pool): Promise<void> {
  await owner.query(`
    CREATE SCHEMA IF NOT EXISTS ${RAW_SCHEMA};
    CREATE TABLE ${RAW_SCHEMA}.events (
      global_position bigserial PRIMARY KEY,
      stream_id       text        NOT NULL,
      stream_revision bigint      NOT NULL,
      event_id        uuid        NOT NULL UNIQUE,
      type            text        NOT NULL,
      data            jsonb       NOT NULL,
      metadata        jsonb       NOT NULL,
      transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
      created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
      UNIQUE (stream_id, stream_revision)
    );
    CREATE INDEX events_log_order ON ${RAW_SCHEMA}.events (transaction_id, global_position);`);
}

function insertStatement(rows: readonly RawRow[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const at = values.push(row.streamId, row.revision, row.eventId, row.type, row.data, row.metadata) - 6;
    return `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}::jsonb, $${at + 6}::jsonb)`;
  });
  return {
    text: `INSERT INTO ${RAW_SCHEMA}.events (stream_id, stream_revision, event_id, type, data, metadata) VALUES ${tuples.join(', ')}`,
    values,
  };
}

/** One autocommit INSERT of `rowsPerStatement` rows per step, each writer on its own streams. */
export function rawInsertSteps(owner: Pool, settings: BenchSettings, rowsPerStatement: number): Step[] {
  return Array.from({ length: settings.writers }, (_, writer) => {
    let stream = '';
    let revision = 0;
    let statements = settings.appendsPerStream;
    return async () => {
      if (statements >= settings.appendsPerStream) {
        stream = `bench_${writer}-${randomUUID()}`;
        revision = 0;
        statements = 0;
      }
      const rows = rawRows(stream, revision, benchEvents(rowsPerStatement));
      const { text, values } = insertStatement(rows);
      await owner.query(text, values);
      revision += rowsPerStatement;
      statements += 1;
      return rowsPerStatement;
    };
  });
}
