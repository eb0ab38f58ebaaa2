/** Run-wide knobs, read once from the environment so every measurement uses the same ones. */
export type BenchSettings = Readonly<{
  seconds: number;
  warmupSeconds: number;
  /** Upper bound on operations per measurement, so a very fast server still stops early. */
  maxOps: number;
  writers: number;
  batchSize: number;
  /** Appends per stream before a writer moves on: aggregates have short streams. */
  appendsPerStream: number;
  /** Events in the log the rebuild benchmark replays (the aim is about 1M). */
  rebuildEvents: number;
}>;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export function loadBenchSettings(): BenchSettings {
  const seconds = positive('BENCH_SECONDS', 5);
  return {
    seconds,
    warmupSeconds: positive('BENCH_WARMUP_SECONDS', Math.min(1, seconds / 5)),
    maxOps: Math.floor(positive('BENCH_MAX_OPS', 5_000_000)),
    writers: 8,
    batchSize: 100,
    appendsPerStream: 50,
    rebuildEvents: Math.floor(positive('BENCH_REBUILD_EVENTS', 1_000_000)),
  };
}
