import { describe, expect, it } from 'vitest';
import { SafeDeployment } from '../../lib';
import { errorOf, newChart, one, synth } from '../helpers';

const HELM_SELECTOR = { 'app.kubernetes.io/name': 'podinfo', 'app.kubernetes.io/instance': 'frontend' };

describe('selectorLabels', () => {
  it('selects the pods by the given labels everywhere: Deployment, Service, PDB, NetworkPolicy, pod labels', () => {
    const chart = newChart('web');
    const d = new SafeDeployment(chart, 'frontend-podinfo', { image: 'ghcr.io/stefanprodan/podinfo:6.9.1', port: 9898, replicas: 2, selectorLabels: HELM_SELECTOR });
    const m = synth(chart);
    expect(d.selectorLabels).toEqual(HELM_SELECTOR);
    const deployment = one(m, 'Deployment');
    expect(deployment.spec.selector.matchLabels).toEqual(HELM_SELECTOR);
    expect(deployment.spec.template.metadata.labels).toMatchObject(HELM_SELECTOR);
    expect(deployment.metadata.name).toBe('frontend-podinfo');
    expect(one(m, 'Service').spec.selector).toEqual(HELM_SELECTOR);
    expect(one(m, 'PodDisruptionBudget').spec.selector.matchLabels).toEqual(HELM_SELECTOR);
    expect(one(m, 'NetworkPolicy').spec.podSelector.matchLabels).toEqual(HELM_SELECTOR);
  });

  it('a legacy selector (app, release) keeps the recommended labels on every object and pod template; only the selector changes', () => {
    const chart = newChart('web');
    new SafeDeployment(chart, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080, selectorLabels: { app: 'web', release: 'web' } });
    const m = synth(chart);
    const recommended = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/managed-by': expect.any(String) };
    for (const o of m.filter((x: any) => x.kind !== 'Namespace')) expect(o.metadata.labels).toMatchObject({ ...recommended, app: 'web', release: 'web' });
    const deployment = one(m, 'Deployment');
    expect(deployment.spec.selector.matchLabels).toEqual({ app: 'web', release: 'web' });
    expect(deployment.spec.template.metadata.labels).toMatchObject({ ...recommended, app: 'web', release: 'web' });
    expect(one(m, 'Service').spec.selector).toEqual({ app: 'web', release: 'web' });
  });

  it('defaults to the name and instance, both the workload name', () => {
    const chart = newChart('web');
    new SafeDeployment(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', port: 8080 });
    expect(one(synth(chart), 'Deployment').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' });
  });

  it.each([
    ['empty', {}, 'invalid selectorLabels {}; expected at least one label: an empty selector would select every pod of the namespace.'],
    ['an empty value', { app: '' }, 'invalid selectorLabels.app ""; expected a non-empty value: an empty one selects nothing specific to this workload.'],
    ['the version label', { app: 'x', 'app.kubernetes.io/version': '1.0.0' },
      'invalid selectorLabels.app.kubernetes.io/version "1.0.0"; expected no app.kubernetes.io/version label in a selector: it changes with every release, while a selector is immutable.'],
    ['pod-template-hash', { 'pod-template-hash': 'abc' }, 'invalid selectorLabels.pod-template-hash "abc"; expected no pod-template-hash label in a selector: the Deployment controller sets it per ReplicaSet.'],
    ['the Helm chart label', { 'app.kubernetes.io/name': 'podinfo', 'helm.sh/chart': 'podinfo-6.9.1' },
      'invalid selectorLabels.helm.sh/chart "podinfo-6.9.1"; expected no helm.sh/chart label in a selector: Helm sets it to <chart>-<chart version>, which changes with every chart release, while a selector is immutable; keep app.kubernetes.io/name and app.kubernetes.io/instance.'],
    ['a bad key', { 'a b': 'x' }, 'invalid selectorLabels key "a b"'],
  ])('refuses %s', (_what, selectorLabels, message) => {
    const chart = newChart('web');
    expect(errorOf(() => new SafeDeployment(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', port: 8080, selectorLabels })))
      .toContain(`SafeDeployment at 'test/api': ${message}`);
  });
});
