/**
 * Ingress rules on `networking.k8s.io` Ingress objects (and the older `extensions` form),
 * with their backends looked up across the app.
 */
import { RuleContext } from '../context';
import { Obj, isExternal, isObject } from '../objects';
import { servingContainers } from './workload';

interface Backend { name: string; port?: string | number; field: string }

function rules(ing: Obj): any[] {
  return Array.isArray(ing.m.spec?.rules) ? ing.m.spec.rules.filter(isObject) : [];
}

function hosts(ing: Obj): string[] {
  const out: string[] = [];
  for (const r of rules(ing)) if (typeof r.host === 'string' && r.host !== '' && !out.includes(r.host)) out.push(r.host);
  return out;
}

function tlsEntries(ing: Obj): Array<{ hosts: string[]; secretName?: string; field: string }> {
  const tls = Array.isArray(ing.m.spec?.tls) ? ing.m.spec.tls : [];
  return tls.map((t: any, i: number) => ({
    hosts: Array.isArray(t?.hosts) ? t.hosts.map(String) : [],
    secretName: typeof t?.secretName === 'string' && t.secretName !== '' ? t.secretName : undefined,
    field: `spec.tls[${i}]`,
  }));
}

/** Whether a TLS host entry (maybe `*.domain`) covers a host. */
function covers(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (pattern.startsWith('*.')) {
    const dot = host.indexOf('.');
    return dot > 0 && host.slice(dot + 1) === pattern.slice(2);
  }
  return false;
}

function backends(ing: Obj): Backend[] {
  const out: Backend[] = [];
  const add = (b: any, field: string) => {
    if (!isObject(b)) return;
    if (isObject(b.service) && typeof b.service.name === 'string') {
      out.push({ name: b.service.name, port: b.service.port?.number ?? b.service.port?.name, field });
    } else if (typeof b.serviceName === 'string') {
      out.push({ name: b.serviceName, port: b.servicePort, field });
    }
  };
  const spec = ing.m.spec ?? {};
  add(spec.defaultBackend ?? spec.backend, spec.defaultBackend ? 'spec.defaultBackend' : 'spec.backend');
  rules(ing).forEach((r, i) => {
    const paths = Array.isArray(r.http?.paths) ? r.http.paths : [];
    paths.forEach((p: any, j: number) => add(p?.backend, `spec.rules[${i}].http.paths[${j}].backend`));
  });
  return out;
}

const ISSUER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];

/** `ingress-tls`: every host is in spec.tls, with a certificate that cert-manager issues. */
export function ingressTls(ctx: RuleContext): void {
  const certSecrets = ctx.index.once('certificate-secrets', () => {
    const s = new Set<string>();
    for (const cert of ctx.index.ofKind('Certificate')) {
      if (cert.apiVersion.startsWith('cert-manager.io/') && typeof cert.m.spec?.secretName === 'string') s.add(`${cert.ns ?? ''}/${cert.m.spec.secretName}`);
    }
    return s;
  });
  for (const ing of ctx.index.ofKind('Ingress')) {
    const hs = hosts(ing);
    const tls = tlsEntries(ing);
    if (rules(ing).some((r) => !r.host) || (hs.length === 0 && (ing.m.spec?.defaultBackend || ing.m.spec?.backend))) {
      ctx.report(ing, 'has a rule or default backend without a host: it answers for any name and no certificate can cover it', { field: 'spec.rules' });
    }
    for (const h of hs) {
      if (!tls.some((t) => t.hosts.some((p) => covers(p, h)))) {
        ctx.report(ing, `serves ${h} without TLS: no spec.tls entry lists it`, { field: 'spec.tls' });
      }
    }
    const issued = ISSUER_ANNOTATIONS.some((a) => ing.annotations[a]);
    for (const t of tls) {
      if (issued) continue;
      if (t.secretName && certSecrets.has(`${ing.ns ?? ''}/${t.secretName}`)) continue;
      ctx.report(ing, t.secretName
        ? `its certificate ${t.secretName} is not issued by cert-manager: no cert-manager.io/cluster-issuer or issuer annotation and no Certificate writes that Secret, so nothing renews it`
        : `a spec.tls entry has no secretName, so the controller's default certificate is served and nothing renews it`, { field: t.field });
    }
  }
}

function controller(ing: Obj): string {
  const cls = String(ing.m.spec?.ingressClassName ?? ing.annotations['kubernetes.io/ingress.class'] ?? '').toLowerCase();
  const keys = Object.keys(ing.annotations);
  for (const name of ['traefik', 'nginx', 'alb', 'gce', 'haproxy']) {
    if (cls.includes(name)) return name;
  }
  if (keys.some((k) => k.startsWith('traefik.ingress.kubernetes.io/'))) return 'traefik';
  if (keys.some((k) => k.startsWith('nginx.ingress.kubernetes.io/'))) return 'nginx';
  if (keys.some((k) => k.startsWith('alb.ingress.kubernetes.io/'))) return 'alb';
  return '';
}

/**
 * `ingress-redirect`: plain HTTP redirects to HTTPS. Checked where the controller's annotations
 * show it: ingress-nginx (redirects by default when TLS is set), Traefik, AWS ALB and GCE.
 */
export function ingressRedirect(ctx: RuleContext): void {
  for (const ing of ctx.index.ofKind('Ingress')) {
    const a = ing.annotations;
    switch (controller(ing)) {
      case 'nginx':
        if (a['nginx.ingress.kubernetes.io/ssl-redirect'] === 'false' && a['nginx.ingress.kubernetes.io/force-ssl-redirect'] !== 'true') {
          ctx.report(ing, 'turns the HTTPS redirect of ingress-nginx off (ssl-redirect: "false")', { field: 'metadata.annotations', fix: 'remove nginx.ingress.kubernetes.io/ssl-redirect: "false"' });
        }
        break;
      case 'traefik': {
        const entry = (a['traefik.ingress.kubernetes.io/router.entrypoints'] ?? '').split(',').map((s) => s.trim());
        const redirect = /redirect/i.test(a['traefik.ingress.kubernetes.io/router.middlewares'] ?? '');
        if ((entry.includes('web') || entry.includes('http')) && !redirect) {
          ctx.report(ing, 'answers plain HTTP on the Traefik entry point "web" without a redirect middleware', {
            field: 'metadata.annotations', fix: 'route only on websecure (router.entrypoints: websecure) and redirect web to websecure, or add a redirectScheme middleware',
          });
        }
        break;
      }
      case 'alb': {
        const listen = a['alb.ingress.kubernetes.io/listen-ports'] ?? '[{"HTTP": 80}]';
        if (/HTTP"/.test(listen) && !a['alb.ingress.kubernetes.io/ssl-redirect']) {
          ctx.report(ing, `listens on plain HTTP (${listen}) without alb.ingress.kubernetes.io/ssl-redirect`, { field: 'metadata.annotations', fix: 'add alb.ingress.kubernetes.io/ssl-redirect: "443"' });
        }
        break;
      }
      case 'gce':
        if (a['kubernetes.io/ingress.allow-http'] !== 'false' && !a['networking.gke.io/v1beta1.FrontendConfig']) {
          ctx.report(ing, 'answers plain HTTP on GCE without a FrontendConfig redirect', { field: 'metadata.annotations', fix: 'attach a FrontendConfig with redirectToHttps, or set kubernetes.io/ingress.allow-http: "false"' });
        }
        break;
      default:
        break;
    }
  }
}

const DNS_ANNOTATION = 'external-dns.alpha.kubernetes.io/hostname';

/** `ingress-dns`: external-dns publishes every host (hostname annotation). */
export function ingressDns(ctx: RuleContext): void {
  for (const ing of ctx.index.ofKind('Ingress')) {
    const listed = (ing.annotations[DNS_ANNOTATION] ?? '').split(',').map((s) => s.trim().replace(/\.$/, '')).filter(Boolean);
    const missing = hosts(ing).filter((h) => !listed.includes(h));
    if (missing.length > 0) {
      ctx.report(ing, `does not publish ${missing.join(', ')} through external-dns (annotation ${DNS_ANNOTATION})`, {
        field: 'metadata.annotations', fix: `add the annotation ${DNS_ANNOTATION}: ${hosts(ing).join(',')}`,
      });
    }
  }
}

/** `ingress-wildcard`: hosts under one domain share one (wildcard) certificate instead of one each. */
export function ingressWildcard(ctx: RuleContext): void {
  // namespace|domain -> secret -> ingresses
  const domains = new Map<string, Map<string, Set<Obj>>>();
  for (const ing of ctx.index.ofKind('Ingress')) {
    for (const t of tlsEntries(ing)) {
      if (!t.secretName) continue;
      for (const h of t.hosts) {
        const dot = h.indexOf('.');
        const domain = h.slice(dot + 1);
        if (dot <= 0 || !domain.includes('.')) continue;
        const k = `${ing.ns ?? ''}|${domain}`;
        let secrets = domains.get(k);
        if (!secrets) domains.set(k, secrets = new Map());
        let ings = secrets.get(t.secretName);
        if (!ings) secrets.set(t.secretName, ings = new Set());
        ings.add(ing);
      }
    }
  }
  for (const [k, secrets] of domains) {
    if (secrets.size < 2) continue;
    const domain = k.slice(k.indexOf('|') + 1);
    const names = [...secrets.keys()].sort();
    const reported = new Set<Obj>();
    for (const ings of secrets.values()) {
      for (const ing of ings) {
        if (reported.has(ing)) continue;
        reported.add(ing);
        ctx.report(ing, `hosts under ${domain} use ${names.length} certificates (${names.join(', ')}) where one wildcard certificate for *.${domain} would do`, {
          field: 'spec.tls', fix: `issue one certificate for *.${domain} and use its Secret in every spec.tls entry under ${domain}`,
        });
      }
    }
  }
}

/** `ingress-backend`: an Ingress routes only to Services of the app whose pods have readiness probes. */
export function ingressBackend(ctx: RuleContext): void {
  for (const ing of ctx.index.ofKind('Ingress')) {
    for (const b of backends(ing)) {
      const svc = ctx.index.get('Service', ing.ns, b.name);
      if (!svc) {
        if (!isExternal(ctx.options.externalServices, ing.ns, b.name)) {
          ctx.report(ing, `routes to Service ${b.name}, which is not in the output`, {
            field: b.field, fix: `route to a Service of the app, or declare ${b.name} external (externalServices) if it already exists`,
          });
        }
        continue;
      }
      const spec = svc.m.spec ?? {};
      if (b.port !== undefined && Array.isArray(spec.ports)
        && !spec.ports.some((p: any) => p?.port === b.port || String(p?.port) === String(b.port) || p?.name === b.port)) {
        ctx.report(ing, `routes to port ${b.port} of Service ${b.name}, which has no such port`, { field: b.field, alsoSkippedBy: [svc] });
      }
      if (spec.type === 'ExternalName' || !isObject(spec.selector) || Object.keys(spec.selector).length === 0) continue;
      const pods = ctx.index.selectPodsByMap(svc.ns ?? '', spec.selector);
      if (pods.length === 0) {
        ctx.report(ing, `routes to Service ${b.name}, which selects no pods of the app`, { field: b.field, alsoSkippedBy: [svc] });
        continue;
      }
      for (const p of pods) {
        const serving = servingContainers(ctx.index, p).map((s) => s.ref);
        const unready = serving.filter((c) => !isObject(c.c.readinessProbe));
        if (unready.length > 0 || (serving.length === 0 && !p.containers.some((c) => isObject(c.c.readinessProbe)))) {
          const who = unready.length > 0 ? unready.map((c) => `"${c.name}"`).join(', ') : 'any container';
          ctx.report(ing, `routes to Service ${b.name}, whose pods (${p.obj.kind}/${p.obj.name}) have no readinessProbe on ${who}, so traffic reaches pods that are not ready`, {
            field: b.field, alsoSkippedBy: [svc, p.obj],
          });
        }
      }
    }
  }
}
