import { Invalid } from '../shared/domain-errors';
import { checkCron, normalizeCron } from './cron-expression';
import { checkSchedule, isValidTimeZone, validateSchedule } from './schedule';

describe('checkCron', () => {
  it.each([
    '* * * * *',
    '0 9 * * 1-5',
    '*/15 * * * *',
    '0 0 1 1 *',
    '59 23 31 12 7',
    '0,30 8-18/2 * * MON-FRI',
    '5 4 * jan,Jul sun',
    '0 0 1-31/10 * *',
    '  0   12 * * *  ',
    '*/60 */24 * * *',
  ])('accepts %j', (expression) => {
    expect(checkCron(expression)).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['60 * * * *', 'cron.minute', 'outside 0-59'],
    ['* 24 * * *', 'cron.hour', 'outside 0-23'],
    ['* * 0 * *', 'cron.dayOfMonth', 'outside 1-31'],
    ['* * 32 * *', 'cron.dayOfMonth', 'outside 1-31'],
    ['* * * 13 *', 'cron.month', 'outside 1-12'],
    ['* * * 0 *', 'cron.month', 'outside 1-12'],
    ['* * * * 8', 'cron.dayOfWeek', 'outside 0-7'],
    ['* * * FOO *', 'cron.month', 'JAN'],
    ['* * * * MONDAY', 'cron.dayOfWeek', 'SUN'],
    ['* * * * JAN', 'cron.dayOfWeek', 'SUN'],
    ['MON * * * *', 'cron.minute', 'not a number'],
    ['*/0 * * * *', 'cron.minute', 'step'],
    ['*/61 * * * *', 'cron.minute', 'step'],
    ['5/10 * * * *', 'cron.minute', 'needs "*" or a range'],
    ['*/5/2 * * * *', 'cron.minute', 'more than one'],
    ['10-5 * * * *', 'cron.minute', 'backwards'],
    ['1-2-3 * * * *', 'cron.minute', 'not a value'],
    ['1- * * * *', 'cron.minute', 'not a value'],
    ['1,,2 * * * *', 'cron.minute', 'empty list item'],
    ['? * * * *', 'cron.minute', 'not a number'],
    ['L * * * *', 'cron.minute', 'not a number'],
    ['-1 * * * *', 'cron.minute', 'not a value'],
    ['1.5 * * * *', 'cron.minute', 'not a number'],
  ])('rejects %j at %s', (expression, path, fragment) => {
    expect(checkCron(expression)).toEqual([{ path, message: expect.stringContaining(fragment) }]);
  });

  it.each([['* * * *'], ['* * * * * *'], ['@daily'], [''], ['   ']])('rejects %j for its field count', (expression) => {
    expect(checkCron(expression)).toEqual([{ path: 'cron', message: expect.stringMatching(/5 fields|five-field/) }]);
  });

  it('rejects non-strings and over-long text, and reports every bad field', () => {
    expect(checkCron(42)).toHaveLength(1);
    expect(checkCron(`${'1,'.repeat(150)}1 * * * *`)).toEqual([{ path: 'cron', message: expect.stringContaining('at most') }]);
    expect(checkCron('60 24 0 13 8').map((e) => e.path)).toEqual(['cron.minute', 'cron.hour', 'cron.dayOfMonth', 'cron.month', 'cron.dayOfWeek']);
  });

  it('normalises spacing and name case', () => {
    expect(normalizeCron(' 0  9 * jan mon-fri ')).toBe('0 9 * JAN MON-FRI');
  });
});

describe('isValidTimeZone', () => {
  it.each(['UTC', 'Asia/Shanghai', 'America/Argentina/Buenos_Aires', 'Europe/Berlin', 'Etc/GMT+8', 'America/Port-au-Prince'])(
    'accepts %j',
    (zone) => {
      expect(isValidTimeZone(zone)).toBe(true);
    },
  );

  it.each([['Mars/Olympus_Mons'], ['+08:00'], ['GMT+8:00'], [''], ['Asia/'], ['Asia Shanghai'], [42], [null], ['A'.repeat(65)]])(
    'rejects %j',
    (zone) => {
      expect(isValidTimeZone(zone)).toBe(false);
    },
  );
});

describe('schedule', () => {
  it('treats {} as manual', () => {
    expect(validateSchedule({}, 'database')).toEqual({});
    expect(validateSchedule({}, 'webhook')).toEqual({});
  });

  it('normalises a cron schedule', () => {
    expect(validateSchedule({ cron: '0  9 * * mon', timezone: 'UTC', enabled: false }, 'api')).toEqual({
      cron: '0 9 * * MON',
      timezone: 'UTC',
      enabled: false,
    });
  });

  it.each<[string, unknown, string[]]>([
    ['missing fields', { cron: '* * * * *' }, ['schedule.timezone', 'schedule.enabled']],
    ['an unknown key', { cron: '* * * * *', timezone: 'UTC', enabled: true, every: 5 }, ['schedule.every']],
    ['a bad cron', { cron: '* * *', timezone: 'UTC', enabled: true }, ['schedule.cron']],
    ['a bad zone', { cron: '* * * * *', timezone: 'Nowhere/Town', enabled: true }, ['schedule.timezone']],
    ['enabled as text', { cron: '* * * * *', timezone: 'UTC', enabled: 'true' }, ['schedule.enabled']],
    ['an array', [], ['schedule']],
    ['null', null, ['schedule']],
  ])('rejects %s', (_name, schedule, paths) => {
    expect(checkSchedule(schedule, 'database').errors.map((e) => e.path)).toEqual(paths);
  });

  it('refuses a timer on webhook connectors', () => {
    expect(checkSchedule({ cron: '* * * * *', timezone: 'UTC', enabled: true }, 'webhook').errors).toEqual([
      { path: 'schedule', message: expect.stringContaining('webhook') },
    ]);
  });

  it('throws Invalid invalid_schedule with every error in details', () => {
    expect(() => validateSchedule({ cron: '99 * * * *', timezone: 'X', enabled: 1 }, 'file')).toThrow(Invalid);
    try {
      validateSchedule({ cron: '99 * * * *', timezone: 'X', enabled: 1 }, 'file');
    } catch (error) {
      expect((error as Invalid).code).toBe('invalid_schedule');
      expect((error as Invalid).details).toEqual({ errors: expect.arrayContaining([expect.objectContaining({ path: 'schedule.enabled' })]) });
    }
  });
});
