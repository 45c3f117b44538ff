import { ApiObject, Chart, Duration, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { HashedConfigMap } from '../config/hashed-config-map';
import { fail } from '../core/errors';
import { isPinned, parseImage, registryAllowed } from '../core/image';
import {
  LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, LABEL_PART_OF, LABEL_VERSION, MANAGED_BY, toLabelValue,
} from '../core/labels';
import { checkEnvName, checkInt, checkLabelValue } from '../core/validate';
import { ServiceMonitor } from '../imports/servicemonitor-monitoring.coreos.com';
import { IPodSet, NetworkPeer, NetworkPort, renderPorts } from '../network/network-peer';
import { annotateSkips, validateSkips } from '../practices/skip';
import { RenderedResources, ResourcePreset, ResourceValues, resolveResources } from './resources';

const KIND = 'SafeDeployment';
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Settings of an HTTP or TCP probe. */
export interface ProbeSettings {
  /**
   * HTTP path to GET. Without a path the probe opens a TCP connection to the port.
   * @default - a TCP check on the port
   */
  readonly path?: string;
  /**
   * Seconds between probes.
   * @default 5 for readiness, 10 for liveness
   */
  readonly periodSeconds?: number;
  /**
   * Seconds after which a probe times out; must be shorter than the period.
   * @default 2
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the pod is marked unready (readiness) or restarted (liveness).
   * @default 3 for readiness, 6 for liveness
   */
  readonly failureThreshold?: number;
  /**
   * Seconds to wait before the first probe. Use `startupTimeout` for slow starters instead.
   * @default 0 for readiness, 10 for liveness
   */
  readonly initialDelaySeconds?: number;
}

/** How Prometheus discovers the workload's metrics endpoint (rule `metrics`). */
export enum ScrapeMethod {
  /** `prometheus.io/scrape`, `port` and `path` annotations on the pods. */
  ANNOTATIONS = 'annotations',
  /** A prometheus-operator ServiceMonitor that selects the workload's Service. */
  SERVICE_MONITOR = 'service-monitor',
}

/** Prometheus scraping of the workload. */
export interface MetricsOptions {
  /**
   * How Prometheus finds the endpoint.
   * @default ScrapeMethod.ANNOTATIONS
   */
  readonly method?: ScrapeMethod;
  /**
   * Port of the metrics endpoint.
   * @default - the workload's `port`
   */
  readonly port?: number;
  /**
   * Path of the metrics endpoint.
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * Scrape interval (ServiceMonitor only).
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * Who may scrape: opened in the workload's NetworkPolicy on the metrics port.
   * @default - every pod in the namespace `monitoring`
   */
  readonly scraper?: NetworkPeer;
}

/** Horizontal autoscaling (rule `replicas-min`: minReplicas is at least 2). */
export interface AutoscalingOptions {
  /**
   * Lowest number of replicas.
   * @default 2
   */
  readonly minReplicas?: number;
  /** Highest number of replicas. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilization, percent of the CPU request.
   * @default 70
   */
  readonly cpuUtilization?: number;
  /**
   * Target average memory utilization, percent of the memory request.
   * @default - memory is not a scaling metric
   */
  readonly memoryUtilization?: number;
}

/** An environment variable read from an existing Secret (rule `secret-no-plaintext`). */
export interface SecretEnvVar {
  /** Environment variable name. */
  readonly name: string;
  /** Name of the Secret in the workload's namespace. */
  readonly secretName: string;
  /** Key in the Secret. */
  readonly key: string;
  /**
   * Whether the pod starts when the Secret or key is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/** A PersistentVolumeClaim mounted into the container (rule `rwo-volume`). */
export interface ClaimMount {
  /** The claim. */
  readonly claim: kplus.IPersistentVolumeClaim;
  /** Where it is mounted. */
  readonly mountPath: string;
  /**
   * Access modes of the claim, when `claim` is a reference whose modes are unknown.
   * @default - the modes of `claim` if it is a PersistentVolumeClaim construct, else ReadWriteOnce
   */
  readonly accessModes?: kplus.PersistentVolumeAccessMode[];
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Properties of a SafeDeployment. Every default satisfies the rules of PRACTICES.md. */
export interface SafeDeploymentProps {
  /** Container image: a tag other than `latest`, or a digest (rule `image-pinned`). */
  readonly image: string;
  /**
   * Object name of the Deployment, Service, ServiceAccount, PDB, HPA and NetworkPolicy: a
   * DNS-1035 label. It is also the `app.kubernetes.io/name` and `instance` label and hence
   * the selector, so renaming the construct id does not change an immutable selector.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Port the container serves on. A workload with a port gets a ClusterIP Service, readiness
   * and liveness probes on that port, and metrics scraping. Without a port it is a worker.
   * @default - no port: a worker
   */
  readonly port?: number;
  /**
   * Port the Service exposes.
   * @default - the same as `port`
   */
  readonly servicePort?: number;
  /**
   * Require the image to be pinned by digest (`image@sha256:...`).
   * @default false
   */
  readonly requireDigest?: boolean;
  /**
   * Registries the image may come from (rule `image-registry`), as `host` or `host/path`.
   * @default - any registry
   */
  readonly allowedRegistries?: string[];
  /**
   * Image pull policy.
   * @default kplus.ImagePullPolicy.ALWAYS: every start re-checks the pull credentials
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /** Container command. @default - the image's entrypoint */
  readonly command?: string[];
  /** Container arguments. @default - the image's command */
  readonly args?: string[];
  /**
   * Number of replicas (rule `replicas-min`): fewer than 2 needs `skip['replicas-min']`.
   * Ignored with `autoscaling`.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Horizontal autoscaling. With it the Deployment has no static `replicas`.
   * @default - no autoscaling
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * Make the zone spread a hard constraint (DoNotSchedule) instead of a preference.
   * @default false
   */
  readonly zoneSpreadRequired?: boolean;
  /**
   * Make the node spread a hard constraint (DoNotSchedule) instead of a preference.
   * @default false
   */
  readonly nodeSpreadRequired?: boolean;
  /**
   * Readiness probe (rule `probe-readiness`), on `port`.
   * @default - TCP check every 5 s, unready after 3 failures
   */
  readonly readiness?: ProbeSettings;
  /**
   * Liveness probe (rule `probe-liveness`), on `port`. Must be more tolerant than readiness.
   * @default - TCP check every 10 s after 10 s, restarted after 6 failures
   */
  readonly liveness?: ProbeSettings;
  /**
   * Liveness command for a worker without a port (exec probe).
   * @default - none; a worker needs it or `skip['probe-liveness']`
   */
  readonly livenessCommand?: string[];
  /**
   * Time a slow starter may take before liveness checks begin (startup probe).
   * @default - no startup probe
   */
  readonly startupTimeout?: Duration;
  /**
   * Delay in preStop before the process gets SIGTERM, so the endpoint is removed from every
   * Service and load balancer before the app stops accepting (rule `graceful-shutdown`).
   * @default Duration.seconds(10)
   */
  readonly preStopDelay?: Duration;
  /**
   * Command that implements the preStop delay (the image must contain it).
   * @default ['sleep', '<preStopDelay in seconds>']
   */
  readonly preStopCommand?: string[];
  /**
   * Time the app needs to finish in-flight work after SIGTERM.
   * @default Duration.seconds(20)
   */
  readonly shutdownTimeout?: Duration;
  /**
   * Pod terminationGracePeriodSeconds; must exceed `preStopDelay`.
   * @default - preStopDelay + shutdownTimeout (30 s)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Resource preset (rule `resources`). Explicit `resources` override single fields.
   * @default ResourcePreset.SMALL
   */
  readonly resourcePreset?: ResourcePreset;
  /**
   * Explicit resource values.
   * @default - the preset's values
   */
  readonly resources?: ResourceValues;
  /**
   * UID the container runs as (rule `pod-security`); at least 10001 so it never maps to a
   * host user.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * GID the container runs as, and the pod fsGroup.
   * @default 10001
   */
  readonly runAsGroup?: number;
  /**
   * Mount the root filesystem read-only (rule `pod-security`); `false` needs
   * `skip['pod-security']` with a reason.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Writable emptyDir volumes, by mount path (the root filesystem is read-only).
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];
  /**
   * Mount the ServiceAccount token (rule `service-account`).
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * Environment variables. Values go into an immutable ConfigMap named by a hash of its
   * content (rules `config-immutable`, `config-external`), so a change rolls the pods.
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Files, by file name, in the same hashed ConfigMap, mounted read-only at `configMountPath`.
   * @default - none
   */
  readonly files?: { [fileName: string]: string };
  /**
   * Where `files` are mounted.
   * @default '/etc/<name>'
   */
  readonly configMountPath?: string;
  /**
   * Environment variables read from existing Secrets.
   * @default - none
   */
  readonly secretEnv?: SecretEnvVar[];
  /**
   * Persistent volume claims (rule `rwo-volume`).
   * @default - none
   */
  readonly claims?: ClaimMount[];
  /**
   * CPU architecture to pin (`kubernetes.io/arch`), e.g. 'amd64' or 'arm64' (rule `arch-explicit`).
   * @default - any architecture
   */
  readonly architecture?: string;
  /**
   * Extra node selector labels.
   * @default - none
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * PriorityClass of the pods.
   * @default - the cluster default
   */
  readonly priorityClassName?: string;
  /**
   * Prometheus scraping (rule `metrics`); only for workloads with a port or a metrics port.
   * @default - scrape annotations on `port` at /metrics
   */
  readonly metrics?: MetricsOptions;
  /**
   * Pods allowed to connect to `port` (rule `ns-default-deny`, per-workload NetworkPolicy).
   * @default - nobody
   */
  readonly allowFrom?: NetworkPeer[];
  /**
   * Destinations the pods may connect to, besides cluster DNS.
   * @default - only cluster DNS
   */
  readonly allowTo?: NetworkPeer[];
  /**
   * The cluster DNS peer opened for egress.
   * @default NetworkPeer.clusterDns()
   */
  readonly clusterDns?: NetworkPeer;
  /**
   * Max pods that a voluntary disruption (a node drain) may take at once (rule `pdb`).
   * @default 1
   */
  readonly maxUnavailable?: number;
  /**
   * Pods added above the desired count during a rollout (rule `rollout`).
   * @default 1
   */
  readonly maxSurge?: number;
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default 10
   */
  readonly minReadySeconds?: number;
  /**
   * Seconds before a stuck rollout is reported as failed.
   * @default 600
   */
  readonly progressDeadlineSeconds?: number;
  /**
   * Old ReplicaSets kept for rollback.
   * @default 10
   */
  readonly revisionHistoryLimit?: number;
  /**
   * `app.kubernetes.io/component` label.
   * @default 'server' with a port, 'worker' without
   */
  readonly component?: string;
  /**
   * `app.kubernetes.io/part-of` label: the application this workload belongs to.
   * @default - the name
   */
  readonly partOf?: string;
  /**
   * `app.kubernetes.io/version` label.
   * @default - the image tag
   */
  readonly version?: string;
  /**
   * Rules switched off on purpose: rule id -> reason. The reason is written to the
   * Deployment as an annotation `guardrails.cdk8s.io/skip.<rule>`.
   * @default - every rule applies
   */
  readonly skip?: { [ruleId: string]: string };
}

/**
 * A production-safe Deployment from one call: two spread replicas, probes, graceful
 * shutdown, a PodDisruptionBudget, explicit resources, Pod Security "restricted", its own
 * ServiceAccount, a ClusterIP Service, a default-deny NetworkPolicy with explicit allows,
 * hashed immutable config and metrics scraping. Every child is public for further changes.
 */
export class SafeDeployment extends Construct implements IPodSet {
  /** Object name shared by the children. */
  public readonly name: string;
  /** The cdk8s-plus Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The container of the pod. */
  public readonly container: kplus.Container;
  /** The workload's own ServiceAccount. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The per-workload NetworkPolicy (ingress and egress). */
  public readonly networkPolicy: ApiObject;
  /** The ClusterIP Service, when the workload has a port. */
  public readonly service?: kplus.Service;
  /** The PodDisruptionBudget, when the workload runs 2+ replicas. */
  public readonly pdb?: ApiObject;
  /** The HorizontalPodAutoscaler, with `autoscaling`. */
  public readonly hpa?: kplus.HorizontalPodAutoscaler;
  /** The hashed ConfigMap, with `env` or `files`. */
  public readonly configMap?: HashedConfigMap;
  /** The ServiceMonitor, with `metrics.method` SERVICE_MONITOR. */
  public readonly serviceMonitor?: ApiObject;
  /** Labels that select exactly this workload's pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** Recommended labels on every child. */
  public readonly labels: { [key: string]: string };
  /** Ports on which the pods serve. */
  public readonly servingPorts: number[];
  /** Rules switched off, with reasons. */
  public readonly skippedRules: { [ruleId: string]: string };

  private readonly ingressRules: Array<{ peer: NetworkPeer; ports: NetworkPort[] }> = [];
  private readonly egressPeers: NetworkPeer[] = [];

  constructor(scope: Construct, id: string, props: SafeDeploymentProps) {
    super(scope, id);
    const skips = validateSkips(this, KIND, props.skip);
    this.skippedRules = Object.fromEntries(skips);

    // --- names and image -------------------------------------------------------------
    this.name = props.name ?? id;
    if (typeof this.name !== 'string' || this.name.length > 63 || !DNS_1035_LABEL.test(this.name)) {
      fail(this, KIND, props.name === undefined ? 'name (taken from the construct id)' : 'name', this.name,
        'a DNS-1035 label of at most 63 characters: lower-case letters, digits and \'-\', starting with a letter; set `name` when the construct id is not one');
    }
    const image = this.checkImage(props, skips);
    if (props.readOnlyRootFilesystem === false && !skips.has('pod-security')) {
      fail(this, KIND, 'readOnlyRootFilesystem', false, 'true (rule pod-security), or skip: { \'pod-security\': \'<reason>\' }; use writablePaths for the directories the app writes to');
    }

    // --- labels: stable selector from the name, never from the construct path -----------
    this.selectorLabels = { [LABEL_NAME]: this.name, [LABEL_INSTANCE]: this.name };
    const version = props.version !== undefined
      ? checkLabelValue(this, KIND, 'version', props.version)
      : toLabelValue(image.tag);
    const component = checkLabelValue(this, KIND, 'component', props.component ?? (props.port !== undefined ? 'server' : 'worker'));
    const partOf = checkLabelValue(this, KIND, 'partOf', props.partOf ?? this.name);
    this.labels = {
      ...this.selectorLabels,
      ...(version ? { [LABEL_VERSION]: version } : {}),
      [LABEL_COMPONENT]: component,
      [LABEL_PART_OF]: partOf,
      [LABEL_MANAGED_BY]: MANAGED_BY,
    };

    // --- ports -------------------------------------------------------------------------
    const port = props.port === undefined ? undefined : checkInt(this, KIND, 'port', props.port, 1, 65535);
    const servicePort = props.servicePort === undefined ? port : checkInt(this, KIND, 'servicePort', props.servicePort, 1, 65535);
    if (servicePort !== undefined && port === undefined) {
      fail(this, KIND, 'servicePort', servicePort, 'no servicePort without a `port` for the container');
    }
    const metrics = this.resolveMetrics(props, port, skips);
    this.servingPorts = port !== undefined ? [port] : [];

    // --- replicas ----------------------------------------------------------------------
    const { replicas, minReplicas } = this.resolveReplicas(props, skips);

    // --- shutdown timing ---------------------------------------------------------------
    const preStop = seconds(this, 'preStopDelay', props.preStopDelay ?? Duration.seconds(10), 0);
    const shutdown = seconds(this, 'shutdownTimeout', props.shutdownTimeout ?? Duration.seconds(20), 0);
    const grace = props.terminationGracePeriod !== undefined
      ? seconds(this, 'terminationGracePeriod', props.terminationGracePeriod, 1)
      : preStop + shutdown;
    if (grace <= preStop) {
      fail(this, KIND, 'terminationGracePeriod', `${grace}s`, `more than preStopDelay (${preStop}s), or SIGKILL arrives before the app has received SIGTERM; e.g. ${preStop + 20}s`);
    }

    // --- children ----------------------------------------------------------------------
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, labels: this.labels },
      automountToken: props.automountServiceAccountToken ?? false,
    });

    this.configMap = this.createConfigMap(props);

    const maxSurge = checkInt(this, KIND, 'maxSurge', props.maxSurge ?? 1, 1, 1000);
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: this.name, labels: this.labels },
      select: false,
      replicas,
      minReady: Duration.seconds(checkInt(this, KIND, 'minReadySeconds', props.minReadySeconds ?? 10, 0, 3600)),
      progressDeadline: Duration.seconds(checkInt(this, KIND, 'progressDeadlineSeconds', props.progressDeadlineSeconds ?? 600, 1, 86400)),
      strategy: this.hasRwoClaim(props)
        ? kplus.DeploymentStrategy.recreate()
        : kplus.DeploymentStrategy.rollingUpdate({
          maxSurge: kplus.PercentOrAbsolute.absolute(maxSurge),
          maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
        }),
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      terminationGracePeriod: Duration.seconds(grace),
      // The pod and container security contexts are written by a JSON patch below:
      // cdk8s-plus cannot express seccomp or `capabilities.drop: [ALL]`.
      securityContext: { ensureNonRoot: true },
      isolate: false,
    });
    for (const [k, v] of Object.entries(this.labels)) this.deployment.podMetadata.addLabel(k, v);
    if (metrics?.method === ScrapeMethod.ANNOTATIONS) {
      this.deployment.podMetadata.addAnnotation('prometheus.io/scrape', 'true');
      this.deployment.podMetadata.addAnnotation('prometheus.io/port', String(metrics.port));
      this.deployment.podMetadata.addAnnotation('prometheus.io/path', metrics.path);
    }
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    if (props.priorityClassName) {
      ApiObject.of(this.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', props.priorityClassName));
    }
    annotateSkips(ApiObject.of(this.deployment), skips);

    this.container = this.deployment.addContainer({
      name: 'app',
      image: props.image,
      imagePullPolicy: props.imagePullPolicy ?? kplus.ImagePullPolicy.ALWAYS,
      command: props.command,
      args: props.args,
      ports: port !== undefined ? [{ number: port, name: 'http', protocol: kplus.Protocol.TCP }] : undefined,
      lifecycle: { preStop: kplus.Handler.fromCommand(props.preStopCommand ?? ['sleep', String(preStop)]) },
      securityContext: { ensureNonRoot: true },
    });
    if (metrics && metrics.port !== port) {
      this.container.addPort({ number: metrics.port, name: 'metrics', protocol: kplus.Protocol.TCP });
    }
    this.configureProbes(props, port, skips);
    this.configureEnvAndVolumes(props);
    this.patchPodSpec(props, resolveResources(this, KIND, props.resourcePreset, props.resources));

    if (port !== undefined) {
      this.service = new kplus.Service(this, 'Service', {
        metadata: { name: this.name, labels: this.labels },
        type: kplus.ServiceType.CLUSTER_IP,
        ports: [
          { name: 'http', port: servicePort!, targetPort: port, protocol: kplus.Protocol.TCP },
          ...(metrics && metrics.port !== port && metrics.method === ScrapeMethod.SERVICE_MONITOR
            ? [{ name: 'metrics', port: metrics.port, targetPort: metrics.port, protocol: kplus.Protocol.TCP }] : []),
        ],
      });
      for (const [k, v] of Object.entries(this.selectorLabels)) this.service.selectLabel(k, v);
      // cdk8s-plus writes `externalIPs: []`, which the API server does not store.
      ApiObject.of(this.service).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
    }

    const effectiveReplicas = minReplicas ?? replicas!;
    if (effectiveReplicas >= 2) {
      const maxUnavailable = checkInt(this, KIND, 'maxUnavailable', props.maxUnavailable ?? 1, 1, effectiveReplicas - 1);
      this.pdb = new kplus.k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: { name: this.name, labels: this.labels },
        spec: {
          maxUnavailable: kplus.k8s.IntOrString.fromNumber(maxUnavailable),
          selector: { matchLabels: { ...this.selectorLabels } },
          // Pods that never became ready must not block a node drain.
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }

    if (props.autoscaling) {
      const a = props.autoscaling;
      const metricsList = [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(
        checkInt(this, KIND, 'autoscaling.cpuUtilization', a.cpuUtilization ?? 70, 1, 1000)))];
      if (a.memoryUtilization !== undefined) {
        metricsList.push(kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(
          checkInt(this, KIND, 'autoscaling.memoryUtilization', a.memoryUtilization, 1, 1000))));
      }
      this.hpa = new kplus.HorizontalPodAutoscaler(this, 'HorizontalPodAutoscaler', {
        metadata: { name: this.name, labels: this.labels },
        target: this.deployment,
        minReplicas: minReplicas!,
        maxReplicas: a.maxReplicas,
        metrics: metricsList,
      });
    }

    // --- network policy: default deny for these pods, then explicit allows --------------
    for (const peer of props.allowFrom ?? []) this.allowFrom(peer);
    if (metrics) this.allowFrom(metrics.scraper, [{ port: metrics.port }]);
    this.egressPeers.push(props.clusterDns ?? NetworkPeer.clusterDns());
    for (const peer of props.allowTo ?? []) this.allowTo(peer);
    const ownNamespace = () => this.namespaceName;
    this.networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels: this.labels },
      spec: {
        podSelector: { matchLabels: { ...this.selectorLabels } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({
          // An empty list is left out (the policy type alone denies): the API server does
          // not store empty lists, and a GitOps diff would never settle.
          produce: () => nonEmpty(this.ingressRules.map((r) => ({
            from: [r.peer._toPeer(ownNamespace())],
            ports: renderPorts(r.ports),
          }))),
        }),
        egress: Lazy.any({
          produce: () => nonEmpty(this.egressPeers.map((p) => ({
            to: [p._toPeer(ownNamespace())],
            ports: renderPorts(p.ports),
          }))),
        }),
      },
    });

    if (metrics && metrics.method === ScrapeMethod.SERVICE_MONITOR) {
      this.serviceMonitor = new ServiceMonitor(this, 'ServiceMonitor', {
        metadata: { name: this.name, labels: this.labels },
        spec: {
          selector: { matchLabels: { ...this.selectorLabels } },
          endpoints: [{
            port: metrics.port === port ? 'http' : 'metrics',
            path: metrics.path,
            interval: `${metrics.interval}s`,
          }],
        },
      });
    }
  }

  /** Namespace of the workload: the namespace of its chart. */
  public get namespaceName(): string | undefined {
    return Chart.of(this).namespace;
  }

  /**
   * Lets `peer` connect to the pods, on `ports` (default: the serving port, or every port
   * for a worker).
   */
  public allowFrom(peer: NetworkPeer, ports?: NetworkPort[]): void {
    this.ingressRules.push({ peer, ports: ports ?? this.servingPorts.map((p) => ({ port: p })) });
  }

  /** Lets the pods connect to `peer` (on the peer's ports). */
  public allowTo(peer: NetworkPeer): void {
    this.egressPeers.push(peer);
  }

  /** Opens both sides: these pods may reach `other`'s serving ports, and `other` accepts them. */
  public connectTo(other: SafeDeployment): void {
    this.allowTo(NetworkPeer.workload(other));
    other.allowFrom(NetworkPeer.workload(this));
  }

  private checkImage(props: SafeDeploymentProps, skips: Map<string, string>) {
    const image = parseImage(props.image);
    if (!image) {
      fail(this, KIND, 'image', props.image, 'an image reference such as "ghcr.io/acme/web:1.4.2" or "ghcr.io/acme/web@sha256:<64 hex>"');
    }
    if (!skips.has('image-pinned')) {
      if (!isPinned(image)) {
        fail(this, KIND, 'image', props.image, 'a pinned image: a tag other than "latest" (e.g. ":1.4.2") or a digest (rule image-pinned)');
      }
      if (props.requireDigest && !image.digest) {
        fail(this, KIND, 'image', props.image, 'an image pinned by digest ("<image>@sha256:<64 hex>") because requireDigest is true');
      }
    }
    const allowed = props.allowedRegistries;
    if (allowed && allowed.length > 0 && !skips.has('image-registry') && !registryAllowed(props.image, image, allowed)) {
      fail(this, KIND, 'image', props.image, `an image from an allowed registry: ${allowed.join(', ')} (rule image-registry)`);
    }
    return image;
  }

  private resolveReplicas(props: SafeDeploymentProps, skips: Map<string, string>) {
    if (props.autoscaling) {
      if (props.replicas !== undefined) {
        fail(this, KIND, 'replicas', props.replicas, 'no static replicas together with autoscaling: set autoscaling.minReplicas instead');
      }
      const min = checkInt(this, KIND, 'autoscaling.minReplicas', props.autoscaling.minReplicas ?? 2, 1, 10000);
      if (min < 2 && !skips.has('replicas-min')) {
        fail(this, KIND, 'autoscaling.minReplicas', min, 'at least 2 (rule replicas-min), or skip: { \'replicas-min\': \'<reason>\' }');
      }
      checkInt(this, KIND, 'autoscaling.maxReplicas', props.autoscaling.maxReplicas, min, 10000);
      return { replicas: undefined, minReplicas: min };
    }
    const replicas = checkInt(this, KIND, 'replicas', props.replicas ?? 2, 1, 10000);
    if (replicas < 2 && !skips.has('replicas-min')) {
      fail(this, KIND, 'replicas', replicas, 'at least 2 (rule replicas-min), or skip: { \'replicas-min\': \'<reason>\' }');
    }
    return { replicas, minReplicas: undefined };
  }

  private resolveMetrics(props: SafeDeploymentProps, port: number | undefined, skips: Map<string, string>) {
    if (skips.has('metrics') && props.metrics === undefined) return undefined;
    const m = props.metrics ?? {};
    const metricsPort = m.port === undefined ? port : checkInt(this, KIND, 'metrics.port', m.port, 1, 65535);
    if (metricsPort === undefined) {
      if (props.metrics !== undefined) fail(this, KIND, 'metrics.port', m.port, 'a metrics port: the workload has no `port`');
      return undefined; // a worker without a port serves nothing to scrape
    }
    const path = m.path ?? '/metrics';
    if (!path.startsWith('/')) fail(this, KIND, 'metrics.path', path, 'an absolute HTTP path such as "/metrics"');
    const method = m.method ?? ScrapeMethod.ANNOTATIONS;
    if (method === ScrapeMethod.SERVICE_MONITOR && port === undefined) {
      fail(this, KIND, 'metrics.method', method, 'ScrapeMethod.ANNOTATIONS for a worker: a ServiceMonitor needs the Service that a `port` creates');
    }
    return {
      method,
      port: metricsPort,
      path,
      interval: seconds(this, 'metrics.interval', m.interval ?? Duration.seconds(30), 1),
      scraper: m.scraper ?? NetworkPeer.namespace('monitoring'),
    };
  }

  private hasRwoClaim(props: SafeDeploymentProps): boolean {
    return (props.claims ?? []).some((c) => claimModes(c).includes(kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE)
      || claimModes(c).includes(kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD));
  }

  private createConfigMap(props: SafeDeploymentProps): HashedConfigMap | undefined {
    const env = props.env ?? {};
    const files = props.files ?? {};
    const data: { [key: string]: string } = {};
    const secretNames = new Set((props.secretEnv ?? []).map((s) => s.name));
    for (const key of Object.keys(env)) {
      checkEnvName(this, KIND, 'env', key);
      if (secretNames.has(key)) fail(this, KIND, 'env', key, 'each environment variable once: it is also in secretEnv');
      data[key] = env[key];
    }
    for (const file of Object.keys(files)) {
      if (file in data) fail(this, KIND, 'files', file, 'a file name that is not also an env name: both live in one ConfigMap');
      data[file] = files[file];
    }
    if (Object.keys(data).length === 0) return undefined;
    return new HashedConfigMap(this, 'Config', { namePrefix: `${this.name}-config`, data, labels: this.labels });
  }

  private configureEnvAndVolumes(props: SafeDeploymentProps): void {
    const env = props.env ?? {};
    const cm = this.configMap;
    if (cm) {
      const ref = kplus.ConfigMap.fromConfigMapName(this, 'ConfigRef', cm.name);
      for (const key of Object.keys(env).sort()) {
        this.container.env.addVariable(key, kplus.EnvValue.fromConfigMap(ref, key));
      }
      const fileNames = Object.keys(props.files ?? {}).sort();
      if (fileNames.length > 0) {
        const mountPath = props.configMountPath ?? `/etc/${this.name}`;
        if (!mountPath.startsWith('/')) fail(this, KIND, 'configMountPath', mountPath, 'an absolute path');
        const volume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', ref, {
          name: 'config',
          items: Object.fromEntries(fileNames.map((f) => [f, { path: f }])),
        });
        this.container.mount(mountPath, volume, { readOnly: true });
      }
    }
    const seen = new Set(Object.keys(env));
    for (const s of props.secretEnv ?? []) {
      checkEnvName(this, KIND, 'secretEnv.name', s.name);
      if (seen.has(s.name)) fail(this, KIND, 'secretEnv.name', s.name, 'each environment variable once');
      seen.add(s.name);
      const secret = kplus.Secret.fromSecretName(this, `Secret-${s.name}`, s.secretName);
      this.container.env.addVariable(s.name, kplus.EnvValue.fromSecretValue({ secret, key: s.key }, { optional: s.optional ?? false }));
    }

    const writable = props.writablePaths ?? ['/tmp'];
    const usedNames = new Set<string>();
    for (const path of writable) {
      if (!path.startsWith('/') || path === '/') fail(this, KIND, 'writablePaths', path, 'absolute paths other than "/"');
      const name = volumeName(path, usedNames);
      const volume = kplus.Volume.fromEmptyDir(this, `Writable-${name}`, name);
      this.container.mount(path, volume);
    }

    const claims = props.claims ?? [];
    const replicasAboveOne = props.autoscaling !== undefined || (props.replicas ?? 2) > 1;
    claims.forEach((c, i) => {
      const modes = claimModes(c);
      const rwo = modes.includes(kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE) || modes.includes(kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD);
      if (rwo && replicasAboveOne) {
        fail(this, KIND, `claims[${i}]`, c.claim.name, 'no ReadWriteOnce claim with more than one replica: it attaches to one node only. Use a StatefulSet with one claim per pod, or replicas: 1 with skip[\'replicas-min\'] (the strategy then becomes Recreate) (rule rwo-volume)');
      }
      const volume = kplus.Volume.fromPersistentVolumeClaim(this, `Claim${i}`, c.claim, { name: `claim-${i}`, readOnly: c.readOnly });
      this.container.mount(c.mountPath, volume, { readOnly: c.readOnly });
      if (!c.readOnly) {
        // cdk8s-plus writes `readOnly: false`, which the API server does not store. It renders
        // the first container's mounts first, in order, so the index is fixed from here on.
        const names = [...new Set(this.container.mounts.map((m) => m.volume.name))];
        ApiObject.of(this.deployment).addJsonPatch(
          JsonPatch.remove(`/spec/template/spec/volumes/${names.indexOf(volume.name)}/persistentVolumeClaim/readOnly`));
      }
    });
  }

  private configureProbes(props: SafeDeploymentProps, port: number | undefined, skips: Map<string, string>): void {
    if (port === undefined) {
      if (props.readiness) fail(this, KIND, 'readiness', props.readiness, 'no readiness probe without a `port`: a worker is not behind a Service');
      if (props.liveness) fail(this, KIND, 'liveness', props.liveness, 'livenessCommand for a worker without a `port`');
      if (props.livenessCommand && props.livenessCommand.length > 0) {
        ApiObject.of(this.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', {
          exec: { command: [...props.livenessCommand] }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3,
        }));
      } else if (!skips.has('probe-liveness')) {
        fail(this, KIND, 'livenessCommand', props.livenessCommand, 'a command that fails when the worker hangs (e.g. [\'/app/healthcheck\']), or skip: { \'probe-liveness\': \'<reason>\' } (rule probe-liveness)');
      }
      return;
    }
    if (props.livenessCommand) fail(this, KIND, 'livenessCommand', props.livenessCommand, 'liveness.path or a TCP check for a workload with a `port`');
    const readiness = resolveProbe(this, 'readiness', props.readiness, { period: 5, timeout: 2, failures: 3, delay: 0 });
    const liveness = resolveProbe(this, 'liveness', props.liveness, { period: 10, timeout: 2, failures: 6, delay: 10 });
    if (liveness.period * liveness.failures <= readiness.period * readiness.failures) {
      fail(this, KIND, 'liveness', props.liveness,
        `a liveness probe more tolerant than readiness: periodSeconds x failureThreshold above ${readiness.period * readiness.failures}s, so a slow pod leaves the Service before it is restarted (rule probe-liveness)`);
    }
    const patch = ApiObject.of(this.deployment);
    if (readiness.path === liveness.path && !skips.has('probe-readiness') && !skips.has('probe-liveness')) {
      // Both probes check the same endpoint (by default a TCP connect to the port), with
      // liveness far more tolerant than readiness, which is what rule probe-liveness asks.
      // kube-score compares only the endpoint and would flag it as critical; set different
      // readiness.path and liveness.path to check different things instead.
      patch.metadata.addAnnotation('kube-score/ignore', 'pod-probes-identical');
    }
    if (!skips.has('probe-readiness')) patch.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/readinessProbe', renderProbe(readiness)));
    if (!skips.has('probe-liveness')) patch.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/livenessProbe', renderProbe(liveness)));
    if (props.startupTimeout !== undefined) {
      const total = seconds(this, 'startupTimeout', props.startupTimeout, 1);
      const period = 5;
      patch.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/startupProbe', renderProbe({
        path: readiness.path, period, timeout: readiness.timeout, failures: Math.ceil(total / period), delay: 0,
      })));
    }
  }

  /** Writes what cdk8s-plus-27 cannot express; user patches run after these. */
  private patchPodSpec(props: SafeDeploymentProps, resources: RenderedResources): void {
    const uid = checkInt(this, KIND, 'runAsUser', props.runAsUser ?? 10001, 10001, 2147483647);
    const gid = checkInt(this, KIND, 'runAsGroup', props.runAsGroup ?? 10001, 10001, 2147483647);
    const seccompProfile = { type: 'RuntimeDefault' };
    const podSpec = '/spec/template/spec';
    const container = `${podSpec}/containers/0`;
    const topology = (key: string, required: boolean | undefined) => ({
      maxSkew: 1,
      topologyKey: key,
      whenUnsatisfiable: required ? 'DoNotSchedule' : 'ScheduleAnyway',
      labelSelector: { matchLabels: { ...this.selectorLabels } },
    });
    const nodeSelector: { [key: string]: string } = { ...(props.nodeSelector ?? {}) };
    if (props.architecture !== undefined) {
      if (!/^[a-z0-9]+$/.test(props.architecture)) fail(this, KIND, 'architecture', props.architecture, 'a GOARCH name such as "amd64" or "arm64"');
      nodeSelector['kubernetes.io/arch'] = props.architecture;
    }
    const patches = [
      JsonPatch.replace(`${podSpec}/securityContext`, {
        runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid, seccompProfile,
      }),
      JsonPatch.replace(`${container}/securityContext`, {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: gid,
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
        capabilities: { drop: ['ALL'] },
        seccompProfile,
      }),
      JsonPatch.add(`${container}/resources`, {
        requests: quantities(resources.requests),
        limits: quantities(resources.limits),
      }),
      // Different checkers accept different spread mechanisms: emit both.
      JsonPatch.add(`${podSpec}/topologySpreadConstraints`, [
        topology('kubernetes.io/hostname', props.nodeSpreadRequired),
        topology('topology.kubernetes.io/zone', props.zoneSpreadRequired),
      ]),
      JsonPatch.add(`${podSpec}/affinity`, {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{
            weight: 100,
            podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...this.selectorLabels } } },
          }],
        },
      }),
      // cdk8s-plus writes `hostNetwork: false`, which the API server does not store.
      JsonPatch.remove(`${podSpec}/hostNetwork`),
      // cdk8s-plus adds this label from the construct path even with `select: false`;
      // it would roll every pod when a construct is renamed.
      JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'),
    ];
    if (Object.keys(nodeSelector).length > 0) patches.push(JsonPatch.add(`${podSpec}/nodeSelector`, nodeSelector));
    ApiObject.of(this.deployment).addJsonPatch(...patches);
  }
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

function quantities(values: { [name: string]: string }): { [name: string]: kplus.k8s.Quantity } {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, kplus.k8s.Quantity.fromString(v)]));
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

function seconds(scope: Construct, prop: string, d: Duration, min: number): number {
  const s = d.toSeconds();
  if (!Number.isInteger(s) || s < min) fail(scope, KIND, prop, `${d.toMilliseconds()}ms`, `a whole number of seconds, at least ${min}`);
  return s;
}

interface ResolvedProbe { path?: string; period: number; timeout: number; failures: number; delay: number }

function resolveProbe(scope: Construct, prop: string, p: ProbeSettings | undefined, d: { period: number; timeout: number; failures: number; delay: number }): ResolvedProbe {
  const period = checkInt(scope, KIND, `${prop}.periodSeconds`, p?.periodSeconds ?? d.period, 1, 3600);
  const timeout = checkInt(scope, KIND, `${prop}.timeoutSeconds`, p?.timeoutSeconds ?? d.timeout, 1, 3600);
  if (timeout >= period) {
    fail(scope, KIND, `${prop}.timeoutSeconds`, timeout, `less than ${prop}.periodSeconds (${period}): a probe that times out after the next one is due cannot work`);
  }
  const failures = checkInt(scope, KIND, `${prop}.failureThreshold`, p?.failureThreshold ?? d.failures, 1, 1000);
  const delay = checkInt(scope, KIND, `${prop}.initialDelaySeconds`, p?.initialDelaySeconds ?? d.delay, 0, 3600);
  if (p?.path !== undefined && !p.path.startsWith('/')) fail(scope, KIND, `${prop}.path`, p.path, 'an absolute HTTP path such as "/healthz"');
  return { path: p?.path, period, timeout, failures, delay };
}

// Values in patches on L1 objects pass through cdk8s's typed serializer after patching,
// which drops plain values where it expects IntOrString or Quantity instances.
const NAMED_PORT = kplus.k8s.IntOrString.fromString('http');

function renderProbe(p: ResolvedProbe) {
  return {
    ...(p.path !== undefined
      ? { httpGet: { path: p.path, port: NAMED_PORT, scheme: 'HTTP' } }
      : { tcpSocket: { port: NAMED_PORT } }),
    // Zero values are left out: the API server does not store them.
    initialDelaySeconds: p.delay > 0 ? p.delay : undefined,
    periodSeconds: p.period,
    timeoutSeconds: p.timeout,
    failureThreshold: p.failures,
    successThreshold: 1,
  };
}
