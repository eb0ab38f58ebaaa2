import type { Insertable, Updateable } from 'kysely';
import type { Database } from '../database/schema';
import { PROJECTION_TABLES, TABLE_KEYS } from '../read-models/read-tables';

/** A read-table row as the store holds it: column name → value (ISO strings, bigint, objects for jsonb). */
export type Row = Record<string, unknown>;

/** The tables projections write, typed by their Kysely interfaces in database/schema.ts. */
export type ReadTables = Omit<Database, 'api.idempotency_keys' | 'projection_checkpoints'>;
export type ReadTable = keyof ReadTables & string;
/** A row as a handler writes or reads it: its table's columns, times as Date or ISO text. */
export type RowOf<T extends ReadTable> = Insertable<ReadTables[T]>;
/** The columns that name one row (its key), or any of them. */
export type KeyOf<T extends ReadTable> = Partial<RowOf<T>>;
export type ChangesOf<T extends ReadTable> = Updateable<ReadTables[T]>;

/** Runs one parameterised statement on the projection's connection and returns its rows. */
export type RunQuery = (text: string, params: readonly unknown[]) => Promise<readonly Row[]>;

export type TableKeys = Readonly<Record<string, readonly string[]>>;

type Entry = { row: Row | undefined };

/** What a dry run asked for: per table, the keys got and the column values removed by. */
type Wanted = { keys: Map<string, Map<string, Row>>; where: Map<string, Map<string, Set<unknown>>> };

/** Runs several read statements in one round trip; one list of rows per statement. */
export type RunMany = (statements: readonly [string, readonly unknown[]][]) => Promise<readonly (readonly Row[])[]>;

/**
 * The rows a projection reads and writes, held in memory and written back in bulk: one
 * multi-row upsert and one delete per table, in foreign-key order, however many events touched
 * them. Live, a row is loaded the first time an event asks for it (`complete: false`); a replay
 * into empty tables starts `complete`: a row not held does not exist, so nothing is read back.
 */
export class RowStore {
  private readonly tables = new Map<string, Map<string, Entry>>();
  /** Per table, the keys changed since the last flush: a flush costs what changed, not what is held. */
  private readonly changed = new Map<string, Set<string>>();
  /** `table column=value` sets already loaded, so removeWhere need not read them again. */
  private readonly loadedWhere = new Set<string>();
  /** Set on a dry run: what the handlers would read, and nothing is read or written. */
  private wanted: Wanted | undefined;

  constructor(
    private readonly run: RunQuery,
    private readonly keys: TableKeys,
    private readonly order: readonly string[],
    private readonly complete: boolean,
  ) {}

  async get<T extends ReadTable>(table: T, key: KeyOf<T>): Promise<RowOf<T> | undefined> {
    return (await this.getRow(table, key as Row)) as RowOf<T> | undefined;
  }

  private async getRow(table: string, key: Row): Promise<Row | undefined> {
    const id = this.id(table, key);
    const held = this.table(table).get(id);
    if (held) return held.row;
    if (this.wanted) {
      let keys = this.wanted.keys.get(table);
      if (!keys) this.wanted.keys.set(table, (keys = new Map()));
      keys.set(id, key);
      return undefined;
    }
    if (this.complete) return undefined;
    const columns = this.keyColumns(table);
    const [row] = await this.run(`SELECT * FROM ${table} WHERE ${columns.map((c, i) => `${c} = $${i + 1}`).join(' AND ')}`, columns.map((c) => key[c]));
    this.table(table).set(id, { row });
    return row;
  }

  /** Inserts or replaces the whole row. */
  put<T extends ReadTable>(table: T, row: RowOf<T>): void {
    this.set(table, this.id(table, row as Row), row as Row);
  }

  /** Changes some columns of a row that exists; like an UPDATE, nothing happens when it does not. */
  async patch<T extends ReadTable>(table: T, key: KeyOf<T>, changes: ChangesOf<T>): Promise<void> {
    const row = await this.getRow(table, key as Row);
    if (row) this.set(table, this.id(table, row), { ...row, ...(changes as Row) });
  }

  remove<T extends ReadTable>(table: T, key: KeyOf<T>): void {
    this.set(table, this.id(table, key as Row), undefined);
  }

  /** Removes every row whose `column` equals `value` (what ON DELETE CASCADE does in SQL). */
  async removeWhere<T extends ReadTable>(table: T, column: keyof ReadTables[T] & string, value: unknown): Promise<void> {
    if (this.wanted) {
      let columns = this.wanted.where.get(table);
      if (!columns) this.wanted.where.set(table, (columns = new Map()));
      let values = columns.get(column);
      if (!values) columns.set(column, (values = new Set()));
      values.add(value);
      return;
    }
    if (!this.complete && !this.loadedWhere.has(whereId(table, column, value))) {
      for (const row of await this.run(`SELECT * FROM ${table} WHERE ${column} = $1`, [value])) {
        const id = this.id(table, row);
        if (!this.table(table).has(id)) this.table(table).set(id, { row });
      }
    }
    const wanted = typeof value === 'string' ? value.toLowerCase() : value;
    for (const [id, entry] of this.table(table)) {
      const held = entry.row?.[column];
      if ((typeof held === 'string' ? held.toLowerCase() : held) === wanted) this.set(table, id, undefined);
    }
  }

  /**
   * Loads in one round trip the rows `apply` is going to read: it runs `apply` once against this
   * store in a dry mode (reads answer "absent" and are noted, writes are forgotten), then reads
   * every noted row at once. The real run after it finds them held; whatever its different
   * answers make it ask besides is still read on demand. Live batches only: a replay reads nothing.
   */
  async preload(apply: (rows: RowStore) => Promise<void>, runMany: RunMany): Promise<void> {
    if (this.complete) return;
    const wanted: Wanted = { keys: new Map(), where: new Map() };
    const held = new Map([...this.tables].map(([table, entries]) => [table, new Map(entries)]));
    const changed = new Map([...this.changed].map(([table, ids]) => [table, new Set(ids)]));
    this.wanted = wanted;
    try {
      await apply(this);
    } finally {
      this.wanted = undefined;
      this.tables.clear();
      for (const [table, entries] of held) this.tables.set(table, entries);
      this.changed.clear();
      for (const [table, ids] of changed) this.changed.set(table, ids);
    }
    const statements: [string, unknown[]][] = [];
    const lookups: { table: string; ids?: Map<string, Row>; where?: [string, unknown[]] }[] = [];
    for (const [table, keys] of wanted.keys) {
      const missing = new Map([...keys].filter(([id]) => !this.table(table).has(id)));
      if (missing.size === 0) continue;
      const selects = this.selects(table, [...missing.values()]);
      statements.push(...selects);
      lookups.push(...selects.map(() => ({ table, ids: missing })));
    }
    for (const [table, columns] of wanted.where) {
      for (const [column, values] of columns) {
        const params = [...values];
        statements.push([`SELECT * FROM ${table} WHERE ${column} IN (${params.map((_, i) => `$${i + 1}`).join(', ')})`, params]);
        lookups.push({ table, where: [column, [...values]] });
      }
    }
    if (statements.length === 0) return;
    const results = await runMany(statements);
    results.forEach((rows, i) => {
      const lookup = lookups[i]!;
      for (const row of rows) {
        const id = this.id(lookup.table, row);
        if (!this.table(lookup.table).has(id)) this.table(lookup.table).set(id, { row });
      }
      // Asked for and not there: absent, as a read now would say.
      for (const id of lookup.ids?.keys() ?? []) if (!this.table(lookup.table).has(id)) this.table(lookup.table).set(id, { row: undefined });
      if (lookup.where) for (const value of lookup.where[1]) this.loadedWhere.add(whereId(lookup.table, lookup.where[0], value));
    });
  }

  private selects(table: string, keys: readonly Row[]): [string, unknown[]][] {
    const columns = this.keyColumns(table);
    return chunks(keys, Math.floor(MAX_PARAMETERS / columns.length)).map((chunk) => {
      const params: unknown[] = [];
      const tuples = chunk.map((key) => `(${columns.map((c) => `$${params.push(key[c])}`).join(', ')})`);
      return [`SELECT * FROM ${table} WHERE (${columns.join(', ')}) IN (${tuples.join(', ')})`, params];
    });
  }

  /** Writes what changed since the last flush: deletions children first, then upserts parents first. */
  async flush(): Promise<number> {
    const statements = this.takeChanges();
    for (const [text, params] of statements) await this.run(text, params);
    return statements.length;
  }

  /** The statements that write what changed since last time; the store then holds them as written. */
  takeChanges(): [string, unknown[]][] {
    const statements: [string, unknown[]][] = [];
    const changes = (table: string): [string, Entry][] => [...(this.changed.get(table) ?? [])].map((id) => [id, this.table(table).get(id)!]);
    for (const table of [...this.order].reverse()) {
      statements.push(...this.deletes(table, changes(table).filter(([, e]) => e.row === undefined).map(([id]) => JSON.parse(id) as unknown[])));
    }
    for (const table of this.order) {
      statements.push(...this.upserts(table, changes(table).flatMap(([, e]) => (e.row ? [e.row] : []))));
    }
    for (const [table, ids] of this.changed) {
      // A replay holds every row there is: a removed one need not be remembered as absent.
      if (this.complete) for (const id of ids) if (this.table(table).get(id)?.row === undefined) this.table(table).delete(id);
      ids.clear();
    }
    return statements;
  }

  /** For projections that write their own SQL: runs at once, not at the flush. */
  execute(text: string, params: readonly unknown[] = []): Promise<readonly Row[]> {
    if (this.wanted) return Promise.resolve([]);
    return this.run(text, params);
  }

  private deletes(table: string, keys: unknown[][]): [string, unknown[]][] {
    const columns = this.keyColumns(table);
    return chunks(keys, Math.floor(MAX_PARAMETERS / columns.length)).map((chunk) => {
      const params: unknown[] = [];
      const tuples = chunk.map((key) => `(${key.map((value) => `$${params.push(value)}`).join(', ')})`);
      return [`DELETE FROM ${table} WHERE (${columns.join(', ')}) IN (${tuples.join(', ')})`, params];
    });
  }

  /** One multi-row upsert per set of columns (a loaded row and a new one may name them in another order). */
  private upserts(table: string, rows: Row[]): [string, unknown[]][] {
    const groups = new Map<string, Row[]>();
    for (const row of rows) {
      const signature = Object.keys(row).sort().join(',');
      const group = groups.get(signature);
      if (group) group.push(row);
      else groups.set(signature, [row]);
    }
    const keyColumns = this.keyColumns(table);
    return [...groups.keys()].flatMap((signature) => {
      const columns = signature.split(',');
      const updates = columns.filter((c) => !keyColumns.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
      return chunks(groups.get(signature)!, Math.floor(MAX_PARAMETERS / columns.length)).map((chunk): [string, unknown[]] => {
        const params: unknown[] = [];
        const tuples = chunk.map((row) => `(${columns.map((c) => `$${params.push(toParameter(row[c]))}`).join(', ')})`);
        return [
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ` +
            `ON CONFLICT (${keyColumns.join(', ')}) ${updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`,
          params,
        ];
      });
    });
  }

  private set(table: string, id: string, row: Row | undefined): void {
    this.table(table).set(id, { row });
    let ids = this.changed.get(table);
    if (!ids) this.changed.set(table, (ids = new Set()));
    ids.add(id);
  }

  private table(name: string): Map<string, Entry> {
    let table = this.tables.get(name);
    if (!table) this.tables.set(name, (table = new Map()));
    return table;
  }

  private keyColumns(table: string): readonly string[] {
    const columns = this.keys[table];
    if (!columns) throw new Error(`no key declared for table ${table}`);
    return columns;
  }

  /** uuids come back from PostgreSQL in lower case: a key is the same however it was written. */
  private id(table: string, row: Row): string {
    return JSON.stringify(this.keyColumns(table).map((c) => (typeof row[c] === 'string' ? (row[c] as string).toLowerCase() : row[c])));
  }
}

const MAX_PARAMETERS = 60_000;

const whereId = (table: string, column: string, value: unknown): string =>
  `${table} ${column}=${typeof value === 'string' ? value.toLowerCase() : String(value)}`;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

/** jsonb values go as JSON text (pg would send a JS array as a PostgreSQL array); bigint as text. */
function toParameter(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || value === undefined || value instanceof Date || Buffer.isBuffer(value)) return value ?? null;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** The store for one projection's tables; `complete` when replaying into empty tables. */
export function rowStoreFor(projection: string, run: RunQuery, complete: boolean): RowStore {
  return new RowStore(run, TABLE_KEYS, PROJECTION_TABLES[projection] ?? [], complete);
}
