import { describe, expect, it } from 'vitest';
import { isTimeZone, scheduleProblem } from './cron-schedule.ts';

describe('scheduleProblem', () => {
  it.each([
    '* * * * *',
    '0 0 1 1 0',
    '59 23 31 12 6',
    '*/5 * * * *',
    '0 9-17 * * mon-fri',
    '0 9-17/2 * * MON-FRI',
    '15,45 */2 1,15 jan,jul ?',
    '5/10 * * * *',
    '0 0 ? * SUN',
    '  0 3 * * *  ',
    '@hourly',
    '@daily',
    '@midnight',
    '@weekly',
    '@monthly',
    '@yearly',
    '@annually',
    '@every 90s',
    '@every 1h30m',
    '@every 1.5h',
    'TZ=Europe/Dublin 0 6 * * *',
    'CRON_TZ=UTC @daily',
  ])('accepts %j', (schedule) => {
    expect(scheduleProblem(schedule)).toBeUndefined();
  });

  it.each([
    ['', 'the schedule is empty'],
    ['0 3 * *', 'expected 5 fields (minute hour day-of-month month day-of-week), found 4'],
    ['0 0 3 * * *', 'expected 5 fields (minute hour day-of-month month day-of-week), found 6'],
    ['60 * * * *', 'minute field "60": 60 is outside 0-59'],
    ['0 24 * * *', 'hour field "24": 24 is outside 0-23'],
    ['0 0 0 * *', 'day-of-month field "0": 0 is outside 1-31'],
    ['0 0 * 13 *', 'month field "13": 13 is outside 1-12'],
    ['0 0 * * 7', 'day-of-week field "7": 7 is outside 0-6'],
    ['*/0 * * * *', 'minute field "*/0": a step must be at least 1'],
    ['*/x * * * *', 'minute field "*/x": step "x" is not a number'],
    ['1/2/3 * * * *', 'minute field "1/2/3": "1/2/3" has more than one step'],
    ['30-10 * * * *', 'minute field "30-10": range 30-10 ends before it starts'],
    ['1-2-3 * * * *', 'minute field "1-2-3": "1-2-3" is not a range'],
    ['0 0 * * fri-mon', 'day-of-week field "fri-mon": range fri-mon ends before it starts'],
    ['0 0 * foo *', 'month field "foo": "foo" is not a number or a name'],
    ['0 mon * * *', 'hour field "mon": "mon" is not a number'],
    ['1,,2 * * * *', 'minute field "1,,2": "" is not a number'],
    ['@fortnightly', 'unknown descriptor "@fortnightly"'],
    ['@reboot', 'unknown descriptor "@reboot"'],
    ['@every 5', '"5" is not a positive duration such as 90s or 1h30m'],
    ['@every 0s', '"0s" is not a positive duration such as 90s or 1h30m'],
    ['TZ=Mars/Olympus 0 6 * * *', 'unknown time zone "Mars/Olympus"'],
    ['CRON_TZ=Europe/Dublin', 'the schedule is empty'],
  ])('rejects %j', (schedule, problem) => {
    expect(scheduleProblem(schedule)).toBe(problem);
  });
});

describe('isTimeZone', () => {
  it('knows IANA zones and rejects made-up ones', () => {
    expect(isTimeZone('America/Sao_Paulo')).toBe(true);
    expect(isTimeZone('Etc/UTC')).toBe(true);
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
