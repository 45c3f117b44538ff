import { Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AcmeIssuer, AcmeSolver, CertificateMode, IssuerChallenge, IssuerKind, IssuerReference, TlsIngress, WildcardCertificate,
  WildcardCertificateProps,
} from '../../lib';
import { all, one } from '../helpers';
import { backend, errorOf, shopChart } from './helpers';

const DNS01 = IssuerReference.clusterIssuer('letsencrypt-dns', { challenge: IssuerChallenge.DNS01 });

function wildcard(props: Partial<WildcardCertificateProps> = {}) {
  const chart = shopChart();
  const cert = new WildcardCertificate(chart, 'wildcard', { domain: 'example.com', issuer: DNS01, ...props });
  return { chart, cert, manifests: Testing.synth(chart) };
}

describe('WildcardCertificate', () => {
  it('one cert-manager Certificate for *.domain and the domain, renewed 30 days ahead', () => {
    const { cert, manifests } = wildcard();
    const c = one(manifests, 'Certificate', 'example-com-wildcard');
    expect(c.apiVersion).toBe('cert-manager.io/v1');
    expect(c.metadata).toEqual({
      name: 'example-com-wildcard',
      namespace: 'shop',
      labels: {
        'app.kubernetes.io/name': 'example-com-wildcard',
        'app.kubernetes.io/instance': 'example-com-wildcard',
        'app.kubernetes.io/component': 'certificate',
        'app.kubernetes.io/managed-by': 'cdk8s',
      },
    });
    expect(c.spec).toEqual({
      secretName: 'example-com-wildcard-tls',
      dnsNames: ['*.example.com', 'example.com'],
      issuerRef: { name: 'letsencrypt-dns', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      renewBefore: '720h',
      privateKey: { rotationPolicy: 'Always' },
    });
    expect(cert.secretName).toBe('example-com-wildcard-tls');
    expect(cert.dnsNames).toEqual(['*.example.com', 'example.com']);
    expect(cert.domain).toBe('example.com');
    expect(cert.namespaceName).toBe('shop');
    expect(cert.certificate.name).toBe('example-com-wildcard');
  });

  it('options: no apex, name, secret, renew-before and duration', () => {
    const c = one(wildcard({
      includeApex: false, name: 'wild', secretName: 'wild-cert', renewBefore: Duration.days(10), duration: Duration.days(45),
    }).manifests, 'Certificate', 'wild');
    expect(c.spec).toMatchObject({ secretName: 'wild-cert', dnsNames: ['*.example.com'], renewBefore: '240h', duration: '1080h' });
  });

  it('covers exactly one label below the domain, the wildcard name and the apex', () => {
    const { cert } = wildcard();
    expect(cert.covers('shop.example.com')).toBe(true);
    expect(cert.covers('*.example.com')).toBe(true);
    expect(cert.covers('example.com')).toBe(true);
    expect(cert.covers('a.b.example.com')).toBe(false);
    expect(cert.covers('shop.example.org')).toBe(false);
    expect(cert.covers('badexample.com')).toBe(false);
    expect(wildcard({ includeApex: false }).cert.covers('example.com')).toBe(false);
  });

  it('works with an AcmeIssuer that has a DNS-01 solver, or a non-ACME issuer', () => {
    const chart = shopChart();
    const issuer = new AcmeIssuer(chart, 'le', { solvers: [AcmeSolver.cloudflare({ apiTokenSecret: { secretName: 'cloudflare', key: 'token' } })] });
    new WildcardCertificate(chart, 'w', { domain: 'example.com', issuer });
    expect(one(Testing.synth(chart), 'Certificate').spec.issuerRef).toEqual({ name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    expect(() => wildcard({ issuer: IssuerReference.clusterIssuer('vault', { challenge: IssuerChallenge.NONE }) })).not.toThrow();
  });

  it.each([
    [{ issuer: IssuerReference.clusterIssuer('letsencrypt-prod') },
      'WildcardCertificate at \'test/wildcard\': invalid issuer "ClusterIssuer \\"letsencrypt-prod\\" (HTTP-01)"; expected an issuer that can issue wildcard names: '
      + 'ACME issues "*.<domain>" only over DNS-01 (HTTP-01 cannot prove control of every name below a domain); '
      + 'use an AcmeIssuer with AcmeSolver.cloudflare() or AcmeSolver.route53(), or IssuerReference with challenge IssuerChallenge.DNS01.'],
    [{ domain: '*.example.com' }, 'WildcardCertificate at \'test/wildcard\': invalid domain "*.example.com"; expected the domain without "*." ("example.com"): the certificate is made for "*.<domain>".'],
    [{ domain: 'Example.com' }, 'invalid domain "Example.com"; expected a lower-case DNS name ("example.com")'],
    [{ domain: 'com' }, 'invalid domain "com"; expected a lower-case DNS name such as "shop.example.com"'],
    [{ name: 'Wild' }, 'invalid name "Wild"; expected a DNS-1123 label'],
    [{ secretName: 'a_b' }, 'invalid secretName "a_b"; expected a DNS-1123 subdomain'],
    [{ renewBefore: Duration.minutes(1) }, 'invalid renewBefore "1m"; expected at least 5 minutes'],
    [{ duration: Duration.minutes(10) }, 'invalid duration "10m"; expected at least 1 hour'],
    [{ duration: Duration.days(30) }, 'invalid renewBefore "720h"; expected less than duration (720h)'],
    [{ issuer: IssuerReference.issuer('ca', { challenge: IssuerChallenge.NONE, namespace: 'infra' }) },
      'invalid issuer "Issuer \\"ca\\" in namespace infra"; expected an Issuer in the certificate\'s namespace (shop), or a ClusterIssuer'],
  ])('bad input %#', (props, text) => {
    expect(errorOf(() => wildcard(props as Partial<WildcardCertificateProps>))).toContain(text);
  });
});

describe('TlsIngress with a WildcardCertificate (ingress-wildcard)', () => {
  function shared() {
    const chart = shopChart();
    const cert = new WildcardCertificate(chart, 'wildcard', { domain: 'example.com', issuer: DNS01 });
    const web = backend(chart);
    const api = backend(chart, 'api');
    const shop = new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: web, wildcardCertificate: cert });
    const apiIngress = new TlsIngress(chart, 'api', { hosts: ['api.example.com', 'example.com'], backend: api, wildcardCertificate: cert });
    return { chart, cert, shop, apiIngress, manifests: Testing.synth(chart) };
  }

  it('several TlsIngresses share the one certificate: no Certificate of their own, no cert-manager annotation', () => {
    const { manifests, shop } = shared();
    expect(all(manifests, 'Certificate').map((c) => c.metadata.name)).toEqual(['example-com-wildcard']);
    const web = one(manifests, 'Ingress', 'web');
    const api = one(manifests, 'Ingress', 'api');
    expect(web.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'example-com-wildcard-tls' }]);
    expect(api.spec.tls).toEqual([{ hosts: ['api.example.com', 'example.com'], secretName: 'example-com-wildcard-tls' }]);
    for (const ing of [web, api]) {
      expect(Object.keys(ing.metadata.annotations).filter((k) => k.startsWith('cert-manager.io/'))).toEqual([]);
    }
    expect(shop.certificate).toBeUndefined();
    expect(shop.tlsSecretName).toBeUndefined();
  });

  it('no HTTP-01 solver policy when every host is on the wildcard', () => {
    const { manifests, shop } = shared();
    expect(all(manifests, 'NetworkPolicy').map((n) => n.metadata.name).sort()).toEqual(['api', 'web']);
    expect(shop.acmeSolverNetworkPolicy).toBeUndefined();
  });

  it('hosts outside the wildcard get an explicit Certificate from `issuer` (the annotation would claim the wildcard Secret too)', () => {
    const chart = shopChart();
    const cert = new WildcardCertificate(chart, 'wildcard', { domain: 'example.com', issuer: DNS01 });
    const ingress = new TlsIngress(chart, 'web', {
      hosts: ['shop.example.com', 'shop.example.org'], backend: backend(chart), wildcardCertificate: cert,
      issuer: IssuerReference.clusterIssuer('letsencrypt-prod'),
    });
    const manifests = Testing.synth(chart);
    const ing = one(manifests, 'Ingress', 'web');
    expect(ing.spec.tls).toEqual([
      { hosts: ['shop.example.org'], secretName: 'web-tls' },
      { hosts: ['shop.example.com'], secretName: 'example-com-wildcard-tls' },
    ]);
    expect(Object.keys(ing.metadata.annotations).filter((k) => k.startsWith('cert-manager.io/'))).toEqual([]);
    expect(one(manifests, 'Certificate', 'web-tls').spec).toEqual({
      secretName: 'web-tls',
      dnsNames: ['shop.example.org'],
      issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      renewBefore: '720h',
      privateKey: { rotationPolicy: 'Always' },
    });
    expect(ingress.certificate?.name).toBe('web-tls');
    expect(ingress.acmeSolverNetworkPolicy?.name).toBe('web-acme-http01');
  });

  it('a host the wildcard does not cover and no issuer: a host with no TLS', () => {
    const chart = shopChart();
    const cert = new WildcardCertificate(chart, 'wildcard', { domain: 'example.com', issuer: DNS01, includeApex: false });
    expect(errorOf(() => new TlsIngress(chart, 'web', {
      hosts: ['shop.example.com', 'eu.shop.example.com', 'example.com'], backend: backend(chart), wildcardCertificate: cert,
    }))).toBe('TlsIngress at \'test/web\': invalid hosts ["eu.shop.example.com","example.com"]; expected hosts with TLS: the wildcard certificate (*.example.com) '
      + 'does not cover them, because a wildcard matches exactly one label below example.com. Use hosts one label below the domain, '
      + 'or set `issuer` so that the other hosts get a certificate of their own.');
  });

  it('CertificateMode.INGRESS_ANNOTATION together with a wildcard is an error', () => {
    const chart = shopChart();
    const cert = new WildcardCertificate(chart, 'wildcard', { domain: 'example.com', issuer: DNS01 });
    expect(errorOf(() => new TlsIngress(chart, 'web', {
      hosts: ['shop.example.com', 'shop.example.org'], backend: backend(chart), wildcardCertificate: cert,
      issuer: IssuerReference.clusterIssuer('letsencrypt-prod'), certificateMode: CertificateMode.INGRESS_ANNOTATION,
    }))).toBe('TlsIngress at \'test/web\': invalid certificateMode "ingress-annotation"; expected CertificateMode.CERTIFICATE when a wildcard certificate covers some hosts: '
      + 'with the annotation, cert-manager\'s ingress-shim makes a Certificate for every TLS entry, including a second one for the wildcard Secret "example-com-wildcard-tls".');
  });

  it('the own Secret must differ from the wildcard Secret', () => {
    const chart = shopChart();
    const cert = new WildcardCertificate(chart, 'wildcard', { domain: 'example.com', issuer: DNS01 });
    expect(errorOf(() => new TlsIngress(chart, 'web', {
      hosts: ['shop.example.com', 'shop.example.org'], backend: backend(chart), wildcardCertificate: cert,
      issuer: IssuerReference.clusterIssuer('letsencrypt-prod'), tlsSecretName: 'example-com-wildcard-tls',
    }))).toContain('invalid tlsSecretName "example-com-wildcard-tls"; expected a Secret other than the wildcard certificate\'s');
  });

  it('a WildcardCertificate of another namespace', () => {
    const app = Testing.app();
    const infra = shopChart('infra', app, 'infra');
    const cert = new WildcardCertificate(infra, 'wildcard', { domain: 'example.com', issuer: DNS01 });
    const chart = shopChart('shop', app);
    expect(errorOf(() => new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: backend(chart), wildcardCertificate: cert }))).toBe(
      'TlsIngress at \'test/web\': invalid wildcardCertificate "infra/wildcard"; expected a WildcardCertificate in the namespace of the Ingress (shop), not infra: '
      + 'an Ingress can only use a TLS Secret of its own namespace; make one WildcardCertificate per namespace.');
  });

  it('a wildcard host on the wildcard certificate', () => {
    const chart = shopChart();
    const cert = new WildcardCertificate(chart, 'wildcard', { domain: 'example.com', issuer: DNS01 });
    new TlsIngress(chart, 'web', { host: '*.example.com', backend: backend(chart), wildcardCertificate: cert });
    expect(one(Testing.synth(chart), 'Ingress', 'web').spec.tls).toEqual([{ hosts: ['*.example.com'], secretName: 'example-com-wildcard-tls' }]);
  });

  it('a namespaced Issuer for the wildcard', () => {
    const chart = shopChart();
    const issuer = new AcmeIssuer(chart, 'le', {
      kind: IssuerKind.ISSUER, name: 'shop-dns',
      solvers: [AcmeSolver.route53({ region: 'eu-central-1' })],
    });
    new WildcardCertificate(chart, 'wildcard', { domain: 'example.com', issuer });
    expect(one(Testing.synth(chart), 'Certificate').spec.issuerRef).toEqual({ name: 'shop-dns', kind: 'Issuer', group: 'cert-manager.io' });
  });
});
