import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { IsolatedNamespace, IssuerReference, NetworkPeer, SafeDeployment, TlsIngress } from '../../lib';
import { NetworkPolicyEvaluator } from '../../lib/traffic/evaluator';
import { PodGroup, readTrafficModel } from '../../lib/traffic/model';
import { FakeIngress } from '../namespace/api-server';

const TRAEFIK: PodGroup = { id: 'traefik', name: 'traefik', namespace: 'traefik', labels: { 'app.kubernetes.io/name': 'traefik' }, ports: [] };

/** A namespace with a web backend behind a TlsIngress, a Redis store and a worker; what the controller may reach. */
function reach(withFakeIngress: boolean) {
  const ns = new IsolatedNamespace(Testing.app(), 'shop', { team: 'shop' });
  const web = new SafeDeployment(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080, metrics: { port: 9090 } });
  new SafeDeployment(ns, 'redis', { image: 'ghcr.io/acme/redis:7.2.4', port: 6379 });
  new SafeDeployment(ns, 'worker', { image: 'ghcr.io/acme/worker:1.0.0', livenessCommand: ['/healthcheck'] });
  new TlsIngress(ns, 'storefront', { host: 'shop.example.com', backend: web, issuer: IssuerReference.clusterIssuer('letsencrypt') });
  if (withFakeIngress) new FakeIngress(ns, 'legacy', NetworkPeer.pods({ 'app.kubernetes.io/name': 'traefik' }, 'traefik'));
  const model = readTrafficModel(Testing.synth(ns));
  const ev = new NetworkPolicyEvaluator(model);
  const pods = (name: string) => model.workloads.find((w) => w.name === name)!;
  return (name: string, port: number) => ev.allows({ pods: TRAEFIK }, { pods: pods(name) }, port).allowed;
}

describe('the ingress controller reaches only the TlsIngress backends, on their serving ports', () => {
  it('web on 8080; not web\'s metrics port, not redis, not the worker', () => {
    const may = reach(false);
    expect(may('web', 8080)).toBe(true);
    expect(may('web', 9090)).toBe(false);
    expect(may('redis', 6379)).toBe(false);
    expect(may('worker', 8080)).toBe(false);
  });

  it('a client that does not open its own backends still gets the namespace-wide opening', () => {
    const may = reach(true);
    expect(may('redis', 6379)).toBe(true);
    expect(may('worker', 8080)).toBe(true);
  });
});
