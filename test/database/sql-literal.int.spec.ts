import fc from 'fast-check';
import { inline, literal } from '#infra/database/sql-literal';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// Statements sent as one simple query carry their values as literals: every value must come
// back from PostgreSQL exactly as it went in, whatever quotes, backslashes or `$n` it holds.
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

const roundTrip = async (value: string): Promise<string> => (await db.owner.query<{ v: string }>(`SELECT ${literal(value)}::text AS v`)).rows[0]!.v;

describe('SQL literals', () => {
  it.each([["'); DROP TABLE public.roles; --"], ["\\'"], ['\\'], ["it's"], ['$1 $2 $$ $tag$'], ["E'x'"], ['line\nbreak\ttab'], ['ünï €ode 😀']])('%j comes back unchanged', async (value) => {
    expect(await roundTrip(value)).toBe(value);
  });

  it('any string without NUL comes back unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\u0000') && (s as string & { isWellFormed(): boolean }).isWellFormed()), async (value) => {
        expect(await roundTrip(value)).toBe(value);
      }),
      { numRuns: 200 },
    );
  });

  it('numbers, bigints, booleans, null, dates, json and bytes keep their meaning', async () => {
    const { rows } = await db.owner.query(
      `SELECT ${literal(42)}::int AS i, ${literal(12345678901234567890n)}::numeric AS n, ${literal(true)} AS b, ${literal(null)}::text AS z,
              ${literal(new Date('2026-01-02T03:04:05.678Z'))}::timestamptz AS t, ${literal({ a: "'x'" })}::jsonb AS j, ${literal(Buffer.from([0, 255]))} AS bytes`,
    );
    expect(rows[0]).toEqual({ i: 42, n: '12345678901234567890', b: true, z: null, t: new Date('2026-01-02T03:04:05.678Z'), j: { a: "'x'" }, bytes: Buffer.from([0, 255]) });
    expect(() => literal(Number.NaN)).toThrow();
    expect(() => literal(Symbol('x'))).toThrow();
  });

  it('inline replaces each placeholder once, $10 not as $1 followed by 0', () => {
    const params = Array.from({ length: 10 }, (_, i) => `p${i + 1}`);
    expect(inline('SELECT $1, $10, $2', params)).toBe(`SELECT 'p1', 'p10', 'p2'`);
    expect(() => inline('SELECT $3', ['a'])).toThrow(/no parameter/);
  });
});
