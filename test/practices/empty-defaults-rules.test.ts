import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';

/**
 * The rules beside api-valid read "" and null as the API server does where it defaults the
 * field (Helm's `| quote` of an unset value): a Deployment's strategy type, a Service's
 * targetPort, a bare Pod's restartPolicy. A real wrong value is still flagged.
 */

const NS = 'shop';
const findings = (...objects: any[]) => {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations;
};
const of = (rule: string, ...objects: any[]) => findings(...objects).filter((v) => v.rule === rule).map((v) => v.message);
const labels = { 'app': 'web', 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/managed-by': 'test' };
const dep = (top: any = {}, ports: any[] = [{ containerPort: 8080, name: 'http' }]) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS, labels },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels }, spec: { containers: [{ name: 'a', image: 'nginx:1.27.3', ports }] } }, ...top },
});
const svc = (port: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS, labels }, spec: { selector: { app: 'web' }, ports: [port] } });

describe('"" and null where the API server defaults the field', () => {
  it('rollout: strategy.type "" or null is RollingUpdate; a wrong type is still flagged', () => {
    const empty = of('rollout', dep({ strategy: { type: '' } }));
    expect(empty.some((m) => m.includes('knows only'))).toBe(false);
    expect(of('rollout', dep({ strategy: { type: null } })).some((m) => m.includes('knows only'))).toBe(false);
    // Read as the default, the strategy's other checks still run.
    expect(empty).toEqual(of('rollout', dep()));
    // A wrong type is the API server's refusal: api-valid's one finding.
    expect(of('rollout', dep({ strategy: { type: 'Rolling' } })).some((m) => m.includes('knows only'))).toBe(false);
    expect(of('api-valid', dep({ strategy: { type: 'Rolling' } }))).toContain('"Rolling" is refused by the API server; expected one of "Recreate", "RollingUpdate"');
  });

  it('labels: a Service targetPort "" is the port; an undeclared port name is still flagged', () => {
    expect(of('labels', dep(), svc({ port: 8080, targetPort: '' }))).toEqual([]);
    expect(of('labels', dep(), svc({ port: 8080, targetPort: 'metrics' }))).toEqual([
      'spec.ports[0] targets the port named "metrics", which no container of Deployment/web (its port names: http) declares, so the Service has no endpoints on that port',
    ]);
  });

  it('api-valid shows replicas .inf as YAML wrote it, not as null, and replicas-min leaves it to api-valid', () => {
    expect(of('api-valid', dep({ replicas: Infinity }))).toContain(
      '.inf (infinite) is refused by the API server; expected a whole number from 0 to 2147483647 (YAML reads .inf and .nan as numbers that are not whole)');
    expect(of('replicas-min', dep({ replicas: Infinity }))).toEqual([]);
  });

  it('a bare Pod with restartPolicy "" runs as long as Always does', () => {
    const pod = (restartPolicy: unknown) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: NS, labels }, spec: { restartPolicy, containers: [{ name: 'a', image: 'nginx:1.27.3', ports: [{ containerPort: 8080 }] }] } });
    const probes = (restartPolicy: unknown) => of('probe-readiness', pod(restartPolicy)).length;
    expect(probes('')).toBe(probes('Always'));
    expect(probes('Always')).toBeGreaterThan(0);
    expect(probes('Never')).toBe(0);
  });
});
