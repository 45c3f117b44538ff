import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { DEFAULT_OPTIONS } from '../../lib/practices/model';
import { App, LABELS, manifests, NS } from './helpers';

const checked = (mutate: (app: App) => void, extra: any[] = []) =>
  checkManifests([...manifests(mutate), ...extra].map((manifest) => ({ manifest })), DEFAULT_OPTIONS);
const skip = (rule: string) => ({ [`guardrails.cdk8s.io/skip.${rule}`]: 'a reason' });
const idle = (mutate: (app: App) => void, extra: any[] = []) => checked(mutate, extra).warnings.filter((w) => w.includes('hides nothing'));

describe('skips of the ingress and secret rules that cannot apply are warned about', () => {
  it.each(['ingress-tls', 'ingress-redirect', 'ingress-dns', 'ingress-wildcard'])('%s on a Deployment', (rule) => {
    expect(idle((app) => { app.deployment.metadata.annotations = { ...app.deployment.metadata.annotations, ...skip(rule) }; })).toEqual([
      `Deployment shop/web: skip annotation for ${rule}: rule ${rule} applies to Ingress, not to a Deployment, so the skip hides nothing; remove it, or put it on the object the rule reports`,
    ]);
  });

  it('ingress-backend on a workload of an app without an Ingress, and on a PodDisruptionBudget', () => {
    expect(idle((app) => { delete (app as any).ingress; app.deployment.metadata.annotations = { ...app.deployment.metadata.annotations, ...skip('ingress-backend') }; })).toEqual([
      'Deployment shop/web: skip annotation for ingress-backend: rule ingress-backend applies to a workload only through the Ingresses that route to its pods, and the app has no Ingress, so the skip hides nothing; remove it',
    ]);
    expect(idle((app) => { (app.pdb.metadata as any).annotations = skip('ingress-backend'); })).toEqual([
      'PodDisruptionBudget shop/web: skip annotation for ingress-backend: rule ingress-backend applies to workloads (objects with a pod template), Ingress and Service, not to a PodDisruptionBudget, so the skip hides nothing; remove it, or put it on the object the rule reports',
    ]);
  });

  it('secret-no-plaintext on a Service whose annotations hold no secret', () => {
    expect(idle((app) => { app.service.metadata.annotations = skip('secret-no-plaintext'); })).toEqual([
      'Service shop/web: skip annotation for secret-no-plaintext: rule secret-no-plaintext applies to workloads (objects with a pod template), Secret, ConfigMap, SealedSecret, ExternalSecret, SecretStore and ClusterSecretStore, and to a Service only through its annotations, none of which holds a secret, so the skip hides nothing; remove it, or put it on the object the rule reports',
    ]);
  });

  it('no warning where the skip counts: ingress rules on the Ingress, ingress-backend on a routed workload and its Service, secret-no-plaintext hiding an annotation', () => {
    expect(idle((app) => {
      app.ingress.metadata.annotations = { ...app.ingress.metadata.annotations, ...skip('ingress-tls'), ...skip('ingress-dns') };
      app.deployment.metadata.annotations = { ...app.deployment.metadata.annotations, ...skip('ingress-backend') };
      app.service.metadata.annotations = { ...skip('ingress-backend'), ...skip('secret-no-plaintext'), 'example.com/token': 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB' };
    })).toEqual([]);
  });
});

describe('a skip that hides a finding is never called idle', () => {
  it('probe-liveness on a Job whose liveness probe aims at an undeclared port: hides 1, no warning', () => {
    const job = {
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: NS, labels: { ...LABELS }, annotations: skip('probe-liveness') },
      spec: { template: { metadata: { labels: { ...LABELS } }, spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36.1', livenessProbe: { tcpSocket: { port: 'http' } } }] } } },
    };
    const r = checked(() => undefined, [job]);
    expect(r.suppressions.filter((s) => s.kind === 'Job').map((s) => [s.rule, s.suppressed])).toEqual([['probe-liveness', 1]]);
    expect(r.warnings.filter((w) => w.includes('hides nothing'))).toEqual([]);
    // Without the probe, the skip hides nothing and is warned about.
    delete (job.spec.template.spec.containers[0] as any).livenessProbe;
    expect(idle(() => undefined, [job])).toEqual([
      'Job shop/j: skip annotation for probe-liveness: a Job\'s pods run to completion: rule probe-liveness is for pods that run until they are stopped, so the skip of rule probe-liveness hides nothing; remove it',
    ]);
  });
});
