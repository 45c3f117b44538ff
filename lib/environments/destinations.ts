import { CLUSTER_SCOPED_KINDS } from '../core/cluster-scoped-kinds';
import { failAt, show } from '../core/errors';

// Where environments deploy, and what they deploy there: two environments of an app never
// write one object of one cluster, nor serve one host name from it.

/** Argo CD's own cluster: the name and the server it gives the cluster it runs in. */
const IN_CLUSTER = { name: 'in-cluster', server: 'https://kubernetes.default.svc' };
/** The URLs (as `clusterOf` normalizes them) of the API server of the cluster a pod runs in. */
const IN_CLUSTER_SERVERS = [IN_CLUSTER.server, 'https://kubernetes.default.svc.cluster.local', 'https://kubernetes.default'];

/**
 * The cluster an environment's settings name, as a key that is equal for the same cluster, and
 * as the error shows it; undefined when the settings name none (without Argo CD, that is
 * whatever cluster the output is applied to).
 *
 * A server URL is compared as the API server reads it: scheme and host in lower case, no
 * default port, no trailing slash. A name is compared with names only: the settings do not say
 * which server an Argo CD cluster name stands for, except Argo CD's own `in-cluster`, which is
 * `https://kubernetes.default.svc`, also the destination of an environment without `cluster`
 * when Argo CD Applications are written.
 */
export function clusterOf(cluster: { readonly server?: string; readonly name?: string }, argoCd: boolean): { key: string; shown: string } | undefined {
  if (cluster.name === IN_CLUSTER.name) return { key: `server ${IN_CLUSTER.server}`, shown: `cluster "${IN_CLUSTER.name}" (Argo CD's name for ${IN_CLUSTER.server})` };
  if (cluster.name !== undefined) return { key: `name ${cluster.name}`, shown: `cluster ${show(cluster.name)}` };
  if (cluster.server !== undefined) {
    const url = new URL(cluster.server);
    const key = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
    return { key: IN_CLUSTER_SERVERS.includes(key) ? `server ${IN_CLUSTER.server}` : `server ${key}`, shown: `server ${show(cluster.server)}` };
  }
  return argoCd ? { key: `server ${IN_CLUSTER.server}`, shown: `the cluster Argo CD runs in (${IN_CLUSTER.server}, the destination without cluster)` } : undefined;
}

/**
 * Two environments deploying to one namespace of one cluster write the same objects, each
 * overwriting the other's (and as two Argo CD Applications, pruning and reverting them in
 * turn). Refused whenever the settings name the cluster of both (see `clusterOf`).
 */
export function checkDestinations(app: string, all: ReadonlyArray<{ readonly name: string; readonly namespace: string; readonly cluster: { readonly server?: string; readonly name?: string } }>, argoCd: boolean): void {
  const byDestination = new Map<string, { env: string; shown: string }>();
  for (const s of all) {
    const cluster = clusterOf(s.cluster, argoCd);
    if (cluster === undefined) continue;
    const key = `${cluster.key}, namespace ${s.namespace}`;
    const other = byDestination.get(key);
    if (other !== undefined) {
      const same = other.shown === cluster.shown ? '' : ` (${cluster.shown} is the same cluster)`;
      failAt(`Environments ${show(app)}, environment ${show(s.name)}`, 'namespace', s.namespace,
        `a destination of its own: environment ${show(other.env)} deploys to ${other.shown}, namespace ${show(s.namespace)} too${same}, and two environments in one namespace of one cluster write the same objects, each overwriting the other's${argoCd ? ' (two Argo CD Applications would prune and self-heal them in turn)' : ''}; give one of them another namespace or cluster`);
    }
    byDestination.set(key, { env: s.name, shown: cluster.shown });
  }
}

/** The cluster, namespace and objects of one environment, as built. */
export interface BuiltEnvironment {
  readonly name: string;
  readonly namespace: string;
  readonly cluster: { readonly server?: string; readonly name?: string };
  /** The manifests written, as read back. */
  readonly objects: readonly any[];
}

/** The API group of a manifest ('core' for the core group). */
function groupOf(m: any): string {
  const v = typeof m?.apiVersion === 'string' ? m.apiVersion : '';
  return v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : 'core';
}

/**
 * An object's identity in a cluster, and how an error shows it: a namespaced object without
 * a namespace goes to the environment's (the destination namespace of its Application).
 */
function identity(m: any, namespace: string): { key: string; shown: string } {
  const kind = String(m?.kind);
  const name = String(m?.metadata?.name);
  if (CLUSTER_SCOPED_KINDS.includes(`${groupOf(m)}/${kind}`)) return { key: `${groupOf(m)}/${kind} ${name}`, shown: `${kind} ${name}` };
  const ns = typeof m?.metadata?.namespace === 'string' ? m.metadata.namespace : namespace;
  return { key: `${groupOf(m)}/${kind} ${ns}/${name}`, shown: `${kind} ${ns}/${name}` };
}

/** The hosts an object serves: an Ingress's rules and TLS hosts. */
function hostsOf(m: any): string[] {
  if (m?.kind !== 'Ingress' || groupOf(m) !== 'networking.k8s.io') return [];
  const rules: any[] = Array.isArray(m.spec?.rules) ? m.spec.rules : [];
  const tls: any[] = Array.isArray(m.spec?.tls) ? m.spec.tls : [];
  const hosts = [...rules.map((r) => r?.host), ...tls.flatMap((t) => (Array.isArray(t?.hosts) ? t.hosts : []))];
  return [...new Set(hosts.filter((h): h is string => typeof h === 'string'))];
}

/**
 * After every environment is built: two environments on one cluster (see `clusterOf`) that
 * write the same object (the same API group, kind, namespace and name; a cluster-scoped one
 * such as a Namespace by kind and name) would each overwrite the other's, whatever their
 * `namespace` settings say (a chart or an IsolatedNamespace may name its own). And two that
 * serve one host name from one cluster would have its ingress controller send the requests
 * to either. Both are errors naming the two environments and one object.
 */
export function checkSharedObjects(app: string, built: readonly BuiltEnvironment[], argoCd: boolean): void {
  const objects = new Map<string, { env: string; shown: string }>();
  const hosts = new Map<string, { env: string; ingress: string }>();
  for (const b of built) {
    const cluster = clusterOf(b.cluster, argoCd);
    if (cluster === undefined) continue;
    const where = `Environments ${show(app)}, environment ${show(b.name)}`;
    const mine = new Set<string>();
    for (const m of b.objects) {
      const id = identity(m, b.namespace);
      const key = `${cluster.key} ${id.key}`;
      const other = objects.get(key);
      if (other !== undefined && other.env !== b.name) {
        failAt(where, 'object', id.shown,
          `objects of its own on ${cluster.shown}: environment ${show(other.env)} writes ${id.shown} to that cluster too, and one environment would overwrite the other's${argoCd ? ' (two Argo CD Applications would prune and self-heal it in turn)' : ''}; put the environment's objects in its own namespace (new Chart(app, id, { namespace: env.namespace }), IsolatedNamespace name env.namespace) or give them names of their own`);
      }
      mine.add(key);
      objects.set(key, { env: b.name, shown: id.shown });
      for (const host of hostsOf(m)) {
        const hostKey = `${cluster.key} ${host}`;
        const server = hosts.get(hostKey);
        if (server !== undefined && server.env !== b.name) {
          failAt(where, 'Ingress host', host,
            `a host name of its own on ${cluster.shown}: environment ${show(server.env)} serves it there too (Ingress ${server.ingress}), and the cluster's ingress controller would send its requests to either environment; give each environment its own hostname (hostnames setting)`);
        }
        hosts.set(hostKey, { env: b.name, ingress: id.shown.slice('Ingress '.length) });
      }
    }
  }
}
