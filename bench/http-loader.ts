import { Agent, request } from 'node:http';

/**
 * The load generator, run as its own process (`node dist/bench/http-loader.js '<json plan>'`) so
 * that the service's figures are not paid for by the loader's CPU on the same event loop. Each
 * client POSTs role definitions with fresh codes on its own keep-alive connection, back to back
 * (or paced, when a total rate is given), and the loader prints one JSON line of results.
 */
export type LoadPlan = Readonly<{
  base: string;
  /** One bearer token per client; clients of one company share its stream. */
  tokens: readonly string[];
  seconds: number;
  warmupSeconds: number;
  /** Total requests per second over all clients; unset: as fast as they are answered. */
  rate?: number;
  /** Stop after this many measured requests per client (for sequential latency runs). */
  requestsPerClient?: number;
}>;

export type LoadResult = Readonly<{
  requests: number;
  errors: number;
  statuses: Record<string, number>;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}>;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function post(agent: Agent, base: string, token: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL('/v1/roles', base);
    const req = request(
      { agent, hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.tokens.length });
  const run = Math.random().toString(36).slice(2, 8);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let measuring = false;
  let sent = 0;
  const started = Date.now();
  const warmEnd = started + plan.warmupSeconds * 1000;
  const end = warmEnd + plan.seconds * 1000;
  let measuredFrom = warmEnd;
  const interval = plan.rate ? (1000 * plan.tokens.length) / plan.rate : 0;
  await Promise.all(
    plan.tokens.map(async (token, client) => {
      let next = Date.now() + (interval * client) / plan.tokens.length;
      let mine = 0;
      for (let n = 0; Date.now() < end && (plan.requestsPerClient === undefined || mine < plan.requestsPerClient); n++) {
        if (interval > 0) {
          const wait = next - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          next += interval;
        }
        if (!measuring && Date.now() >= warmEnd) {
          measuring = true;
          measuredFrom = Date.now();
        }
        const body = JSON.stringify({ code: `b.${run}.${client}.${n}`, name: `Bench ${client}/${n}` });
        const t0 = process.hrtime.bigint();
        const status = await post(agent, plan.base, token, body).catch(() => 0);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (measuring) {
          latencies.push(ms);
          statuses[status] = (statuses[status] ?? 0) + 1;
          sent += 1;
          mine += 1;
        }
      }
    }),
  );
  agent.destroy();
  const seconds = (Date.now() - measuredFrom) / 1000;
  latencies.sort((a, b) => a - b);
  const errors = Object.entries(statuses).filter(([status]) => status !== '201').reduce((sum, [, count]) => sum + count, 0);
  return {
    requests: sent,
    errors,
    statuses,
    seconds,
    perSecond: sent / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
  };
}

if (require.main === module) {
  runLoad(JSON.parse(process.argv[2]!) as LoadPlan).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
