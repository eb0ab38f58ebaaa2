/** Run-wide knobs, read once from the environment (and `--quick`) so every measurement uses the same ones. */
export type BenchSettings = Readonly<{
  quick: boolean;
  seconds: number;
  warmupSeconds: number;
  /** Upper bound on operations per measurement, so a very fast server still stops early. */
  maxOps: number;
  writers: number;
  batchSize: number;
  /** Appends per stream before a writer moves on: aggregates have short streams. */
  appendsPerStream: number;
  /** Interleaved rounds of raw INSERT, our log and Emmett. */
  rounds: number;
  /** Events in the log the rebuild benchmark replays (the aim is about 1M). */
  rebuildEvents: number;
  /** The RLS read figure's data: companies × roles each. */
  readCompanies: number;
  readRolesPerCompany: number;
  /** Users of the large company the command figures C1 and C2 use. */
  bigCompanyUsers: number;
  lagSamples: number;
}>;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** `--quick` (about two minutes) keeps every figure, on smaller data and shorter phases. */
export function loadBenchSettings(argv: readonly string[] = process.argv.slice(2)): BenchSettings {
  const quick = argv.includes('--quick');
  const seconds = positive('BENCH_SECONDS', quick ? 2 : 5);
  return {
    quick,
    seconds,
    warmupSeconds: positive('BENCH_WARMUP_SECONDS', Math.min(1, seconds / 4)),
    maxOps: Math.floor(positive('BENCH_MAX_OPS', 5_000_000)),
    writers: 8,
    batchSize: 100,
    appendsPerStream: 50,
    rounds: Math.floor(positive('BENCH_ROUNDS', 3)),
    rebuildEvents: Math.floor(positive('BENCH_REBUILD_EVENTS', quick ? 100_000 : 1_000_000)),
    readCompanies: quick ? 200 : 1000,
    readRolesPerCompany: quick ? 200 : 1000,
    bigCompanyUsers: quick ? 5000 : 20_000,
    lagSamples: quick ? 60 : 200,
  };
}
