import { ICertificateIssuer } from '../ingress/certificate-issuer';
import { KubernetesVersion } from '../pods/version';
import { ResourcePreset } from '../workloads/resources';

/**
 * Where an environment is deployed: one cluster (or one cluster of a blue/green pair) and
 * its namespace. Used by the Argo CD `Application` of the environment, and to refuse two
 * environments that would deploy to one namespace of one cluster (with or without Argo CD).
 *
 * What counts as the same cluster: two `server` URLs that differ only in the case of the
 * scheme and host, a default port (443, 80) or a trailing slash; two equal `name`s; and Argo
 * CD's own cluster, `name: 'in-cluster'` or `server: 'https://kubernetes.default.svc'` (or
 * `https://kubernetes.default.svc.cluster.local`; also the destination of an environment without `cluster` when Argo CD Applications are written).
 * A `name` is compared only with names and a `server` only with servers otherwise: the
 * settings do not say which server an Argo CD cluster name stands for, so give every
 * environment of an app the same form.
 */
export interface ClusterDestination {
  /**
   * API server URL of the cluster, as Argo CD knows it (`spec.destination.server`). Give
   * either `server` or `name`.
   * @default - `https://kubernetes.default.svc` (the cluster Argo CD runs in) unless `name` is set
   */
  readonly server?: string;
  /**
   * Name of the cluster in Argo CD (`spec.destination.name`). Give either `server` or `name`.
   * @default - none: `server` is used
   */
  readonly name?: string;
}

/**
 * The typed settings of one environment (dev, staging, prod) or one cluster of a
 * blue/green pair (prod-a, prod-b) (rule `environments`). The keyed maps (`replicas`,
 * `resources`, `hostnames`, `values`, `features`) must declare the same keys in every
 * environment of an app: a key that one environment has and another lacks is an error
 * naming both, and reading an undeclared key is an error naming the environment and the key.
 * The one-value settings (`kubernetesVersion`, `registry`, `issuer`, `namespace`, `cluster`)
 * are given in every environment of an app or in none: one left out where another
 * environment gives it is an error naming the environment and the key, never a silent
 * default (`kubernetesVersion` may be left to `appProps.defaults.kubernetesVersion`).
 */
export interface EnvironmentSettings {
  /**
   * Name of the environment: a DNS-1123 label, also the output folder
   * `<outdir>/<app>/<name>/`.
   */
  readonly name: string;
  /**
   * Target Kubernetes version of the environment's cluster: every workload under the
   * environment's app is built for it (`KubernetesVersion.setTarget`).
   * @default - `appProps.defaults.kubernetesVersion`, else KubernetesVersion.DEFAULT when no environment sets one
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /**
   * Registry the environment pulls images from, as `host`, `host:port` or `host/path`
   * (no scheme, no tag). `Environment.image()` prefixes it, it is the only entry of
   * `Environment.allowedRegistries`, the default `allowedRegistries` of every workload
   * of the environment, and the checker's `allowedRegistries`, so that objects made otherwise
   * (Include, Helm, ApiObject) pull from it too (rule `image-registry`;
   * `appProps.defaults.allowedRegistries` wins over it for both, a workload's own prop for
   * the workload, `enforceOptions.allowedRegistries` for the checker). Docker Hub is `docker.io`.
   * @default - none (in every environment): `Environment.image()` returns the repository as given, any registry is allowed
   */
  readonly registry?: string;
  /**
   * Replica counts by workload (a key the app chooses, e.g. `frontend`).
   * @default - no replica counts
   */
  readonly replicas?: { [workload: string]: number };
  /**
   * Resource presets by workload (rule `resources`).
   * @default - no presets
   */
  readonly resources?: { [workload: string]: ResourcePreset };
  /**
   * Host names by purpose (e.g. `public`, `admin`): checked as TlsIngress checks a host
   * (lower-case DNS names of two labels or more, no IP address, `*.` for a wildcard). Two
   * environments on one cluster serving one host from an Ingress are an error naming both.
   * @default - no host names
   */
  readonly hostnames?: { [purpose: string]: string };
  /**
   * The certificate issuer for the environment's TLS (e.g. a staging ACME issuer in dev).
   * @default - none (in every environment): `Environment.issuer` is undefined and TlsIngress uses its own default
   */
  readonly issuer?: ICertificateIssuer;
  /**
   * Feature switches by name, on or off.
   * @default - no switches
   */
  readonly features?: { [feature: string]: boolean };
  /**
   * Other string settings by name (log level, upstream URLs...).
   * @default - no values
   */
  readonly values?: { [key: string]: string };
  /**
   * The namespace the environment's objects go to when they do not name one, and the
   * destination namespace of its Argo CD Application.
   * @default - the app name (when no environment sets one)
   */
  readonly namespace?: string;
  /**
   * The cluster the environment runs in, for its Argo CD Application. Two environments with
   * the same cluster (see `ClusterDestination` for what counts as the same) and the same
   * `namespace`, or that write one object to it (whatever namespace the object names), are
   * an error naming both, with or without Argo CD. Given in every environment or in none;
   * one with neither `server` nor `name` is an error.
   * @default - with `argoCd`, the cluster Argo CD runs in (`https://kubernetes.default.svc`);
   *   without, none: the folder is applied to whatever cluster the user applies it to, and is
   *   compared with no other environment
   */
  readonly cluster?: ClusterDestination;
}
