// Validation of classic five-field cron expressions (minute hour day-of-month
// month day-of-week). Written by hand, and strict on purpose: the scheduler that
// later runs the expression may be a different library, so only the portable
// core syntax is accepted (no seconds, no "?", "L", "W", "#" or "@daily").

export type CronError = Readonly<{ path: string; message: string }>;

type FieldSpec = Readonly<{ name: string; min: number; max: number; names?: readonly string[] }>;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

// Day-of-week accepts 7 as Sunday, as Vixie cron and most schedulers do.
export const CRON_FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'dayOfMonth', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'dayOfWeek', min: 0, max: 7, names: DAYS },
];

const MAX_CRON_LENGTH = 200;

/** A number or (for month/day-of-week) a three-letter name, case-insensitive. */
function parseValue(token: string, spec: FieldSpec): number | string {
  if (/^\d{1,2}$/.test(token)) {
    const value = Number(token);
    return value >= spec.min && value <= spec.max ? value : `value ${token} is outside ${spec.min}-${spec.max}`;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index >= 0) return index + (spec.names === MONTHS ? 1 : 0);
  return spec.names === undefined
    ? `"${token}" is not a number`
    : `"${token}" is not a number or one of ${spec.names.join(', ')}`;
}

function checkItem(item: string, spec: FieldSpec): string | null {
  const [range = '', step, ...extra] = item.split('/');
  if (extra.length > 0) return `"${item}" has more than one "/"`;
  if (step !== undefined) {
    if (!/^\d{1,2}$/.test(step) || Number(step) < 1 || Number(step) > spec.max - spec.min + 1) {
      return `step in "${item}" must be 1-${spec.max - spec.min + 1}`;
    }
    // A bare "5/10" is ambiguous across schedulers; "*/10" or "5-59/10" are not.
    if (range !== '*' && !range.includes('-')) return `step in "${item}" needs "*" or a range before "/"`;
  }
  if (range === '*') return null;
  const bounds = range.split('-');
  if (bounds.length > 2 || bounds.some((bound) => bound.length === 0)) return `"${item}" is not a value, range or step`;
  const values = bounds.map((bound) => parseValue(bound, spec));
  const problem = values.find((value): value is string => typeof value === 'string');
  if (problem !== undefined) return problem;
  const [from, to] = values as number[];
  if (to !== undefined && from !== undefined && from > to) return `range "${item}" runs backwards`;
  return null;
}

/** Every problem found, with paths like `cron.hour`; an empty list means valid. */
export function checkCron(expression: unknown, path = 'cron'): readonly CronError[] {
  if (typeof expression !== 'string' || expression.trim().length === 0) {
    return [{ path, message: 'must be a five-field cron expression' }];
  }
  if (expression.length > MAX_CRON_LENGTH) return [{ path, message: `must be at most ${MAX_CRON_LENGTH} characters` }];
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return [{ path, message: `must have 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}` }];
  }
  const errors: CronError[] = [];
  fields.forEach((field, index) => {
    const spec = CRON_FIELDS[index] as FieldSpec;
    for (const item of field.split(',')) {
      const message = item.length === 0 ? 'has an empty list item' : checkItem(item, spec);
      if (message !== null) errors.push({ path: `${path}.${spec.name}`, message });
    }
  });
  return errors;
}

/** Collapses whitespace and upper-cases names, so equal schedules compare equal. */
export function normalizeCron(expression: string): string {
  return expression.trim().split(/\s+/).join(' ').toUpperCase();
}
