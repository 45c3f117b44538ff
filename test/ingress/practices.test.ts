import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AcmeIssuer, AcmeSolver, Guardrails, IngressController, IsolatedNamespace, SafeDeployment, TlsIngress,
  TlsIngressProps, WildcardCertificate,
} from '../../lib';
import { IMAGE } from './helpers';

const PROFILES: Array<[string, () => IngressController]> = [
  ['traefik', () => IngressController.traefik()],
  ['ingress-nginx', () => IngressController.nginx()],
  ['generic', () => IngressController.generic({ ingressClassName: 'haproxy', namespace: 'haproxy-controller' })],
];

/** An isolated namespace 'shop' with web and api, published through TlsIngresses; the check of every object. */
function shop(controller: IngressController, wildcard: boolean, extra: Partial<TlsIngressProps> = {}) {
  const app = Testing.app();
  const infra = new Chart(app, 'infra');
  const issuer = new AcmeIssuer(infra, 'letsencrypt', {
    email: 'ops@example.com',
    solvers: [
      AcmeSolver.http01({ controller }),
      AcmeSolver.cloudflare({ apiTokenSecret: { secretName: 'cloudflare-api', key: 'token' }, dnsZones: ['example.com'] }),
    ],
  });
  const ns = new IsolatedNamespace(app, 'shop', { team: 'shop' });
  const web = new SafeDeployment(ns, 'web-app', { name: 'web', image: IMAGE, port: 8080, servicePort: 80 });
  const api = new SafeDeployment(ns, 'api-app', { name: 'api', image: IMAGE, port: 9000 });
  const cert = wildcard ? new WildcardCertificate(ns, 'wildcard', { domain: 'example.com', issuer }) : undefined;
  const storefront = new TlsIngress(ns, 'storefront', {
    hosts: ['shop.example.com', 'www.example.com'], backend: web, paths: [{ path: '/' }, { path: '/api', backend: api }],
    controller, issuer, wildcardCertificate: cert, ...extra,
  });
  const admin = new TlsIngress(ns, 'admin', { host: 'admin.example.com', backend: api, controller, issuer, wildcardCertificate: cert, ...extra });
  const manifests = [...Testing.synth(infra), ...Testing.synth(ns)];
  return { ns, storefront, admin, manifests, result: Guardrails.check(manifests) };
}

const describeViolations = (r: ReturnType<typeof Guardrails.check>) => r.violations.map((v) => `${v.rule} ${v.kind}/${v.name}: ${v.message}`);

describe.each(PROFILES)('the checker on TlsIngresses in an IsolatedNamespace (%s)', (_name, controller) => {
  it('passes every rule with a shared wildcard certificate', () => {
    const { result } = shop(controller(), true);
    expect(describeViolations(result)).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('one certificate per TlsIngress under one domain is an ingress-wildcard violation that a skip with a reason suppresses', () => {
    expect(describeViolations(shop(controller(), false).result).map((v) => v.split(':')[0]).sort())
      .toEqual(['ingress-wildcard Ingress/admin', 'ingress-wildcard Ingress/storefront']);
    const { result } = shop(controller(), false, { skip: { 'ingress-wildcard': 'DNS API credentials are not available in this cluster' } });
    expect(describeViolations(result)).toEqual([]);
  });

  it('the namespace opens its default deny to the controller of the TlsIngresses', () => {
    const { ns, storefront } = shop(controller(), true);
    expect(ns.ingressControllerPeers.map((p) => p.description)).toEqual([storefront.ingressControllerPeer.description]);
  });
});

describe('checker and Traefik details', () => {
  it('the redirect Ingress is exempt from ingress-tls only through its recorded skip', () => {
    const { result } = shop(IngressController.traefik(), true);
    expect(result.suppressions.map((s) => `${s.rule} ${s.kind}/${s.name}`).sort()).toEqual([
      'ingress-tls Ingress/admin-redirect', 'ingress-tls Ingress/storefront-redirect',
    ]);
  });

  it('skip ingress-dns is written to both Ingresses, so neither is reported', () => {
    const { result } = shop(IngressController.traefik(), true, { skip: { 'ingress-dns': 'records managed by the DNS team' } });
    expect(describeViolations(result)).toEqual([]);
  });
});
