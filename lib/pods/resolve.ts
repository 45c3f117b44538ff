import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { isPinned, parseImage, registryAllowed } from '../core/image';
import { PodKind } from '../core/kinds';
import {
  LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, LABEL_PART_OF, LABEL_VERSION, MANAGED_BY, toLabelValue,
} from '../core/labels';
import { checkEnvName, checkInt, checkLabelValue } from '../core/validate';
import { NetworkPeer } from '../network/network-peer';
import { validateSkips } from '../practices/skip';
import { RenderedResources, ResourcePreset, resolveResources } from '../workloads/resources';
import {
  LIVENESS_DEFAULTS, ProbeTarget, READINESS_DEFAULTS, ResolvedProbe, resolveProbe, sameCheck,
} from './probes';
import {
  ClaimMount, NamedPort, MetricsOptions, ProbeSettings, SafeContainerProps, SafePodProps, ScrapeMethod, SecretEnvVar,
  SidecarContainerProps, SpreadProps,
} from './props';
import { KubernetesVersion } from './version';

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAIN = 'app';

/** A named container port, resolved. */
export interface ResolvedPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: string;
  /** Exposed by the Service and to peers. */
  readonly exposed: boolean;
  readonly servicePort: number;
}

/** An environment variable: from the hashed ConfigMap or from a Secret. */
export interface ResolvedEnv {
  readonly name: string;
  readonly configMapKey?: string;
  readonly secret?: { readonly name: string; readonly key: string; readonly optional: boolean };
}

/** A volume mount. */
export interface ResolvedMount { readonly volume: string; readonly mountPath: string; readonly readOnly: boolean }

/** A pod volume; `config` refers to the hashed ConfigMap, whose name is known only when written. */
export interface ResolvedVolume {
  readonly name: string;
  readonly type: 'config' | 'emptyDir' | 'claim';
  /** config: the file names. */
  readonly files?: string[];
  /** claim: the claim name and access. */
  readonly claimName?: string;
  readonly readOnly?: boolean;
  readonly readWriteOnce?: boolean;
  /** claim: the prop path, for errors of the workload kinds. */
  readonly prop?: string;
}

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
  /** preStop: the native sleep action (seconds) or a command. */
  readonly preStop?: { readonly sleepSeconds?: number; readonly command?: string[] };
  readonly resources: RenderedResources;
  /** 'Always' for a native sidecar. */
  readonly restartPolicy?: string;
}

/** Prometheus scraping, resolved. */
export interface ResolvedMetrics {
  readonly method: ScrapeMethod;
  readonly port: number;
  readonly portName: string;
  readonly path: string;
  readonly interval: number;
  readonly scraper: NetworkPeer;
}

/** A port of the workload's Service. */
export interface ResolvedServicePort { readonly name: string; readonly port: number; readonly targetPort: number; readonly protocol: string }

/**
 * Everything a pod template and the workload's shared children need, as plain validated
 * data. Resolving raises every error; writing raises none.
 */
export interface ResolvedPod {
  readonly kind: PodKind;
  readonly version: KubernetesVersion;
  readonly name: string;
  readonly skips: Map<string, string>;
  readonly selectorLabels: { [key: string]: string };
  readonly labels: { [key: string]: string };
  /** Annotations of the workload object (besides skips). */
  readonly objectAnnotations: { [key: string]: string };
  /** Annotations of the pod template. */
  readonly podAnnotations: { [key: string]: string };
  readonly containers: ResolvedContainer[];
  /** Native sidecars first, then the init containers in order. */
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
  readonly spread?: { readonly nodeRequired: boolean; readonly zoneRequired: boolean; readonly matchLabelKeys?: readonly string[] };
  readonly metrics?: ResolvedMetrics;
  /** Ports of the Service; empty: no Service. */
  readonly servicePorts: ResolvedServicePort[];
  /** Exposed container ports, opened to peers that name the workload. */
  readonly servingPorts: number[];
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

/** Whole seconds of a Duration, at least `min`. */
export function seconds(scope: IConstruct, kind: string, prop: string, d: Duration, min: number): number {
  const s = d.toSeconds();
  if (!Number.isInteger(s) || s < min) fail(scope, kind, prop, `${d.toMilliseconds()}ms`, `a whole number of seconds, at least ${min}`);
  return s;
}

/** Resolves and validates the pod-level props of any workload kind. */
export function resolvePod(scope: IConstruct, id: string, kind: PodKind, props: SafePodProps): ResolvedPod {
  const K = kind.construct;
  const skips = validateSkips(scope, K, props.skip);
  const version = props.kubernetesVersion ?? KubernetesVersion.of(scope);
  if (!(version instanceof KubernetesVersion)) fail(scope, K, 'kubernetesVersion', version, 'a KubernetesVersion such as KubernetesVersion.V1_30');
  if (!kind.longRunning) checkRunToCompletion(scope, K, props, version);

  // --- name and labels: a stable selector from the name, never from the construct path --
  const name = props.name ?? id;
  if (typeof name !== 'string' || name.length > 63 || !DNS_1035_LABEL.test(name)) {
    fail(scope, K, props.name === undefined ? 'name (taken from the construct id)' : 'name', name,
      'a DNS-1035 label of at most 63 characters: lower-case letters, digits and \'-\', starting with a letter; set `name` when the construct id is not one');
  }
  const image = checkImage(scope, K, 'image', props.image, props, skips);
  if (props.readOnlyRootFilesystem === false && !skips.has('pod-security')) {
    fail(scope, K, 'readOnlyRootFilesystem', false, 'true (rule pod-security), or skip: { \'pod-security\': \'<reason>\' }; use writablePaths for the directories the app writes to');
  }
  const selectorLabels = { [LABEL_NAME]: name, [LABEL_INSTANCE]: name };
  const version_ = props.version !== undefined ? checkLabelValue(scope, K, 'version', props.version) : toLabelValue(image.tag);
  const serving = props.port !== undefined || (props.ports ?? []).length > 0;
  const component = checkLabelValue(scope, K, 'component', props.component ?? (serving ? 'server' : 'worker'));
  const partOf = checkLabelValue(scope, K, 'partOf', props.partOf ?? name);
  const labels = {
    ...selectorLabels,
    ...(version_ ? { [LABEL_VERSION]: version_ } : {}),
    [LABEL_COMPONENT]: component,
    [LABEL_PART_OF]: partOf,
    [LABEL_MANAGED_BY]: MANAGED_BY,
  };

  // --- ports of the main container ------------------------------------------------------
  const usedPortNames = new Set<string>();
  const mainPorts: ResolvedPort[] = [];
  if (props.port !== undefined) {
    const port = checkInt(scope, K, 'port', props.port, 1, 65535);
    const servicePort = props.servicePort === undefined ? port : checkInt(scope, K, 'servicePort', props.servicePort, 1, 65535);
    mainPorts.push({ name: 'http', containerPort: port, protocol: 'TCP', exposed: true, servicePort });
    usedPortNames.add('http');
  } else if (props.servicePort !== undefined) {
    fail(scope, K, 'servicePort', checkInt(scope, K, 'servicePort', props.servicePort, 1, 65535), 'no servicePort without a `port` for the container');
  }
  mainPorts.push(...resolvePorts(scope, K, 'ports', props.ports, usedPortNames, mainPorts));
  const metrics = resolveMetrics(scope, K, props, mainPorts, skips);
  let implicitMetricsPort: ResolvedPort | undefined;
  if (metrics && !mainPorts.some((p) => p.name === metrics.portName)) {
    // A metrics port that no declared port serves is added, and exposed only for a
    // ServiceMonitor; it is not a serving port that peers may reach.
    usedPortNames.add('metrics');
    implicitMetricsPort = {
      name: 'metrics', containerPort: metrics.port, protocol: 'TCP',
      exposed: metrics.method === ScrapeMethod.SERVICE_MONITOR, servicePort: metrics.port,
    };
    mainPorts.push(implicitMetricsPort);
  }

  // --- shutdown timing ------------------------------------------------------------------
  // A preStop delay lets endpoints drain; pods that run to completion are behind none.
  const preStopDelay = seconds(scope, K, 'preStopDelay', props.preStopDelay ?? Duration.seconds(kind.longRunning ? 10 : 0), 0);
  const shutdown = seconds(scope, K, 'shutdownTimeout', props.shutdownTimeout ?? Duration.seconds(20), 0);
  const grace = props.terminationGracePeriod !== undefined
    ? seconds(scope, K, 'terminationGracePeriod', props.terminationGracePeriod, 1)
    : preStopDelay + shutdown;
  if (grace <= preStopDelay) {
    fail(scope, K, 'terminationGracePeriod', `${grace}s`, `more than preStopDelay (${preStopDelay}s), or SIGKILL arrives before the app has received SIGTERM; e.g. ${preStopDelay + 20}s`);
  }
  let preStop: { sleepSeconds?: number; command?: string[] };
  if (props.preStopCommand !== undefined) {
    checkCommand(scope, K, 'preStopCommand', props.preStopCommand, 'a non-empty command of non-empty strings, e.g. [\'sleep\', \'10\'], or no preStopCommand');
    preStop = { command: [...props.preStopCommand] };
  } else {
    preStop = version.atLeast(KubernetesVersion.V1_30) ? { sleepSeconds: preStopDelay } : { command: ['sleep', String(preStopDelay)] };
  }
  if (preStop.sleepSeconds === 0) preStop = {}; // the sleep action needs at least 1 second: no delay, no hook
  if (!kind.longRunning) preStop = {};

  // --- probes of the main container ------------------------------------------------------
  const objectAnnotations: { [key: string]: string } = {};
  const target: ProbeTarget = { scope, kind: K, ports: mainPorts, portsProp: 'port or ports' };
  const probes = kind.longRunning ? resolveMainProbes(target, props, serving, skips, objectAnnotations) : {};

  // --- security ------------------------------------------------------------------------
  const runAsUser = checkId(scope, K, 'runAsUser', props.runAsUser, skips);
  const runAsGroup = checkId(scope, K, 'runAsGroup', props.runAsGroup, skips);

  // --- config, env, volumes --------------------------------------------------------------
  const configData: { [key: string]: string } = {};
  const volumes: ResolvedVolume[] = [];
  const fileNames = Object.keys(props.files ?? {}).sort();
  const mainEnv = resolveEnv(scope, K, '', '', props.env, props.secretEnv, configData);
  for (const file of fileNames) {
    if (file in configData) fail(scope, K, 'files', file, 'a file name that is not also an env name: both live in one ConfigMap');
    configData[file] = props.files![file];
  }
  const mainMounts: ResolvedMount[] = [];
  if (fileNames.length > 0) {
    const mountPath = props.configMountPath ?? `/etc/${name}`;
    if (!mountPath.startsWith('/')) fail(scope, K, 'configMountPath', mountPath, 'an absolute path');
    volumes.push({ name: 'config', type: 'config', files: fileNames });
    mainMounts.push({ volume: 'config', mountPath, readOnly: true });
  }
  const writable = new Map<string, string>(); // path -> volume name
  const usedVolumes = new Set(volumes.map((v) => v.name));
  const writableMounts = (prop: string, paths: string[]): ResolvedMount[] => paths.map((path) => {
    if (typeof path !== 'string' || !path.startsWith('/') || path === '/') fail(scope, K, prop, path, 'absolute paths other than "/"');
    let volume = writable.get(path);
    if (volume === undefined) {
      volume = volumeName(path, usedVolumes);
      writable.set(path, volume);
      volumes.push({ name: volume, type: 'emptyDir' });
    }
    return { volume, mountPath: path, readOnly: false };
  });
  mainMounts.push(...writableMounts('writablePaths', props.writablePaths ?? ['/tmp']));
  (props.claims ?? []).forEach((c, i) => {
    const modes = claimModes(c);
    const volume = `claim-${i}`;
    volumes.push({
      name: volume, type: 'claim', claimName: c.claim.name, readOnly: c.readOnly === true, prop: `claims[${i}]`,
      readWriteOnce: modes.includes(kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE) || modes.includes(kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD),
    });
    if (typeof c.mountPath !== 'string' || !c.mountPath.startsWith('/')) fail(scope, K, `claims[${i}].mountPath`, c.mountPath, 'an absolute path');
    mainMounts.push({ volume, mountPath: c.mountPath, readOnly: c.readOnly === true });
  });

  const main: ResolvedContainer = {
    name: MAIN,
    image: props.image,
    imagePullPolicy: props.imagePullPolicy ?? kplus.ImagePullPolicy.ALWAYS,
    command: props.command,
    args: props.args,
    ports: mainPorts,
    env: mainEnv,
    mounts: mainMounts,
    ...probes,
    preStop,
    resources: resolveResources(scope, K, props.resourcePreset, props.resources),
  };

  // --- sidecars and init containers --------------------------------------------------------
  const containerNames = new Set([MAIN]);
  const containers: ResolvedContainer[] = [main];
  const nativeSidecars: ResolvedContainer[] = [];
  (props.sidecars ?? []).forEach((s, i) => {
    const prop = `sidecars[${i}]`;
    const native = s.native ?? version.atLeast(KubernetesVersion.V1_29);
    if (s.native === true) requireVersion(scope, K, version, KubernetesVersion.V1_29, `${prop}.native`, true, 'native sidecars (init containers with restartPolicy: Always)');
    const c = resolveExtraContainer(scope, K, prop, s, props, skips, containerNames, usedPortNames, configData, writableMounts);
    if (native) nativeSidecars.push({ ...c, restartPolicy: 'Always' });
    else containers.push(c);
  });
  const inits = (props.initContainers ?? []).map((s, i) => {
    const prop = `initContainers[${i}]`;
    for (const field of ['ports', 'readiness', 'liveness', 'native']) {
      if ((s as any)[field] !== undefined) fail(scope, K, `${prop}.${field}`, (s as any)[field], `no ${field} on an init container: it runs to completion before the app starts; make it a sidecar instead`);
    }
    return resolveExtraContainer(scope, K, prop, s, props, skips, containerNames, usedPortNames, configData, writableMounts);
  });

  // --- scheduling -------------------------------------------------------------------------
  const nodeSelector: { [key: string]: string } = { ...(props.nodeSelector ?? {}) };
  if (props.architecture !== undefined) {
    if (!/^[a-z0-9]+$/.test(props.architecture)) fail(scope, K, 'architecture', props.architecture, 'a GOARCH name such as "amd64" or "arm64"');
    nodeSelector['kubernetes.io/arch'] = props.architecture;
  }

  const podAnnotations: { [key: string]: string } = {};
  if (metrics?.method === ScrapeMethod.ANNOTATIONS) {
    podAnnotations['prometheus.io/scrape'] = 'true';
    podAnnotations['prometheus.io/port'] = String(metrics.port);
    podAnnotations['prometheus.io/path'] = metrics.path;
  }

  const allPorts = [...containers, ...nativeSidecars].flatMap((c) => c.ports).filter((p) => p.exposed);
  const servicePorts = allPorts.map((p) => ({ name: p.name, port: p.servicePort, targetPort: p.containerPort, protocol: p.protocol }));
  const seenServicePorts = new Map<number, string>();
  for (const p of servicePorts) {
    const other = seenServicePorts.get(p.port);
    if (other !== undefined) fail(scope, K, 'servicePort', p.port, `a Service port that no other exposed port uses: ports "${other}" and "${p.name}" both map to it`);
    seenServicePorts.set(p.port, p.name);
  }
  return {
    kind, version, name, skips, selectorLabels, labels, objectAnnotations, podAnnotations,
    containers,
    initContainers: [...nativeSidecars, ...inits],
    volumes, configData,
    runAsUser, runAsGroup,
    readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
    automountServiceAccountToken: props.automountServiceAccountToken ?? false,
    terminationGracePeriodSeconds: grace,
    nodeSelector: Object.keys(nodeSelector).length > 0 ? nodeSelector : undefined,
    priorityClassName: props.priorityClassName || undefined,
    spread: kind.replicated ? resolveSpread(props as SpreadProps, kind, version) : undefined,
    metrics,
    servicePorts,
    servingPorts: allPorts.filter((p) => p !== implicitMetricsPort).map((p) => p.containerPort),
    serving,
    allowFrom: props.allowFrom ?? [],
    allowTo: props.allowTo ?? [],
    clusterDns: props.clusterDns ?? NetworkPeer.clusterDns(),
  };
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

function resolveSpread(props: SpreadProps, kind: PodKind, version: KubernetesVersion) {
  // matchLabelKeys is beta and on by default from 1.27, the oldest supported target.
  const matchLabelKeys = kind.spreadMatchLabelKeys && version.atLeast(KubernetesVersion.V1_27) ? kind.spreadMatchLabelKeys : undefined;
  return { nodeRequired: props.nodeSpreadRequired === true, zoneRequired: props.zoneSpreadRequired === true, matchLabelKeys };
}

function checkCommand(scope: IConstruct, kind: string, prop: string, command: string[], allowed: string): void {
  if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string' || a === '')) fail(scope, kind, prop, command, allowed);
}

function checkImage(scope: IConstruct, kind: string, prop: string, value: string, pod: SafePodProps, skips: Map<string, string>) {
  const image = parseImage(value);
  if (!image) {
    fail(scope, kind, prop, value, 'an image reference such as "ghcr.io/acme/web:1.4.2" or "ghcr.io/acme/web@sha256:<64 hex>"');
  }
  if (!skips.has('image-pinned')) {
    if (!isPinned(image)) {
      fail(scope, kind, prop, value, 'a pinned image: a tag other than "latest" (e.g. ":1.4.2") or a digest (rule image-pinned)');
    }
    if (pod.requireDigest && !image.digest) {
      fail(scope, kind, prop, value, 'an image pinned by digest ("<image>@sha256:<64 hex>") because requireDigest is true');
    }
  }
  const allowed = pod.allowedRegistries;
  if (allowed && allowed.length > 0 && !skips.has('image-registry') && !registryAllowed(value, image, allowed)) {
    fail(scope, kind, prop, value, `an image from an allowed registry: ${allowed.join(', ')} (rule image-registry)`);
  }
  return image;
}

function checkId(scope: IConstruct, kind: string, prop: string, value: number | undefined, skips: Map<string, string>): number {
  const v = value ?? 10001;
  if (!Number.isInteger(v) || v < 1 || v > 2147483647 || (v < 10001 && !skips.has('pod-security'))) {
    fail(scope, kind, prop, v, 'an integer from 10001 to 2147483647 (rule pod-security), or from 1 to 10000 with '
      + 'skip: { \'pod-security\': \'<reason>\' } for an image built for a fixed UID; 0 (root) is never allowed');
  }
  return v;
}

function resolvePorts(scope: IConstruct, kind: string, prop: string, ports: NamedPort[] | undefined, used: Set<string>, others: ResolvedPort[]): ResolvedPort[] {
  return (ports ?? []).map((p, i) => {
    const at = `${prop}[${i}]`;
    if (typeof p.name !== 'string' || p.name.length > 15 || !IANA_SVC_NAME.test(p.name) || p.name.includes('--')) {
      fail(scope, kind, `${at}.name`, p.name, 'a port name of at most 15 lower-case letters, digits and \'-\' with at least one letter (IANA_SVC_NAME)');
    }
    if (used.has(p.name)) fail(scope, kind, `${at}.name`, p.name, 'a port name not used by another port of the pod');
    used.add(p.name);
    const containerPort = checkInt(scope, kind, `${at}.containerPort`, p.containerPort, 1, 65535);
    const protocol = p.protocol ?? kplus.Protocol.TCP;
    if (!Object.values(kplus.Protocol).includes(protocol)) fail(scope, kind, `${at}.protocol`, protocol, 'kplus.Protocol.TCP, UDP or SCTP');
    if (others.some((o) => o.containerPort === containerPort && o.protocol === protocol)) {
      fail(scope, kind, `${at}.containerPort`, containerPort, 'a port number not declared twice in the pod');
    }
    const exposed = p.exposed ?? true;
    const servicePort = p.servicePort === undefined ? containerPort : checkInt(scope, kind, `${at}.servicePort`, p.servicePort, 1, 65535);
    if (!exposed && p.servicePort !== undefined) fail(scope, kind, `${at}.servicePort`, p.servicePort, 'no servicePort on a port with exposed: false');
    const r = { name: p.name, containerPort, protocol, exposed, servicePort };
    others = [...others, r];
    return r;
  });
}

function resolveMetrics(scope: IConstruct, kind: string, props: SafePodProps, ports: ResolvedPort[], skips: Map<string, string>): ResolvedMetrics | undefined {
  if (skips.has('metrics') && props.metrics === undefined) return undefined;
  const m: MetricsOptions = props.metrics ?? {};
  const first = ports[0];
  const metricsPort = m.port === undefined ? first?.containerPort : checkInt(scope, kind, 'metrics.port', m.port, 1, 65535);
  if (metricsPort === undefined) {
    if (props.metrics !== undefined) fail(scope, kind, 'metrics.port', m.port, 'a metrics port: the workload has no `port`');
    return undefined; // a worker without a port serves nothing to scrape
  }
  const path = m.path ?? '/metrics';
  if (!path.startsWith('/')) fail(scope, kind, 'metrics.path', path, 'an absolute HTTP path such as "/metrics"');
  const method = m.method ?? ScrapeMethod.ANNOTATIONS;
  if (method === ScrapeMethod.SERVICE_MONITOR && !ports.some((p) => p.exposed)) {
    fail(scope, kind, 'metrics.method', method, 'ScrapeMethod.ANNOTATIONS for a worker: a ServiceMonitor needs the Service that a `port` creates');
  }
  const declared = ports.find((p) => p.containerPort === metricsPort);
  if (declared === undefined && ports.some((p) => p.name === 'metrics')) {
    fail(scope, kind, 'metrics.port', metricsPort, 'the number of the port named "metrics", or a port number with no name of its own');
  }
  if (declared && method === ScrapeMethod.SERVICE_MONITOR && !declared.exposed) {
    fail(scope, kind, 'metrics.port', metricsPort, `an exposed port for a ServiceMonitor: port "${declared.name}" has exposed: false`);
  }
  return {
    method,
    port: metricsPort,
    portName: declared?.name ?? 'metrics',
    path,
    interval: seconds(scope, kind, 'metrics.interval', m.interval ?? Duration.seconds(30), 1),
    scraper: m.scraper ?? NetworkPeer.namespace('monitoring'),
  };
}

function resolveMainProbes(t: ProbeTarget, props: SafePodProps, serving: boolean, skips: Map<string, string>, objectAnnotations: { [key: string]: string }) {
  const { scope, kind: K } = t;
  if (!serving) {
    if (props.readiness) fail(scope, K, 'readiness', props.readiness, 'no readiness probe without a `port`: a worker is not behind a Service');
    if (props.liveness) fail(scope, K, 'liveness', props.liveness, 'livenessCommand for a worker without a `port`');
    if (props.livenessCommand && props.livenessCommand.length > 0) {
      checkCommand(scope, K, 'livenessCommand', props.livenessCommand, 'a non-empty command of non-empty strings');
      const liveness: ResolvedProbe = { check: { type: 'exec', command: [...props.livenessCommand] }, period: 30, timeout: 5, failures: 3, delay: 0 };
      return { liveness };
    } else if (!skips.has('probe-liveness')) {
      fail(scope, K, 'livenessCommand', props.livenessCommand, 'a command that fails when the worker hangs (e.g. [\'/app/healthcheck\']), or skip: { \'probe-liveness\': \'<reason>\' } (rule probe-liveness)');
    }
    return {};
  }
  if (props.livenessCommand) fail(scope, K, 'livenessCommand', props.livenessCommand, 'liveness.path or a TCP check for a workload with a `port`');
  const readiness = resolveProbe(t, 'readiness', props.readiness, READINESS_DEFAULTS);
  const liveness = resolveProbe(t, 'liveness', props.liveness, LIVENESS_DEFAULTS);
  if (liveness.period * liveness.failures <= readiness.period * readiness.failures) {
    fail(scope, K, 'liveness', props.liveness,
      `a liveness probe more tolerant than readiness: periodSeconds x failureThreshold above ${readiness.period * readiness.failures}s, so a slow pod leaves the Service before it is restarted (rule probe-liveness)`);
  }
  if (sameCheck(readiness.check, liveness.check) && !skips.has('probe-readiness') && !skips.has('probe-liveness')) {
    // Both probes check the same endpoint (by default a TCP connect to the port), with
    // liveness far more tolerant than readiness, which is what rule probe-liveness asks.
    // kube-score compares only the endpoint and would flag it as critical; set different
    // readiness and liveness checks to check different things instead.
    objectAnnotations['kube-score/ignore'] = 'pod-probes-identical';
  }
  let startup: ResolvedProbe | undefined;
  if (props.startupTimeout !== undefined) {
    const total = seconds(scope, K, 'startupTimeout', props.startupTimeout, 1);
    const period = 5;
    startup = { check: readiness.check, period, timeout: readiness.timeout, failures: Math.ceil(total / period), delay: 0, successThreshold: 1 };
  }
  return {
    readiness: skips.has('probe-readiness') ? undefined : readiness,
    liveness: skips.has('probe-liveness') ? undefined : liveness,
    startup,
  };
}

function resolveEnv(scope: IConstruct, kind: string, prefix: string, keyPrefix: string, env: { [name: string]: string } | undefined, secretEnv: SecretEnvVar[] | undefined, configData: { [key: string]: string }): ResolvedEnv[] {
  const values = env ?? {};
  const result: ResolvedEnv[] = [];
  const secretNames = new Set((secretEnv ?? []).map((s) => s.name));
  for (const key of Object.keys(values).sort()) {
    checkEnvName(scope, kind, `${prefix}env`, key);
    if (secretNames.has(key)) fail(scope, kind, `${prefix}env`, key, 'each environment variable once: it is also in secretEnv');
    const configKey = `${keyPrefix}${key}`;
    if (configKey in configData) fail(scope, kind, `${prefix}env`, key, `an env name whose ConfigMap key "${configKey}" is not also a file name: both live in one ConfigMap`);
    configData[configKey] = values[key];
    result.push({ name: key, configMapKey: configKey });
  }
  const seen = new Set(Object.keys(values));
  for (const s of secretEnv ?? []) {
    checkEnvName(scope, kind, `${prefix}secretEnv.name`, s.name);
    if (seen.has(s.name)) fail(scope, kind, `${prefix}secretEnv.name`, s.name, 'each environment variable once');
    seen.add(s.name);
    result.push({ name: s.name, secret: { name: s.secretName, key: s.key, optional: s.optional ?? false } });
  }
  return result;
}

function resolveExtraContainer(
  scope: IConstruct, K: string, prop: string, s: SidecarContainerProps | SafeContainerProps, pod: SafePodProps, skips: Map<string, string>,
  names: Set<string>, usedPortNames: Set<string>, configData: { [key: string]: string },
  writableMounts: (prop: string, paths: string[]) => ResolvedMount[],
): ResolvedContainer {
  if (typeof s.name !== 'string' || s.name.length > 63 || !DNS_1123_LABEL.test(s.name)) {
    fail(scope, K, `${prop}.name`, s.name, 'a DNS-1123 label: lower-case letters, digits and \'-\'');
  }
  if (names.has(s.name)) fail(scope, K, `${prop}.name`, s.name, `a container name not used by another container of the pod (${[...names].join(', ')})`);
  names.add(s.name);
  checkImage(scope, K, `${prop}.image`, s.image, pod, skips);
  for (const field of ['command', 'args'] as const) {
    if (s[field] !== undefined && !Array.isArray(s[field])) fail(scope, K, `${prop}.${field}`, s[field], 'a list of strings');
  }
  const sidecar = s as SidecarContainerProps;
  const ports = resolvePorts(scope, K, `${prop}.ports`, sidecar.ports, usedPortNames, []);
  const t: ProbeTarget = { scope, kind: K, ports, portsProp: `${prop}.ports` };
  const probe = (p: ProbeSettings | undefined, field: string, d: typeof READINESS_DEFAULTS) => (p === undefined ? undefined : resolveProbe(t, `${prop}.${field}`, p, d));
  // ConfigMap keys are `<container>.<NAME>`, so they never clash with the main container's.
  const env = resolveEnv(scope, K, `${prop}.`, `${s.name}.`, s.env, s.secretEnv, configData);
  return {
    name: s.name,
    image: s.image,
    imagePullPolicy: s.imagePullPolicy ?? kplus.ImagePullPolicy.ALWAYS,
    command: s.command,
    args: s.args,
    ports,
    env,
    mounts: writableMounts(`${prop}.writablePaths`, s.writablePaths ?? []),
    readiness: probe(sidecar.readiness, 'readiness', READINESS_DEFAULTS),
    liveness: probe(sidecar.liveness, 'liveness', LIVENESS_DEFAULTS),
    resources: resolveResources(scope, K, s.resourcePreset ?? ResourcePreset.NANO, s.resources),
  };
}

function claimModes(c: ClaimMount): kplus.PersistentVolumeAccessMode[] {
  if (c.accessModes) return c.accessModes;
  const modes = (c.claim as kplus.PersistentVolumeClaim).accessModes;
  return modes ?? [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE];
}

function volumeName(path: string, used: Set<string>): string {
  const base = path.replace(/^\/+|\/+$/g, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 50).replace(/-+$/, '') || 'data';
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
  used.add(name);
  return name;
}

