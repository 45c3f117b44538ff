/**
 * CronJob schedules as the Kubernetes CronJob controller reads them (standard cron: five
 * fields, or a documented macro), for the SafeCronJob construct and the checker alike.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */

import { TIME_ZONE_NAMES } from './validation/time-zones';

/** The schedule macros that Kubernetes documents. */
export const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

interface CronField { readonly name: string; readonly min: number; readonly max: number; readonly names?: readonly string[] }

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** The most days each month has (February: 29, in leap years). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const SYNTAX = `five fields (minute hour day-of-month month day-of-week), each *, a value, a range a-b, a list a,b and an optional /step, or one of ${CRON_MACROS.join(', ')}`;

/** A parsed field: its values, and whether it is unrestricted (`*` or `?`, without a step above 1). */
interface ParsedField { readonly values: Set<number>; readonly star: boolean }

/**
 * Why a schedule is refused, as the text of what is expected instead, or undefined when it is
 * valid and fires. Besides the syntax, a schedule whose day of month exists in none of its
 * months (`0 3 30 2 *`, `0 0 31 4 *`) never fires: the controller computes no next run. When
 * both day fields are restricted, cron runs on either (`0 0 31 2 1` runs every Monday in
 * February), so only a day of month with an unrestricted day of week can be a date that never comes.
 */
export function scheduleProblem(schedule: unknown): string | undefined {
  const syntax = scheduleSyntaxProblem(schedule);
  if (syntax !== undefined || typeof schedule !== 'string' || schedule.trim().startsWith('@')) return syntax;
  return neverFires(schedule.trim().split(/\s+/).map((field, i) => parseField(FIELDS[i], field) as ParsedField));
}

/** A Go duration, as time.ParseDuration reads it: "0", or numbers with units ns to h. */
const GO_DURATION = /^[-+]?(?:0|(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$/;

/**
 * Why the API server refuses a schedule (its syntax, a time zone in it), as the text of what is
 * expected instead, or undefined when it parses (whether or not it ever fires).
 */
export function scheduleSyntaxProblem(schedule: unknown): string | undefined {
  if (typeof schedule !== 'string') return SYNTAX;
  if (schedule.includes('TZ')) {
    return 'a schedule without a time zone: set the timeZone prop instead of TZ= or CRON_TZ= (the API server refuses them)';
  }
  const text = schedule.trim();
  if (text.startsWith('@')) {
    // The parser takes a macro only as the whole string, without spaces; `@every <duration>`
    // takes any Go duration ("1h30m", "90s").
    if (schedule.startsWith('@every ') && GO_DURATION.test(schedule.slice('@every '.length))) return undefined;
    return CRON_MACROS.includes(schedule) ? undefined
      : `one of ${CRON_MACROS.join(', ')}, with no spaces around it, or @every and a duration such as "1h30m"`;
  }
  const fields = text === '' ? [] : text.split(/\s+/);
  if (fields.length !== 5) return `${SYNTAX}; it has ${fields.length} field${fields.length === 1 ? '' : 's'}`;
  for (let i = 0; i < 5; i++) {
    const p = parseField(FIELDS[i], fields[i]);
    if (typeof p === 'string') return `a valid ${FIELDS[i].name} (field ${i + 1}), but "${fields[i]}" ${p}`;
  }
  return undefined;
}

/** Why a parsed schedule never fires, or undefined. */
function neverFires(parsed: readonly ParsedField[]): string | undefined {
  const [, , dom, month, dow] = parsed;
  if (!dow.star || dom.star) return undefined;
  const months = [...month.values].sort((a, b) => a - b);
  if (months.some((m) => [...dom.values].some((d) => d <= MONTH_DAYS[m - 1]))) return undefined;
  const days = [...dom.values].sort((a, b) => a - b);
  const lengths = months.map((m) => `${MONTH_NAMES[m - 1]} has ${m === 2 ? 'at most 29' : MONTH_DAYS[m - 1]} days`).join(', ');
  return `a schedule that fires: no month it names has day ${days.length > 1 ? `${days.slice(0, -1).join(', ')} or ${days[days.length - 1]}` : days[0]} (${lengths}), so the CronJob never runs; name a day of month that one of its months has`;
}

/** A field's values, or why it is invalid. */
function parseField(f: CronField, field: string): ParsedField | string {
  const range = `${f.min}-${f.max}${f.names ? ` or ${f.names[0].toUpperCase()}-${f.names[f.names.length - 1].toUpperCase()}` : ''}`;
  const values = new Set<number>();
  let star = false;
  for (const part of field.split(',')) {
    const [expr, step, ...more] = part.split('/');
    if (more.length > 0 || expr === '') return 'is not *, a value, a range or a list, each with an optional /step';
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) === 0)) return `has the step "${step}"; a step is a whole number from 1`;
    const by = step === undefined ? 1 : Number(step);
    let from: number;
    let to: number;
    if (expr === '*' || expr === '?') {
      [from, to] = [f.min, f.max];
      if (by === 1) star = true;
    } else {
      const bounds = expr.split('-');
      if (bounds.length > 2) return 'is not *, a value, a range or a list, each with an optional /step';
      const ends = bounds.map((b) => valueOf(f, b));
      if (ends.some((v) => v === undefined)) return `has a value outside ${range}`;
      if (ends.length === 2 && ends[0]! > ends[1]!) return `has the range ${expr}, whose start is after its end`;
      // `N/step` runs from N to the end of the field.
      [from, to] = [ends[0]!, ends.length === 2 ? ends[1]! : step === undefined ? ends[0]! : f.max];
    }
    for (let v = from; v <= to; v += by) values.add(v);
  }
  return { values, star };
}

function valueOf(f: CronField, text: string): number | undefined {
  const named = f.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return f.min + named;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= f.min && n <= f.max ? n : undefined;
}

const TIME_ZONE_FORM = 'an IANA time zone name such as "Etc/UTC" or "Europe/Berlin" (not "Local", not an offset)';

/** Known names by lower case, for the hint on a name whose case differs. */
let zonesByLowerCase: Map<string, string> | undefined;

/**
 * Why a CronJob timeZone is refused, as the text of what is expected instead, or undefined when
 * the API server accepts it: a name of the tz database that kube-apiserver embeds (Go's
 * time/tzdata, lib/core/validation/time-zones.ts), case as listed, not "Local".
 */
export function timeZoneProblem(timeZone: unknown): string | undefined {
  if (typeof timeZone !== 'string' || !/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/.test(timeZone) || timeZone === 'Local') {
    return TIME_ZONE_FORM;
  }
  const listed = knownZone(timeZone);
  if (listed === timeZone) return undefined;
  return listed !== undefined ? `"${listed}": names are case-sensitive` : `${TIME_ZONE_FORM}; this one is not in the tz database`;
}

function knownZone(name: string): string | undefined {
  zonesByLowerCase ??= new Map(TIME_ZONE_NAMES.map((z) => [z.toLowerCase(), z]));
  return zonesByLowerCase.get(name.toLowerCase());
}
