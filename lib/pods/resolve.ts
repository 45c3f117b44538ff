import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { explainForeignProps } from '../core/shapes';
import { ConstructKind } from '../core/kinds';
import {
  KUBERNETES_VERSION_ANNOTATION, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, LABEL_PART_OF, LABEL_VERSION, MANAGED_BY, PINNED_TAG_PATTERN_ANNOTATION,
} from '../core/labels';
import {
  checkAnnotationsSize, checkBoolean, checkConfigData, checkDistinctPaths, checkDnsSubdomain, checkLabels, checkNonEmptyLabelValue, checkUnused, dns1035LabelProblem, dns1123LabelProblem, isLabelValue,
} from '../core/validate';
import { NetworkPeer } from '../network/network-peer';
import { ENV_LINE, exceptionAnnotations, MIN_ID, POD_SECURITY, PodSecurityException, SECRET_ENV_CHECK, SECRET_NO_PLAINTEXT, SKIPPABLE_CHECKS } from '../practices/exceptions';
import { skipAnnotationBytes, validateSkips } from '../practices/skip';
import { RenderedResources, ResourcePreset, resolveResources } from '../workloads/resources';
import { PodPorts, ResolvedMetrics, ResolvedPort, resolveMainPorts, resolveMetrics } from './ports';
import { ProbeTarget, ResolvedProbe, resolveProbes } from './probes';
import { InitContainerProps, SafeContainerProps, SafePodProps, ScrapeMethod, SidecarContainerProps, SpreadProps } from './props';
import { checkId, checkImage } from './security';
import { ResolvedSpread, resolveNodeSelector, resolveSpread } from './scheduling';
import { ResolvedPreStop, ResolvedShutdown, resolvePreStop, resolveShutdown } from './shutdown';
import { PodSecrets } from './secrets';
import { PodConfig, PodVolumes, ResolvedEnv, ResolvedMount, ResolvedVolume } from './volumes';
import { KubernetesVersion, takeTarget } from './version';

// Props of a sidecar on an init container, from untyped callers: refused with the reason.
explainForeignProps('InitContainerProps', ['ports', 'readiness', 'liveness', 'native', 'preStopCommand'],
  (field) => `no ${field} on an init container: it runs to completion before the app starts; make it a sidecar instead`);

export { ResolvedEnv, ResolvedMount, ResolvedPort, ResolvedVolume };

/** The main container's name. */
const MAIN = 'app';

/** A container, resolved and validated. */
export interface ResolvedContainer {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly ports: ResolvedPort[];
  readonly env: ResolvedEnv[];
  readonly mounts: ResolvedMount[];
  readonly readiness?: ResolvedProbe;
  readonly liveness?: ResolvedProbe;
  readonly startup?: ResolvedProbe;
  readonly preStop?: ResolvedPreStop;
  readonly resources: RenderedResources;
  /** 'Always' for a native sidecar. */
  readonly restartPolicy?: string;
}

/** A port of the workload's Service. */
export interface ResolvedServicePort { readonly name: string; readonly port: number; readonly targetPort: number; readonly protocol: string }

/**
 * Everything a pod template and the workload's shared children need, as plain validated
 * data. Resolving raises every error; writing raises none.
 */
export interface ResolvedPod {
  readonly kind: ConstructKind;
  readonly version: KubernetesVersion;
  readonly name: string;
  /** Rules switched off as a whole: rule id -> reason. */
  readonly skips: Map<string, string>;
  /** Checks of rule pod-security waived for exactly what the props ask (`skip['pod-security.runAsUser']`...). */
  readonly exceptions: PodSecurityException[];
  readonly selectorLabels: { [key: string]: string };
  readonly labels: { [key: string]: string };
  /** Annotations of the workload object (besides skips). */
  readonly objectAnnotations: { [key: string]: string };
  /** Annotations of the pod template. */
  readonly podAnnotations: { [key: string]: string };
  /** The main container first, then the sidecars that are not native. */
  readonly containers: ResolvedContainer[];
  /** Native sidecars first (so that init containers can use them), then the init containers in order. */
  readonly initContainers: ResolvedContainer[];
  readonly volumes: ResolvedVolume[];
  /** Data of the hashed ConfigMap (env values and files); empty: no ConfigMap. */
  readonly configData: { [key: string]: string };
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly readOnlyRootFilesystem: boolean;
  readonly automountServiceAccountToken: boolean;
  readonly terminationGracePeriodSeconds: number;
  readonly nodeSelector?: { [key: string]: string };
  readonly priorityClassName?: string;
  /** Replicated kinds: topology spread and anti-affinity. */
  readonly spread?: ResolvedSpread;
  readonly metrics?: ResolvedMetrics;
  /** Ports of the Service; empty: no Service. */
  readonly servicePorts: ResolvedServicePort[];
  /** Numbers of the exposed container ports, each once. */
  readonly servingPorts: number[];
  /** Exposed container ports with their protocols, opened to peers that name the workload. */
  readonly servingNetworkPorts: Array<{ readonly port: number; readonly protocol: string }>;
  /** The main container has a port. */
  readonly serving: boolean;
  readonly allowFrom: NetworkPeer[];
  readonly allowTo: NetworkPeer[];
  readonly clusterDns: NetworkPeer;
}

/** A required Kubernetes version for a field: an error naming it when the target is older. */
export function requireVersion(scope: IConstruct, kind: string, target: KubernetesVersion, needed: KubernetesVersion, prop: string, value: unknown, what: string): void {
  if (!target.atLeast(needed)) {
    fail(scope, kind, prop, value,
      `Kubernetes ${needed.name} or newer for ${what}, but the target is ${target.name}: raise it with KubernetesVersion.setTarget(app, KubernetesVersion.V1_${needed.minor}) or kubernetesVersion, or leave ${prop} out`);
  }
}

/** What resolving one pod shares between its steps. */
interface PodContext {
  readonly scope: IConstruct;
  /** The object name. */
  readonly name: string;
  /** The construct name for errors. */
  readonly K: string;
  readonly kind: ConstructKind;
  readonly props: SafePodProps;
  readonly skips: Map<string, string>;
  readonly version: KubernetesVersion;
  readonly ports: PodPorts;
  readonly config: PodConfig;
  readonly volumes: PodVolumes;
  readonly secrets: PodSecrets;
  readonly containerNames: Set<string>;
  readonly shutdown: ResolvedShutdown;
  /** The main container waits in preStop: it has ports, or the props ask for the delay. */
  readonly mainDrains: boolean;
}

/** Resolves and validates the pod-level props of any workload kind. */
export function resolvePod(scope: IConstruct, id: string, kind: ConstructKind, props: SafePodProps): ResolvedPod {
  const K = kind.construct;
  const skips = validateSkips(scope, K, props.skip);
  for (const prop of ['requireDigest', 'readOnlyRootFilesystem', 'automountServiceAccountToken', 'zoneSpreadRequired', 'nodeSpreadRequired'] as const) {
    checkBoolean(scope, K, prop, (props as SafePodProps & SpreadProps)[prop]);
  }
  const version = props.kubernetesVersion ?? takeTarget(scope);
  if (!(version instanceof KubernetesVersion)) fail(scope, K, 'kubernetesVersion', version, 'a KubernetesVersion such as KubernetesVersion.V1_30');
  if (!kind.longRunning) checkRunToCompletion(scope, K, props, version);

  const name = props.name ?? id;
  if (dns1035LabelProblem(name) !== undefined) {
    fail(scope, K, props.name === undefined ? 'name (taken from the construct id)' : 'name', name,
      'a DNS-1035 label of at most 63 characters: lower-case letters, digits and \'-\', starting with a letter; set `name` when the construct id is not one');
  }
  const image = checkImage(scope, K, 'image', props.image, props, skips);
  if (props.readOnlyRootFilesystem === false && !skips.has(POD_SECURITY) && !skips.has(`${POD_SECURITY}.readOnlyRootFilesystem`)) {
    fail(scope, K, 'readOnlyRootFilesystem', false, 'true (rule pod-security), or skip: { \'pod-security.readOnlyRootFilesystem\': \'<reason>\' }; use writablePaths for the directories the app writes to');
  }
  const servingProps = props.port !== undefined || (props.ports ?? []).length > 0;
  const { selectorLabels, labels } = resolveLabels(scope, K, name, image.tag, servingProps, props);

  // Every container's ports before the metrics: the metrics port may be a sidecar's (an exporter).
  const registry = new PodPorts(scope, K);
  const mainPorts = resolveMainPorts(scope, K, props.port, props.servicePort, props.ports, registry);
  const sidecarPorts = (props.sidecars ?? []).map((s, i) => registry.resolve(`sidecars[${i}].ports`, s.ports));
  const { metrics, added } = resolveMetrics(scope, K, props.metrics, mainPorts, [...mainPorts, ...sidecarPorts.flat()], registry, skips);
  if (added) mainPorts.push(added);
  // The preStop delay lets a Service's endpoints drain: only pods with ports are behind one.
  // A port-less worker (a queue consumer, a load generator) gets none unless it asks. When
  // any container serves, the main container waits, even without ports of its own: it stops
  // first (a native sidecar stops after it and keeps serving through the drain).
  const asked = props.preStopDelay !== undefined || props.preStopCommand !== undefined;
  const drains = kind.longRunning && (asked || mainPorts.length > 0 || sidecarPorts.some((p) => p.length > 0));
  const noDelay = skips.has('graceful-shutdown');
  const volumes = new PodVolumes(scope, K);
  const ctx: PodContext = {
    scope, name, K, kind, props, skips, version,
    ports: registry,
    config: new PodConfig(scope, K),
    volumes,
    secrets: new PodSecrets(scope, K, volumes),
    containerNames: new Set([MAIN]),
    shutdown: drains ? resolveShutdown(scope, K, props, version, noDelay)
      // No preStop delay: the grace period is the shutdown time alone.
      : { terminationGracePeriodSeconds: resolveShutdown(scope, K, { ...props, preStopDelay: Duration.seconds(0) }, version, true).terminationGracePeriodSeconds },
    mainDrains: drains,
  };
  const main = resolveMainContainer(ctx, servingProps, mainPorts);
  const sidecars = (props.sidecars ?? []).map((s, i) => resolveSidecar(ctx, i, s, sidecarPorts[i]));
  const inits = (props.initContainers ?? []).map((s, i) => resolveInitContainer(ctx, i, s));
  const containers = [main.container, ...sidecars.filter((s) => !s.native).map((s) => s.container)];
  const nativeSidecars = sidecars.filter((s) => s.native).map((s) => s.container);

  const runAsUser = checkId(scope, K, 'runAsUser', props.runAsUser, skips);
  const runAsGroup = checkId(scope, K, 'runAsGroup', props.runAsGroup, skips);
  // kube-score flags as critical what the library decided on purpose; its own opt-out says so.
  const kubeScoreIgnore: string[] = [];
  if (main.identicalProbes || sidecars.some((s) => s.identicalProbes)) {
    // Readiness and liveness check the same endpoint (by default a TCP connect to the port),
    // with liveness far more tolerant, which is what rule probe-liveness asks. kube-score
    // compares only the endpoint; give the probes different checks to check different things.
    kubeScoreIgnore.push('pod-probes-identical');
  }
  const exceptions = resolveExceptions(scope, K, skips, { runAsUser, runAsGroup, readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true },
    [...containers, ...nativeSidecars, ...inits].map((c) => c.name));
  checkAnnotationsSize(scope, K, 'skip', exceptionAnnotations(exceptions), skipAnnotationBytes(wholeRules(skips)));
  if (runAsUser < MIN_ID || runAsGroup < MIN_ID) {
    // Allowed only with a pod-security exception and its reason, written next to this annotation.
    kubeScoreIgnore.push('container-security-context-user-group-id');
  }
  const objectAnnotations: { [key: string]: string } = kubeScoreIgnore.length > 0 ? { 'kube-score/ignore': kubeScoreIgnore.join(',') } : {};
  Object.assign(objectAnnotations, ctx.secrets.objectAnnotations());
  // The checker judges the images as the construct did.
  if (props.pinnedTagPattern !== undefined) objectAnnotations[PINNED_TAG_PATTERN_ANNOTATION] = props.pinnedTagPattern;
  // Validators and reviewers see which versions the pod template fits.
  if (version.minor !== KubernetesVersion.DEFAULT.minor) objectAnnotations[KUBERNETES_VERSION_ANNOTATION] = version.name;
  const podAnnotations: { [key: string]: string } = ctx.secrets.podAnnotations();
  if (metrics?.method === ScrapeMethod.ANNOTATIONS) {
    podAnnotations['prometheus.io/scrape'] = 'true';
    podAnnotations['prometheus.io/port'] = String(metrics.port);
    podAnnotations['prometheus.io/path'] = metrics.path;
  }

  for (const prop of ['allowFrom', 'allowTo'] as const) {
    const peers = props[prop] ?? [];
    if (!Array.isArray(peers)) fail(scope, K, prop, peers, 'a list of NetworkPeers');
    peers.forEach((p, i) => {
      if (!(p instanceof NetworkPeer)) fail(scope, K, `${prop}[${i}]`, p, 'a NetworkPeer such as NetworkPeer.pods({ app: \'gateway\' })');
    });
  }
  if (props.clusterDns !== undefined && !(props.clusterDns instanceof NetworkPeer)) fail(scope, K, 'clusterDns', props.clusterDns, 'a NetworkPeer, such as NetworkPeer.clusterDns()');
  // env values and files share one ConfigMap, whose data the API server bounds as a whole.
  checkConfigData(scope, K, 'env and files', ctx.config.data);

  const exposed = [...containers, ...nativeSidecars].flatMap((c) => c.ports).filter((p) => p.exposed);
  const serving = exposed.filter((p) => p !== added);
  return {
    kind, version, name, skips: wholeRules(skips), exceptions, selectorLabels, labels, objectAnnotations, podAnnotations,
    containers,
    initContainers: [...nativeSidecars, ...inits],
    volumes: ctx.volumes.list,
    configData: ctx.config.data,
    runAsUser,
    runAsGroup,
    readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
    automountServiceAccountToken: props.automountServiceAccountToken ?? false,
    terminationGracePeriodSeconds: ctx.shutdown.terminationGracePeriodSeconds,
    nodeSelector: resolveNodeSelector(scope, K, props.nodeSelector, props.architecture),
    priorityClassName: props.priorityClassName === undefined ? undefined : checkDnsSubdomain(scope, K, 'priorityClassName', props.priorityClassName),
    spread: kind.replicated ? resolveSpread(props as SpreadProps, kind, version) : undefined,
    metrics,
    servicePorts: resolveServicePorts(scope, K, exposed),
    servingPorts: [...new Set(serving.map((p) => p.containerPort))],
    servingNetworkPorts: serving.map((p) => ({ port: p.containerPort, protocol: p.protocol })),
    serving: servingProps,
    allowFrom: props.allowFrom ?? [],
    allowTo: props.allowTo ?? [],
    clusterDns: props.clusterDns ?? NetworkPeer.clusterDns(),
  };
}

/** The skips of whole rules (ids without a dot). */
function wholeRules(skips: Map<string, string>): Map<string, string> {
  return new Map([...skips].filter(([id]) => !id.includes('.')));
}

/**
 * The pod-security checks waived by `skip['pod-security.<check>']`, each scoped to what the
 * props ask: the UID, the GID, the containers with a writable root filesystem. A waiver
 * that would waive nothing is an error, not an annotation that says something untrue.
 */
function resolveExceptions(scope: IConstruct, K: string, skips: Map<string, string>,
  asked: { runAsUser: number; runAsGroup: number; readOnlyRootFilesystem: boolean }, containerNames: string[]): PodSecurityException[] {
  const out: PodSecurityException[] = [];
  for (const check of SKIPPABLE_CHECKS) {
    const reason = skips.get(`${POD_SECURITY}.${check}`);
    if (reason === undefined) continue;
    const prop = `skip.${POD_SECURITY}.${check}`;
    if (check === 'readOnlyRootFilesystem') {
      if (asked.readOnlyRootFilesystem) fail(scope, K, prop, reason, `no such skip while readOnlyRootFilesystem is true: it would waive nothing; set readOnlyRootFilesystem: false with it`);
      out.push({ check, scope: containerNames.join(', '), reason });
    } else {
      if (asked[check] >= MIN_ID) fail(scope, K, prop, reason, `no such skip while ${check} is ${asked[check]} (${MIN_ID} or more needs none): it would waive nothing`);
      out.push({ check, scope: String(asked[check]), reason });
    }
  }
  const env = skips.get(`${SECRET_NO_PLAINTEXT}.${SECRET_ENV_CHECK}`);
  if (env !== undefined) {
    const lines = env.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    for (const line of lines) {
      const m = ENV_LINE.exec(line);
      if (!m) {
        fail(scope, K, `skip.${SECRET_NO_PLAINTEXT}.${SECRET_ENV_CHECK}`, line,
          'lines "<VARIABLE>[, <VARIABLE>...]: <reason>", e.g. \'MAX_TOKENS, TOKENIZER: model settings, not secrets\': the variables whose literal values are not secrets, and why');
      }
      out.push({ rule: SECRET_NO_PLAINTEXT, check: SECRET_ENV_CHECK, scope: m[1], reason: m[2] });
    }
  }
  return out;
}

/**
 * Pods that run to completion (Jobs) serve nothing: no ports, probes, preStop delay or
 * ingress. Their sidecars must be native, which stop when the main container ends: a plain
 * sidecar keeps the pod running, and the Job never completes.
 */
function checkRunToCompletion(scope: IConstruct, K: string, props: SafePodProps, version: KubernetesVersion): void {
  const noService = 'its pods run to completion and get no Service; a workload that others call is a SafeDeployment or SafeStatefulSet';
  const noTraffic = 'its pods run to completion and serve no traffic; activeDeadlineSeconds bounds a run that hangs';
  const noDrain = 'a preStop delay lets a Service\'s endpoints drain, and its pods are behind none; shutdownTimeout or terminationGracePeriod give the app time after SIGTERM';
  const reasons: Array<[keyof SafePodProps, string]> = [
    ['port', noService], ['servicePort', noService], ['ports', noService],
    ['readiness', noTraffic], ['liveness', noTraffic], ['livenessCommand', noTraffic], ['startupTimeout', noTraffic],
    ['preStopDelay', noDrain], ['preStopCommand', noDrain],
    ['allowFrom', 'its pods run to completion and accept no connections, so its NetworkPolicy denies all ingress; allowTo and connectTo() open the calls it makes'],
  ];
  for (const [prop, reason] of reasons) {
    const value = props[prop];
    if (value !== undefined) fail(scope, K, prop, value instanceof Duration ? `${value.toMilliseconds()}ms` : value, `no ${prop} on a ${K}: ${reason}`);
  }
  (props.sidecars ?? []).forEach((s, i) => {
    if (s.native === false) {
      fail(scope, K, `sidecars[${i}].native`, false, `a native sidecar in a ${K}: a plain one keeps the pod running after the main container ends, so the Job never completes`);
    }
    requireVersion(scope, K, version, KubernetesVersion.V1_29, `sidecars[${i}]`, s.name,
      `a sidecar in a ${K} (a native sidecar, stopped when the main container ends; a plain one keeps the pod running, so the Job never completes)`);
    (s.ports ?? []).forEach((p, j) => {
      if (p.exposed !== false) fail(scope, K, `sidecars[${i}].ports[${j}].exposed`, p.exposed, `false on a ${K}: ${noService}`);
    });
  });
}

/** Recommended labels (rule labels); the selector is the name only, never the construct path. */
function resolveLabels(scope: IConstruct, K: string, name: string, tag: string | undefined, serving: boolean, props: SafePodProps) {
  const selectorLabels = props.selectorLabels === undefined ? { [LABEL_NAME]: name, [LABEL_INSTANCE]: name } : resolveSelectorLabels(scope, K, props.selectorLabels);
  // A label given but empty says nothing: it is refused rather than left out of the labels.
  const version = props.version !== undefined ? checkNonEmptyLabelValue(scope, K, 'version', props.version) : versionOfTag(scope, K, tag);
  const component = checkNonEmptyLabelValue(scope, K, 'component', props.component ?? (serving ? 'server' : 'worker'));
  const partOf = checkNonEmptyLabelValue(scope, K, 'partOf', props.partOf ?? name);
  // The recommended labels stay on every object and pod template when the selector is a
  // legacy one (`app`, `release`): only the selector changes; its labels win on a clash.
  const labels = {
    [LABEL_NAME]: name,
    [LABEL_INSTANCE]: name,
    ...selectorLabels,
    ...(version ? { [LABEL_VERSION]: version } : {}),
    [LABEL_COMPONENT]: component,
    [LABEL_PART_OF]: partOf,
    [LABEL_MANAGED_BY]: MANAGED_BY,
    ...selectorLabels,
  };
  return { selectorLabels, labels };
}

/** Labels that must never select pods: they change while a selector cannot, or are the controller's own. */
const UNSTABLE_SELECTOR_LABELS: { readonly [key: string]: string } = {
  [LABEL_VERSION]: 'it changes with every release, while a selector is immutable',
  'helm.sh/chart': 'Helm sets it to <chart>-<chart version>, which changes with every chart release, while a selector is immutable; keep app.kubernetes.io/name and app.kubernetes.io/instance',
  'controller-revision-hash': 'the StatefulSet and DaemonSet controllers set it per revision',
  'pod-template-hash': 'the Deployment controller sets it per ReplicaSet',
  'cdk8s.io/metadata.addr': 'cdk8s-plus derives it from the construct path',
};

/** Given selector labels (an in-place takeover of an existing workload): stable, non-empty labels. */
function resolveSelectorLabels(scope: IConstruct, K: string, given: { [key: string]: string }): { [key: string]: string } {
  const labels = checkLabels(scope, K, 'selectorLabels', given);
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) fail(scope, K, 'selectorLabels', given, 'at least one label: an empty selector would select every pod of the namespace');
  for (const key of keys) {
    if (labels[key] === '') fail(scope, K, `selectorLabels.${key}`, '', 'a non-empty value: an empty one selects nothing specific to this workload');
    const why = UNSTABLE_SELECTOR_LABELS[key];
    if (why !== undefined) fail(scope, K, `selectorLabels.${key}`, labels[key], `no ${key} label in a selector: ${why}`);
  }
  return Object.fromEntries(keys.map((k) => [k, labels[k]]));
}

/**
 * The image tag as the version label, written as it is: a tag that is no label value (longer
 * than 63 characters, or starting or ending with '.', '_' or '-') is an error, never a changed
 * label.
 */
function versionOfTag(scope: IConstruct, K: string, tag: string | undefined): string | undefined {
  if (tag === undefined || tag === '' || isLabelValue(tag)) return tag || undefined;
  fail(scope, K, `image tag (the ${LABEL_VERSION} label)`, tag,
    `a tag that is also a label value (at most 63 characters, starting and ending with a letter or digit), or set \`version\` to the label value to write`);
}

/** The main container `app` on its resolved `ports`: its probes, env, files, writable paths and claims. */
function resolveMainContainer(ctx: PodContext, serving: boolean, ports: ResolvedPort[]) {
  const { scope, K, props, skips } = ctx;
  const target: ProbeTarget = { scope, kind: K, ports, portsProp: 'port or ports' };
  const { identical, ...probes } = resolveProbes(target, { prefix: '', ...props }, serving, ctx.kind.longRunning, skips);

  checkCommandArgs(ctx, '', props);
  const env = ctx.config.env('', '', props.env, props.secretEnv);
  const secrets = ctx.secrets.resolve('', props.secrets, new Set(env.map((e) => e.name)));
  const files = ctx.config.files(props.files);
  const configMountPath = props.configMountPath ?? `/etc/${ctx.name}`;
  const writablePaths = props.writablePaths ?? ['/tmp'];
  if (files.length === 0) checkUnused(scope, K, 'configMountPath', props.configMountPath, 'it is where `files` are mounted, and there are none');
  // One mount per path in a container: the config files, each writable path, each claim.
  checkDistinctPaths(scope, K, [
    ...(files.length > 0 ? [['configMountPath', configMountPath] as const] : []),
    ...writablePathEntries('writablePaths', writablePaths),
    ...(props.claims ?? []).map((c, i) => [`claims[${i}].mountPath`, c.mountPath] as const),
    ...secrets.mounts.map((m) => ['secrets', m.mountPath] as const),
  ]);
  // A read-only mount cannot hold the mount point of another: the kubelet cannot create it.
  checkNotInside(ctx, [
    ...(files.length > 0 ? [['configMountPath', configMountPath] as const] : []),
    ...secrets.mounts.map((m) => ['secrets', m.mountPath] as const),
  ], [
    ...writablePathEntries('writablePaths', writablePaths),
    ...(props.claims ?? []).map((c, i) => [`claims[${i}].mountPath`, c.mountPath] as const),
  ]);
  const mounts: ResolvedMount[] = [];
  if (files.length > 0) mounts.push(ctx.volumes.config(files, configMountPath));
  mounts.push(...secrets.mounts);
  mounts.push(...ctx.volumes.writablePaths('writablePaths', writablePaths));
  (props.claims ?? []).forEach((c, i) => mounts.push(ctx.volumes.claim(i, c)));

  const container: ResolvedContainer = {
    name: MAIN,
    image: props.image,
    imagePullPolicy: resolvePullPolicy(ctx, 'imagePullPolicy', props.imagePullPolicy),
    command: props.command,
    args: props.args,
    ports,
    env: [...env, ...secrets.env],
    mounts,
    ...probes,
    preStop: resolvePreStop(scope, K, 'preStopCommand', props.preStopCommand, ctx.mainDrains ? ctx.shutdown.defaultPreStop : undefined),
    resources: resolveResources(scope, K, props.resourcePreset, props.resources),
  };
  return { container, identicalProbes: identical };
}

/**
 * A sidecar: checked like the main container; with ports it gets probes and the preStop
 * delay as the main container does. Native (an init container with restartPolicy Always)
 * when the target version allows it, unless `native: false`.
 */
function resolveSidecar(ctx: PodContext, i: number, s: SidecarContainerProps, ports: ResolvedPort[]) {
  const { scope, K, version, skips } = ctx;
  const prop = `sidecars[${i}]`;
  if (checkBoolean(scope, K, `${prop}.native`, s.native) === true) {
    requireVersion(scope, K, version, KubernetesVersion.V1_29, `${prop}.native`, true, 'native sidecars (init containers with restartPolicy: Always)');
  }
  const native = s.native ?? version.atLeast(KubernetesVersion.V1_29);
  const base = resolveOtherContainer(ctx, prop, s);
  const target: ProbeTarget = { scope, kind: K, ports, portsProp: `${prop}.ports` };
  const { identical, ...probes } = resolveProbes(target, { prefix: `${prop}.`, readiness: s.readiness, liveness: s.liveness }, ports.length > 0, ctx.kind.longRunning, skips);
  // A plain sidecar with ports is behind the Service and gets SIGTERM with the main container:
  // it waits in preStop too. A native one stops after the regular containers, serving
  // through their drain: a delay of its own would only run after them, past the budget.
  const preStop = resolvePreStop(scope, K, `${prop}.preStopCommand`, s.preStopCommand, ports.length > 0 && !native ? ctx.shutdown.defaultPreStop : undefined);
  const container: ResolvedContainer = { ...base, ports, ...probes, preStop, restartPolicy: native ? 'Always' : undefined };
  return { container, native, identicalProbes: identical };
}

/** An init container: runs to completion before the app starts, so it has no ports, probes or preStop. */
function resolveInitContainer(ctx: PodContext, i: number, s: InitContainerProps): ResolvedContainer {
  const prop = `initContainers[${i}]`;
  return { ...resolveOtherContainer(ctx, prop, s), ports: [] };
}

/** What sidecars and init containers share: name, pinned image, env, writable paths, resources. */
function resolveOtherContainer(ctx: PodContext, prop: string, s: SafeContainerProps): Omit<ResolvedContainer, 'ports'> {
  const { scope, K, props, skips } = ctx;
  const nameProblem = dns1123LabelProblem(s.name);
  if (nameProblem !== undefined) fail(scope, K, `${prop}.name`, s.name, `${nameProblem}, unique in the pod`);
  if (ctx.containerNames.has(s.name)) fail(scope, K, `${prop}.name`, s.name, `a container name not used by another container of the pod (${[...ctx.containerNames].join(', ')})`);
  ctx.containerNames.add(s.name);
  checkImage(scope, K, `${prop}.image`, s.image, props, skips);
  checkCommandArgs(ctx, `${prop}.`, s);
  // ConfigMap keys are `<container>.<NAME>`, so they never clash with the main container's.
  const env = ctx.config.env(`${prop}.`, `${s.name}.`, s.env, s.secretEnv);
  const secrets = ctx.secrets.resolve(`${prop}.`, s.secrets, new Set(env.map((e) => e.name)));
  checkDistinctPaths(scope, K, [
    ...writablePathEntries(`${prop}.writablePaths`, s.writablePaths ?? []),
    ...secrets.mounts.map((m) => [`${prop}.secrets`, m.mountPath] as const),
  ]);
  return {
    name: s.name,
    image: s.image,
    imagePullPolicy: resolvePullPolicy(ctx, `${prop}.imagePullPolicy`, s.imagePullPolicy),
    command: s.command,
    args: s.args,
    env: [...env, ...secrets.env],
    mounts: [...secrets.mounts, ...ctx.volumes.writablePaths(`${prop}.writablePaths`, s.writablePaths ?? [])],
    resources: resolveResources(scope, K, s.resourcePreset ?? ResourcePreset.NANO, s.resources, `${prop}.resources`),
  };
}

/**
 * One Service port per exposed container port; two on the same Service port and protocol are
 * an error (the API server's key for Service ports: DNS serves 53/TCP and 53/UDP).
 */
function resolveServicePorts(scope: IConstruct, K: string, exposed: ResolvedPort[]): ResolvedServicePort[] {
  const seen = new Map<string, string>();
  return exposed.map((p) => {
    const key = `${p.servicePort}/${p.protocol}`;
    const other = seen.get(key);
    if (other !== undefined) fail(scope, K, 'servicePort', p.servicePort, `a Service port that no other exposed port uses with the same protocol: ports "${other}" and "${p.name}" both map to ${p.protocol} ${p.servicePort}`);
    seen.set(key, p.name);
    return { name: p.name, port: p.servicePort, targetPort: p.containerPort, protocol: p.protocol };
  });
}

/** An image pull policy: one the API server knows (`Always` by default, so every start re-checks the credentials). */
function resolvePullPolicy(ctx: PodContext, prop: string, value: kplus.ImagePullPolicy | undefined): string {
  const known = Object.values(kplus.ImagePullPolicy) as string[];
  if (value !== undefined && !known.includes(value)) fail(ctx.scope, ctx.K, prop, value, `kplus.ImagePullPolicy.ALWAYS, IF_NOT_PRESENT or NEVER (${known.join(', ')})`);
  return value ?? kplus.ImagePullPolicy.ALWAYS;
}

/** `command` and `args` of a container: lists of strings, as the API server takes them. */
function checkCommandArgs(ctx: PodContext, prefix: string, c: { readonly command?: string[]; readonly args?: string[] }): void {
  for (const field of ['command', 'args'] as const) {
    const value = c[field];
    if (value !== undefined && (!Array.isArray(value) || value.some((a) => typeof a !== 'string'))) {
      fail(ctx.scope, ctx.K, `${prefix}${field}`, value, 'a list of strings, e.g. [\'--port\', \'8080\'] (quote numbers and booleans)');
    }
  }
}

/** No path of `inner` ([property, path] pairs) below a path of `readOnly`. */
function checkNotInside(ctx: PodContext, readOnly: ReadonlyArray<readonly [string, string]>, inner: ReadonlyArray<readonly [string, string]>): void {
  for (const [prop, p] of inner) {
    const outer = readOnly.find(([, r]) => p.startsWith(r === '/' ? '/' : `${r}/`));
    if (outer !== undefined) {
      fail(ctx.scope, ctx.K, prop, p,
        `a path outside ${outer[0]} ${JSON.stringify(outer[1])}: that mount is read-only, so the kubelet cannot create a mount point inside it and the pod never starts; choose a path elsewhere or move ${outer[0]}`);
    }
  }
}

/** Writable paths as [property, path] entries for `checkDistinctPaths`. */
function writablePathEntries(prop: string, paths: string[]): Array<readonly [string, string]> {
  if (!Array.isArray(paths)) return [[prop, paths]];
  return paths.map((p, i) => [`${prop}[${i}]`, p] as const);
}
