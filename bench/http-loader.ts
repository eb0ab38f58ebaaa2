import { Agent, request } from 'node:http';

/**
 * Read-your-writes lag, as a client sees it: one client defines a role, then reads it back
 * through the API (and so through RLS) until it is there, again and again.
 */
export type LagPlan = Readonly<{
  mode: 'lag';
  base: string;
  token: string;
  samples: number;
  giveUpMs: number;
  /** Read back with the answer's position as X-Min-Position (the API waits for it), else poll. */
  minPosition: boolean;
}>;

export type LagResult = Readonly<{ samples: number; notVisible: number; p50: number; p95: number; p99: number; max: number }>;

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

function send(agent: Agent, base: string, token: string, method: 'GET' | 'POST', path: string, body?: string, extra: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, ...extra };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    const req = request({ agent, hostname: url.hostname, port: url.port, path: url.pathname, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const post = async (agent: Agent, base: string, token: string, body: string): Promise<number> =>
  (await send(agent, base, token, 'POST', '/v1/roles', body)).status;

export async function measureLag(plan: LagPlan): Promise<LagResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const run = Math.random().toString(36).slice(2, 8);
  const lags: number[] = [];
  let notVisible = 0;
  for (let n = 0; n < plan.samples; n++) {
    const created = await send(agent, plan.base, plan.token, 'POST', '/v1/roles', JSON.stringify({ code: `lag.${run}.${n}`, name: `Lag ${n}` }));
    const answered = process.hrtime.bigint();
    const { id, position } = JSON.parse(created.text) as { id: string; position: string };
    let visible = false;
    if (plan.minPosition) {
      // One request: the API answers once the projector has applied the position (or 503 after its wait).
      visible = (await send(agent, plan.base, plan.token, 'GET', `/v1/roles/${id}`, undefined, { 'x-min-position': position })).status === 200;
    }
    while (!visible && Number(process.hrtime.bigint() - answered) / 1e6 < plan.giveUpMs) {
      visible = (await send(agent, plan.base, plan.token, 'GET', `/v1/roles/${id}`)).status === 200;
    }
    if (visible) lags.push(Number(process.hrtime.bigint() - answered) / 1e6);
    else notVisible += 1;
  }
  agent.destroy();
  lags.sort((a, b) => a - b);
  return { samples: plan.samples, notVisible, p50: percentile(lags, 50), p95: percentile(lags, 95), p99: percentile(lags, 99), max: lags[lags.length - 1] ?? 0 };
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
  const plan = JSON.parse(process.argv[2]!) as LoadPlan | LagPlan;
  ('mode' in plan ? measureLag(plan) : runLoad(plan)).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
