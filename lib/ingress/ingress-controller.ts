import { failAt } from '../core/errors';
import { checkPropsAt } from '../core/shapes';
import { annotationKeyProblem, checkAt, checkLabelsAt, dns1123LabelProblem, dns1123SubdomainProblem } from '../core/validate';
import { NetworkPeer } from '../network/network-peer';

/** The ingress controller families that TlsIngress knows how to configure. */
export enum IngressControllerType {
  /** Traefik (v2 and v3), through its Kubernetes Ingress provider and Middleware CRDs. */
  TRAEFIK = 'traefik',
  /** ingress-nginx (kubernetes/ingress-nginx), through its annotations. */
  NGINX = 'ingress-nginx',
  /** Any other controller: the ingress class only, no controller-specific annotations. */
  GENERIC = 'generic',
}

/** Where a Traefik controller runs and how its entrypoints are named. */
export interface TraefikControllerOptions {
  /**
   * Ingress class of the controller.
   * @default 'traefik'
   */
  readonly ingressClassName?: string;
  /**
   * Namespace of the controller pods (opened in the backends' NetworkPolicies).
   * @default 'traefik' (the Helm chart's usual namespace; k3s uses 'kube-system')
   */
  readonly namespace?: string;
  /**
   * Labels of the controller pods.
   * @default { 'app.kubernetes.io/name': 'traefik' }
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Entrypoint that terminates TLS (port 443).
   * @default 'websecure'
   */
  readonly secureEntrypoint?: string;
  /**
   * Plain HTTP entrypoint (port 80), where the redirect to HTTPS is served.
   * @default 'web'
   */
  readonly webEntrypoint?: string;
  /**
   * Whether Traefik already redirects the plain HTTP entrypoint to HTTPS for every router
   * (static configuration `entryPoints.web.http.redirections.entryPoint.to=websecure`).
   * Then TlsIngress makes neither the redirect Middleware nor the redirect Ingress.
   * @default false
   */
  readonly entrypointRedirect?: boolean;
}

/** Where an ingress-nginx controller runs. */
export interface NginxControllerOptions {
  /**
   * Ingress class of the controller.
   * @default 'nginx'
   */
  readonly ingressClassName?: string;
  /**
   * Namespace of the controller pods.
   * @default 'ingress-nginx'
   */
  readonly namespace?: string;
  /**
   * Labels of the controller pods.
   * @default { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' }
   */
  readonly podLabels?: { [key: string]: string };
}

/** Where another ingress controller runs. */
export interface GenericControllerOptions {
  /** Ingress class of the controller. */
  readonly ingressClassName: string;
  /** Namespace of the controller pods. */
  readonly namespace: string;
  /**
   * Labels of the controller pods.
   * @default - every pod in `namespace`
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Controller-specific annotations written to every Ingress, e.g. the controller's own
   * redirect switch (`haproxy.org/ssl-redirect: 'true'`).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * An ingress controller profile: the ingress class, where the controller's pods run (they
 * become the NetworkPeer that may reach the backends) and how HTTP is redirected to HTTPS
 * with HSTS (rule `ingress-redirect`).
 *
 * - `traefik()`: a TLS router on the `websecure` entrypoint with an HSTS headers Middleware,
 *   and a second Ingress on the `web` entrypoint with a redirectScheme Middleware.
 * - `nginx()`: `nginx.ingress.kubernetes.io/force-ssl-redirect: "true"`; HSTS comes from the
 *   controller ConfigMap (`hsts`, on by default), because ingress-nginx has no per-Ingress
 *   HSTS annotation and configuration snippets are disabled by default for safety.
 * - `generic()`: no controller-specific annotations; the redirect and HSTS are the
 *   controller's job (configure them there).
 */
export class IngressController {
  /** Traefik, with the Helm chart's defaults. */
  public static traefik(options: TraefikControllerOptions = {}): IngressController {
    checkPropsAt('IngressController.traefik()', 'TraefikControllerOptions', options, 'options');
    return new IngressController({
      type: IngressControllerType.TRAEFIK,
      ingressClassName: options.ingressClassName ?? 'traefik',
      namespace: options.namespace ?? 'traefik',
      podLabels: options.podLabels ?? { 'app.kubernetes.io/name': 'traefik' },
      secureEntrypoint: options.secureEntrypoint ?? 'websecure',
      webEntrypoint: options.webEntrypoint ?? 'web',
      entrypointRedirect: options.entrypointRedirect ?? false,
    });
  }

  /** ingress-nginx, with the Helm chart's defaults. */
  public static nginx(options: NginxControllerOptions = {}): IngressController {
    checkPropsAt('IngressController.nginx()', 'NginxControllerOptions', options, 'options');
    return new IngressController({
      type: IngressControllerType.NGINX,
      ingressClassName: options.ingressClassName ?? 'nginx',
      namespace: options.namespace ?? 'ingress-nginx',
      podLabels: options.podLabels ?? { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
    });
  }

  /** Another controller: only its class and where it runs are known. */
  public static generic(options: GenericControllerOptions): IngressController {
    checkPropsAt('IngressController.generic()', 'GenericControllerOptions', options, 'options');
    return new IngressController({
      type: IngressControllerType.GENERIC,
      ingressClassName: options.ingressClassName,
      namespace: options.namespace,
      podLabels: options.podLabels,
      annotations: options.annotations,
    });
  }

  /** The controller family. */
  public readonly type: IngressControllerType;
  /** The ingress class (`spec.ingressClassName`). */
  public readonly ingressClassName: string;
  /** Namespace of the controller pods. */
  public readonly namespace: string;
  /** Labels of the controller pods; undefined means every pod in the namespace. */
  public readonly podLabels?: { [key: string]: string };
  /** Controller-specific annotations written to every Ingress (generic profile). */
  public readonly annotations: { [key: string]: string };
  /** Traefik: the TLS entrypoint. */
  public readonly secureEntrypoint?: string;
  /** Traefik: the plain HTTP entrypoint. */
  public readonly webEntrypoint?: string;
  /** Traefik: the controller redirects HTTP to HTTPS at the entrypoint already. */
  public readonly entrypointRedirect: boolean;
  /** The controller's pods, as a network peer. */
  public readonly peer: NetworkPeer;

  private constructor(p: ControllerSettings) {
    checkControllerSettings(p);
    this.type = p.type;
    this.ingressClassName = p.ingressClassName;
    this.namespace = p.namespace;
    this.podLabels = p.podLabels ? { ...p.podLabels } : undefined;
    this.annotations = { ...(p.annotations ?? {}) };
    this.secureEntrypoint = p.secureEntrypoint;
    this.webEntrypoint = p.webEntrypoint;
    this.entrypointRedirect = p.entrypointRedirect ?? false;
    this.peer = NetworkPeer.namespace(p.namespace, this.podLabels);
  }
}

interface ControllerSettings {
  readonly type: IngressControllerType;
  readonly ingressClassName: string;
  readonly namespace: string;
  readonly podLabels?: { [key: string]: string };
  readonly annotations?: { [key: string]: string };
  readonly secureEntrypoint?: string;
  readonly webEntrypoint?: string;
  readonly entrypointRedirect?: boolean;
}

/** Checks a profile when it is built, so that every construct that takes it gets a valid one. */
function checkControllerSettings(p: ControllerSettings): void {
  const factory = p.type === IngressControllerType.NGINX ? 'nginx' : p.type;
  const where = `IngressController.${factory}()`;
  checkAt(where, 'ingressClassName', p.ingressClassName, dns1123SubdomainProblem(p.ingressClassName));
  checkAt(where, 'namespace', p.namespace, dns1123LabelProblem(p.namespace));
  if (p.podLabels !== undefined) checkLabelsAt(where, 'podLabels', p.podLabels);
  for (const key of Object.keys(p.annotations ?? {})) {
    checkAt(where, 'annotations key', key, annotationKeyProblem(key));
    const value = p.annotations![key];
    if (typeof value !== 'string') failAt(where, `annotations.${key}`, value, 'a string (annotation values are strings: quote numbers and booleans)');
  }
  for (const [prop, v] of [['secureEntrypoint', p.secureEntrypoint], ['webEntrypoint', p.webEntrypoint]] as const) {
    if (p.type === IngressControllerType.TRAEFIK && (typeof v !== 'string' || !/^[A-Za-z0-9_-]+$/.test(v))) {
      failAt(where, prop, v, 'a Traefik entrypoint name such as "websecure"');
    }
  }
  if (p.type === IngressControllerType.TRAEFIK && p.secureEntrypoint === p.webEntrypoint) {
    failAt(where, 'webEntrypoint', p.webEntrypoint, 'an entrypoint other than secureEntrypoint: the redirect is served on the plain HTTP one');
  }
}
