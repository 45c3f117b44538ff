import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails, SafeDeployment } from '../../lib';
import { check, manifests, violationsOf } from './helpers';

/** The hand-written app with the web container changed by `mutate`. */
function web(mutate: (c: any) => void) {
  return manifests((a) => mutate(a.deployment.spec.template.spec.containers[0]));
}

describe('probes aimed at a port name the container does not declare', () => {
  it('a renamed port leaves the probes on the old name: both rules say so, naming the ports there are', () => {
    const result = check(web((c) => { c.ports[0].name = 'grpc'; }));
    expect(violationsOf(result, 'probe-readiness').map((v) => v.message)).toEqual([
      'container "app": the readinessProbe aims at the port "http", which the container does not declare (its ports: grpc), so the probe never succeeds',
    ]);
    expect(violationsOf(result, 'probe-liveness').map((v) => [v.field, v.fix])).toEqual([
      ['spec.template.spec.containers[0].livenessProbe', 'point the livenessProbe at a declared port name or number, or name the container port "http"'],
    ]);
  });

  it('a startup probe and a tcpSocket or grpc probe are checked too; a container without ports says so', () => {
    const result = check(web((c) => {
      delete c.ports;
      c.readinessProbe = { tcpSocket: { port: 'http' }, periodSeconds: 5, failureThreshold: 3 };
      c.livenessProbe = { grpc: { port: 9000 }, periodSeconds: 10, failureThreshold: 6 };
      c.startupProbe = { httpGet: { path: '/', port: 'admin' }, periodSeconds: 5, failureThreshold: 30 };
    }));
    expect(violationsOf(result, 'probe-readiness').map((v) => v.message)).toContain(
      'container "app": the readinessProbe aims at the port "http", which the container does not declare (it names no port), so the probe never succeeds');
    expect(violationsOf(result, 'probe-liveness').map((v) => v.message)).toEqual([
      'container "app": the startupProbe aims at the port "admin", which the container does not declare (it names no port), so the probe never succeeds',
    ]);
  });

  it('declared names, numbers and numeric strings pass', () => {
    expect(violationsOf(check(web(() => undefined)), 'probe-readiness')).toEqual([]);
    const result = check(web((c) => {
      c.readinessProbe = { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5, failureThreshold: 3 };
      c.livenessProbe = { tcpSocket: { port: '8080' }, periodSeconds: 10, failureThreshold: 6 };
    }));
    expect([...violationsOf(result, 'probe-readiness'), ...violationsOf(result, 'probe-liveness')]).toEqual([]);
  });

  it('under enforce, a JSON patch that renames a SafeDeployment\'s port fails synth', () => {
    const chart = new Chart(Testing.app(), 'shop');
    const grpc = new SafeDeployment(chart, 'pricing', { image: 'ghcr.io/acme/pricing:1.4.2', port: 9000 });
    ApiObject.of(grpc.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/ports/0/name', 'grpc'));
    Guardrails.enforce(chart);
    expect(() => Testing.synth(chart)).toThrow(/probe-readiness: Deployment pricing .*the readinessProbe aims at the port "http", which the container does not declare \(its ports: grpc\)/);
  });
});
