import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { NetworkPeer } from '../network/network-peer';
import { ISecretSource } from '../secrets/source';
import type { WorkloadCall } from '../workloads/calls';
import { ResourcePreset, ResourceValues } from '../workloads/resources';
import { ProbeCheck } from './probes';
import { KubernetesVersion } from './version';

/**
 * Settings of a readiness, liveness or startup probe.
 * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
export interface ProbeSettings {
  /**
   * What the probe checks: `ProbeCheck.httpGet(...)`, `.tcpSocket(...)`, `.grpc(...)` or
   * `.exec(...)`, each on a named port of the container.
   * @default - `path` given: an HTTP GET of it; else a TCP connect to the container's first port
   */
  readonly check?: ProbeCheck;
  /**
   * HTTP path to GET on the container's first port (shorthand for
   * `check: ProbeCheck.httpGet(path)`). Not together with `check`.
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

/** A named port of a container. */
export interface NamedPort {
  /**
   * Port name (an IANA_SVC_NAME: at most 15 lower-case letters, digits and '-', with a
   * letter), unique in the pod. Probes, the Service and ServiceMonitors refer to it.
   */
  readonly name: string;
  /** Port number the container listens on (1-65535). */
  readonly containerPort: number;
  /**
   * Protocol.
   * @default kplus.Protocol.TCP
   */
  readonly protocol?: kplus.Protocol;
  /**
   * Whether the workload's Service exposes the port, and whether other workloads that name
   * this one as a peer (`connectTo`, `NetworkPeer.workload`) may reach it.
   * @default true
   */
  readonly exposed?: boolean;
  /**
   * Port number on the Service.
   * @default - the same as `containerPort`
   */
  readonly servicePort?: number;
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
   * Port number of the metrics endpoint: a TCP port of the main container or of a sidecar
   * (an exporter such as redis_exporter, native sidecars included). A number that no declared
   * port uses adds a port named `metrics` to the main container.
   * @default - the main container's first port
   */
  readonly port?: number;
  /**
   * Path of the metrics endpoint.
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * Scrape interval (ServiceMonitor only): whole seconds, from 1 s to 3600 s.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * Who may scrape: opened in the workload's NetworkPolicy on the metrics port.
   * @default - every pod in the namespace `monitoring`
   */
  readonly scraper?: NetworkPeer;
}

/** An environment variable read from an existing Secret (rule `secret-no-plaintext`). */
export interface SecretEnvVar {
  /** Environment variable name. */
  readonly name: string;
  /** Name of the Secret in the workload's namespace: a DNS-1123 subdomain. */
  readonly secretName: string;
  /** Key in the Secret: letters, digits, '-', '_' and '.', not '.', '..' or starting with '..'. */
  readonly key: string;
  /**
   * Whether the pod starts when the Secret or key is missing.
   * @default false
   */
  readonly optional?: boolean;
}

/**
 * A Secret a container reads, from any source (rule `secret-no-plaintext`): keys as
 * environment variables, as read-only files, or both. The pods roll when the source's
 * version changes (`ISecretSource.versionHash`, in the pod annotation
 * `guardrails.cdk8s.io/secret-versions`).
 */
export interface SecretUse {
  /** The source: an ExternalSecretSource, a SealedSecretSource or an ExistingSecret, in the workload's namespace. */
  readonly source: ISecretSource;
  /**
   * Environment variables read from the Secret: variable name -> key in the Secret.
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Absolute path where the Secret's keys are mounted as read-only files (mode 0440 unless `fileMode` says otherwise, readable
   * by the pod's group).
   * @default - not mounted
   */
  readonly mountPath?: string;
  /**
   * Keys mounted as files (named like the key, or as `paths` says) under `mountPath`.
   * @default - every key of the Secret
   */
  readonly files?: string[];
  /**
   * File names of mounted keys: key -> path relative to `mountPath`, e.g.
   * `{ 'tls.key': 'client.key' }`. Other keys keep their own name. With a source whose keys are
   * not known (an ExistingSecret without `keys`), list the keys in `files`.
   * Errors: a key that is not mounted, a path that is absolute, empty, has a `..` segment or is
   * given twice.
   * @default - each file is named like its key
   */
  readonly paths?: { [key: string]: string };
  /**
   * Permission bits of the files (the volume's `defaultMode`), e.g. `0o400` for an SSH key. The
   * kubelet adds read permission for the pod's fsGroup, which the containers run as, so that
   * they can read the files. Errors: not an integer from 0o400 to 0o755 with the owner's read
   * bit, or a write bit for the group or others (e.g. 400 written in decimal, which is 0o620).
   * @default 0o440: readable by the owner and the pod's group
   * @see https://kubernetes.io/docs/concepts/configuration/secret/#secret-files-permissions
   */
  readonly fileMode?: number;
}

/** A PersistentVolumeClaim mounted into the main container (rule `rwo-volume`). */
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

/**
 * A container besides the main one: a sidecar or an init container. It is pinned and
 * checked like the main image (rules `image-pinned`, `image-registry`, with the pod's
 * `requireDigest` and `allowedRegistries`), has its own resources (rule `resources`) and
 * runs with the same restricted securityContext (rule `pod-security`).
 */
export interface SafeContainerProps {
  /** Container name: a DNS-1123 label, unique in the pod (`app` is the main container). */
  readonly name: string;
  /** Container image: a tag other than `latest`, or a digest (rule `image-pinned`). */
  readonly image: string;
  /**
   * Image pull policy.
   * @default kplus.ImagePullPolicy.ALWAYS
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /** Container command. @default - the image's entrypoint */
  readonly command?: string[];
  /** Container arguments. @default - the image's command */
  readonly args?: string[];
  /**
   * Resource preset (rule `resources`). Explicit `resources` override single fields.
   * @default ResourcePreset.NANO
   */
  readonly resourcePreset?: ResourcePreset;
  /**
   * Explicit resource values.
   * @default - the preset's values
   */
  readonly resources?: ResourceValues;
  /**
   * Environment variables. Values go into the workload's hashed ConfigMap under the key
   * `<container name>.<variable>` (rules `config-immutable`, `config-external`).
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Environment variables read from existing Secrets.
   * @default - none
   */
  readonly secretEnv?: SecretEnvVar[];
  /**
   * Secrets read from a secret source, as env vars or files.
   * @default - none
   */
  readonly secrets?: SecretUse[];
  /**
   * Writable emptyDir volumes of this container, by mount path (the root filesystem is
   * read-only). A path also in the pod's `writablePaths` shares that volume.
   * @default - none
   */
  readonly writablePaths?: string[];
}

/**
 * A sidecar: a helper container that runs next to the main one for the pod's whole life
 * (a proxy, a log shipper, an exporter).
 */
export interface SidecarContainerProps extends SafeContainerProps {
  /**
   * Named ports of the sidecar.
   * @default - none
   */
  readonly ports?: NamedPort[];
  /**
   * Readiness probe (rule `probe-readiness`), on a named port of the sidecar.
   * @default - with ports: a TCP check of the first port every 5 s, unready after 3 failures
   */
  readonly readiness?: ProbeSettings;
  /**
   * Liveness probe (rule `probe-liveness`). A sidecar without ports needs one that runs a
   * command (`ProbeCheck.exec`), or `skip['probe-liveness']`.
   * @default - with ports: a TCP check of the first port every 10 s after 10 s, restarted after 6 failures
   */
  readonly liveness?: ProbeSettings;
  /**
   * Command that implements the preStop delay of a sidecar with ports (the image must contain it).
   * @default - the main container's preStop delay (the sleep action from 1.30, else `sleep <seconds>`) for a sidecar with ports; none without
   */
  readonly preStopCommand?: string[];
  /**
   * Run as a native sidecar: an init container with `restartPolicy: Always`, which starts
   * before the main container and stops after it (Kubernetes 1.29+). `true` with an older
   * target version is an error.
   * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
   * @default - true when the target Kubernetes version is 1.29 or newer, else false
   */
  readonly native?: boolean;
}

/** A container that runs to completion before the main container starts. */
export interface InitContainerProps extends SafeContainerProps {}

/**
 * The pod-level properties that every workload kind shares: containers, images, probes,
 * shutdown, resources, security, config, volumes, scheduling, metrics, network policy,
 * labels and skipped rules. Every default satisfies the rules of docs/practices.md.
 */
export interface SafePodProps {
  /** Image of the main container (`app`): a tag other than `latest`, or a digest (rule `image-pinned`). */
  readonly image: string;
  /**
   * Object name of the workload and its children: a DNS-1035 label. It is also the
   * `app.kubernetes.io/name` and `instance` label and hence the selector, so renaming the
   * construct id does not change an immutable selector.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The labels that select the pods: the workload's `spec.selector.matchLabels`, and the
   * selector of its Service, PodDisruptionBudget and NetworkPolicy. Set them to the selector
   * of an existing Deployment (e.g. one a Helm release installed) to take it over in place:
   * a Deployment's selector is immutable, so `kubectl apply` of different labels fails.
   * They are also pod labels, over the recommended ones. Keys and values are labels; no
   * value is empty; `app.kubernetes.io/version` and `helm.sh/chart` are refused, since they
   * change with every release while the selector cannot (so are the controllers' own
   * `pod-template-hash` and `controller-revision-hash`).
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#label-selector-updates
   * @default - `app.kubernetes.io/name` and `app.kubernetes.io/instance`, both the name
   */
  readonly selectorLabels?: { [key: string]: string };
  /**
   * Port the main container serves on, named `http`. A workload with a port gets a
   * ClusterIP Service, readiness and liveness probes on it, and metrics scraping. Without
   * any port it is a worker. Ports, probes, preStop and `allowFrom` are errors on pods that
   * run to completion (SafeJob, SafeCronJob).
   * @default - no `http` port
   */
  readonly port?: number;
  /**
   * Port the Service exposes for `port`.
   * @default - the same as `port`
   */
  readonly servicePort?: number;
  /**
   * More named ports of the main container (after `http` when `port` is set). Probes
   * default to the first port of the container.
   * @default - none
   */
  readonly ports?: NamedPort[];
  /**
   * Require every image to be pinned by digest (`image@sha256:...`).
   * @default false
   */
  readonly requireDigest?: boolean;
  /**
   * What counts as a pinned tag (rule `image-pinned`): a regular expression (JavaScript syntax)
   * that the whole tag must match, e.g. `'v\\d+\\.\\d+'` for a registry whose minor tags are
   * immutable. `latest` never counts; a digest always does.
   * @default - a tag holding a full version (`1.4.2`, `v1.4.2-alpine`), a date stamp
   *   (`20240105`) or a commit hash (`sha-3f2a9c8`); `stable`, `alpine`, `3` and `7.2` move
   */
  readonly pinnedTagPattern?: string;
  /**
   * Registries every image may come from (rule `image-registry`), as `host`, `host:port` or
   * `host/path` in lower case, without a scheme, tag or wildcard; a bad entry, or an empty
   * list, is an error.
   * @default - any registry
   */
  readonly allowedRegistries?: string[];
  /**
   * Image pull policy of the main container.
   * @default kplus.ImagePullPolicy.ALWAYS: every start re-checks the pull credentials
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /** Main container command. @default - the image's entrypoint */
  readonly command?: string[];
  /** Main container arguments. @default - the image's command */
  readonly args?: string[];
  /**
   * Readiness probe (rule `probe-readiness`) of the main container.
   * @default - TCP check of the first port every 5 s, unready after 3 failures
   */
  readonly readiness?: ProbeSettings;
  /**
   * Liveness probe (rule `probe-liveness`) of the main container. Must be more tolerant than
   * readiness.
   * @default - TCP check of the first port every 10 s after 10 s, restarted after 6 failures
   */
  readonly liveness?: ProbeSettings;
  /**
   * Liveness command for a main container without a port (exec probe every 30 s).
   * @default - none; a worker needs it or `skip['probe-liveness']`
   */
  readonly livenessCommand?: string[];
  /**
   * Time a slow starter may take before liveness checks begin (startup probe, with the
   * readiness check every 5 s): whole seconds, from 1 s to 1 day (86400 s).
   * @default - no startup probe
   */
  readonly startupTimeout?: Duration;
  /**
   * Delay in preStop before the process gets SIGTERM, so the endpoint is removed from every
   * Service and load balancer before the app stops accepting (rule `graceful-shutdown`):
   * whole seconds, at most 300 s. An error on pods that run to completion (SafeJob,
   * SafeCronJob): no endpoints to drain. A port-less worker gets one only when this (or
   * `preStopCommand`) is given: no Service sends it traffic. When only a sidecar serves, the
   * main container still waits (it stops first); a native sidecar gets no delay, since it
   * stops after the main container and keeps serving through the drain. 0 is an error
   * unless `skip['graceful-shutdown']` is given (then there is no preStop hook).
   * @default - Duration.seconds(10) for the main container when any container of the pod has
   * a port (and for each plain, non-native sidecar with ports); none for port-less workers and
   * pods that run to completion
   */
  readonly preStopDelay?: Duration;
  /**
   * Command that implements the preStop delay (the image must contain it).
   * @default - the native `sleep` action when the target Kubernetes version is 1.30 or newer
   * (no binary needed in the image), else ['sleep', '<preStopDelay in seconds>']
   */
  readonly preStopCommand?: string[];
  /**
   * Time the app needs to finish in-flight work after SIGTERM: whole seconds, at most
   * 3600 s (set `terminationGracePeriod` for a longer drain).
   * @default Duration.seconds(20)
   */
  readonly shutdownTimeout?: Duration;
  /**
   * Pod terminationGracePeriodSeconds: whole seconds, from 1 s to 1 day (86400 s), more
   * than `preStopDelay`.
   * @default - preStopDelay + shutdownTimeout (30 s; 20 s for port-less workers and pods
   * that run to completion, which have no preStop delay)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Resource preset of the main container (rule `resources`). Explicit `resources`
   * override single fields.
   * @default ResourcePreset.SMALL
   */
  readonly resourcePreset?: ResourcePreset;
  /**
   * Explicit resource values of the main container.
   * @default - the preset's values
   */
  readonly resources?: ResourceValues;
  /**
   * UID every container runs as (rule `pod-security`). At least 10001 so it never maps to a
   * host user; 1-10000 (for images built for a fixed UID) needs
   * `skip['pod-security.runAsUser']` with a reason, written as the annotation
   * `guardrails.cdk8s.io/skip.pod-security.runAsUser: "<UID>: <reason>"`, which waives that
   * UID and nothing else; 0 (root) is always refused.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * GID every container runs as, and the pod fsGroup; the same bounds as `runAsUser`
   * (1-10000 with `skip['pod-security.runAsGroup']`).
   * @default 10001
   */
  readonly runAsGroup?: number;
  /**
   * Mount the root filesystem read-only (rule `pod-security`); `false` needs
   * `skip['pod-security.readOnlyRootFilesystem']` with a reason, written as the annotation
   * `guardrails.cdk8s.io/skip.pod-security.readOnlyRootFilesystem: "<containers>: <reason>"`
   * naming every container of the pod.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Writable emptyDir volumes of the main container, by mount path: absolute paths in clean
   * form, each once, other than "/".
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];
  /**
   * Mount the ServiceAccount token (rule `service-account`).
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * Environment variables of the main container. Values go into an immutable ConfigMap
   * named by a hash of its content (rules `config-immutable`, `config-external`), so a
   * change rolls the pods. Names are environment variable names; values are strings. With
   * `files` and other containers' env, at most 1 MiB in total (the ConfigMap limit).
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Files, by file name, in the same hashed ConfigMap, mounted read-only at `configMountPath`.
   * File names are ConfigMap keys (no '/', not '..' or starting with '..').
   * @default - none
   */
  readonly files?: { [fileName: string]: string };
  /**
   * Where `files` are mounted: an absolute path in clean form, not also a writable path or
   * claim mount path. Set without `files` is an error.
   * @default '/etc/<name>'
   */
  readonly configMountPath?: string;
  /**
   * Environment variables of the main container read from existing Secrets. Such a Secret
   * must be declared external to the checker (`externalSecrets`); `secrets` with an
   * `ExistingSecret` needs no declaration.
   * @default - none
   */
  readonly secretEnv?: SecretEnvVar[];
  /**
   * Secrets of the main container from a secret source (an external store, a sealed value or
   * an existing Secret), as env vars or files. A change of a source's version rolls the pods.
   * @default - none
   */
  readonly secrets?: SecretUse[];
  /**
   * Persistent volume claims of the main container (rule `rwo-volume`).
   * @default - none
   */
  readonly claims?: ClaimMount[];
  /**
   * Sidecar containers.
   * @default - none
   */
  readonly sidecars?: SidecarContainerProps[];
  /**
   * Init containers, run in order before the main container.
   * @default - none
   */
  readonly initContainers?: InitContainerProps[];
  /**
   * CPU architecture to pin (`kubernetes.io/arch`), e.g. 'amd64' or 'arm64' (rule `arch-explicit`).
   * @default - any architecture
   */
  readonly architecture?: string;
  /**
   * Extra node selector labels: label keys and values; a `kubernetes.io/arch` entry must
   * agree with `architecture`.
   * @default - none
   */
  readonly nodeSelector?: { [key: string]: string };
  /**
   * PriorityClass of the pods: a DNS-1123 subdomain.
   * @default - the cluster default
   */
  readonly priorityClassName?: string;
  /**
   * Prometheus scraping (rule `metrics`); only for workloads with a port or a metrics port.
   * @default - scrape annotations on the first port at /metrics
   */
  readonly metrics?: MetricsOptions;
  /**
   * Pods allowed to connect to the exposed ports (rule `ns-default-deny`, per-workload
   * NetworkPolicy).
   * @default - nobody
   */
  readonly allowFrom?: NetworkPeer[];
  /**
   * Destinations the pods may connect to, besides cluster DNS.
   * @default - only cluster DNS
   */
  readonly allowTo?: NetworkPeer[];
  /**
   * Workloads this one calls, each declared once: the callee's address goes into the env var
   * `env` (`<service>:<port>`, or `<service>.<namespace>.svc:<port>` across namespaces), and
   * both NetworkPolicies open exactly that port (rule `network-calls`). Callees are created first.
   * @default - no calls
   */
  readonly calls?: WorkloadCall[];
  /**
   * The cluster DNS peer opened for egress.
   * @default NetworkPeer.clusterDns()
   */
  readonly clusterDns?: NetworkPeer;
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
   * @default - the image tag, as it is; a tag that is no label value (more than 63 characters,
   * or starting or ending with '.', '_' or '-') is an error that asks for `version`
   */
  readonly version?: string;
  /**
   * Kubernetes version the output must fit: newer fields are used only when it allows.
   * @default - KubernetesVersion.of(this): the chart's or app's target, else KubernetesVersion.V1_27
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /**
   * Rules switched off on purpose: rule id -> reason. The reason is written to the
   * workload object as an annotation `guardrails.cdk8s.io/skip.<rule>`.
   *
   * One check of rule `pod-security` can be waived on its own, for exactly what the props
   * ask: `pod-security.runAsUser` and `pod-security.runAsGroup` (an id from 1 to 10000),
   * `pod-security.readOnlyRootFilesystem` (with `readOnlyRootFilesystem: false`). The
   * annotation `guardrails.cdk8s.io/skip.pod-security.<check>` then reads
   * `<UID, GID or containers>: <reason>` (the reason on one line), and the checker still
   * reports every other pod-security finding, and another UID or container. A waiver that
   * would waive nothing is an error. `pod-security` alone switches the whole rule off.
   * @default - every rule applies
   */
  readonly skip?: { [ruleId: string]: string };
}

/** Spread of a replicated workload's pods over nodes and zones. */
export interface SpreadProps {
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
}
