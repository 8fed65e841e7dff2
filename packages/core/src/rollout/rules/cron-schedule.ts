// A validator for CronJob schedules as the CronJob controller parses them (the standard 5-field
// cron syntax with descriptors): ranges, steps, lists, month and weekday names, `?` for any.

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const DESCRIPTORS = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);
/** A Go duration as `@every` takes it: `90s`, `1h30m`, `1.5h`. */
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

/** Whether the runtime knows the IANA time zone (as `spec.timeZone` or a `TZ=` prefix name it). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * What is wrong with a CronJob schedule, or `undefined` when it is valid: five fields (minute,
 * hour, day of month, month, day of week) or a descriptor (`@hourly`, `@daily`, `@every 90m`...),
 * optionally after a `TZ=<zone>` or `CRON_TZ=<zone>` prefix.
 */
export function scheduleProblem(schedule: string): string | undefined {
  let rest = schedule.trim();
  const zone = /^(?:CRON_)?TZ=(\S*)\s*(.*)$/.exec(rest);
  if (zone) {
    if (!isTimeZone(zone[1] ?? '')) return `unknown time zone "${zone[1]}"`;
    rest = zone[2] ?? '';
  }
  if (rest === '') return 'the schedule is empty';
  if (rest.startsWith('@')) return descriptorProblem(rest);
  const fields = rest.split(/\s+/);
  if (fields.length !== FIELDS.length) {
    return `expected 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  }
  for (const [index, text] of fields.entries()) {
    const field = FIELDS[index] as Field;
    for (const part of text.split(',')) {
      const problem = partProblem(part, field);
      if (problem) return `${field.name} field "${text}": ${problem}`;
    }
  }
  return undefined;
}

function descriptorProblem(text: string): string | undefined {
  const every = /^@every\s+(\S+)$/.exec(text);
  if (every) {
    const duration = every[1] ?? '';
    return GO_DURATION.test(duration) && /[1-9]/.test(duration)
      ? undefined
      : `"${duration}" is not a positive duration such as 90s or 1h30m`;
  }
  return DESCRIPTORS.has(text.toLowerCase()) ? undefined : `unknown descriptor "${text}"`;
}

/** One element of a list: `*`, `?`, `a`, `a-b`, each optionally with `/step`. */
function partProblem(part: string, field: Field): string | undefined {
  const [range = '', step, extra] = part.split('/');
  if (extra !== undefined) return `"${part}" has more than one step`;
  if (step !== undefined && !/^\d+$/.test(step)) return `step "${step}" is not a number`;
  if (step !== undefined && Number(step) === 0) return 'a step must be at least 1';
  if (range === '*' || range === '?') return undefined;
  const [from = '', to, beyond] = range.split('-');
  if (beyond !== undefined) return `"${range}" is not a range`;
  const start = fieldValue(from, field);
  if (typeof start === 'string') return start;
  if (to === undefined) return undefined;
  const end = fieldValue(to, field);
  if (typeof end === 'string') return end;
  return start > end ? `range ${from}-${to} ends before it starts` : undefined;
}

function fieldValue(text: string, field: Field): number | string {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return `"${text}" is not a number${field.names ? ' or a name' : ''}`;
  const value = Number(text);
  if (value < field.min || value > field.max) return `${value} is outside ${field.min}-${field.max}`;
  return value;
}
