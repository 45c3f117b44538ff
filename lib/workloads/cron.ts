import { IConstruct } from 'constructs';
import { scheduleProblem } from '../core/cron';
import { fail } from '../core/errors';

/**
 * Validates a CronJob schedule as the Kubernetes API server parses it (standard cron: five
 * fields, or a documented macro), and refuses one that never fires (`0 3 30 2 *`). An error
 * names the field at fault.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */
export function checkSchedule(scope: IConstruct, K: string, schedule: string): string {
  const problem = scheduleProblem(schedule);
  if (problem !== undefined) fail(scope, K, 'schedule', schedule, problem);
  return schedule;
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
