import { JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { JobCompletionMode, SafeCronJob, SafeCronJobProps } from '../../lib';
import { errorOf, newChart, one, synth } from '../helpers';

const IMAGE = 'ghcr.io/acme/report:2.1.0';
const PREFIX = 'SafeCronJob at \'test/report\': invalid';

function cron(props: Partial<SafeCronJobProps> = {}, id = 'report') {
  const chart = newChart();
  new SafeCronJob(chart, id, { image: IMAGE, schedule: '30 2 * * *', ...props });
  const manifests = synth(chart);
  const object = one(manifests, 'CronJob');
  const job = object.spec.jobTemplate.spec;
  return { manifests, object, spec: object.spec, job, pod: job.template.spec };
}
const error = (props: Partial<SafeCronJobProps>, id?: string) => errorOf(() => cron(props, id));

describe('SafeCronJob: the simplest call', () => {
  const { manifests, object, spec, job, pod } = cron();

  it('emits a CronJob, its ServiceAccount and its NetworkPolicy', () => {
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(['CronJob/report', 'NetworkPolicy/report', 'ServiceAccount/report']);
    expect(object.apiVersion).toBe('batch/v1');
    expect(one(manifests, 'NetworkPolicy').spec.ingress).toBeUndefined();
  });

  it('runs never overlap, missed runs start within 5 minutes, UTC, three Jobs of each outcome kept', () => {
    expect({ ...spec, jobTemplate: undefined }).toEqual({
      schedule: '30 2 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      suspend: false,
      jobTemplate: undefined,
    });
  });

  it('each Job is what a SafeJob makes, without a TTL (the history limits clean up)', () => {
    expect(spec.jobTemplate.metadata.labels).toEqual(object.metadata.labels);
    expect({ ...job, template: undefined }).toEqual({
      activeDeadlineSeconds: 3600,
      backoffLimit: 3,
      completionMode: 'NonIndexed',
      parallelism: 1,
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
      template: undefined,
    });
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.terminationGracePeriodSeconds).toBe(20);
    expect(pod.containers[0].lifecycle).toBeUndefined();
    expect(pod.serviceAccountName).toBe('report');
  });
});

describe('SafeCronJob: options', () => {
  it('each field can be set', () => {
    const { spec, job, pod } = cron({
      schedule: '@hourly', timeZone: 'America/Argentina/Buenos_Aires', concurrencyPolicy: kplus.ConcurrencyPolicy.REPLACE,
      startingDeadlineSeconds: 10, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 10, suspend: true,
      ttlSecondsAfterFinished: 600, backoffLimit: 1, activeDeadlineSeconds: 120, completions: 2, parallelism: 2,
      completionMode: JobCompletionMode.INDEXED, restartPolicy: kplus.RestartPolicy.ON_FAILURE,
    });
    expect({ ...spec, jobTemplate: undefined }).toEqual({
      schedule: '@hourly', timeZone: 'America/Argentina/Buenos_Aires', concurrencyPolicy: 'Replace', startingDeadlineSeconds: 10,
      successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 10, suspend: true, jobTemplate: undefined,
    });
    expect({ ...job, template: undefined }).toEqual({
      ttlSecondsAfterFinished: 600, backoffLimit: 1, activeDeadlineSeconds: 120, completions: 2, parallelism: 2, completionMode: 'Indexed', template: undefined,
    });
    expect(pod.restartPolicy).toBe('OnFailure');
  });

  it.each([
    ['startingDeadlineSeconds', 5, 'an integer from 10 to 2147483647'],
    ['successfulJobsHistoryLimit', -1, 'an integer from 0 to 1000'],
    ['failedJobsHistoryLimit', 1.5, 'an integer from 0 to 1000'],
    ['concurrencyPolicy', 'Sometimes', 'ConcurrencyPolicy.ALLOW, FORBID or REPLACE ("Allow", "Forbid", "Replace")'],
    ['suspend', 'yes', 'true or false (a boolean, not a string)'],
  ])('%s %j is refused', (prop, value, expected) => {
    expect(error({ [prop]: value })).toBe(`${PREFIX} ${prop} ${typeof value === 'string' ? JSON.stringify(value) : value}; expected ${expected}.`);
  });

  it('the name leaves room for the 11 characters each Job adds', () => {
    expect(cron({ name: 'r'.repeat(52) }).object.metadata.name).toHaveLength(52);
    expect(error({ name: 'r'.repeat(53) })).toBe(`${PREFIX} name "${'r'.repeat(53)}"; expected at most 52 characters: the Jobs it creates add 11.`);
  });

  it('a name taken from a long construct id says so', () => {
    const id = 'r'.repeat(53);
    expect(error({}, id)).toBe(`SafeCronJob at 'test/${id}': invalid name (taken from the construct id) "${id}"; expected at most 52 characters: the Jobs it creates add 11.`);
  });

  it('the CronJob is a plain ApiObject: JSON patches reach the Job template', () => {
    const chart = newChart();
    const c = new SafeCronJob(chart, 'report', { image: IMAGE, schedule: '@daily' });
    c.cronJob.addJsonPatch(JsonPatch.add('/spec/jobTemplate/spec/template/spec/priorityClassName', 'batch'));
    c.cronJob.addJsonPatch(JsonPatch.remove('/spec/startingDeadlineSeconds'));
    const spec = one(synth(chart), 'CronJob').spec;
    expect(spec.jobTemplate.spec.template.spec.priorityClassName).toBe('batch');
    expect(spec.startingDeadlineSeconds).toBeUndefined();
  });

  it('skipped rules are annotations on the CronJob', () => {
    const { object } = cron({ image: 'ghcr.io/acme/report:latest', skip: { 'image-pinned': 'rebuilt nightly' } });
    expect(object.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/skip.image-pinned': 'rebuilt nightly' });
    expect(object.spec.jobTemplate.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/report:latest');
  });
});

describe('SafeCronJob: schedule', () => {
  it.each([
    '0 * * * *', '*/5 * * * *', '0 0 1 1 *', '59 23 31 12 6', '0,30 8-18/2 * * 1-5', '15 3 ? * SUN', '0 0 * JAN-MAR mon',
    '5/10 * * * *', ' 0  4\t* * * ', '@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly',
  ])('accepts %j', (schedule) => {
    expect(cron({ schedule }).spec.schedule).toBe(schedule); // as given, never rewritten
  });

  const syntax = 'five fields (minute hour day-of-month month day-of-week), each *, a value, a range a-b, a list a,b and an optional /step, or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly';
  it.each([
    ['* * * *', `${syntax}; it has 4 fields`],
    ['0 0 * * * *', `${syntax}; it has 6 fields`],
    ['', `${syntax}; it has 0 fields`],
    ['60 * * * *', 'a valid minute (field 1), but "60" has a value outside 0-59'],
    ['0 24 * * *', 'a valid hour (field 2), but "24" has a value outside 0-23'],
    ['0 0 0 * *', 'a valid day of month (field 3), but "0" has a value outside 1-31'],
    ['0 0 * 13 *', 'a valid month (field 4), but "13" has a value outside 1-12 or JAN-DEC'],
    ['0 0 * * 7', 'a valid day of week (field 5), but "7" has a value outside 0-6 or SUN-SAT'],
    ['0 0 * * FRI-MON', 'a valid day of week (field 5), but "FRI-MON" has the range FRI-MON, whose start is after its end'],
    ['*/0 * * * *', 'a valid minute (field 1), but "*/0" has the step "0"; a step is a whole number from 1'],
    ['1-2-3 * * * *', 'a valid minute (field 1), but "1-2-3" is not *, a value, a range or a list, each with an optional /step'],
    ['0 1,,2 * * *', 'a valid hour (field 2), but "1,,2" is not *, a value, a range or a list, each with an optional /step'],
    ['H * * * *', 'a valid minute (field 1), but "H" has a value outside 0-59'],
    ['@every hour', 'one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, with no spaces around it, or @every and a duration such as "1h30m"'],
    [' @daily', 'one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, with no spaces around it, or @every and a duration such as "1h30m"'],
    ['0 3 * * * TZ', 'a schedule without a time zone: set the timeZone prop instead of TZ= or CRON_TZ= (the API server refuses them)'],
    ['CRON_TZ=Europe/Berlin 0 3 * * *', 'a schedule without a time zone: set the timeZone prop instead of TZ= or CRON_TZ= (the API server refuses them)'],
  ])('refuses %j, naming the field', (schedule, expected) => {
    expect(error({ schedule })).toBe(`${PREFIX} schedule ${JSON.stringify(schedule)}; expected ${expected}.`);
  });
});

describe('SafeCronJob: a schedule that never fires', () => {
  it.each([
    // A date that exists in some year: February 29 (leap years), the 31st in a month that has one.
    '0 0 29 2 *', '0 0 31 1-4 *', '0 0 30,31 2,3 *', '0 0 31 */2 *',
    // Both day fields restricted: cron runs on either, so every Monday in February.
    '0 0 31 2 1', '0 0 30 FEB MON',
  ])('accepts %j', (schedule) => {
    expect(cron({ schedule }).spec.schedule).toBe(schedule);
  });

  it.each([
    ['0 3 30 2 *', 'day 30 (February has at most 29 days)'],
    ['0 0 31 4 *', 'day 31 (April has 30 days)'],
    ['0 0 31 APR,JUN,SEP,NOV ?', 'day 31 (April has 30 days, June has 30 days, September has 30 days, November has 30 days)'],
    ['0 0 30-31 feb *', 'day 30 or 31 (February has at most 29 days)'],
    ['0 0 31 4-6/2 */1', 'day 31 (April has 30 days, June has 30 days)'],
  ])('refuses %j, naming the days and months', (schedule, days) => {
    expect(error({ schedule })).toBe(`${PREFIX} schedule ${JSON.stringify(schedule)}; expected a schedule that fires: no month it names has ${days}, so the CronJob never runs; name a day of month that one of its months has.`);
  });
});

describe('SafeCronJob: timeZone', () => {
  it.each(['Etc/UTC', 'UTC', 'Europe/Berlin', 'Asia/Tokyo', 'America/Port-au-Prince', 'Etc/GMT+5'])('accepts %j', (timeZone) => {
    expect(cron({ timeZone }).spec.timeZone).toBe(timeZone);
  });

  const iana = 'an IANA time zone name such as "Etc/UTC" or "Europe/Berlin" (not "Local", not an offset)';
  it.each([
    ['Local', iana],
    ['+05:00', iana],
    ['europe/berlin', iana],
    ['Mars/Olympus_Mons', `${iana}; this one is not in the tz database`],
    ['Europe/BERLIN', '"Europe/Berlin": names are case-sensitive'],
  ])('refuses %j', (timeZone, expected) => {
    expect(error({ timeZone })).toBe(`${PREFIX} timeZone ${JSON.stringify(timeZone)}; expected ${expected}.`);
  });
});

describe('SafeCronJob: output is deterministic', () => {
  it('the same program synthesizes the same objects', () => {
    const once = () => {
      const chart = newChart();
      new SafeCronJob(chart, 'report', { image: IMAGE, schedule: '0 3 * * *', env: { A: '1' } });
      return JSON.stringify(Testing.synth(chart));
    };
    expect(once()).toBe(once());
  });
});
