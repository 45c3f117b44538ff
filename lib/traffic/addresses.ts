/**
 * Finding the addresses of an app's own Services in text: env values and config files.
 *
 * What counts as an address of Service `name` in namespace `ns` (decided to keep false
 * positives out; a Service named like a common word must not turn every mention into a call):
 *
 * - a URL whose host is `name` (same namespace only), `name.ns`, `name.ns.svc` or
 *   `name.ns.svc.cluster.local` (`http://api:8080/v1`, `redis://cache.shop.svc`, every host of
 *   `mongodb://a:27017,b:27017/`);
 * - `host:port` with such a host anywhere in the text (`cartservice:7070`,
 *   `api.shop.svc:8080`), when `port` is a port of the Service: `redis:7` in an image
 *   reference is not a call unless the Service serves port 7;
 * - a dotted host without a port (`api.shop.svc.cluster.local`, `api.shop`) anywhere;
 * - the address of one pod of a StatefulSet, `<pod>.<governing Service>[.<ns>[.svc[.cluster.local]]]`
 *   (`db-0.db-headless:5432`, `kafka-1.kafka-headless.shop.svc`), when the Service is one of
 *   the app's and a StatefulSet of that namespace names it as `serviceName` and has a pod of
 *   that name (`<statefulset>-<ordinal>`): a call to that StatefulSet's pods, straight to the
 *   container port written (no Service port in between);
 * - a bare `name` only as the whole value of a key that names a host: an env var or a
 *   config key ending in HOST, HOSTNAME, ADDR, ADDRESS, URL, URI, ENDPOINT, SERVER or SERVICE
 *   (`REDIS_HOST=redis`, `host: redis` in a YAML file, `server = "redis"` in an INI file).
 *
 * The port of a call: the one written; for a URL without one, the scheme's port (http and
 * ws 80, https and wss 443) when the Service serves it; otherwise any port of the Service (the
 * call is reachable when one of them is). For the address of one pod, the same among the
 * pod's container ports.
 */
import { ServiceInfo, ServicePortInfo, Workload } from './model';

/** An address of a Service found in a text. */
export interface FoundAddress {
  /** The address as written (`api:8080`, `http://api.shop.svc:8080`, `redis`). */
  readonly address: string;
  readonly service: ServiceInfo;
  /**
   * The Service ports the call may use: one when the address names it, else every port.
   * For the address of one pod: its container ports, each as a port whose `targetPort` is itself.
   */
  readonly ports: readonly ServicePortInfo[];
  /** For the address of one pod (`db-0.db-headless`): the pod's name and its StatefulSet. */
  readonly pod?: { readonly name: string; readonly workload: Workload };
}

/** What a host name reaches: a Service, or one pod of a StatefulSet through its governing Service. */
interface Target {
  readonly service: ServiceInfo;
  readonly pod?: { readonly name: string; readonly workload: Workload };
}

/** The tails of a namespace-qualified cluster name: `<ns>`, `<ns>.svc`, `<ns>.svc.cluster.local`. */
const CLUSTER_TAILS = ['', 'svc', 'svc.cluster.local'];

const SCHEME_PORTS: { [scheme: string]: number } = { http: 80, ws: 80, https: 443, wss: 443 };

/** Keys (env var names, config keys) whose value is a host. */
const HOST_WORDS = ['host', 'hostname', 'addr', 'address', 'url', 'uri', 'endpoint', 'server', 'service'];
const HOST_KEY_WORD = new RegExp(`(?:^|[^A-Za-z0-9])(?:${HOST_WORDS.join('|')})$`, 'i');
const HOST_KEY_CAMEL = new RegExp(`[a-z0-9](?:${HOST_WORDS.map((w) => w[0].toUpperCase() + w.slice(1)).join('|')}|URL|URI)$`);

/** Whether a key names a host: `REDIS_HOST`, `host`, `api-url`, `cacheAddr`; not `ghost`. */
export function isHostKey(key: string): boolean {
  return HOST_KEY_WORD.test(key) || HOST_KEY_CAMEL.test(key);
}

/** The Services of an app by the host names that reach them. */
export class ServiceDirectory {
  private readonly byName = new Map<string, ServiceInfo>();
  /** StatefulSets by the `<serviceName>.<namespace>` that governs their pods' names. */
  private readonly governed = new Map<string, Workload[]>();

  /** `workloads`: the StatefulSets among them give their pods' own addresses. */
  constructor(services: readonly ServiceInfo[], workloads: readonly Workload[] = []) {
    for (const s of services) this.byName.set(`${s.name}.${s.namespace}`.toLowerCase(), s);
    for (const w of workloads) {
      const governing = w.kind === 'StatefulSet' ? w.manifest?.spec?.serviceName : undefined;
      if (typeof governing !== 'string' || governing === '') continue;
      const key = `${governing}.${w.namespace}`.toLowerCase();
      this.governed.set(key, [...(this.governed.get(key) ?? []), w]);
    }
  }

  /** The Service (or the pod behind its governing Service) a host name reaches from a pod in `namespace`, if it is one of the app's. */
  public lookup(host: string, namespace: string): Target | undefined {
    const parts = host.toLowerCase().replace(/\.$/, '').split('.');
    const ns = namespace.toLowerCase();
    if (parts.length === 1) return this.service(parts[0], ns);
    if (CLUSTER_TAILS.includes(parts.slice(2).join('.'))) {
      const service = this.service(parts[0], parts[1]);
      if (service) return service;
    }
    // <pod>.<governing Service>[.<ns>[.svc[.cluster.local]]]
    if (parts.length === 2) return this.pod(parts[0], parts[1], ns);
    return CLUSTER_TAILS.includes(parts.slice(3).join('.')) ? this.pod(parts[0], parts[1], parts[2]) : undefined;
  }

  private service(name: string, namespace: string): Target | undefined {
    const service = this.byName.get(`${name}.${namespace}`);
    return service ? { service } : undefined;
  }

  private pod(podName: string, serviceName: string, namespace: string): Target | undefined {
    const service = this.byName.get(`${serviceName}.${namespace}`);
    if (!service) return undefined;
    const ordinalOf = (w: Workload) => (podName.startsWith(`${w.name.toLowerCase()}-`) ? podName.slice(w.name.length + 1) : '');
    const workload = (this.governed.get(`${serviceName}.${namespace}`) ?? []).find((w) => /^\d+$/.test(ordinalOf(w)));
    return workload ? { service, pod: { name: podName, workload } } : undefined;
  }

  /** Every address of an app Service in `text`, for a pod in `namespace`; `key` is the env var or config key that holds the text. */
  public find(text: string, namespace: string, key?: string): FoundAddress[] {
    // Every address below has a ':' or a '.', but for a bare name under a host key or in a file.
    if (key !== undefined && !text.includes(':') && !text.includes('.') && !isHostKey(key)) return [];
    const out: FoundAddress[] = [];
    const seen = new Set<string>();
    const add = (address: string, host: string, port: number | undefined, schemePort?: number) => {
      const target = this.lookup(host, namespace);
      if (!target) return;
      const { service, pod } = target;
      // A pod's own address reaches its container ports directly.
      const offered: readonly ServicePortInfo[] = pod
        ? pod.workload.ports.map((p) => ({ port: p.port, name: p.name, protocol: p.protocol, targetPort: p.port }))
        : service.ports;
      let ports: readonly ServicePortInfo[];
      if (port !== undefined) {
        ports = offered.filter((p) => p.port === port);
        if (ports.length === 0) return; // not a port of the Service: not read as a call to it
      } else if (schemePort !== undefined) {
        ports = offered.filter((p) => p.port === schemePort);
        if (ports.length === 0) return;
      } else {
        ports = offered;
      }
      const id = `${address}|${service.namespace}/${service.name}`;
      if (seen.has(id)) return;
      seen.add(id);
      out.push(pod ? { address, service, ports, pod } : { address, service, ports });
    };
    const covered: Array<[number, number]> = [];
    // URLs: scheme://[userinfo@]host[:port][,host[:port]...], reported as scheme://host[:port] (no credentials in messages).
    for (const m of text.matchAll(/\b([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^\s/@]*@)?([^\s/?#"'`]+)/g)) {
      covered.push([m.index!, m.index! + m[0].length]);
      const schemePort = SCHEME_PORTS[m[1].toLowerCase()];
      for (const hostPort of m[2].split(',')) {
        const hp = /^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(hostPort);
        if (!hp) continue;
        add(`${m[1]}://${hostPort}`, hp[1], hp[2] !== undefined ? Number(hp[2]) : undefined, hp[2] === undefined ? schemePort : undefined);
      }
    }
    const inUrl = (i: number) => covered.some(([a, b]) => i >= a && i < b);
    // host:port, and dotted hosts, as tokens of their own.
    for (const m of text.matchAll(/(?<![A-Za-z0-9_.\-/@:])([A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*)(?::(\d{1,5}))?(?![A-Za-z0-9_\-@]|\.[A-Za-z0-9]|:\d)/g)) {
      if (inUrl(m.index!)) continue;
      const [token, host, port] = m;
      if (port !== undefined) add(token, host, Number(port));
      else if (host.includes('.')) add(token, host, undefined);
    }
    // A bare name as the whole value of a host key.
    if (key !== undefined && isHostKey(key)) {
      const bare = /^\s*["']?([A-Za-z0-9][A-Za-z0-9-]*)["']?\s*$/.exec(text);
      if (bare) add(bare[1], bare[1], undefined);
    }
    if (key === undefined) {
      // A file: `key: value` and `key = value` lines whose key names a host.
      for (const line of text.matchAll(/^[ \t-]*["']?([A-Za-z0-9_.-]+)["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9][A-Za-z0-9-]*)["']?[ \t]*(?:#.*)?$/gm)) {
        if (isHostKey(line[1])) add(line[2], line[2], undefined);
      }
    }
    return out;
  }
}
