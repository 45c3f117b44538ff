import { IConstruct } from 'constructs';
import { scheduleProblem, timeZoneProblem } from '../core/cron';
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
  const problem = timeZoneProblem(timeZone);
  if (problem !== undefined) fail(scope, K, 'timeZone', timeZone, problem);
  return timeZone;
}
