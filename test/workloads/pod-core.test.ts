import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails, KubernetesVersion, ProbeCheck, SafeDeployment } from '../../lib';
import { one } from '../helpers';
import { IMAGE, SIDECAR_IMAGE, podCoreSuite } from './pod-core.shared';

podCoreSuite({
  construct: 'SafeDeployment',
  kind: 'Deployment',
  serving: true,
  create: (scope, id, props) => new SafeDeployment(scope, id, props),
});

describe('SafeDeployment: the pod core passes the checker', () => {
  const enforcedAt = (version: KubernetesVersion) => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'shop' });
    KubernetesVersion.setTarget(chart, version);
    new SafeDeployment(chart, 'web', {
      image: IMAGE,
      ports: [{ name: 'grpc', containerPort: 9000 }, { name: 'admin', containerPort: 9901, exposed: false }],
      readiness: { check: ProbeCheck.grpc() },
      liveness: { check: ProbeCheck.httpGet('/livez', { port: 'admin', headers: { 'X-Probe': 'kubelet' } }) },
      sidecars: [
        { name: 'proxy', image: SIDECAR_IMAGE, ports: [{ name: 'proxy', containerPort: 15001 }] },
        { name: 'shipper', image: SIDECAR_IMAGE, liveness: { check: ProbeCheck.exec(['/shipper', 'health']) }, env: { LEVEL: 'warn' } },
      ],
      initContainers: [{ name: 'migrate', image: SIDECAR_IMAGE, args: ['up'] }],
    });
    Guardrails.enforce(app);
    const manifests = Testing.synth(chart); // enforcement throws on any violation
    return { report: Guardrails.report(app), pod: one(manifests, 'Deployment').spec.template.spec };
  };

  it.each([['1.27', KubernetesVersion.V1_27], ['1.30', KubernetesVersion.V1_30]])('sidecars, init containers and named-port probes, target %s', (_name, version) => {
    const { report, pod } = enforcedAt(version);
    expect(report.violations).toEqual([]);
    const native = version.atLeast(KubernetesVersion.V1_29);
    expect(pod.containers.map((c: any) => c.name)).toEqual(native ? ['app'] : ['app', 'proxy', 'shipper']);
    expect((pod.initContainers ?? []).map((c: any) => c.name)).toEqual(native ? ['proxy', 'shipper', 'migrate'] : ['migrate']);
  });
});
