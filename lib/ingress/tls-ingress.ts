import { ApiObject, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, LABEL_PART_OF, MANAGED_BY } from '../core/labels';
import { checkAnnotationsSize, checkDnsLabel, checkDnsSubdomain, checkIngressPath } from '../core/validate';
import { Certificate, CertificateSpecPrivateKeyRotationPolicy } from '../imports/certificate-cert-manager.io';
import { Middleware } from '../imports/traefik-traefik.io';
import { IIngressControllerClient } from '../network/ingress-controller-client';
import { NetworkPeer, renderPorts } from '../network/network-peer';
import { withDefaults } from '../core/defaults';
import { annotateSkips, skipAnnotationBytes, validateSkips } from '../practices/skip';
import { isSafeWorkload, ISafeWorkload } from '../workloads/safe-workload';
import { ICertificateIssuer, IssuerKind, IssuerReference } from './certificate-issuer';
import { checkDuration, checkHostname, checkIssuerNamespace, describeIssuer, goDuration, isWildcard, showDuration } from './hostnames';
import { IngressController, IngressControllerType } from './ingress-controller';
import { WildcardCertificate } from './wildcard-certificate';
import { joinApp } from '../core/collisions';

const KIND = 'TlsIngress';

/** Rules that a TlsIngress may switch off (with a reason). */
const SKIPPABLE = ['ingress-redirect', 'ingress-dns', 'ingress-wildcard', 'ingress-backend'];

/** Label of the pods that cert-manager starts to answer ACME HTTP-01 challenges. */
const ACME_SOLVER_LABEL = 'acme.cert-manager.io/http01-solver';
/** Port on which cert-manager's HTTP-01 solver pods listen. */
const ACME_SOLVER_PORT = 8089;

/** Path characters that ingress-nginx accepts for Prefix and Exact paths (strict path validation). */
const PLAIN_PATH = /^\/[A-Za-z0-9/._~-]*$/;

const ANNOTATION_CLUSTER_ISSUER = 'cert-manager.io/cluster-issuer';
const ANNOTATION_ISSUER = 'cert-manager.io/issuer';
const ANNOTATION_RENEW_BEFORE = 'cert-manager.io/renew-before';
const ANNOTATION_DURATION = 'cert-manager.io/duration';
const ANNOTATION_KEY_ROTATION = 'cert-manager.io/private-key-rotation-policy';
const ANNOTATION_DNS_HOSTNAME = 'external-dns.alpha.kubernetes.io/hostname';
const ANNOTATION_DNS_TTL = 'external-dns.alpha.kubernetes.io/ttl';
const ANNOTATION_TRAEFIK_ENTRYPOINTS = 'traefik.ingress.kubernetes.io/router.entrypoints';
const ANNOTATION_TRAEFIK_TLS = 'traefik.ingress.kubernetes.io/router.tls';
const ANNOTATION_TRAEFIK_MIDDLEWARES = 'traefik.ingress.kubernetes.io/router.middlewares';
const ANNOTATION_NGINX_FORCE_SSL_REDIRECT = 'nginx.ingress.kubernetes.io/force-ssl-redirect';

/** How an Ingress path matches request paths. */
export enum IngressPathType {
  /** Matches the path and everything below it, element by element (`/api` matches `/api/x`, not `/apix`). */
  PREFIX = 'Prefix',
  /** Matches exactly this path. */
  EXACT = 'Exact',
  /** Up to the controller (regular expressions on ingress-nginx with use-regex, for instance). */
  IMPLEMENTATION_SPECIFIC = 'ImplementationSpecific',
}

/** How the certificate of the hosts is requested from cert-manager (rule `ingress-tls`). */
export enum CertificateMode {
  /**
   * The Ingress carries `cert-manager.io/cluster-issuer` (or `issuer`); cert-manager's
   * ingress-shim makes the Certificate.
   */
  INGRESS_ANNOTATION = 'ingress-annotation',
  /** An explicit cert-manager `Certificate` object next to the Ingress. */
  CERTIFICATE = 'certificate',
}

/** A path routed to a backend. */
export interface IngressPath {
  /** The request path, starting with '/'. */
  readonly path: string;
  /**
   * How the path matches.
   * @default IngressPathType.PREFIX
   */
  readonly pathType?: IngressPathType;
  /**
   * Where the path is routed.
   * @default - the host's `backend`, else the TlsIngress `backend`
   */
  readonly backend?: ISafeWorkload;
  /**
   * Port of the backend's Service.
   * @default - the Service's `http` port (the SafeDeployment's `servicePort`)
   */
  readonly servicePort?: number;
}

/** A host with its own paths and backend. */
export interface IngressHostRule {
  /** The host. */
  readonly host: string;
  /**
   * Paths of this host.
   * @default - the TlsIngress `paths`
   */
  readonly paths?: IngressPath[];
  /**
   * Backend for paths without one.
   * @default - the TlsIngress `backend`
   */
  readonly backend?: ISafeWorkload;
}

/** Properties of a TlsIngress. Every default satisfies the `ingress-*` rules of docs/practices.md. */
export interface TlsIngressProps {
  /**
   * The host served (shorthand for `hosts: [host]`).
   * @default - none; at least one of `host`, `hosts` and `rules` is required
   */
  readonly host?: string;
  /**
   * Hosts served with the same `paths`.
   * @default - none
   */
  readonly hosts?: string[];
  /**
   * Hosts with their own paths or backends.
   * @default - none
   */
  readonly rules?: IngressHostRule[];
  /**
   * Where paths without a backend of their own are routed. Its pods must have readiness
   * probes (rule `ingress-backend`).
   * @default - none; every path then needs a backend
   */
  readonly backend?: ISafeWorkload;
  /**
   * Paths of `host` and `hosts` (and of `rules` without paths).
   * @default [{ path: '/', pathType: IngressPathType.PREFIX }]
   */
  readonly paths?: IngressPath[];
  /**
   * The ingress controller: ingress class, where its pods run, and how HTTP is redirected.
   * @default IngressController.traefik()
   */
  readonly controller?: IngressController;
  /**
   * Object name of the Ingress; other objects are named after it.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The issuer of the certificate for hosts that `wildcardCertificate` does not cover.
   * @default - IssuerReference.clusterIssuer('letsencrypt-prod') (HTTP-01), unless
   * `wildcardCertificate` is set: then every host must be covered by it
   */
  readonly issuer?: ICertificateIssuer;
  /**
   * How the certificate is requested.
   * @default CertificateMode.INGRESS_ANNOTATION, or CertificateMode.CERTIFICATE when a
   * wildcard certificate covers some hosts (ingress-shim would otherwise claim its Secret)
   */
  readonly certificateMode?: CertificateMode;
  /**
   * Secret of the certificate for hosts that `wildcardCertificate` does not cover.
   * @default '<name>-tls'
   */
  readonly tlsSecretName?: string;
  /**
   * How long before expiry cert-manager renews the certificate.
   * @default Duration.days(30)
   */
  readonly renewBefore?: Duration;
  /**
   * Requested lifetime of the certificate.
   * @default - the issuer's (90 days for Let's Encrypt)
   */
  readonly certificateDuration?: Duration;
  /**
   * A shared wildcard certificate (rule `ingress-wildcard`): hosts one label below its
   * domain use its Secret instead of a certificate of their own.
   * @default - every host is on this TlsIngress's own certificate
   */
  readonly wildcardCertificate?: WildcardCertificate;
  /**
   * Send Strict-Transport-Security (Traefik: a headers Middleware). ingress-nginx sends HSTS
   * from its ConfigMap (on by default) and a generic controller from its own settings; there
   * only the default is accepted.
   * @default true
   */
  readonly hsts?: boolean;
  /**
   * HSTS max-age (Traefik).
   * @default Duration.days(365)
   */
  readonly hstsMaxAge?: Duration;
  /**
   * HSTS includeSubDomains (Traefik). It applies to every name below each host, including
   * ones served elsewhere: turn it on only when all of them serve HTTPS.
   * @default false
   */
  readonly hstsIncludeSubdomains?: boolean;
  /**
   * HSTS preload (Traefik); needs `hstsIncludeSubdomains` and a max-age of a year or more.
   * @default false
   */
  readonly hstsPreload?: boolean;
  /**
   * TTL of the DNS records that external-dns publishes (rule `ingress-dns`).
   * @default - no TTL annotation: external-dns's default (300 s for most providers)
   */
  readonly dnsTtl?: Duration;
  /**
   * Rules switched off on purpose: rule id -> reason, written to the Ingress as an
   * annotation `guardrails.cdk8s.io/skip.<rule>`. Allowed: 'ingress-redirect' (no redirect is
   * configured), 'ingress-dns' (no external-dns annotations), 'ingress-wildcard' (hosts of one
   * domain on several certificates, e.g. when only HTTP-01 is available), 'ingress-backend' (a
   * backend whose readiness probe is skipped). The annotation is written to the redirect
   * Ingress too.
   * @default - every rule applies
   */
  readonly skip?: { [ruleId: string]: string };
}

interface ResolvedPath {
  readonly path: string;
  readonly pathType: IngressPathType;
  readonly backend: ISafeWorkload;
  readonly servicePort: number;
}

interface ResolvedHost {
  readonly host: string;
  readonly paths: ResolvedPath[];
}

/** Host and path claims per app, so that two TlsIngresses never route the same host and path. */
const CLAIMS = new WeakMap<IConstruct, Map<string, string>>();

/**
 * HTTPS for workloads from one call: a `networking.k8s.io/v1` Ingress with TLS for every
 * host and a certificate from cert-manager (rule `ingress-tls`), optionally shared as a
 * wildcard (`ingress-wildcard`), HTTP to HTTPS redirect and HSTS for the chosen controller
 * (`ingress-redirect`), external-dns annotations (`ingress-dns`), and only backends with
 * readiness probes, each opened to the controller's pods on its serving port and nothing else
 * (`ingress-backend`). An IsolatedNamespace therefore adds no namespace-wide opening for it.
 */
export class TlsIngress extends Construct implements IIngressControllerClient {
  /** Object name of the Ingress. */
  public readonly name: string;
  /** The Ingress (TLS). */
  public readonly ingress: ApiObject;
  /** Traefik: the Ingress on the plain HTTP entrypoint that only redirects to HTTPS. */
  public readonly redirectIngress?: ApiObject;
  /** The explicit cert-manager Certificate, with CertificateMode.CERTIFICATE. */
  public readonly certificate?: ApiObject;
  /** Traefik: the HSTS headers Middleware. */
  public readonly hstsMiddleware?: ApiObject;
  /** Traefik: the redirectScheme Middleware. */
  public readonly redirectMiddleware?: ApiObject;
  /** Traefik: every Middleware made. */
  public readonly middlewares: ApiObject[];
  /** NetworkPolicy that lets the controller reach cert-manager's HTTP-01 solver pods. */
  public readonly acmeSolverNetworkPolicy?: ApiObject;
  /** The controller profile. */
  public readonly controller: IngressController;
  /** The controller's pods (IIngressControllerClient). */
  public readonly ingressControllerPeer: NetworkPeer;
  /** Always true: the backends (and the ACME solver) are opened to the controller on their serving ports only. */
  public readonly opensBackendsToIngressController?: boolean = true;
  /** Every host, in order. */
  public readonly hosts: string[];
  /** Secret of this TlsIngress's own certificate, when some hosts are not on the wildcard. */
  public readonly tlsSecretName?: string;
  /** Labels on every object. */
  public readonly labels: { [key: string]: string };
  /** Rules switched off, with reasons. */
  public readonly skippedRules: { [ruleId: string]: string };

  constructor(scope: Construct, id: string, props: TlsIngressProps) {
    super(scope, id);
    joinApp(this, KIND, props);
    // The defaults of the chart and the app (GuardrailsDefaults), under the explicit props.
    props = withDefaults(this, props, ['controller', 'issuer'], SKIPPABLE);
    const skips = validateSkips(this, KIND, props.skip);
    for (const rule of skips.keys()) {
      if (!SKIPPABLE.includes(rule)) {
        fail(this, KIND, `skip.${rule}`, rule, `a rule that a TlsIngress can switch off: ${SKIPPABLE.join(', ')} (ingress-tls is never off)`);
      }
    }
    this.skippedRules = Object.fromEntries(skips);

    this.name = checkDnsLabel(this, KIND, props.name === undefined ? 'name (taken from the construct id)' : 'name', props.name ?? id, 47);
    const namespace = Chart.of(this).namespace;
    const controller = props.controller ?? IngressController.traefik();
    this.checkController(controller);
    this.controller = controller;
    this.ingressControllerPeer = controller.peer;

    // --- hosts, paths and backends -------------------------------------------------------
    const { rules, claims } = this.resolveRules(props, skips, namespace);
    this.hosts = rules.map((r) => r.host);
    const partOf = rules[0].paths[0].backend.labels[LABEL_PART_OF];
    this.labels = {
      [LABEL_NAME]: this.name,
      [LABEL_INSTANCE]: this.name,
      [LABEL_COMPONENT]: 'ingress',
      ...(partOf ? { [LABEL_PART_OF]: partOf } : {}),
      [LABEL_MANAGED_BY]: MANAGED_BY,
    };

    // --- certificates (ingress-tls, ingress-wildcard) --------------------------------------
    const wildcard = props.wildcardCertificate;
    if (wildcard && wildcard.namespaceName !== namespace) {
      fail(this, KIND, 'wildcardCertificate', wildcard.node.path,
        `a WildcardCertificate in the namespace of the Ingress (${namespace ?? '(none)'}), not ${wildcard.namespaceName ?? '(none)'}: an Ingress can only use a TLS Secret of its own namespace; make one WildcardCertificate per namespace`);
    }
    const covered = wildcard ? this.hosts.filter((h) => wildcard.covers(h)) : [];
    const own = this.hosts.filter((h) => !covered.includes(h));
    if (wildcard && own.length > 0 && props.issuer === undefined) {
      fail(this, KIND, 'hosts', own,
        `hosts with TLS: the wildcard certificate (${wildcard.dnsNames.join(', ')}) does not cover them, because a wildcard matches exactly one label below ${wildcard.domain}. `
        + 'Use hosts one label below the domain, or set `issuer` so that the other hosts get a certificate of their own');
    }
    const issuer = props.issuer ?? IssuerReference.clusterIssuer('letsencrypt-prod');
    let mode: CertificateMode | undefined;
    if (own.length > 0) {
      mode = props.certificateMode ?? (covered.length > 0 ? CertificateMode.CERTIFICATE : CertificateMode.INGRESS_ANNOTATION);
      this.checkIssuer(issuer, own, controller, namespace);
      if (mode === CertificateMode.INGRESS_ANNOTATION && covered.length > 0) {
        fail(this, KIND, 'certificateMode', mode,
          `CertificateMode.CERTIFICATE when a wildcard certificate covers some hosts: with the annotation, cert-manager's ingress-shim makes a Certificate for every TLS entry, including a second one for the wildcard Secret "${wildcard!.secretName}"`);
      }
      this.tlsSecretName = checkDnsSubdomain(this, KIND, 'tlsSecretName', props.tlsSecretName ?? `${this.name}-tls`);
      if (wildcard && this.tlsSecretName === wildcard.secretName) {
        fail(this, KIND, 'tlsSecretName', this.tlsSecretName, 'a Secret other than the wildcard certificate\'s: two certificates cannot share one Secret');
      }
    }
    const renewBefore = checkDuration(this, KIND, 'renewBefore', props.renewBefore ?? Duration.days(30), 300,
      'at least 5 minutes, in whole seconds (cert-manager\'s minimum)');
    let duration: number | undefined;
    if (props.certificateDuration !== undefined) {
      duration = checkDuration(this, KIND, 'certificateDuration', props.certificateDuration, 3600,
        'at least 1 hour, in whole seconds (cert-manager\'s minimum)');
      if (renewBefore >= duration) {
        fail(this, KIND, 'renewBefore', goDuration(Duration.seconds(renewBefore)), `less than certificateDuration (${goDuration(Duration.seconds(duration))})`);
      }
    }
    const tls: kplus.k8s.IngressTls[] = [
      ...(own.length > 0 ? [{ hosts: [...own], secretName: this.tlsSecretName }] : []),
      ...(covered.length > 0 ? [{ hosts: [...covered], secretName: wildcard!.secretName }] : []),
    ];
    // Every host is in exactly one TLS entry by construction; keep the invariant explicit.
    for (const h of this.hosts) {
      if (!tls.some((t) => t.hosts!.includes(h))) fail(this, KIND, 'hosts', h, 'a host with TLS');
    }

    // --- redirect and HSTS (ingress-redirect) -----------------------------------------------
    const hsts = this.resolveHsts(props, controller);
    const redirect = !skips.has('ingress-redirect');
    const traefik = controller.type === IngressControllerType.TRAEFIK;
    const wantsRedirectMiddleware = traefik && redirect && !controller.entrypointRedirect;
    const wantsHstsMiddleware = traefik && hsts !== undefined;
    if ((wantsRedirectMiddleware || wantsHstsMiddleware) && namespace === undefined) {
      fail(this, KIND, 'namespace (of the chart)', namespace,
        'a namespace: Traefik references a Middleware as "<namespace>-<name>@kubernetescrd", so create the chart with `namespace`, '
        + 'or use IngressController.nginx() or IngressController.generic()');
    }
    const middlewareRef = (mw: string) => `${namespace}-${mw}@kubernetescrd`;
    const middlewares: ApiObject[] = [];
    if (wantsHstsMiddleware) {
      this.hstsMiddleware = new Middleware(this, 'HstsMiddleware', {
        metadata: { name: `${this.name}-hsts`, labels: { ...this.labels } },
        spec: {
          headers: {
            stsSeconds: hsts!.maxAge,
            stsIncludeSubdomains: hsts!.includeSubdomains,
            stsPreload: hsts!.preload,
            forceStsHeader: true,
          },
        },
      });
      middlewares.push(this.hstsMiddleware);
    }
    if (wantsRedirectMiddleware) {
      this.redirectMiddleware = new Middleware(this, 'RedirectMiddleware', {
        metadata: { name: `${this.name}-redirect-https`, labels: { ...this.labels } },
        spec: { redirectScheme: { scheme: 'https', permanent: true } },
      });
      middlewares.push(this.redirectMiddleware);
    }
    this.middlewares = middlewares;

    // --- annotations ------------------------------------------------------------------------
    const dnsAnnotations: { [key: string]: string } = {};
    if (!skips.has('ingress-dns')) {
      dnsAnnotations[ANNOTATION_DNS_HOSTNAME] = this.hosts.join(',');
      if (props.dnsTtl !== undefined) {
        dnsAnnotations[ANNOTATION_DNS_TTL] = String(checkDuration(this, KIND, 'dnsTtl', props.dnsTtl, 1, 'at least 1 second, in whole seconds'));
      }
    }
    const annotations: { [key: string]: string } = {};
    if (own.length > 0 && mode === CertificateMode.INGRESS_ANNOTATION) {
      annotations[issuer.issuerKind === IssuerKind.CLUSTER_ISSUER ? ANNOTATION_CLUSTER_ISSUER : ANNOTATION_ISSUER] = issuer.issuerName;
      annotations[ANNOTATION_RENEW_BEFORE] = goDuration(Duration.seconds(renewBefore));
      if (duration !== undefined) annotations[ANNOTATION_DURATION] = goDuration(Duration.seconds(duration));
      annotations[ANNOTATION_KEY_ROTATION] = 'Always';
    }
    Object.assign(annotations, dnsAnnotations);
    switch (controller.type) {
      case IngressControllerType.TRAEFIK:
        annotations[ANNOTATION_TRAEFIK_ENTRYPOINTS] = controller.secureEntrypoint!;
        annotations[ANNOTATION_TRAEFIK_TLS] = 'true';
        if (this.hstsMiddleware) annotations[ANNOTATION_TRAEFIK_MIDDLEWARES] = middlewareRef(this.hstsMiddleware.name);
        break;
      case IngressControllerType.NGINX:
        if (redirect) annotations[ANNOTATION_NGINX_FORCE_SSL_REDIRECT] = 'true';
        break;
      default:
        for (const [key, value] of Object.entries(controller.annotations)) {
          // The library writes these itself: a controller annotation must not replace them
          // (the issuer, the DNS name) without a word.
          if (key in annotations && annotations[key] !== value) {
            fail(this, KIND, `controller.annotations.${key}`, value,
              `an annotation that the TlsIngress does not write itself: it sets ${key} to ${JSON.stringify(annotations[key])} from its own props; change that prop instead`);
          }
          annotations[key] = value;
        }
    }
    checkAnnotationsSize(this, KIND, 'controller.annotations', annotations, skipAnnotationBytes(skips));

    // --- the Ingress --------------------------------------------------------------------------
    const renderedRules = rules.map((r) => ({
      host: r.host,
      http: {
        paths: r.paths.map((p) => ({
          path: p.path,
          pathType: p.pathType,
          backend: { service: { name: p.backend.service!.name, port: { number: p.servicePort } } },
        })),
      },
    }));
    this.ingress = new kplus.k8s.KubeIngress(this, 'Ingress', {
      metadata: { name: this.name, labels: { ...this.labels }, annotations },
      spec: { ingressClassName: controller.ingressClassName, tls, rules: renderedRules },
    });
    annotateSkips(this.ingress, skips);

    if (wantsRedirectMiddleware) {
      this.redirectIngress = new kplus.k8s.KubeIngress(this, 'RedirectIngress', {
        metadata: {
          name: `${this.name}-redirect`,
          labels: { ...this.labels },
          annotations: {
            ...dnsAnnotations,
            [ANNOTATION_TRAEFIK_ENTRYPOINTS]: controller.webEntrypoint!,
            [ANNOTATION_TRAEFIK_MIDDLEWARES]: middlewareRef(this.redirectMiddleware!.name),
            'guardrails.cdk8s.io/skip.ingress-tls': `plain-HTTP router on the Traefik entrypoint "${controller.webEntrypoint}" that only redirects to HTTPS; Ingress ${this.name} serves these hosts over TLS`,
          },
        },
        spec: { ingressClassName: controller.ingressClassName, rules: renderedRules },
      });
      annotateSkips(this.redirectIngress, skips);
    }

    // --- explicit Certificate -------------------------------------------------------------------
    if (own.length > 0 && mode === CertificateMode.CERTIFICATE) {
      this.certificate = new Certificate(this, 'Certificate', {
        metadata: { name: this.tlsSecretName, labels: { ...this.labels } },
        spec: {
          secretName: this.tlsSecretName!,
          dnsNames: [...own],
          issuerRef: { name: issuer.issuerName, kind: issuer.issuerKind, group: 'cert-manager.io' },
          renewBefore: goDuration(Duration.seconds(renewBefore)),
          duration: duration !== undefined ? goDuration(Duration.seconds(duration)) : undefined,
          privateKey: { rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS },
        },
      });
    }

    // --- network: the controller reaches the backends and the ACME solver pods ---------------------
    const ports = new Map<ISafeWorkload, Set<number>>();
    for (const r of rules) {
      for (const p of r.paths) {
        const sp = p.backend.service!.ports.find((x) => x.port === p.servicePort)!;
        const set = ports.get(p.backend) ?? new Set<number>();
        set.add(sp.targetPort ?? sp.port);
        ports.set(p.backend, set);
      }
    }
    for (const [backend, set] of ports) {
      backend.allowFrom(controller.peer, [...set].sort((a, b) => a - b).map((port) => ({ port })));
    }
    if (own.length > 0 && issuer.solvesHttp01) {
      this.acmeSolverNetworkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'AcmeSolverNetworkPolicy', {
        metadata: {
          name: `${this.name}-acme-http01`,
          labels: { ...this.labels },
          // The solver pods exist only while cert-manager answers a challenge, so a static
          // analyser finds no pod for this policy to select.
          annotations: { 'kube-score/ignore': 'networkpolicy-targets-pod' },
        },
        spec: {
          podSelector: { matchLabels: { [ACME_SOLVER_LABEL]: 'true' } },
          // Egress is listed with no rule: the solver only answers.
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [controller.peer._toPeer(namespace)], ports: renderPorts([{ port: ACME_SOLVER_PORT }]) }],
        },
      });
    }

    // Register hosts, paths and the name only now that the construct is valid.
    const registry = CLAIMS.get(this.node.root) ?? new Map<string, string>();
    for (const [k, v] of claims) registry.set(k, v);
    CLAIMS.set(this.node.root, registry);
  }

  private checkController(c: IngressController): void {
    // The profile checked its own settings when it was built.
    if (!(c instanceof IngressController)) {
      fail(this, KIND, 'controller', c, 'an IngressController: IngressController.traefik(), .nginx() or .generic()');
    }
  }

  /** Resolves hosts, paths and backends; returns the claims to register once the construct is valid. */
  private resolveRules(props: TlsIngressProps, skips: Map<string, string>, namespace: string | undefined): { rules: ResolvedHost[]; claims: Array<[string, string]> } {
    const defaultPaths = props.paths ?? [{ path: '/' }];
    if (props.paths !== undefined && props.paths.length === 0) {
      fail(this, KIND, 'paths', props.paths, 'at least one path, e.g. [{ path: \'/\' }] (the default)');
    }
    const entries: Array<{ prop: string; host: string; paths: IngressPath[]; pathsProp: string; backend?: ISafeWorkload }> = [];
    if (props.host !== undefined) entries.push({ prop: 'host', host: props.host, paths: defaultPaths, pathsProp: 'paths', backend: props.backend });
    (props.hosts ?? []).forEach((h, i) => entries.push({ prop: `hosts[${i}]`, host: h, paths: defaultPaths, pathsProp: 'paths', backend: props.backend }));
    (props.rules ?? []).forEach((r, i) => {
      if (r.paths !== undefined && r.paths.length === 0) fail(this, KIND, `rules[${i}].paths`, r.paths, 'at least one path, or no `paths` for the TlsIngress `paths`');
      entries.push({
        prop: `rules[${i}].host`,
        host: r.host,
        paths: r.paths ?? defaultPaths,
        pathsProp: r.paths ? `rules[${i}].paths` : 'paths',
        backend: r.backend ?? props.backend,
      });
    });
    if (entries.length === 0) {
      fail(this, KIND, 'host', props.host, 'at least one host: set `host`, `hosts` or `rules`');
    }

    const seenHosts = new Map<string, string>();
    const checkedBackends = new Set<ISafeWorkload>();
    const claims = CLAIMS.get(this.node.root) ?? new Map<string, string>();
    const nameKey = `name ${namespace ?? ''}/${this.name}`;
    const nameOwner = claims.get(nameKey);
    if (nameOwner !== undefined) {
      fail(this, KIND, 'name', this.name, `a name that no other TlsIngress of the namespace uses: TlsIngress at '${nameOwner}' is named so; set \`name\``);
    }
    const newClaims: Array<[string, string]> = [[nameKey, this.node.path]];

    const result = entries.map((e) => {
      const host = checkHostname(this, KIND, e.prop, e.host);
      const firstProp = seenHosts.get(host);
      if (firstProp !== undefined) {
        fail(this, KIND, e.prop, host, `each host once: it is also ${firstProp}; give a host several paths instead`);
      }
      seenHosts.set(host, e.prop);
      const seenPaths = new Set<string>();
      const paths = e.paths.map((p, j): ResolvedPath => {
        const prop = `${e.pathsProp}[${j}]`;
        const pathType = p.pathType ?? IngressPathType.PREFIX;
        if (!Object.values(IngressPathType).includes(pathType)) {
          fail(this, KIND, `${prop}.pathType`, pathType, 'an IngressPathType: PREFIX, EXACT or IMPLEMENTATION_SPECIFIC');
        }
        if (typeof p.path !== 'string' || !p.path.startsWith('/')) {
          fail(this, KIND, `${prop}.path`, p.path, 'an absolute path starting with \'/\', such as \'/\' or \'/api\'');
        }
        if (pathType !== IngressPathType.IMPLEMENTATION_SPECIFIC && !PLAIN_PATH.test(p.path)) {
          fail(this, KIND, `${prop}.path`, p.path,
            'a plain path of letters, digits and \'/._~-\' for Prefix and Exact (controllers reject others); use IngressPathType.IMPLEMENTATION_SPECIFIC for patterns');
        }
        if (pathType !== IngressPathType.IMPLEMENTATION_SPECIFIC) checkIngressPath(this, KIND, `${prop}.path`, p.path);
        if (seenPaths.has(p.path)) fail(this, KIND, `${prop}.path`, p.path, `each path once per host (${host})`);
        seenPaths.add(p.path);
        const routeKey = `route ${host}${p.path}`;
        const owner = claims.get(routeKey);
        if (owner !== undefined) {
          fail(this, KIND, `${prop}.path`, `${host}${p.path}`,
            `a host and path that no other TlsIngress of the app routes: TlsIngress at '${owner}' already claims it (controllers merge or reject two Ingresses for one host and path); remove one of them or use another path`);
        }
        newClaims.push([routeKey, this.node.path]);

        const backend = p.backend ?? e.backend;
        if (backend === undefined) {
          fail(this, KIND, `${prop}.backend`, backend, 'a workload to route to: set `backend` on the TlsIngress, the host rule or the path');
        }
        const backendProp = p.backend ? `${prop}.backend` : 'backend';
        if (!checkedBackends.has(backend)) {
          this.checkBackend(backend, backendProp, skips, namespace);
          checkedBackends.add(backend);
        }
        const service = backend.service!;
        const servicePort = p.servicePort ?? service.ports.find((x) => x.name === 'http')?.port ?? service.ports[0].port;
        if (!service.ports.some((x) => x.port === servicePort)) {
          fail(this, KIND, `${prop}.servicePort`, servicePort,
            `a port that Service "${service.name}" exposes: ${service.ports.map((x) => `${x.port}${x.name ? ` (${x.name})` : ''}`).join(', ')}; or no servicePort for the http port`);
        }
        return { path: p.path, pathType, backend, servicePort };
      });
      return { host, paths };
    });
    return { rules: result, claims: newClaims };
  }

  private checkBackend(backend: ISafeWorkload, prop: string, skips: Map<string, string>, namespace: string | undefined): void {
    if (!isSafeWorkload(backend)) {
      fail(this, KIND, prop, backend, 'a workload (ISafeWorkload) such as a SafeDeployment');
    }
    if (backend.service === undefined) {
      fail(this, KIND, prop, backend.node.path,
        'a workload with a `port`: a worker without a port has no Service and no readiness probe to route to');
    }
    if ('probe-readiness' in backend.skippedRules && !skips.has('ingress-backend')) {
      fail(this, KIND, prop, backend.node.path,
        'a backend whose pods have readiness probes (rule ingress-backend): it skips probe-readiness, so unready pods would get traffic. '
        + 'Give it a readiness probe, or skip: { \'ingress-backend\': \'<reason>\' }');
    }
    const backendNs = Chart.of(backend).namespace;
    if (backendNs !== namespace) {
      fail(this, KIND, prop, backend.node.path,
        `a backend in the namespace of the Ingress (${namespace ?? '(none)'}), not ${backendNs ?? '(none)'}: an Ingress routes only to Services of its own namespace; create the TlsIngress in the backend's chart`);
    }
  }

  private checkIssuer(issuer: ICertificateIssuer, own: string[], controller: IngressController, namespace: string | undefined): void {
    if (issuer === undefined || typeof issuer.issuerName !== 'string') {
      fail(this, KIND, 'issuer', issuer, 'an ICertificateIssuer: an AcmeIssuer or IssuerReference.clusterIssuer(name)');
    }
    checkDnsSubdomain(this, KIND, 'issuer.issuerName', issuer.issuerName);
    const wildcards = own.filter(isWildcard);
    if (wildcards.length > 0 && !issuer.issuesWildcards) {
      fail(this, KIND, 'hosts', wildcards,
        `hosts that ${describeIssuer(issuer)} can issue: ACME issues wildcard names only over DNS-01, HTTP-01 cannot. `
        + 'Use a WildcardCertificate with a DNS-01 issuer, or an issuer with a DNS-01 solver (AcmeSolver.cloudflare(), AcmeSolver.route53())');
    }
    checkIssuerNamespace(this, KIND, issuer, namespace);
    const classes = issuer.http01IngressClassNames;
    if (issuer.solvesHttp01 && !issuer.issuesWildcards && classes.length > 0 && !classes.includes(controller.ingressClassName)) {
      fail(this, KIND, 'issuer', describeIssuer(issuer),
        `an issuer whose HTTP-01 solver uses the ingress class of this TlsIngress ("${controller.ingressClassName}"), not ${classes.map((c) => `"${c}"`).join(', ')}: `
        + 'the challenge must be answered by the controller that receives the hosts\' traffic');
    }
  }

  private resolveHsts(props: TlsIngressProps, controller: IngressController) {
    const explicit = props.hstsMaxAge !== undefined || props.hstsIncludeSubdomains !== undefined || props.hstsPreload !== undefined;
    if (controller.type !== IngressControllerType.TRAEFIK) {
      if (explicit || props.hsts === false) {
        const where = controller.type === IngressControllerType.NGINX
          ? 'the ingress-nginx ConfigMap (hsts, hsts-max-age, hsts-include-subdomains, hsts-preload): ingress-nginx has no per-Ingress HSTS annotation, and configuration snippets are disabled by default because they can inject arbitrary nginx configuration'
          : 'the controller\'s own configuration: the generic profile writes no controller-specific settings';
        const prop = props.hsts === false ? 'hsts' : props.hstsMaxAge !== undefined ? 'hstsMaxAge' : props.hstsIncludeSubdomains !== undefined ? 'hstsIncludeSubdomains' : 'hstsPreload';
        const value = (props as any)[prop];
        fail(this, KIND, prop, value instanceof Duration ? showDuration(value, true) : value, `no HSTS settings on this controller profile: set them in ${where}`);
      }
      return undefined;
    }
    if (props.hsts === false) {
      if (explicit) fail(this, KIND, 'hsts', false, 'hsts true (the default) when hstsMaxAge, hstsIncludeSubdomains or hstsPreload is set');
      return undefined;
    }
    const maxAge = checkDuration(this, KIND, 'hstsMaxAge', props.hstsMaxAge ?? Duration.days(365), 1, 'at least 1 second, in whole seconds');
    const includeSubdomains = props.hstsIncludeSubdomains ?? false;
    const preload = props.hstsPreload ?? false;
    if (preload && (!includeSubdomains || maxAge < 31536000)) {
      fail(this, KIND, 'hstsPreload', preload, `hstsIncludeSubdomains true and hstsMaxAge of at least 365 days (now ${includeSubdomains ? '' : 'no includeSubDomains, '}${maxAge}s): the preload list requires both`);
    }
    return { maxAge, includeSubdomains, preload };
  }
}
