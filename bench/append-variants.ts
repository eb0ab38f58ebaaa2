import type { Pool } from 'pg';
import type { EventLog } from '../libs/infra/src/event-log/event-log';
import { PostgresEventLog } from '../libs/infra/src/event-log/postgres-event-log';
import { EDITS, HELPERS_SQL, variantSql, type Edit } from './append-variant-sql';
import { appendSteps } from './append-workload';
import { benchEvents } from './bench-payload';
import { openBenchDatabase } from './bench-database';
import { openPools, percent, rate, serverInfo, timed, type BenchPools } from './bench-server';
import { loadBenchSettings, type BenchSettings } from './bench-settings';
import { createRawTable, rawInsertSteps } from './raw-baseline';
import { CoalescedNotifier, VariantLog } from './variant-log';

/**
 * Not part of `npm run bench`: measures rewrites of event_log.append in a scratch database to
 * see which change would pay off. Build, then `node dist/bench/append-variants.js`
 * (BENCH_ROUNDS=3 interleaves rounds and reports medians, for a noisy machine).
 */

type Variant = Readonly<{ name: string; edits?: readonly Edit[]; clientNotify?: boolean; note: string }>;

const SAME_HASH_ALL = [EDITS.plpgsqlHash, EDITS.noNotify, EDITS.lockFirst, EDITS.setInsertDeclare, EDITS.setInsertLoop];

const VARIANTS: readonly Variant[] = [
  { name: 'current', note: 'event_log.append as shipped' },
  { name: 'no_notify', edits: [EDITS.noNotify], note: 'without PERFORM pg_notify' },
  { name: 'plpgsql_hash', edits: [EDITS.plpgsqlHash], note: 'same hashes, PL/pgSQL canonical_json' },
  { name: 'plpgsql_hash_no_notify', edits: [EDITS.plpgsqlHash, EDITS.noNotify], note: 'both' },
  {
    name: 'plpgsql_hash_client_notify',
    edits: [EDITS.plpgsqlHash, EDITS.noNotify],
    clientNotify: true,
    note: 'both, adapter sends one coalesced NOTIFY after commit',
  },
  {
    name: 'lock_first',
    edits: [EDITS.plpgsqlHash, EDITS.noNotify, EDITS.lockFirst],
    clientNotify: true,
    note: 'both + lock the stream row before creating it, coalesced NOTIFY',
  },
  { name: 'same_hash_all', edits: SAME_HASH_ALL, clientNotify: true, note: 'lock_first + one INSERT per batch, coalesced NOTIFY' },
  { name: 'jsonb_text_hash_no_notify', edits: [EDITS.jsonbTextHash, EDITS.noNotify], note: 'hash over jsonb::text (another hash)' },
];

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The PL/pgSQL canonicaliser must reproduce the shipped hashes, or the chain would break. */
async function checkSameHashes(owner: Pool, streamPrefixes: readonly string[]): Promise<string> {
  const sample = benchEvents(1)[0]!;
  const metadata = { ...sample.metadata, prevHash: 'ab'.repeat(32), nested: [1, { b: 'é', a: [null, true, 1.5] }], Zz: 'ä' };
  const direct = await owner.query<{ same: boolean }>(
    `SELECT event_log.event_hash('s', 7, 'T', $1::jsonb, $2::jsonb) = bench_variants.event_hash('s', 7, 'T', $1::jsonb, $2::jsonb) AS same`,
    [JSON.stringify(sample.data), JSON.stringify(metadata)],
  );
  const stored = await owner.query<{ n: string; bad: string }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE metadata ->> 'hash' <> event_log.event_hash(stream_id, stream_revision, type, data, metadata)) AS bad
       FROM (SELECT * FROM event_log.events WHERE stream_id LIKE ANY ($1) ORDER BY random() LIMIT 3000) AS e`,
    [streamPrefixes.map((p) => `${p}\\_%`)],
  );
  const { n, bad } = stored.rows[0]!;
  return `same hash on a nested sample: ${String(direct.rows[0]!.same)}; ${n} events stored by the same-hash variants re-hashed by event_log.event_hash: ${bad} differ`;
}

async function runVariants(pools: BenchPools, settings: BenchSettings, batchSize: number, rounds: number): Promise<void> {
  const { owner, api } = pools;
  const raw: number[] = [];
  const results = new Map<string, number[]>(VARIANTS.map((v) => [v.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    raw.push((await timed(owner, rawInsertSteps(owner, settings, batchSize), settings)).unitsPerSec);
    for (const variant of VARIANTS) {
      const notifier = variant.clientNotify ? new CoalescedNotifier(api) : undefined;
      const log: Pick<EventLog, 'append'> = variant.edits
        ? new VariantLog(api, `bench_variants.append_${variant.name}`, notifier)
        : new PostgresEventLog(api);
      results.get(variant.name)!.push((await timed(owner, appendSteps(log, settings, batchSize, variant.name), settings)).unitsPerSec);
      await notifier?.drain();
    }
  }
  const baseline = median(raw);
  const current = median(results.get('current')!);
  const unit = batchSize === 1 ? 'appends/s' : 'events/s';
  console.log(`\n${batchSize} event(s) per append; raw ${batchSize}-row INSERT baseline ${rate(baseline)} rows/s (${raw.map(Math.round).join(', ')})`);
  for (const variant of VARIANTS) {
    const runs = results.get(variant.name)!;
    const value = median(runs);
    console.log(
      `  ${variant.name.padEnd(27)} ${rate(value)} ${unit.padEnd(9)} = ${percent(value / baseline).padStart(6)} of raw,` +
        ` x${(value / current).toFixed(2)} vs current  (${variant.note}; runs ${runs.map(Math.round).join(', ')})`,
    );
  }
}

async function main(): Promise<void> {
  const settings = loadBenchSettings();
  const rounds = Math.max(1, Number.parseInt(process.env.BENCH_ROUNDS ?? '1', 10) || 1);
  const database = await openBenchDatabase((line) => console.log(line));
  const pools = openPools(database, settings);
  try {
    const info = await serverInfo(pools.owner);
    console.log(`PostgreSQL ${info.version}, synchronous_commit=${info.synchronousCommit}, fsync=${info.fsync}; ${settings.seconds} s each, ${rounds} round(s)`);
    await createRawTable(pools.owner);
    await pools.owner.query(HELPERS_SQL);
    for (const variant of VARIANTS) if (variant.edits) await pools.owner.query(variantSql(variant.name, variant.edits).sql);
    await runVariants(pools, settings, 1, rounds);
    await runVariants(pools, settings, settings.batchSize, rounds);
    const sameHash = VARIANTS.filter((v) => v.edits?.includes(EDITS.plpgsqlHash)).map((v) => v.name);
    console.log(`\n${await checkSameHashes(pools.owner, sameHash)}`);
  } finally {
    await pools.close();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
