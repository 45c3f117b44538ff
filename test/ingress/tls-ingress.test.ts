import { Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AcmeIssuer, AcmeSolver, CertificateMode, IngressController, IngressPathType, IssuerChallenge, IssuerKind,
  IssuerReference, NetworkPeer, SafeDeployment, TlsIngress, TlsIngressProps, isIngressControllerClient,
} from '../../lib';
import { all, one } from '../helpers';
import { backend, errorOf, IMAGE, shopChart } from './helpers';

const LABELS = {
  'app.kubernetes.io/name': 'web',
  'app.kubernetes.io/instance': 'web',
  'app.kubernetes.io/component': 'ingress',
  'app.kubernetes.io/part-of': 'web',
  'app.kubernetes.io/managed-by': 'cdk8s',
};

/** A chart 'shop' with a SafeDeployment 'web' and a TlsIngress 'web' with these props. */
function make(props: Partial<TlsIngressProps> = {}, namespace: string | null = 'shop') {
  const chart = shopChart(namespace);
  const web = backend(chart);
  const ingress = new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: web, ...props });
  const manifests = Testing.synth(chart);
  return { chart, web, ingress, manifests };
}

function error(props: Partial<TlsIngressProps>, namespace: string | null = 'shop'): string {
  return errorOf(() => make(props, namespace));
}

const names = (manifests: any[]) => manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort();
const ingressRule = (np: any, namespace: string) => np.spec.ingress.find(
  (r: any) => r.from[0].namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === namespace);

describe('TlsIngress: the simplest call (Traefik profile, cert-manager annotation)', () => {
  const { manifests, ingress } = make();
  const main = one(manifests, 'Ingress', 'web');

  it('emits the Ingress, the redirect Ingress, two Middlewares and the ACME solver policy next to the workload', () => {
    expect(names(manifests)).toEqual([
      'Deployment/web', 'Ingress/web', 'Ingress/web-redirect', 'Middleware/web-hsts', 'Middleware/web-redirect-https',
      'NetworkPolicy/web', 'NetworkPolicy/web-acme-http01', 'PodDisruptionBudget/web', 'Service/web', 'ServiceAccount/web',
    ]);
  });

  it('is a networking.k8s.io/v1 Ingress of the traefik class with TLS for the host', () => {
    expect(main.apiVersion).toBe('networking.k8s.io/v1');
    expect(main.metadata.namespace).toBe('shop');
    expect(main.metadata.labels).toEqual(LABELS);
    expect(main.spec).toEqual({
      ingressClassName: 'traefik',
      tls: [{ hosts: ['shop.example.com'], secretName: 'web-tls' }],
      rules: [{
        host: 'shop.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
      }],
    });
  });

  it('has exactly the cert-manager, external-dns and Traefik annotations', () => {
    expect(main.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'cert-manager.io/renew-before': '720h',
      'cert-manager.io/private-key-rotation-policy': 'Always',
      'external-dns.alpha.kubernetes.io/hostname': 'shop.example.com',
      'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
      'traefik.ingress.kubernetes.io/router.tls': 'true',
      'traefik.ingress.kubernetes.io/router.middlewares': 'shop-web-hsts@kubernetescrd',
    });
  });

  it('sends HSTS for a year through a headers Middleware (ingress-redirect)', () => {
    const mw = one(manifests, 'Middleware', 'web-hsts');
    expect(mw.apiVersion).toBe('traefik.io/v1alpha1');
    expect(mw.metadata.namespace).toBe('shop');
    expect(mw.metadata.labels).toEqual(LABELS);
    expect(mw.spec).toEqual({
      headers: { stsSeconds: 31536000, stsIncludeSubdomains: false, stsPreload: false, forceSTSHeader: true },
    });
  });

  it('redirects plain HTTP with a redirectScheme Middleware on a second Ingress on the web entrypoint', () => {
    const mw = one(manifests, 'Middleware', 'web-redirect-https');
    expect(mw.spec).toEqual({ redirectScheme: { scheme: 'https', permanent: true } });
    const redirect = one(manifests, 'Ingress', 'web-redirect');
    expect(redirect.metadata.labels).toEqual(LABELS);
    expect(redirect.metadata.annotations).toEqual({
      'external-dns.alpha.kubernetes.io/hostname': 'shop.example.com',
      'traefik.ingress.kubernetes.io/router.entrypoints': 'web',
      'traefik.ingress.kubernetes.io/router.middlewares': 'shop-web-redirect-https@kubernetescrd',
      'guardrails.cdk8s.io/skip.ingress-tls':
        'plain-HTTP router on the Traefik entrypoint "web" that only redirects to HTTPS; Ingress web serves these hosts over TLS',
    });
    expect(redirect.spec).toEqual({ ingressClassName: 'traefik', rules: main.spec.rules });
  });

  it('opens the backend to the Traefik pods on the container port only (ingress-backend)', () => {
    const np = one(manifests, 'NetworkPolicy', 'web');
    expect(ingressRule(np, 'traefik')).toEqual({
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
      }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });

  it('lets the controller reach the cert-manager HTTP-01 solver pods on 8089 and nothing else', () => {
    const np = one(manifests, 'NetworkPolicy', 'web-acme-http01');
    expect(np.metadata.labels).toEqual(LABELS);
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
        }],
        ports: [{ port: 8089, protocol: 'TCP' }],
      }],
    });
    // The solver pods exist only during a challenge: kube-score is told not to look for them.
    expect(np.metadata.annotations).toEqual({ 'kube-score/ignore': 'networkpolicy-targets-pod' });
  });

  it('exposes its children and the controller peer (IIngressControllerClient)', () => {
    expect(ingress.name).toBe('web');
    expect(ingress.hosts).toEqual(['shop.example.com']);
    expect(ingress.tlsSecretName).toBe('web-tls');
    expect(ingress.ingress.name).toBe('web');
    expect(ingress.redirectIngress?.name).toBe('web-redirect');
    expect(ingress.middlewares.map((m) => m.name)).toEqual(['web-hsts', 'web-redirect-https']);
    expect(ingress.hstsMiddleware?.name).toBe('web-hsts');
    expect(ingress.redirectMiddleware?.name).toBe('web-redirect-https');
    expect(ingress.certificate).toBeUndefined();
    expect(ingress.acmeSolverNetworkPolicy?.name).toBe('web-acme-http01');
    expect(ingress.skippedRules).toEqual({});
    expect(isIngressControllerClient(ingress)).toBe(true);
    expect(ingress.ingressControllerPeer).toBe(ingress.controller.peer);
    expect(ingress.ingressControllerPeer._toPeer('shop')).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
    });
  });

  it('synthesizes byte-identical output twice (deterministic)', () => {
    expect(JSON.stringify(make().manifests)).toBe(JSON.stringify(manifests));
  });
});

describe('Traefik profile options', () => {
  it('custom class, namespace, pod labels and entrypoints', () => {
    const { manifests } = make({
      controller: IngressController.traefik({
        ingressClassName: 'traefik-public', namespace: 'kube-system', podLabels: { app: 'edge' },
        secureEntrypoint: 'https', webEntrypoint: 'http',
      }),
    });
    const main = one(manifests, 'Ingress', 'web');
    expect(main.spec.ingressClassName).toBe('traefik-public');
    expect(main.metadata.annotations['traefik.ingress.kubernetes.io/router.entrypoints']).toBe('https');
    const redirect = one(manifests, 'Ingress', 'web-redirect');
    expect(redirect.spec.ingressClassName).toBe('traefik-public');
    expect(redirect.metadata.annotations['traefik.ingress.kubernetes.io/router.entrypoints']).toBe('http');
    expect(ingressRule(one(manifests, 'NetworkPolicy', 'web'), 'kube-system').from[0].podSelector).toEqual({ matchLabels: { app: 'edge' } });
  });

  it('entrypointRedirect: no redirect Middleware and no redirect Ingress; HSTS stays', () => {
    const { manifests, ingress } = make({ controller: IngressController.traefik({ entrypointRedirect: true }) });
    expect(all(manifests, 'Ingress').map((m) => m.metadata.name)).toEqual(['web']);
    expect(all(manifests, 'Middleware').map((m) => m.metadata.name)).toEqual(['web-hsts']);
    expect(ingress.redirectIngress).toBeUndefined();
    expect(ingress.redirectMiddleware).toBeUndefined();
  });

  it('HSTS options: max-age, includeSubDomains and preload', () => {
    const { manifests } = make({ hstsMaxAge: Duration.days(730), hstsIncludeSubdomains: true, hstsPreload: true });
    expect(one(manifests, 'Middleware', 'web-hsts').spec.headers).toEqual({
      stsSeconds: 63072000, stsIncludeSubdomains: true, stsPreload: true, forceSTSHeader: true,
    });
  });

  it('hsts: false removes the headers Middleware and the middlewares annotation', () => {
    const { manifests } = make({ hsts: false });
    expect(all(manifests, 'Middleware').map((m) => m.metadata.name)).toEqual(['web-redirect-https']);
    expect(one(manifests, 'Ingress', 'web').metadata.annotations).not.toHaveProperty('traefik.ingress.kubernetes.io/router.middlewares');
  });

  it('skip ingress-redirect: no redirect objects, the reason is on the Ingress', () => {
    const { manifests, ingress } = make({ skip: { 'ingress-redirect': 'an upstream load balancer redirects' } });
    expect(all(manifests, 'Ingress').map((m) => m.metadata.name)).toEqual(['web']);
    expect(all(manifests, 'Middleware').map((m) => m.metadata.name)).toEqual(['web-hsts']);
    expect(one(manifests, 'Ingress', 'web').metadata.annotations['guardrails.cdk8s.io/skip.ingress-redirect']).toBe('an upstream load balancer redirects');
    expect(ingress.skippedRules).toEqual({ 'ingress-redirect': 'an upstream load balancer redirects' });
  });

  it('without Middlewares no chart namespace is needed', () => {
    const { manifests } = make({ hsts: false, controller: IngressController.traefik({ entrypointRedirect: true }) }, null);
    expect(all(manifests, 'Middleware')).toEqual([]);
    expect(one(manifests, 'Ingress', 'web').metadata.namespace).toBeUndefined();
  });
});

describe('ingress-nginx profile', () => {
  const { manifests, ingress } = make({ controller: IngressController.nginx() });
  const main = one(manifests, 'Ingress', 'web');

  it('one Ingress of class nginx, no Middleware', () => {
    expect(names(manifests)).toEqual([
      'Deployment/web', 'Ingress/web', 'NetworkPolicy/web', 'NetworkPolicy/web-acme-http01',
      'PodDisruptionBudget/web', 'Service/web', 'ServiceAccount/web',
    ]);
    expect(main.spec.ingressClassName).toBe('nginx');
    expect(ingress.middlewares).toEqual([]);
    expect(ingress.redirectIngress).toBeUndefined();
  });

  it('forces the redirect with force-ssl-redirect and writes no HSTS snippet', () => {
    expect(main.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'cert-manager.io/renew-before': '720h',
      'cert-manager.io/private-key-rotation-policy': 'Always',
      'external-dns.alpha.kubernetes.io/hostname': 'shop.example.com',
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
    });
    expect(JSON.stringify(main)).not.toContain('snippet');
  });

  it('opens the backend to the ingress-nginx controller pods', () => {
    expect(ingressRule(one(manifests, 'NetworkPolicy', 'web'), 'ingress-nginx')).toEqual({
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
      }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });

  it('works in a chart without namespace', () => {
    expect(one(make({ controller: IngressController.nginx() }, null).manifests, 'Ingress', 'web').spec.ingressClassName).toBe('nginx');
  });

  it('custom class and namespace', () => {
    const m = make({ controller: IngressController.nginx({ ingressClassName: 'nginx-internal', namespace: 'edge', podLabels: { app: 'nginx' } }) }).manifests;
    expect(one(m, 'Ingress', 'web').spec.ingressClassName).toBe('nginx-internal');
    expect(ingressRule(one(m, 'NetworkPolicy', 'web'), 'edge').from[0].podSelector).toEqual({ matchLabels: { app: 'nginx' } });
  });

  it('skip ingress-redirect drops force-ssl-redirect', () => {
    const m = make({ controller: IngressController.nginx(), skip: { 'ingress-redirect': 'legacy clients on HTTP' } }).manifests;
    const a = one(m, 'Ingress', 'web').metadata.annotations;
    expect(a).not.toHaveProperty('nginx.ingress.kubernetes.io/force-ssl-redirect');
    expect(a['guardrails.cdk8s.io/skip.ingress-redirect']).toBe('legacy clients on HTTP');
  });

  it.each([
    [{ hstsMaxAge: Duration.days(30) }, 'invalid hstsMaxAge "2592000s"'],
    [{ hstsIncludeSubdomains: true }, 'invalid hstsIncludeSubdomains true'],
    [{ hstsPreload: false }, 'invalid hstsPreload false'],
    [{ hsts: false }, 'invalid hsts false'],
  ])('HSTS settings %j are an error that points to the ConfigMap', (props, text) => {
    const msg = error({ controller: IngressController.nginx(), ...props });
    expect(msg).toContain(`TlsIngress at 'test/web': ${text}`);
    expect(msg).toContain('the ingress-nginx ConfigMap (hsts, hsts-max-age, hsts-include-subdomains, hsts-preload)');
    expect(msg).toContain('configuration snippets are disabled by default');
  });
});

describe('generic profile', () => {
  const controller = IngressController.generic({
    ingressClassName: 'haproxy', namespace: 'haproxy-controller', annotations: { 'haproxy.org/ssl-redirect': 'true' },
  });
  const { manifests } = make({ controller });
  const main = one(manifests, 'Ingress', 'web');

  it('class name and the given annotations only', () => {
    expect(main.spec.ingressClassName).toBe('haproxy');
    expect(main.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'cert-manager.io/renew-before': '720h',
      'cert-manager.io/private-key-rotation-policy': 'Always',
      'external-dns.alpha.kubernetes.io/hostname': 'shop.example.com',
      'haproxy.org/ssl-redirect': 'true',
    });
    expect(all(manifests, 'Middleware')).toEqual([]);
  });

  it('no controller-specific annotations by default', () => {
    const m = make({ controller: IngressController.generic({ ingressClassName: 'contour', namespace: 'projectcontour' }) }).manifests;
    expect(Object.keys(one(m, 'Ingress', 'web').metadata.annotations).sort()).toEqual([
      'cert-manager.io/cluster-issuer', 'cert-manager.io/private-key-rotation-policy', 'cert-manager.io/renew-before',
      'external-dns.alpha.kubernetes.io/hostname',
    ]);
  });

  it('without pod labels every pod of the controller namespace may reach the backend', () => {
    expect(ingressRule(one(manifests, 'NetworkPolicy', 'web'), 'haproxy-controller')).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'haproxy-controller' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });

  it('HSTS settings are the controller\'s job', () => {
    expect(error({ controller, hstsMaxAge: Duration.days(1) })).toContain('the controller\'s own configuration: the generic profile writes no controller-specific settings');
  });
});

describe('hosts, paths and backends', () => {
  it('several hosts share the paths, one TLS entry and one hostname annotation', () => {
    const { manifests } = make({ host: undefined, hosts: ['shop.example.com', 'www.example.com'] });
    const main = one(manifests, 'Ingress', 'web');
    expect(main.spec.tls).toEqual([{ hosts: ['shop.example.com', 'www.example.com'], secretName: 'web-tls' }]);
    expect(main.spec.rules.map((r: any) => r.host)).toEqual(['shop.example.com', 'www.example.com']);
    expect(main.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('shop.example.com,www.example.com');
  });

  it('host and hosts together, in order', () => {
    const { ingress } = make({ hosts: ['www.example.com'] });
    expect(ingress.hosts).toEqual(['shop.example.com', 'www.example.com']);
  });

  it('paths with their own backends, ports and path types; each backend opened on its container port', () => {
    const chart = shopChart();
    const web = backend(chart);
    const api = backend(chart, 'api', { port: 9000, servicePort: 9000, metrics: { port: 9100 } });
    new TlsIngress(chart, 'shop', {
      host: 'shop.example.com',
      backend: web,
      paths: [
        { path: '/' },
        { path: '/api', backend: api },
        { path: '/healthz', pathType: IngressPathType.EXACT, backend: api, servicePort: 9000 },
        { path: '/v[0-9]+/', pathType: IngressPathType.IMPLEMENTATION_SPECIFIC },
      ],
    });
    const manifests = Testing.synth(chart);
    const svc = (name: string, number: number) => ({ service: { name, port: { number } } });
    expect(one(manifests, 'Ingress', 'shop').spec.rules[0].http.paths).toEqual([
      { path: '/', pathType: 'Prefix', backend: svc('web', 80) },
      { path: '/api', pathType: 'Prefix', backend: svc('api', 9000) },
      { path: '/healthz', pathType: 'Exact', backend: svc('api', 9000) },
      { path: '/v[0-9]+/', pathType: 'ImplementationSpecific', backend: svc('web', 80) },
    ]);
    expect(ingressRule(one(manifests, 'NetworkPolicy', 'web'), 'traefik').ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(ingressRule(one(manifests, 'NetworkPolicy', 'api'), 'traefik').ports).toEqual([{ port: 9000, protocol: 'TCP' }]);
  });

  it('rules: a host with its own paths and backend; other hosts keep the shared paths', () => {
    const chart = shopChart();
    const web = backend(chart);
    const admin = backend(chart, 'admin');
    new TlsIngress(chart, 'shop', {
      hosts: ['shop.example.com'],
      backend: web,
      paths: [{ path: '/' }, { path: '/static' }],
      rules: [
        { host: 'admin.example.com', backend: admin, paths: [{ path: '/console' }] },
        { host: 'm.example.com' },
      ],
    });
    const ing = one(Testing.synth(chart), 'Ingress', 'shop');
    expect(ing.spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => `${p.path}->${p.backend.service.name}`)])).toEqual([
      ['shop.example.com', ['/->web', '/static->web']],
      ['admin.example.com', ['/console->admin']],
      ['m.example.com', ['/->web', '/static->web']],
    ]);
    expect(ing.spec.tls).toEqual([{ hosts: ['shop.example.com', 'admin.example.com', 'm.example.com'], secretName: 'shop-tls' }]);
  });

  it('name option renames every object', () => {
    const { manifests } = make({ name: 'storefront' });
    expect(names(manifests).filter((n) => n.includes('storefront'))).toEqual([
      'Ingress/storefront', 'Ingress/storefront-redirect', 'Middleware/storefront-hsts', 'Middleware/storefront-redirect-https',
      'NetworkPolicy/storefront-acme-http01',
    ]);
    expect(one(manifests, 'Ingress', 'storefront').spec.tls[0].secretName).toBe('storefront-tls');
  });

  it('a backend with skip probe-readiness is accepted with skip ingress-backend, and the reason is recorded', () => {
    const chart = shopChart();
    const legacy = backend(chart, 'legacy', { skip: { 'probe-readiness': 'no health endpoint yet' } });
    new TlsIngress(chart, 'legacy', {
      host: 'legacy.example.com', backend: legacy, skip: { 'ingress-backend': 'replaced next quarter' },
    });
    expect(one(Testing.synth(chart), 'Ingress', 'legacy').metadata.annotations['guardrails.cdk8s.io/skip.ingress-backend']).toBe('replaced next quarter');
  });
});

describe('ingress-tls: certificates', () => {
  it('an existing namespaced Issuer through cert-manager.io/issuer', () => {
    const a = one(make({ issuer: IssuerReference.issuer('shop-ca', { challenge: IssuerChallenge.NONE, namespace: 'shop' }) }).manifests, 'Ingress', 'web').metadata.annotations;
    expect(a['cert-manager.io/issuer']).toBe('shop-ca');
    expect(a).not.toHaveProperty('cert-manager.io/cluster-issuer');
  });

  it('an issuer without HTTP-01 needs no solver NetworkPolicy', () => {
    const { manifests, ingress } = make({ issuer: IssuerReference.clusterIssuer('letsencrypt-dns', { challenge: IssuerChallenge.DNS01 }) });
    expect(all(manifests, 'NetworkPolicy').map((m) => m.metadata.name)).toEqual(['web']);
    expect(ingress.acmeSolverNetworkPolicy).toBeUndefined();
  });

  it('renew-before, duration and secret name options on the annotation', () => {
    const { manifests } = make({ renewBefore: Duration.days(20), certificateDuration: Duration.days(60), tlsSecretName: 'shop-cert' });
    const main = one(manifests, 'Ingress', 'web');
    expect(main.metadata.annotations['cert-manager.io/renew-before']).toBe('480h');
    expect(main.metadata.annotations['cert-manager.io/duration']).toBe('1440h');
    expect(main.spec.tls[0].secretName).toBe('shop-cert');
  });

  it('renew-before is rendered as a Go duration in minutes when not whole hours', () => {
    expect(one(make({ renewBefore: Duration.minutes(90) }).manifests, 'Ingress', 'web').metadata.annotations['cert-manager.io/renew-before']).toBe('90m');
  });

  it('CertificateMode.CERTIFICATE: an explicit Certificate, no cert-manager annotation', () => {
    const { manifests, ingress } = make({
      hosts: ['www.example.com'], certificateMode: CertificateMode.CERTIFICATE, renewBefore: Duration.days(21), certificateDuration: Duration.days(90),
    });
    const cert = one(manifests, 'Certificate', 'web-tls');
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.metadata.namespace).toBe('shop');
    expect(cert.metadata.labels).toEqual(LABELS);
    expect(cert.spec).toEqual({
      secretName: 'web-tls',
      dnsNames: ['shop.example.com', 'www.example.com'],
      issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      renewBefore: '504h',
      duration: '2160h',
      privateKey: { rotationPolicy: 'Always' },
    });
    const a = one(manifests, 'Ingress', 'web').metadata.annotations;
    expect(Object.keys(a).filter((k) => k.startsWith('cert-manager.io/'))).toEqual([]);
    expect(one(manifests, 'Ingress', 'web').spec.tls).toEqual([{ hosts: ['shop.example.com', 'www.example.com'], secretName: 'web-tls' }]);
    expect(ingress.certificate?.name).toBe('web-tls');
  });

  it('CertificateMode.CERTIFICATE with the default renew-before of 30 days and no duration', () => {
    const cert = one(make({ certificateMode: CertificateMode.CERTIFICATE }).manifests, 'Certificate');
    expect(cert.spec.renewBefore).toBe('720h');
    expect(cert.spec).not.toHaveProperty('duration');
  });

  it('an AcmeIssuer construct as issuer (ClusterIssuer, HTTP-01 on the same class)', () => {
    const chart = shopChart();
    const issuer = new AcmeIssuer(chart, 'le', { email: 'ops@example.com' });
    new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: backend(chart), issuer });
    expect(one(Testing.synth(chart), 'Ingress', 'web').metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
  });

  it('an AcmeIssuer with kind ISSUER in the same namespace', () => {
    const chart = shopChart();
    const issuer = new AcmeIssuer(chart, 'le', { kind: IssuerKind.ISSUER, name: 'shop-le' });
    new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: backend(chart), issuer });
    expect(one(Testing.synth(chart), 'Ingress', 'web').metadata.annotations['cert-manager.io/issuer']).toBe('shop-le');
  });
});

describe('ingress-dns', () => {
  it('TTL option', () => {
    const a = one(make({ dnsTtl: Duration.minutes(1) }).manifests, 'Ingress', 'web').metadata.annotations;
    expect(a['external-dns.alpha.kubernetes.io/ttl']).toBe('60');
  });

  it('the redirect Ingress carries the same hostname and TTL', () => {
    const a = one(make({ dnsTtl: Duration.minutes(1) }).manifests, 'Ingress', 'web-redirect').metadata.annotations;
    expect(a['external-dns.alpha.kubernetes.io/hostname']).toBe('shop.example.com');
    expect(a['external-dns.alpha.kubernetes.io/ttl']).toBe('60');
  });

  it('skip ingress-dns removes the external-dns annotations and records the reason', () => {
    const { manifests } = make({ skip: { 'ingress-dns': 'records managed in the corporate DNS' } });
    for (const ing of all(manifests, 'Ingress')) {
      expect(Object.keys(ing.metadata.annotations).filter((k) => k.startsWith('external-dns'))).toEqual([]);
    }
    expect(one(manifests, 'Ingress', 'web').metadata.annotations['guardrails.cdk8s.io/skip.ingress-dns']).toBe('records managed in the corporate DNS');
  });
});

describe('app-wide registry: two TlsIngresses claiming the same host and path', () => {
  it('is an error naming both construct paths', () => {
    const app = Testing.app();
    const a = shopChart('shop', app, 'a');
    const b = shopChart('shop', app, 'b');
    new TlsIngress(a, 'web', { host: 'shop.example.com', backend: backend(a) });
    const msg = errorOf(() => new TlsIngress(b, 'web2', { host: 'shop.example.com', backend: backend(b) }));
    expect(msg).toBe('TlsIngress at \'b/web2\': invalid paths[0].path "shop.example.com/"; expected a host and path that no other TlsIngress of the app routes: '
      + 'TlsIngress at \'a/web\' already claims it (controllers merge or reject two Ingresses for one host and path); remove one of them or use another path.');
  });

  it('the same host with different paths is fine, and separate apps do not interfere', () => {
    const app = Testing.app();
    const chart = shopChart('shop', app);
    const web = backend(chart);
    new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: web });
    new TlsIngress(chart, 'api', { host: 'shop.example.com', backend: web, paths: [{ path: '/api' }] });
    expect(all(Testing.synth(chart), 'Ingress').length).toBe(4);
    expect(() => make()).not.toThrow();
    expect(() => make()).not.toThrow();
  });

  it('two TlsIngresses of one namespace with the same name', () => {
    const chart = shopChart();
    const web = backend(chart);
    new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: web });
    expect(errorOf(() => new TlsIngress(chart, 'other', { name: 'web', host: 'www.example.com', backend: web })))
      .toBe('TlsIngress at \'test/other\': invalid name "web"; expected a name that no other TlsIngress of the namespace uses: TlsIngress at \'test/web\' is named so; set `name`.');
  });
});

describe('bad input', () => {
  it.each([
    ['Shop.example.com', 'expected a lower-case DNS name ("shop.example.com"): Kubernetes rejects upper-case hosts'],
    ['shop', 'expected a lower-case DNS name such as "shop.example.com"'],
    ['shop.example.com.', 'expected a lower-case DNS name such as "shop.example.com"'],
    ['-shop.example.com', 'expected a lower-case DNS name such as "shop.example.com"'],
    ['shop_1.example.com', 'expected a lower-case DNS name such as "shop.example.com"'],
    ['10.0.0.1', 'expected a DNS name, not an IP address'],
    ['https://shop.example.com', 'expected a lower-case DNS name such as "shop.example.com"'],
    ['a*.example.com', 'expected a wildcard only as the whole leftmost label ("*.example.com")'],
    ['shop.*.example.com', 'expected a wildcard only as the whole leftmost label ("*.example.com")'],
    ['*.*.example.com', 'expected a wildcard only as the whole leftmost label ("*.example.com")'],
    ['*.com', 'expected a wildcard under a registrable domain, such as "*.example.com"'],
    [`${'a'.repeat(64)}.example.com`, 'expected a lower-case DNS name such as "shop.example.com"'],
  ])('host %j', (host, text) => {
    const msg = error({ host });
    expect(msg).toContain(`TlsIngress at 'test/web': invalid host ${JSON.stringify(host)}; ${text}`);
  });

  it('the property of a host in hosts and rules is named', () => {
    expect(error({ host: undefined, hosts: ['ok.example.com', 'Bad.example.com'] })).toContain('invalid hosts[1] "Bad.example.com"');
    expect(error({ host: undefined, rules: [{ host: 'bad' }] })).toContain('invalid rules[0].host "bad"');
  });

  it('a wildcard host with the HTTP-01 default issuer', () => {
    expect(error({ host: '*.example.com' })).toBe(
      'TlsIngress at \'test/web\': invalid hosts ["*.example.com"]; expected hosts that ClusterIssuer "letsencrypt-prod" (HTTP-01) can issue: '
      + 'ACME issues wildcard names only over DNS-01, HTTP-01 cannot. Use a WildcardCertificate with a DNS-01 issuer, or an issuer with a DNS-01 solver '
      + '(AcmeSolver.cloudflare(), AcmeSolver.route53()).');
  });

  it('a wildcard host with a DNS-01 issuer is fine', () => {
    const { manifests } = make({ host: '*.example.com', issuer: IssuerReference.clusterIssuer('letsencrypt-dns', { challenge: IssuerChallenge.DNS01 }) });
    expect(one(manifests, 'Ingress', 'web').spec.tls).toEqual([{ hosts: ['*.example.com'], secretName: 'web-tls' }]);
  });

  it('no host', () => {
    expect(error({ host: undefined })).toBe('TlsIngress at \'test/web\': invalid host (undefined); expected at least one host: set `host`, `hosts` or `rules`.');
  });

  it('a host twice', () => {
    expect(error({ hosts: ['shop.example.com'] })).toBe(
      'TlsIngress at \'test/web\': invalid hosts[0] "shop.example.com"; expected each host once: it is also host; give a host several paths instead.');
  });

  it('a path twice on one host', () => {
    expect(error({ paths: [{ path: '/a' }, { path: '/a', pathType: IngressPathType.EXACT }] })).toContain('invalid paths[1].path "/a"; expected each path once per host (shop.example.com)');
  });

  it.each([
    ['api', IngressPathType.PREFIX, 'expected an absolute path starting with \'/\''],
    ['/api/(.*)', IngressPathType.PREFIX, 'expected a plain path of letters, digits and \'/._~-\' for Prefix and Exact (controllers reject others); use IngressPathType.IMPLEMENTATION_SPECIFIC for patterns'],
    ['/a b', IngressPathType.EXACT, 'expected a plain path'],
    // The API server refuses these in Prefix and Exact paths.
    ['/api//v1', IngressPathType.PREFIX, 'expected a path without "//" (the API server refuses it in Prefix and Exact paths), such as "/api/v1".'],
    ['//', IngressPathType.PREFIX, 'expected a path without "//" (the API server refuses it in Prefix and Exact paths), such as "/".'],
    ['/static/..', IngressPathType.PREFIX, 'expected a path not ending with "/.." (the API server refuses it in Prefix and Exact paths).'],
    ['/static/.', IngressPathType.EXACT, 'expected a path not ending with "/." (the API server refuses it in Prefix and Exact paths).'],
    ['/a/./b', IngressPathType.PREFIX, 'expected a path without "/./" (the API server refuses it in Prefix and Exact paths).'],
    ['/a/../b', IngressPathType.EXACT, 'expected a path without "/../" (the API server refuses it in Prefix and Exact paths).'],
    ['/.', IngressPathType.PREFIX, 'expected a path not ending with "/."'],
  ])('path %j (%s)', (path, pathType, text) => {
    expect(error({ paths: [{ path, pathType }] })).toContain(`invalid paths[0].path ${JSON.stringify(path)}; ${text}`);
  });

  it.each(['/', '/api/v1/', '/static/..js', '/a/.well-known', '/a..b/c', '/~user/x_y'])('accepts the Prefix path %j', (path) => {
    const chart = shopChart();
    const ing = new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: backend(chart), paths: [{ path }] });
    expect(ing.ingress.toJson().spec.rules[0].http.paths[0].path).toBe(path);
  });

  it('leaves ImplementationSpecific paths to the controller', () => {
    const chart = shopChart();
    const ing = new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: backend(chart), paths: [{ path: '/api//(.*)', pathType: IngressPathType.IMPLEMENTATION_SPECIFIC }] });
    expect(ing.ingress.toJson().spec.rules[0].http.paths[0].path).toBe('/api//(.*)');
  });

  it('empty paths', () => {
    expect(error({ paths: [] })).toContain('invalid paths []; expected at least one path');
  });

  it('no backend', () => {
    expect(error({ backend: undefined })).toBe(
      'TlsIngress at \'test/web\': invalid paths[0].backend (undefined); expected a workload to route to: set `backend` on the TlsIngress, the host rule or the path.');
  });

  it('a backend port that the Service does not expose', () => {
    expect(error({ paths: [{ path: '/', servicePort: 8080 }] })).toBe(
      'TlsIngress at \'test/web\': invalid paths[0].servicePort 8080; expected a port that Service "web" exposes: 80 (http); or no servicePort for the http port.');
  });

  it('a worker backend without port or Service', () => {
    const chart = shopChart();
    const worker = new SafeDeployment(chart, 'worker', { image: IMAGE, livenessCommand: ['/bin/check'] });
    expect(errorOf(() => new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: worker }))).toBe(
      'TlsIngress at \'test/web\': invalid backend "test/worker"; expected a workload with a `port`: a worker without a port has no Service and no readiness probe to route to.');
  });

  it('a backend without readiness probe', () => {
    const chart = shopChart();
    const web = backend(chart, 'web', { skip: { 'probe-readiness': 'no health endpoint' } });
    expect(errorOf(() => new TlsIngress(chart, 'web-ingress', { host: 'shop.example.com', backend: web }))).toBe(
      'TlsIngress at \'test/web-ingress\': invalid backend "test/web-app"; expected a backend whose pods have readiness probes (rule ingress-backend): '
      + 'it skips probe-readiness, so unready pods would get traffic. Give it a readiness probe, or skip: { \'ingress-backend\': \'<reason>\' }.');
  });

  it('a per-path backend without readiness probe names the path property', () => {
    const chart = shopChart();
    const web = backend(chart);
    const bad = backend(chart, 'bad', { skip: { 'probe-readiness': 'none' } });
    expect(errorOf(() => new TlsIngress(chart, 'ing', { host: 'shop.example.com', backend: web, paths: [{ path: '/' }, { path: '/x', backend: bad }] })))
      .toContain('invalid paths[1].backend "test/bad-app"; expected a backend whose pods have readiness probes');
  });

  it('a backend in another namespace', () => {
    const app = Testing.app();
    const other = shopChart('other', app, 'other');
    const chart = shopChart('shop', app);
    expect(errorOf(() => new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: backend(other) }))).toBe(
      'TlsIngress at \'test/web\': invalid backend "other/web-app"; expected a backend in the namespace of the Ingress (shop), not other: '
      + 'an Ingress routes only to Services of its own namespace; create the TlsIngress in the backend\'s chart.');
  });

  it('Traefik Middlewares need the chart namespace', () => {
    expect(error({}, null)).toBe(
      'TlsIngress at \'test/web\': invalid namespace (of the chart) (undefined); expected a namespace: Traefik references a Middleware as '
      + '"<namespace>-<name>@kubernetescrd", so create the chart with `namespace`, or use IngressController.nginx() or IngressController.generic().');
  });

  it('skip of a rule a TlsIngress cannot switch off, of an unknown rule, or without reason', () => {
    expect(error({ skip: { 'ingress-tls': 'no' } })).toContain(
      'invalid skip.ingress-tls "ingress-tls"; expected a rule that a TlsIngress can switch off: ingress-redirect, ingress-dns, ingress-wildcard, ingress-backend (ingress-tls is never off)');
    expect(error({ skip: { 'ingress-magic': 'x' } })).toContain('invalid skip.ingress-magic "ingress-magic"; expected a rule id of the catalog');
    expect(error({ skip: { 'ingress-dns': ' ' } })).toContain('invalid skip.ingress-dns " "; expected a non-empty reason');
  });

  it.each([
    [{ name: 'Web' }, 'invalid name "Web"; expected a DNS-1123 label of at most 47 characters'],
    [{ name: 'a'.repeat(48) }, `invalid name "${'a'.repeat(48)}"; expected a DNS-1123 label of at most 47 characters`],
    [{ tlsSecretName: 'Bad_Secret' }, 'invalid tlsSecretName "Bad_Secret"; expected a DNS-1123 subdomain'],
    [{ renewBefore: Duration.minutes(4) }, 'invalid renewBefore "4m"; expected at least 5 minutes'],
    [{ renewBefore: Duration.millis(300500) }, 'invalid renewBefore "300500ms"; expected at least 5 minutes, in whole seconds'],
    [{ certificateDuration: Duration.minutes(30) }, 'invalid certificateDuration "30m"; expected at least 1 hour'],
    [{ certificateDuration: Duration.days(20) }, 'invalid renewBefore "720h"; expected less than certificateDuration (480h)'],
    [{ dnsTtl: Duration.millis(500) }, 'invalid dnsTtl "500ms"; expected at least 1 second'],
    // Durations that cdk8s cannot turn into seconds are the library's error, naming the prop.
    [{ renewBefore: Duration.millis(1500) }, 'invalid renewBefore "1500ms"; expected at least 5 minutes, in whole seconds'],
    [{ renewBefore: Duration.millis(NaN) }, 'invalid renewBefore "NaNms"; expected at least 5 minutes, in whole seconds'],
    [{ dnsTtl: Duration.seconds(0.5) }, 'invalid dnsTtl "500ms"; expected at least 1 second'],
    [{ hstsMaxAge: Duration.seconds(1.25) }, 'invalid hstsMaxAge "1250ms"; expected at least 1 second, in whole seconds'],
    [{ hstsMaxAge: Duration.days(100000) }, 'invalid hstsMaxAge "2400000h"; expected at most 2147483647 seconds (about 68 years).'],
    [{ dnsTtl: Duration.seconds(Infinity) }, 'invalid dnsTtl "Infinityms"; expected at least 1 second'],
    [{ hstsPreload: true }, 'invalid hstsPreload true; expected hstsIncludeSubdomains true and hstsMaxAge of at least 365 days (now no includeSubDomains, 31536000s)'],
    [{ hstsPreload: true, hstsIncludeSubdomains: true, hstsMaxAge: Duration.days(180) }, 'invalid hstsPreload true; expected hstsIncludeSubdomains true and hstsMaxAge of at least 365 days (now 15552000s): the preload list requires both'],
    [{ hsts: false, hstsMaxAge: Duration.days(1) }, 'invalid hsts false; expected hsts true (the default) when hstsMaxAge'],
  ])('%j', (props, text) => {
    expect(error(props as Partial<TlsIngressProps>)).toContain(`TlsIngress at 'test/web': ${text}`);
  });

  // Controller profiles check their settings when they are built.
  it.each([
    [() => IngressController.traefik({ ingressClassName: 'Traefik' }), 'IngressController.traefik(): invalid ingressClassName "Traefik"; expected a DNS-1123 subdomain'],
    [() => IngressController.traefik({ namespace: 'kube_system' }), 'IngressController.traefik(): invalid namespace "kube_system"; expected a DNS-1123 label'],
    [() => IngressController.traefik({ secureEntrypoint: 'web secure' }), 'IngressController.traefik(): invalid secureEntrypoint "web secure"; expected a Traefik entrypoint name'],
    [() => IngressController.traefik({ webEntrypoint: 'websecure' }), 'IngressController.traefik(): invalid webEntrypoint "websecure"; expected an entrypoint other than secureEntrypoint'],
    [() => IngressController.nginx({ podLabels: { app: 'a b' } }), 'IngressController.nginx(): invalid podLabels.app "a b"; expected a label value'],
    [() => IngressController.nginx({ podLabels: { 'app name': 'x' } }), 'IngressController.nginx(): invalid podLabels key "app name"; expected a key of the form [prefix/]name'],
    [() => IngressController.traefik({ podLabels: { 'a/b/c': 'x' } }), 'IngressController.traefik(): invalid podLabels key "a/b/c"; expected a key of the form [prefix/]name'],
    [() => IngressController.generic({ ingressClassName: 'haproxy', namespace: 'haproxy', podLabels: { '-app': 'x' } }), 'IngressController.generic(): invalid podLabels key "-app"'],
    [() => IngressController.generic({ ingressClassName: 'haproxy', namespace: 'haproxy', annotations: { 'bad key!': 'x' } }), 'IngressController.generic(): invalid annotations key "bad key!"; expected a key of the form [prefix/]name'],
    [() => IngressController.generic({ ingressClassName: 'haproxy', namespace: 'haproxy', annotations: { 'haproxy.org/ssl-redirect': true as unknown as string } }), 'IngressController.generic(): invalid annotations.haproxy.org/ssl-redirect true; expected a string'],
    [() => IngressController.generic({ ingressClassName: 'haproxy', namespace: 'n'.repeat(64) }), `IngressController.generic(): invalid namespace "${'n'.repeat(64)}"; expected a DNS-1123 label of at most 63 characters`],
  ])('controller profile %#', (build, text) => {
    expect(errorOf(build)).toContain(text);
  });

  it('accepts annotation keys in any case on a generic profile, as the API server does', () => {
    const c = IngressController.generic({ ingressClassName: 'haproxy', namespace: 'haproxy', annotations: { 'HAProxy.org/SSL-Redirect': 'true' } });
    expect(c.annotations).toEqual({ 'HAProxy.org/SSL-Redirect': 'true' });
  });

  it('an issuer whose HTTP-01 solver uses another ingress class', () => {
    const chart = shopChart();
    const issuer = new AcmeIssuer(chart, 'le', { solvers: [AcmeSolver.http01({ controller: IngressController.nginx() })] });
    expect(errorOf(() => new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: backend(chart), issuer }))).toBe(
      'TlsIngress at \'test/web\': invalid issuer "ClusterIssuer \\"letsencrypt-prod\\" (HTTP-01)"; expected an issuer whose HTTP-01 solver uses the ingress class of this TlsIngress ("traefik"), '
      + 'not "nginx": the challenge must be answered by the controller that receives the hosts\' traffic.');
  });

  it('a namespaced Issuer of another namespace', () => {
    const app = Testing.app();
    const infra = shopChart('infra', app, 'infra');
    const issuer = new AcmeIssuer(infra, 'le', { kind: IssuerKind.ISSUER });
    const chart = shopChart('shop', app);
    expect(errorOf(() => new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: backend(chart), issuer }))).toBe(
      'TlsIngress at \'test/web\': invalid issuer "Issuer \\"letsencrypt-prod\\" in namespace infra"; expected an Issuer in the certificate\'s namespace (shop), '
      + 'or a ClusterIssuer: cert-manager only resolves a namespaced Issuer from its own namespace.');
  });

  it('errors leave no claim behind: a fixed retry in the same app works', () => {
    const chart = shopChart();
    const web = backend(chart);
    expect(() => new TlsIngress(chart, 'a', { host: 'shop.example.com', backend: web, paths: [{ path: '/', servicePort: 1 }] })).toThrow();
    expect(() => new TlsIngress(chart, 'b', { host: 'shop.example.com', backend: web })).not.toThrow();
  });
});

describe('IsolatedNamespace contract', () => {
  it('finds the controller peer on any TlsIngress among its children', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'shop' });
    const ing = new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: backend(chart), controller: IngressController.nginx() });
    const clients = chart.node.findAll().filter((c) => isIngressControllerClient(c)) as unknown as TlsIngress[];
    expect(clients).toEqual([ing]);
    expect(clients[0].ingressControllerPeer).toBeInstanceOf(NetworkPeer);
  });
});
