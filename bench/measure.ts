import type { BenchSettings } from './bench-settings';

/** One worker's step: performs one operation and says how many rows/events it wrote. */
export type Step = () => Promise<number>;

export type Measurement = Readonly<{ ops: number; units: number; seconds: number; opsPerSec: number; unitsPerSec: number }>;

async function runPhase(steps: readonly Step[], seconds: number, maxOps: number): Promise<Measurement> {
  let ops = 0;
  let units = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(seconds * 1e9));
  // Workers share the op budget, so the phase ends on whichever limit comes first.
  await Promise.all(
    steps.map(async (step) => {
      while (ops < maxOps && process.hrtime.bigint() < deadline) {
        ops += 1;
        // Not `units += await step()`: that reads `units` before the await and loses the
        // other workers' additions made meanwhile.
        const done = await step();
        units += done;
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { ops, units, seconds: elapsed, opsPerSec: ops / elapsed, unitsPerSec: units / elapsed };
}

/** Runs the workers for a warm-up (discarded), then for the measured duration. */
export async function measure(steps: readonly Step[], settings: BenchSettings): Promise<Measurement> {
  await runPhase(steps, settings.warmupSeconds, settings.maxOps);
  return runPhase(steps, settings.seconds, settings.maxOps);
}
