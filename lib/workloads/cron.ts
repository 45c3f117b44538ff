import { IConstruct } from 'constructs';
import { fail } from '../core/errors';

/** The schedule macros that Kubernetes documents. */
const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

interface CronField { readonly name: string; readonly min: number; readonly max: number; readonly names?: readonly string[] }

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const SYNTAX = `five fields (minute hour day-of-month month day-of-week), each *, a value, a range a-b, a list a,b and an optional /step, or one of ${MACROS.join(', ')}`;

/**
 * Validates a CronJob schedule as the Kubernetes API server parses it (standard cron: five
 * fields, or a documented macro). An error names the field at fault.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */
export function checkSchedule(scope: IConstruct, K: string, schedule: string): string {
  if (typeof schedule !== 'string') fail(scope, K, 'schedule', schedule, SYNTAX);
  if (schedule.includes('TZ')) {
    fail(scope, K, 'schedule', schedule, 'a schedule without a time zone: set the timeZone prop instead of TZ= or CRON_TZ= (the API server refuses them)');
  }
  const text = schedule.trim();
  if (text.startsWith('@')) {
    // The API server's parser takes a macro only as the whole string, without spaces.
    if (!MACROS.includes(schedule)) {
      fail(scope, K, 'schedule', schedule, `one of ${MACROS.join(', ')}, with no spaces around it (a step such as "*/15 * * * *" instead of @every)`);
    }
    return schedule;
  }
  const fields = text === '' ? [] : text.split(/\s+/);
  if (fields.length !== 5) fail(scope, K, 'schedule', schedule, `${SYNTAX}; it has ${fields.length} field${fields.length === 1 ? '' : 's'}`);
  fields.forEach((value, i) => {
    const problem = checkField(FIELDS[i], value);
    if (problem !== undefined) fail(scope, K, 'schedule', schedule, `a valid ${FIELDS[i].name} (field ${i + 1}), but "${value}" ${problem}`);
  });
  return schedule;
}

/** Why a cron field is invalid, or undefined. */
function checkField(f: CronField, field: string): string | undefined {
  const range = `${f.min}-${f.max}${f.names ? ` or ${f.names[0].toUpperCase()}-${f.names[f.names.length - 1].toUpperCase()}` : ''}`;
  for (const part of field.split(',')) {
    const [expr, step, ...more] = part.split('/');
    if (more.length > 0 || expr === '') return 'is not *, a value, a range or a list, each with an optional /step';
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) === 0)) return `has the step "${step}"; a step is a whole number from 1`;
    if (expr === '*' || expr === '?') continue;
    const bounds = expr.split('-');
    if (bounds.length > 2) return 'is not *, a value, a range or a list, each with an optional /step';
    const values = bounds.map((b) => valueOf(f, b));
    if (values.some((v) => v === undefined)) return `has a value outside ${range}`;
    if (values.length === 2 && values[0]! > values[1]!) return `has the range ${expr}, whose start is after its end`;
  }
  return undefined;
}

function valueOf(f: CronField, text: string): number | undefined {
  const named = f.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return f.min + named;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= f.min && n <= f.max ? n : undefined;
}

/**
 * Validates an IANA time zone name as the API server does (a name from the tz database,
 * case as listed; not "Local"). Known names are the runtime's (Intl) tz database.
 */
export function checkTimeZone(scope: IConstruct, K: string, timeZone: string): string {
  const expected = 'an IANA time zone name such as "Etc/UTC" or "Europe/Berlin" (not "Local", not an offset)';
  if (typeof timeZone !== 'string' || !/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(timeZone) || timeZone === 'Local') {
    fail(scope, K, 'timeZone', timeZone, expected);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    fail(scope, K, 'timeZone', timeZone, `${expected}; this one is not in the tz database`);
  }
  // Intl accepts any case; the API server's tz database does not.
  const known: string[] = (Intl as any).supportedValuesOf?.('timeZone') ?? [];
  const listed = known.find((z) => z.toLowerCase() === timeZone.toLowerCase());
  if (listed !== undefined && listed !== timeZone) fail(scope, K, 'timeZone', timeZone, `"${listed}": names are case-sensitive`);
  return timeZone;
}
