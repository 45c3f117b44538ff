import { IConstruct } from 'constructs';
import { firstReader, hasScopeDefaults, inheritedAt, ScopeDefaults, setScopeDefaults } from '../core/defaults';
import { fail } from '../core/errors';
import { checkProps } from '../core/shapes';
import { checkDnsSubdomain, checkNonEmptyLabelValue } from '../core/validate';
import { ICertificateIssuer } from '../ingress/certificate-issuer';
import { IngressController } from '../ingress/ingress-controller';
import { WORKLOAD_DEFAULT_KEYS } from '../pods/defaults';
import { MetricsOptions } from '../pods/props';
import { resolveNodeSelector } from '../pods/scheduling';
import { checkAllowedRegistries } from '../pods/security';
import { KubernetesVersion } from '../pods/version';
import { findRule, RULES } from '../practices/catalog';
import { resolveOptions } from '../practices/options';
import { ResourcePreset } from '../workloads/resources';

const KIND = 'GuardrailsDefaults';

/** The rule groups whose constructs take a `skip` prop, and so a default one. */
const SKIPPABLE_GROUPS = ['workload', 'namespace', 'ingress'];

/**
 * The constructs' opinions for a whole app or chart, set once instead of on every construct.
 *
 * Precedence, for each property: the construct's own prop, then the nearest scope that sets
 * the default (a Chart or an IsolatedNamespace), then the app (`GuardrailsApp` `defaults`),
 * then the library default documented on the construct's prop. `skip` is merged rule by rule
 * in the same order: a construct's own reason wins.
 */
export interface GuardrailsDefaultsProps {
  /**
   * Resource preset of every workload's main container (rule `resources`).
   * @default - the workload prop's default, ResourcePreset.SMALL
   */
  readonly resourcePreset?: ResourcePreset;
  /**
   * Registries every workload's images may come from (rule `image-registry`): `host`,
   * `host:port` or `host/path` in lower case.
   * @default - any registry
   */
  readonly allowedRegistries?: string[];
  /**
   * Require every workload image to be pinned by digest (rule `image-pinned`).
   * @default false
   */
  readonly requireDigest?: boolean;
  /**
   * What counts as a pinned tag for every workload (rule `image-pinned`): a regular
   * expression that the whole tag must match.
   * @default - a full version, a date stamp or a commit hash
   */
  readonly pinnedTagPattern?: string;
  /**
   * Prometheus scraping of every workload that declares a port (rule `metrics`): method,
   * port, path, interval and scraper. To switch scraping off for the app, skip the rule with
   * its reason: `skip: { metrics: 'no Prometheus in this cluster' }`. A workload's own
   * `metrics` prop turns it back on for that workload.
   * @default - scrape annotations on the first port at /metrics
   */
  readonly metrics?: MetricsOptions;
  /**
   * CPU architecture every workload pins (`kubernetes.io/arch`, rule `arch-explicit`),
   * e.g. 'amd64' or 'arm64'.
   * @default - any architecture
   */
  readonly architecture?: string;
  /**
   * `app.kubernetes.io/part-of` label of every workload: the application they belong to.
   * @default - each workload's name
   */
  readonly partOf?: string;
  /**
   * PriorityClass of every workload's pods: a DNS-1123 subdomain.
   * @default - the cluster default
   */
  readonly priorityClassName?: string;
  /**
   * Kubernetes version the output must fit, for every workload (the same as
   * `KubernetesVersion.setTarget(scope, version)`).
   * @default KubernetesVersion.DEFAULT (1.27)
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /**
   * Ingress controller profile of every TlsIngress.
   * @default IngressController.traefik()
   */
  readonly ingressController?: IngressController;
  /**
   * Certificate issuer of every TlsIngress.
   * @default IssuerReference.clusterIssuer('letsencrypt-prod')
   */
  readonly issuer?: ICertificateIssuer;
  /**
   * Rules switched off for every construct below the scope that can switch them off, rule id
   * -> reason: workload rules on each SafeDeployment, SafeStatefulSet, SafeDaemonSet, SafeJob
   * and SafeCronJob; namespace rules on each IsolatedNamespace; ingress rules on each
   * TlsIngress. Each one writes its reason as the annotation `guardrails.cdk8s.io/skip.<rule>`,
   * as a construct's own `skip` does. Secret rules are switched off with
   * `Guardrails.enforce(scope, { disabledRules })` or on an object with `Guardrails.skip`.
   * @default - every rule applies
   */
  readonly skip?: { [ruleId: string]: string };
}

/**
 * App- and chart-wide defaults of the constructs' opinions (see GuardrailsDefaultsProps for
 * the precedence). Set them once per scope, before the constructs under it are created:
 *
 *   new GuardrailsApp({ defaults: { skip: { metrics: 'no Prometheus in this cluster' } } });
 *   GuardrailsDefaults.set(chart, { resourcePreset: ResourcePreset.MEDIUM });
 */
export class GuardrailsDefaults {
  /**
   * Sets the defaults of every construct created under `scope` (an App, a Chart, an
   * IsolatedNamespace).
   * @throws when the scope has defaults already (set them in one call), when a construct
   *   under the scope exists already (it would not get them; the scope itself and what its
   *   own constructor made, such as an IsolatedNamespace's objects, do not count), or on a bad value: an unknown
   *   rule id or an empty reason in `skip`, a bad registry or pattern, a value of the wrong type
   */
  public static set(scope: IConstruct, defaults: GuardrailsDefaultsProps): void {
    if (defaults === null || typeof defaults !== 'object' || Array.isArray(defaults)) {
      fail(scope, KIND, 'defaults', defaults, 'an object such as { resourcePreset: ResourcePreset.MEDIUM }');
    }
    // A misspelt or mistyped default would be ignored: the same shape check as GuardrailsApp's.
    checkProps(scope, KIND, 'GuardrailsDefaultsProps', defaults, 'defaults');
    if (hasScopeDefaults(scope)) {
      fail(scope, KIND, 'scope', scope.node.path, 'a scope without defaults: set the defaults of a scope in one call');
    }
    const early = firstReader(scope);
    if (early !== undefined) {
      fail(scope, KIND, 'scope', scope.node.path, `a scope without constructs yet: '${early.node.path}' was created before the defaults and would not get them; set the defaults first`);
    }
    const d = defaults;
    if (d.resourcePreset !== undefined && !(d.resourcePreset instanceof ResourcePreset)) {
      fail(scope, KIND, 'resourcePreset', d.resourcePreset, 'a ResourcePreset such as ResourcePreset.MEDIUM');
    }
    for (const prop of ['requireDigest'] as const) {
      if (d[prop] !== undefined && typeof d[prop] !== 'boolean') fail(scope, KIND, prop, d[prop], 'true or false');
    }
    for (const prop of ['architecture', 'partOf', 'priorityClassName'] as const) {
      if (d[prop] !== undefined && (typeof d[prop] !== 'string' || d[prop] === '')) fail(scope, KIND, prop, d[prop], 'a non-empty string');
    }
    // What a workload would refuse is refused here, naming the defaults and their scope
    // rather than a workload whose props never held the value.
    checkAllowedRegistries(scope, KIND, d.allowedRegistries);
    if (d.architecture !== undefined) resolveNodeSelector(scope, KIND, undefined, d.architecture);
    if (d.partOf !== undefined) checkNonEmptyLabelValue(scope, KIND, 'partOf', d.partOf);
    if (d.priorityClassName !== undefined) checkDnsSubdomain(scope, KIND, 'priorityClassName', d.priorityClassName);
    if (d.metrics !== undefined && (d.metrics === null || typeof d.metrics !== 'object' || Array.isArray(d.metrics))) {
      fail(scope, KIND, 'metrics', d.metrics, 'MetricsOptions such as { method: ScrapeMethod.SERVICE_MONITOR }; to switch scraping off, skip: { metrics: \'<reason>\' }');
    }
    if (d.ingressController !== undefined && !(d.ingressController instanceof IngressController)) {
      fail(scope, KIND, 'ingressController', d.ingressController, 'an IngressController such as IngressController.nginx()');
    }
    if (d.issuer !== undefined && (d.issuer === null || typeof d.issuer !== 'object')) {
      fail(scope, KIND, 'issuer', d.issuer, 'a certificate issuer such as IssuerReference.clusterIssuer(\'letsencrypt-prod\') or an AcmeIssuer');
    }
    if (d.kubernetesVersion !== undefined && !(d.kubernetesVersion instanceof KubernetesVersion)) {
      fail(scope, KIND, 'kubernetesVersion', d.kubernetesVersion, 'a KubernetesVersion such as KubernetesVersion.V1_30');
    }
    // Registries and the tag pattern, as the checker reads them.
    resolveOptions({ allowedRegistries: d.allowedRegistries, pinnedTagPattern: d.pinnedTagPattern },
      (property, value, allowed) => fail(scope, KIND, property, value, allowed));
    const skip = GuardrailsDefaults.checkSkip(scope, d.skip);

    const data: { [key: string]: unknown } = {
      resourcePreset: d.resourcePreset,
      allowedRegistries: d.allowedRegistries === undefined ? undefined : [...d.allowedRegistries],
      requireDigest: d.requireDigest,
      pinnedTagPattern: d.pinnedTagPattern,
      metrics: d.metrics === undefined ? undefined : { ...d.metrics },
      architecture: d.architecture,
      partOf: d.partOf,
      priorityClassName: d.priorityClassName,
      controller: d.ingressController,
      issuer: d.issuer,
      skip,
    };
    for (const k of Object.keys(data)) if (data[k] === undefined) delete data[k];
    if (d.kubernetesVersion !== undefined) KubernetesVersion.setTarget(scope, d.kubernetesVersion);
    setScopeDefaults(scope, data as ScopeDefaults);
  }

  /**
   * The defaults that reach a construct created under `scope`: for each property, the
   * nearest scope that sets it (`scope` itself included); `skip` merged rule by rule.
   */
  public static of(scope: IConstruct): GuardrailsDefaultsProps {
    const keys = [...WORKLOAD_DEFAULT_KEYS, 'controller', 'issuer'];
    const { values, skip } = inheritedAt(scope.node.scopes, keys, RULES.map((r) => r.id));
    const version = KubernetesVersion.of(scope);
    const out: { [key: string]: unknown } = {
      ...values,
      controller: undefined,
      ingressController: values.controller,
      kubernetesVersion: version === KubernetesVersion.DEFAULT ? undefined : version,
      skip: Object.keys(skip).length > 0 ? skip : undefined,
    };
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    return out as GuardrailsDefaultsProps;
  }

  private static checkSkip(scope: IConstruct, skip: { [ruleId: string]: string } | undefined): { [ruleId: string]: string } | undefined {
    if (skip === undefined) return undefined;
    if (skip === null || typeof skip !== 'object' || Array.isArray(skip)) {
      fail(scope, KIND, 'skip', skip, 'a map of rule ids to reasons, e.g. { metrics: \'no Prometheus in this cluster\' }');
    }
    const out: { [ruleId: string]: string } = {};
    for (const id of Object.keys(skip).sort()) {
      const rule = findRule(id);
      const ids = RULES.filter((r) => SKIPPABLE_GROUPS.includes(r.group)).map((r) => r.id);
      if (rule === undefined) fail(scope, KIND, `skip.${id}`, id, `a rule id of the catalog: ${ids.join(', ')}`);
      if (!SKIPPABLE_GROUPS.includes(rule.group)) {
        fail(scope, KIND, `skip.${id}`, id, `a rule that a construct switches off (${rule.group} rules are switched off with Guardrails.enforce(scope, { disabledRules }) or Guardrails.skip): ${ids.join(', ')}`);
      }
      const reason = skip[id];
      if (typeof reason !== 'string' || reason.trim() === '') {
        fail(scope, KIND, `skip.${id}`, reason, 'a non-empty reason: switching a rule off must say why');
      }
      out[id] = reason.trim();
    }
    return out;
  }

  private constructor() {}
}
