import { App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { IsolatedNamespace, KubernetesVersion, SafeDeployment } from '../../lib';
import { errorOf } from '../helpers';

describe('KubernetesVersion', () => {
  it('defaults to 1.27, the API cdk8s-plus-27 models', () => {
    const app = Testing.app();
    expect(KubernetesVersion.of(new Chart(app, 'a')).name).toBe('1.27');
    expect(KubernetesVersion.DEFAULT).toBe(KubernetesVersion.V1_27);
  });

  it('the nearest setTarget wins: app, then chart', () => {
    const app = new App({ outdir: '/dev/null' });
    KubernetesVersion.setTarget(app, KubernetesVersion.V1_29);
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    KubernetesVersion.setTarget(b, KubernetesVersion.V1_31);
    expect(KubernetesVersion.of(a).minor).toBe(29);
    expect(KubernetesVersion.of(b).minor).toBe(31);
    expect(KubernetesVersion.of(b).atLeast(KubernetesVersion.V1_30)).toBe(true);
    expect(KubernetesVersion.of(a).atLeast(KubernetesVersion.V1_30)).toBe(false);
  });

  it('any minor from 27 on; anything else is an error', () => {
    expect(KubernetesVersion.fromMinor(36).name).toBe('1.36');
    expect(errorOf(() => KubernetesVersion.fromMinor(26))).toBe(
      'KubernetesVersion: invalid minor version 26; expected a whole number from 27 (Kubernetes 1.27, the oldest supported) on.');
    expect(errorOf(() => KubernetesVersion.fromMinor(30.5))).toContain('invalid minor version 30.5');
    const chart = new Chart(Testing.app(), 'c');
    expect(errorOf(() => KubernetesVersion.setTarget(chart, '1.30' as any))).toBe(
      'KubernetesVersion at \'c\': invalid version "1.30"; expected a KubernetesVersion such as KubernetesVersion.V1_30.');
  });

  it('a workload records a target above the default on its object, for validators; the default is not written', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    KubernetesVersion.setTarget(chart, KubernetesVersion.V1_30);
    new SafeDeployment(chart, 'new', { image: 'ghcr.io/acme/web:1.4.2', port: 8080 });
    new SafeDeployment(chart, 'old', { image: 'ghcr.io/acme/web:1.4.2', port: 8080, kubernetesVersion: KubernetesVersion.V1_27 });
    const out = Testing.synth(chart).filter((m: any) => m.kind === 'Deployment');
    expect(out.map((d: any) => [d.metadata.name, d.metadata.annotations?.['guardrails.cdk8s.io/kubernetes-version']])).toEqual([['new', '1.30'], ['old', undefined]]);
  });

  it('an IsolatedNamespace takes a target, though it has children from its constructor on', () => {
    const app = Testing.app();
    const ns = new IsolatedNamespace(app, 'core', { team: 'core' });
    KubernetesVersion.setTarget(ns, KubernetesVersion.V1_30);
    const web = new SafeDeployment(ns, 'web', { image: 'ghcr.io/acme/web:1.4.2', port: 8080 });
    expect(KubernetesVersion.of(web).name).toBe('1.30');
    expect(KubernetesVersion.of(new Chart(app, 'other')).name).toBe('1.27');
  });

  it('one target per scope: setting a different one again is an error, the same one is not', () => {
    const chart = new Chart(Testing.app(), 'c');
    KubernetesVersion.setTarget(chart, KubernetesVersion.V1_30);
    KubernetesVersion.setTarget(chart, KubernetesVersion.V1_30);
    expect(errorOf(() => KubernetesVersion.setTarget(chart, KubernetesVersion.V1_31))).toBe(
      'KubernetesVersion at \'c\': invalid setTarget "1.31"; expected one target per scope: it is set to 1.30 already; set it once, or per workload with kubernetesVersion.');
  });
});

describe('KubernetesVersion.setTarget after workloads exist', () => {
  it('is an error naming the workloads built with another target; before them, or the same target, it is not', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'shop' });
    new SafeDeployment(chart, 'web', { image: 'ghcr.io/acme/web:1.4.2', port: 8080 });
    new SafeDeployment(chart, 'pinned', { image: 'ghcr.io/acme/web:1.4.2', port: 8080, kubernetesVersion: KubernetesVersion.V1_30 });
    expect(errorOf(() => KubernetesVersion.setTarget(chart, KubernetesVersion.V1_30))).toBe(
      'KubernetesVersion at \'c\': invalid setTarget "1.30"; expected a call before the workloads are created: a workload was built with another target already and would not change: \'c/web\' (1.27); call setTarget first, or set kubernetesVersion on each workload.');
    expect(errorOf(() => KubernetesVersion.setTarget(app, KubernetesVersion.V1_31))).toContain('\'c/web\' (1.27)');
    KubernetesVersion.setTarget(chart, KubernetesVersion.V1_27); // what the workload took: nothing changes
    const other = new Chart(app, 'd');
    KubernetesVersion.setTarget(other, KubernetesVersion.V1_30);
    expect(KubernetesVersion.of(new SafeDeployment(other, 'web', { image: 'ghcr.io/acme/web:1.4.2', port: 8080 })).name).toBe('1.30');
  });
});
