/**
 * The rule catalog: one entry per rule (docs/practices.md is generated from it by
 * `npm run docs:practices`).
 *
 * The constructs satisfy these rules by construction; the checker verifies the same
 * rules on the final JSON of every object of an app. Ids are stable: they appear in
 * error messages, in skip annotations and in the checker's `--json` report.
 */

/** Where a rule belongs in the catalog. */
export type RuleGroup = 'api' | 'workload' | 'namespace' | 'ingress' | 'secret' | 'app';

export interface RuleInfo {
  /** Stable rule id. */
  readonly id: string;
  readonly group: RuleGroup;
  /** One line: what the rule requires. */
  readonly requirement: string;
  /** Why the rule exists (field report in parentheses). */
  readonly reason: string;
  /** How to satisfy the rule. */
  readonly fix: string;
  /** Profiles that include the rule. */
  readonly profiles: readonly string[];
  /** Props and options that tune the rule rather than switch it off (optional). */
  readonly settings?: string;
}

const ALL = ['restricted', 'baseline'] as const;
const STRICT = ['restricted'] as const;

export const RULES: readonly RuleInfo[] = [
  { id: 'image-pinned', group: 'workload', profiles: ALL, settings: '`pinnedTagPattern` and `requireDigest` (workload props, GuardrailsDefaults, Guardrails.enforce options; `--pinned-tag-pattern`, `--require-digest`)',
    requirement: 'every image names a pinned tag (a full version such as 1.4.2, a date or a commit hash; `latest`, `stable`, `3` move) or a digest',
    reason: 'an unpinned manifest stops working one day and nobody knows which image used to run (000)',
    fix: 'use an image such as `registry/app:1.4.2` or `registry/app@sha256:...`' },
  { id: 'image-registry', group: 'workload', profiles: ALL, settings: '`allowedRegistries` (workload prop, GuardrailsDefaults, Guardrails.enforce option; `--allowed-registry`); any registry when none is given',
    requirement: 'images come only from allowed registries',
    reason: 'public images get deleted; allow-listed egress breaks on registry redirects (000)',
    fix: 'pull the image through one of the allowed registries (a private mirror)' },
  { id: 'replicas-min', group: 'workload', profiles: STRICT,
    requirement: 'a stateless Deployment runs at least 2 replicas (HPA minReplicas at least 2)',
    reason: 'pods come and go with node replacement; one replica means downtime (002)',
    fix: 'set replicas (or the HPA minReplicas) to 2 or more' },
  { id: 'spread-nodes', group: 'workload', profiles: STRICT,
    requirement: 'replicas are spread across nodes (topology spread or pod anti-affinity on kubernetes.io/hostname)',
    reason: 'one node failure must not take every replica (002)',
    fix: 'add a topologySpreadConstraint and a preferred podAntiAffinity term on kubernetes.io/hostname' },
  { id: 'spread-zones', group: 'workload', profiles: STRICT,
    requirement: 'replicas are spread across zones (topology.kubernetes.io/zone)',
    reason: 'one zone failure must not take every replica (002)',
    fix: 'add a topologySpreadConstraint on topology.kubernetes.io/zone (ScheduleAnyway is enough)' },
  { id: 'probe-readiness', group: 'workload', profiles: ALL,
    requirement: 'every serving container has a readiness probe',
    reason: 'starting or failing pods must leave the load balancer (002, 003)',
    fix: 'add a readinessProbe to every container that declares a port' },
  { id: 'probe-liveness', group: 'workload', profiles: ALL,
    requirement: 'every long-running container has a liveness probe that differs from its readiness probe',
    reason: 'a hung process must be restarted, but not on the first slow answer (002)',
    fix: 'add a livenessProbe with a higher failureThreshold or period than the readinessProbe' },
  { id: 'graceful-shutdown', group: 'workload', profiles: STRICT,
    requirement: 'terminationGracePeriodSeconds is set and longer than a preStop delay that lets endpoints drain',
    reason: 'a Service keeps sending traffic to a terminating pod for seconds; SIGKILL cuts requests (002, 003)',
    fix: 'add lifecycle.preStop (a short sleep) and a terminationGracePeriodSeconds above that delay' },
  { id: 'pdb', group: 'workload', profiles: STRICT,
    requirement: 'every workload with 2+ replicas has a PodDisruptionBudget that selects exactly its pods and allows a drain',
    reason: 'node maintenance must not take every replica at once, nor block forever (002)',
    fix: 'add a PodDisruptionBudget with the workload selector and maxUnavailable: 1' },
  { id: 'resources', group: 'workload', profiles: ALL, settings: '`resourcePreset` and `resources` on the workload, `resourcePreset` in GuardrailsDefaults',
    requirement: 'every container requests cpu and memory and has a memory limit',
    reason: 'the scheduler and the namespace quota need requests; an unbounded container starves its neighbours (004, 000)',
    fix: 'set resources.requests.cpu, resources.requests.memory and resources.limits.memory' },
  { id: 'pod-security', group: 'workload', profiles: ALL,
    requirement: 'Pod Security Standards "restricted" (baseline in the baseline profile)',
    reason: 'shared clusters need the isolation that PodSecurityPolicy used to give (000, 004)',
    fix: 'set runAsNonRoot, allowPrivilegeEscalation: false, capabilities.drop [ALL], seccompProfile RuntimeDefault, readOnlyRootFilesystem; no privileged, host namespaces or hostPath' },
  { id: 'service-account', group: 'workload', profiles: STRICT,
    requirement: 'each workload has its own ServiceAccount and does not mount its token unless it asks to',
    reason: 'whoever can create pods in a namespace can use every ServiceAccount there (002, 001)',
    fix: 'create a ServiceAccount for the workload, set serviceAccountName and automountServiceAccountToken: false' },
  { id: 'arch-explicit', group: 'workload', profiles: STRICT, settings: '`architecture` on the workload or in GuardrailsDefaults; the check applies with `requireArchitecture` (`--require-architecture`)',
    requirement: 'workloads pin kubernetes.io/arch when the app declares a mixed-architecture cluster',
    reason: 'an image built for one architecture does not run on another (000)',
    fix: 'add nodeSelector kubernetes.io/arch (or a required node affinity on it)' },
  { id: 'config-immutable', group: 'workload', profiles: STRICT,
    requirement: 'ConfigMaps and Secrets used by a workload are immutable and named by a hash of their content (a kustomize generator\'s hash-suffixed name, such as app-config-5f7h9k2m4b, needs no immutable: each change is a new object)',
    reason: 'editing config in place neither restarts pods nor can be rolled back (002)',
    fix: 'set immutable: true and put a content hash in the name (HashedConfigMap does both)' },
  { id: 'config-external', group: 'workload', profiles: STRICT,
    requirement: 'environment-specific values (proxies, endpoints) come from config, not literals in the pod spec',
    reason: 'one image and one workload definition for every environment (000, twelve-factor)',
    fix: 'move proxy and endpoint variables into a ConfigMap and reference it' },
  { id: 'rwo-volume', group: 'workload', profiles: ALL,
    requirement: 'a Deployment with more than one replica never mounts a ReadWriteOnce claim; with one replica it uses Recreate',
    reason: 'a ReadWriteOnce block device attaches to one node only (003)',
    fix: 'use a StatefulSet with volumeClaimTemplates, or one replica with strategy Recreate' },
  { id: 'rollout', group: 'workload', profiles: STRICT,
    requirement: 'updates roll out by themselves (no OnDelete on a StatefulSet or DaemonSet), and rolling updates keep full capacity (maxUnavailable 0, maxSurge >= 1) with minReadySeconds and progressDeadlineSeconds',
    reason: 'a deploy must not reduce capacity (002)',
    fix: 'set strategy.rollingUpdate maxUnavailable: 0, maxSurge: 1, minReadySeconds and progressDeadlineSeconds' },
  { id: 'kind-fields', group: 'workload', profiles: ALL,
    requirement: 'each kind\'s own fields hold values that work for it (the values the API server refuses, such as a restartPolicy the kind does not allow, activeDeadlineSeconds under a controller, a rollingUpdate with Recreate or OnDelete, a CronJob job template with a selector, an init container restartPolicy other than Always, an unknown concurrencyPolicy or podManagementPolicy, a claim template without storage, negative counts or a DaemonSet\'s replicas, are api-valid findings only): a StatefulSet serviceName naming a headless Service, a CronJob schedule that fires, no Job deadline of 0 seconds, and no field newer than the object\'s target Kubernetes version (annotation guardrails.cdk8s.io/kubernetes-version, else 1.27)',
    reason: 'a patched or hand-written object that breaks one is accepted and never works (a schedule for February 30), or an older API server refuses or drops a newer field',
    fix: 'set the field to a value the kind accepts, as the message says' },
  { id: 'metrics', group: 'workload', profiles: STRICT, settings: '`metrics` (scrape method, port, path, scraper) on the workload or in GuardrailsDefaults',
    requirement: 'a serving workload can be scraped by Prometheus (ServiceMonitor/PodMonitor or scrape annotations), on a port its containers declare',
    reason: 'Prometheus endpoints on every app (001, 002)',
    fix: 'add a ServiceMonitor or PodMonitor that selects the pods, or prometheus.io/scrape annotations' },
  { id: 'labels', group: 'workload', profiles: STRICT,
    requirement: 'objects carry the recommended app.kubernetes.io/name, instance and managed-by labels; a Service selects pods of the app and targets ports they declare',
    reason: 'consistent selection and grouping (004)',
    fix: 'add the app.kubernetes.io/* labels to the object metadata' },
  { id: 'network-calls', group: 'workload', profiles: ALL,
    requirement: 'every address of one of the app\'s own Services in a workload\'s env or config is reachable: the NetworkPolicies let the caller reach that Service\'s pods on that port; and the pods of a LoadBalancer or NodePort Service let in the outside traffic it sends them',
    reason: 'with default-deny, an address without the matching egress and ingress rules is a call that fails at run time, and nothing else in the manifests says so',
    fix: 'declare the call once on the caller (`calls: [{ workload, port, env }]` or `connectTo(workload, port)`), or add the egress rule on the caller and the ingress rule on the callee for that port' },
  { id: 'network-exposure', group: 'workload', profiles: ALL,
    requirement: 'a Service of type LoadBalancer or NodePort, which opens its pods to the world outside the cluster, exists only with a written reason',
    reason: 'every load balancer is a public entry point that costs money and bypasses the ingress controller, its TLS and its redirects; a node port opens every node',
    fix: 'serve it through a TlsIngress (a ClusterIP Service), or expose the workload with ExternalService and a reason (the annotation guardrails.cdk8s.io/skip.network-exposure)' },
  { id: 'ns-pod-security', group: 'namespace', profiles: ALL,
    requirement: 'the namespace enforces Pod Security "restricted" with enforce, audit and warn labels, version pinned; and no workload in it has pods that its enforced level (at its enforce-version) refuses. A workload\'s skip or exception of pod-security waives the catalog\'s opinion, not admission: such a refusal is hidden by no skip annotation, only by changing the workload or lowering the namespace\'s enforce level',
    reason: 'the successor of PodSecurityPolicy (000); a pod that admission refuses never runs, while the Deployment that asks for it is accepted',
    fix: 'label the namespace pod-security.kubernetes.io/enforce|audit|warn=restricted and the matching -version labels; for a refused pod, set the field as the message says' },
  { id: 'ns-default-deny', group: 'namespace', profiles: STRICT,
    requirement: 'a default-deny NetworkPolicy for ingress and egress, then explicit allows',
    reason: 'NetworkPolicy is the only isolation between tenants (000, 002)',
    fix: 'add a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules' },
  { id: 'ns-quota', group: 'namespace', profiles: STRICT,
    requirement: 'a ResourceQuota bounds cpu, memory, pods, services, load balancers and storage',
    reason: 'one team must not exhaust the cluster (002, 004)',
    fix: 'add a ResourceQuota to the namespace' },
  { id: 'ns-limits', group: 'namespace', profiles: STRICT,
    requirement: 'a LimitRange gives defaults to containers that set none',
    reason: 'quota needs every pod to request resources (004)',
    fix: 'add a LimitRange with default and defaultRequest for containers' },
  { id: 'ns-rbac', group: 'namespace', profiles: STRICT,
    requirement: 'Roles and bindings grant no wildcards, and Secrets, exec and pod creation only on purpose',
    reason: 'RBAC cannot limit Secret mounts, so keep grants narrow (001, 002)',
    fix: 'list resources and verbs explicitly; grant secrets, pods/exec and pods create only with a skip reason' },
  { id: 'ingress-tls', group: 'ingress', profiles: ALL,
    requirement: 'every host is served over TLS with a certificate that cert-manager issues',
    reason: 'expired certificates take clusters down (000, 001, 002)',
    fix: 'list every host under spec.tls and set the cert-manager.io/cluster-issuer (or issuer) annotation' },
  { id: 'ingress-redirect', group: 'ingress', profiles: STRICT,
    requirement: 'plain HTTP redirects to HTTPS',
    reason: 'no credentials or cookies over plain HTTP',
    fix: 'configure the controller redirect (TlsIngress does this per controller profile)' },
  { id: 'ingress-dns', group: 'ingress', profiles: STRICT,
    requirement: 'the public hostname is published by external-dns',
    reason: 'no hand-made DNS records (001, 002)',
    fix: 'add the external-dns.alpha.kubernetes.io/hostname annotation' },
  { id: 'ingress-wildcard', group: 'ingress', profiles: STRICT,
    requirement: 'hosts under one domain can share one wildcard certificate',
    reason: 'dozens of certificates mean noise and issuer rate limits (001)',
    fix: 'use one TLS secret for *.domain across the hosts under it' },
  { id: 'ingress-backend', group: 'ingress', profiles: ALL,
    requirement: 'an ingress routes only to existing services whose pods have readiness probes',
    reason: 'traffic must skip unready pods (003)',
    fix: 'route to a Service of the app that selects pods with readiness probes' },
  { id: 'secret-no-plaintext', group: 'secret', profiles: ALL,
    requirement: 'no Secret with literal values is synthesized (SOPS-encrypted values aside), no secret is a literal in env, args, ConfigMaps, annotations, templates or stores (a name that says secret, a token, key or password format), and every Secret a pod reads has exactly one source that makes the keys it reads',
    reason: 'raw Secrets must never be committed to git (001, 002)',
    fix: 'use an ExternalSecret, a SealedSecret or a Secret that already exists in the cluster' },
  { id: 'api-valid', group: 'api', profiles: ALL,
    requirement: 'the object is one a Kubernetes API server accepts: names, labels, annotations, keys, ports, quantities and selectors follow the API server\'s own validation, and built-in objects match Kubernetes\' OpenAPI schema (types, known fields, required fields, enum values, bounds)',
    reason: 'a manifest the API server refuses fails the whole apply at deploy time, long after review; Helm output, included YAML and patches are not checked by the constructs',
    fix: 'change the field to a value the API server accepts (the message says what is allowed); no skip annotation or disabled rule changes what the API server refuses' },
  { id: 'override', group: 'app', profiles: ALL,
    requirement: 'every generated field can be changed or removed without forking',
    reason: 'a template can only change what it left a hole for (000)',
    fix: 'use construct props, then ApiObject.of(child).addJsonPatch(...)' },
  { id: 'deterministic', group: 'app', profiles: ALL,
    requirement: 'the same input gives byte-identical YAML',
    reason: 'manifests are reviewed and committed for GitOps (001, 002)',
    fix: 'do not use dates, random values or unordered iteration in the app' },
  { id: 'environments', group: 'app', profiles: ALL,
    requirement: 'one app definition synthesizes every environment from typed settings',
    reason: 'clusters are replaced by standing up a new one and moving apps across (003)',
    fix: 'pass per-environment settings as props' },
];

/**
 * Whether a rule can be switched off (skip annotation, `Guardrails.skip`, disabledRules):
 * not `api-valid`, since the API server reads none of them, nor the library properties.
 */
export function isSwitchable(rule: RuleInfo): boolean {
  return rule.group !== 'api' && rule.group !== 'app';
}

/** Why a rule cannot be switched off, for messages. */
export function notSwitchableWhy(id: string): string {
  return id === 'api-valid'
    ? 'the API server refuses an invalid object whatever its annotations say, so api-valid cannot be switched off; fix the object'
    : `${id} is a property of the library, not of objects`;
}

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

/** The rule with this id, or undefined. */
export function findRule(id: string): RuleInfo | undefined {
  return BY_ID.get(id);
}

/** Every rule id, in catalog order. */
export const RULE_IDS: readonly string[] = RULES.map((r) => r.id);
