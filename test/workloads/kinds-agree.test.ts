import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { describe, expect, it } from 'vitest';
import { Guardrails, GuardrailsDefaults, SafeCronJob, SafeDaemonSet, SafeDeployment, SafeJob, SafeStatefulSet } from '../../lib';
import { errorOf, newChart, one, synth } from '../helpers';

const IMAGE = 'ghcr.io/acme/app:1.4.2';
const worker = { image: IMAGE, livenessCommand: ['/bin/check'] };

describe('a skip of a rule that cannot apply to the kind is refused, with the reason', () => {
  it.each([
    ['SafeJob', 'pdb', () => new SafeJob(newChart(), 'w', { image: IMAGE, skip: { pdb: 'x' } }),
      'a SafeJob\'s pods run to completion: there are no replicas to protect with a PodDisruptionBudget'],
    ['SafeJob', 'replicas-min', () => new SafeJob(newChart(), 'w', { image: IMAGE, skip: { 'replicas-min': 'x' } }),
      'a SafeJob\'s pods run to completion, and it has no replicas'],
    ['SafeCronJob', 'probe-readiness', () => new SafeCronJob(newChart(), 'w', { image: IMAGE, schedule: '@daily', skip: { 'probe-readiness': 'x' } }),
      'a SafeCronJob\'s pods run to completion: rule probe-readiness is for pods that run until they are stopped'],
    ['SafeCronJob', 'rollout', () => new SafeCronJob(newChart(), 'w', { image: IMAGE, schedule: '@daily', skip: { rollout: 'x' } }),
      'a SafeCronJob has no update strategy'],
    ['SafeDaemonSet', 'replicas-min', () => new SafeDaemonSet(newChart(), 'w', { ...worker, skip: { 'replicas-min': 'x' } }),
      'a SafeDaemonSet runs one pod on each node and has no replicas'],
    ['SafeDaemonSet', 'spread-zones', () => new SafeDaemonSet(newChart(), 'w', { ...worker, skip: { 'spread-zones': 'x' } }),
      'a SafeDaemonSet runs one pod on each node: there are no replicas to spread'],
    ['SafeStatefulSet', 'replicas-min', () => new SafeStatefulSet(newChart(), 'w', { ...worker, replicas: 1, skip: { 'replicas-min': 'x' } }),
      'rule replicas-min is for stateless workloads; a SafeStatefulSet may run one replica without a skip'],
  ])('%s skip.%s', (construct, rule, make, why) => {
    expect(errorOf(make)).toBe(`${construct} at 'test/w': invalid skip.${rule} "${rule}"; expected no skip of a rule that does not apply: ${why}; remove skip['${rule}'].`);
  });

  it('a skip that applies is written as before', () => {
    const chart = newChart();
    new SafeDeployment(chart, 'w', { image: IMAGE, port: 8080, replicas: 1, skip: { 'replicas-min': 'a singleton' } });
    new SafeDaemonSet(chart, 'agent', { ...worker, skip: { 'probe-readiness': 'no port' } });
    new SafeJob(chart, 'job', { image: IMAGE, skip: { 'image-pinned': 'nightly' } });
    const manifests = synth(chart);
    expect(one(manifests, 'Deployment').metadata.annotations['guardrails.cdk8s.io/skip.replicas-min']).toBe('a singleton');
    expect(one(manifests, 'DaemonSet').metadata.annotations['guardrails.cdk8s.io/skip.probe-readiness']).toBe('no port');
    expect(one(manifests, 'Job').metadata.annotations['guardrails.cdk8s.io/skip.image-pinned']).toBe('nightly');
  });

  it('a chart-wide skip reaches only the kinds it applies to', () => {
    const chart = newChart();
    GuardrailsDefaults.set(chart, { skip: { pdb: 'single-zone test cluster' } });
    new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080 });
    new SafeJob(chart, 'job', { image: IMAGE });
    const manifests = synth(chart);
    expect(one(manifests, 'Deployment').metadata.annotations['guardrails.cdk8s.io/skip.pdb']).toBe('single-zone test cluster');
    expect(one(manifests, 'Job').metadata.annotations).toBeUndefined();
  });
});

describe('a ReadWriteOnce claim shared by pods that may run at once is refused by every kind, as the checker flags it', () => {
  const claimOf = (chart: any) => [{ claim: new kplus.PersistentVolumeClaim(chart, 'shared', { storage: Size.gibibytes(1) }), mountPath: '/data' }];
  const path = (construct: string, id: string) => `${construct} at 'test/${id}': invalid claims[0]`;

  it('SafeJob with parallelism above 1', () => {
    const chart = newChart();
    expect(errorOf(() => new SafeJob(chart, 'w', { image: IMAGE, parallelism: 2, claims: claimOf(chart) }))).toMatch(
      new RegExp(`^${escape(path('SafeJob', 'w'))} "test-shared-[0-9a-f]+"; expected no ReadWriteOnce claim shared by parallel pods \\(parallelism 2\\): it attaches to one node only\\. Use parallelism: 1, or a ReadWriteMany claim \\(rule rwo-volume\\)\\.$`));
    const ok = newChart();
    new SafeJob(ok, 'w', { image: IMAGE, claims: claimOf(ok) });
    expect(Guardrails.check(synth(ok)).violations.filter((v) => v.rule === 'rwo-volume')).toEqual([]);
  });

  it('SafeCronJob with concurrencyPolicy Allow; the default Forbid passes both', () => {
    const chart = newChart();
    expect(errorOf(() => new SafeCronJob(chart, 'w', { image: IMAGE, schedule: '@daily', concurrencyPolicy: kplus.ConcurrencyPolicy.ALLOW, claims: claimOf(chart) }))).toMatch(
      /expected no ReadWriteOnce claim shared by overlapping runs \(concurrencyPolicy Allow\): it attaches to one node only\. Use concurrencyPolicy FORBID \(the default\) or REPLACE and parallelism: 1, or a ReadWriteMany claim \(rule rwo-volume\)\.$/);
    const ok = newChart();
    new SafeCronJob(ok, 'w', { image: IMAGE, schedule: '@daily', claims: claimOf(ok) });
    expect(Guardrails.check(synth(ok)).violations.filter((v) => v.rule === 'rwo-volume')).toEqual([]);
  });

  it('SafeDaemonSet with any ReadWriteOnce claim; a ReadWriteMany one passes', () => {
    const chart = newChart();
    expect(errorOf(() => new SafeDaemonSet(chart, 'w', { ...worker, claims: claimOf(chart) }))).toMatch(
      /expected no ReadWriteOnce claim shared by pods on every node: it attaches to one node only\. Use a hostPath for per-node data, or a ReadWriteMany claim \(rule rwo-volume\)\.$/);
    const ok = newChart();
    const claim = new kplus.PersistentVolumeClaim(ok, 'shared', { storage: Size.gibibytes(1), accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_MANY] });
    new SafeDaemonSet(ok, 'w', { ...worker, claims: [{ claim, mountPath: '/data' }] });
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
