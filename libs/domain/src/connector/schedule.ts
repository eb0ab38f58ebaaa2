// A connector's schedule: `{}` means "run only when triggered"; otherwise a
// cron expression evaluated in an IANA time zone, so "09:00 every weekday"
// means 09:00 where the company works, across daylight-saving changes.
import { Invalid } from '../shared/domain-errors';
import { checkCron, normalizeCron } from './cron-expression';
import type { ConnectorType } from './provider-catalogue';

export type ManualSchedule = Readonly<Record<string, never>>;
export type CronSchedule = Readonly<{ cron: string; timezone: string; enabled: boolean }>;
export type ConnectorSchedule = ManualSchedule | CronSchedule;
export type ScheduleError = Readonly<{ path: string; message: string }>;

const SCHEDULE_KEYS = ['cron', 'timezone', 'enabled'];
// Region/City names (and "UTC"); rules out offsets such as "+08:00", which
// newer ICU builds accept but which ignore daylight saving.
const ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

export function isCronSchedule(schedule: ConnectorSchedule): schedule is CronSchedule {
  return 'cron' in schedule;
}

/**
 * Intl is an ECMAScript global, not I/O: it consults the runtime's bundled
 * time-zone database. Validity can only grow with newer ICU data, never shrink.
 */
export function isValidTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length > 64 || !ZONE_SHAPE.test(zone)) return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function checkSchedule(
  schedule: unknown,
  connectorType: ConnectorType,
): { schedule: ConnectorSchedule; errors: readonly ScheduleError[] } {
  if (typeof schedule !== 'object' || schedule === null || Array.isArray(schedule)) {
    return { schedule: {}, errors: [{ path: 'schedule', message: 'must be {} or { cron, timezone, enabled }' }] };
  }
  const input = schedule as Readonly<Record<string, unknown>>;
  const keys = Object.keys(input);
  if (keys.length === 0) return { schedule: {}, errors: [] };
  const errors: ScheduleError[] = keys
    .filter((key) => !SCHEDULE_KEYS.includes(key))
    .map((key) => ({ path: `schedule.${key}`, message: 'is not a known field' }));
  // A webhook is triggered by its sender; polling it on a timer would be meaningless.
  if (connectorType === 'webhook') {
    errors.push({ path: 'schedule', message: 'webhook connectors are triggered by the sender; use {}' });
  }
  errors.push(...checkCron(input['cron'], 'schedule.cron'));
  if (!isValidTimeZone(input['timezone'])) {
    errors.push({ path: 'schedule.timezone', message: 'must be an IANA time zone such as "Asia/Shanghai"' });
  }
  if (typeof input['enabled'] !== 'boolean') errors.push({ path: 'schedule.enabled', message: 'must be true or false' });
  if (errors.length > 0) return { schedule: {}, errors };
  return {
    schedule: { cron: normalizeCron(input['cron'] as string), timezone: input['timezone'] as string, enabled: input['enabled'] as boolean },
    errors: [],
  };
}

export function validateSchedule(schedule: unknown, connectorType: ConnectorType): ConnectorSchedule {
  const { schedule: normalized, errors } = checkSchedule(schedule, connectorType);
  if (errors.length > 0) throw new Invalid('invalid_schedule', 'Schedule is not valid', { errors });
  return normalized;
}
