import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { checkBoolean, checkInt } from '../core/validate';
import { checkDuration } from '../core/validation/units';
import { NetworkPeer } from '../network/network-peer';
import { MetricsOptions, NamedPort, ScrapeMethod } from './props';

const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A named container port, resolved. */
export interface ResolvedPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: string;
  /** Exposed by the Service and to peers. */
  readonly exposed: boolean;
  readonly servicePort: number;
}

/** Prometheus scraping, resolved. */
export interface ResolvedMetrics {
  readonly method: ScrapeMethod;
  readonly port: number;
  /** The name of the container port that serves it. */
  readonly portName: string;
  readonly path: string;
  /** Seconds. */
  readonly interval: number;
  readonly scraper: NetworkPeer;
}

/**
 * Port names and numbers already declared: names are unique in a pod, which has one network
 * namespace, and so is each number per protocol (53/TCP and 53/UDP are two ports).
 */
export class PodPorts {
  private readonly names = new Set<string>();
  /** `<number>/<protocol>` -> the port's name. */
  private readonly numbers = new Map<string, string>();

  constructor(private readonly scope: IConstruct, private readonly kind: string) {}

  /** Registers a port; `prop` names it in errors. */
  public add(prop: string, port: ResolvedPort): ResolvedPort {
    if (this.names.has(port.name)) fail(this.scope, this.kind, `${prop}.name`, port.name, 'a port name not used by another port of the pod');
    const key = `${port.containerPort}/${port.protocol}`;
    const other = this.numbers.get(key);
    if (other !== undefined) {
      fail(this.scope, this.kind, `${prop}.containerPort`, port.containerPort, `a port number not declared twice in the pod with the same protocol: ${port.protocol} ${port.containerPort} is port "${other}"`);
    }
    this.names.add(port.name);
    this.numbers.set(key, port.name);
    return port;
  }

  /** Validates and registers the named ports of one container. */
  public resolve(prop: string, ports: NamedPort[] | undefined): ResolvedPort[] {
    const { scope, kind } = this;
    return (ports ?? []).map((p, i) => {
      const at = `${prop}[${i}]`;
      if (typeof p.name !== 'string' || p.name.length > 15 || !IANA_SVC_NAME.test(p.name) || p.name.includes('--')) {
        fail(scope, kind, `${at}.name`, p.name, 'a port name of at most 15 lower-case letters, digits and \'-\' with at least one letter (IANA_SVC_NAME)');
      }
      const containerPort = checkInt(scope, kind, `${at}.containerPort`, p.containerPort, 1, 65535);
      const protocol = p.protocol ?? kplus.Protocol.TCP;
      if (!Object.values(kplus.Protocol).includes(protocol)) fail(scope, kind, `${at}.protocol`, protocol, 'kplus.Protocol.TCP, UDP or SCTP');
      const exposed = checkBoolean(scope, kind, `${at}.exposed`, p.exposed) ?? true;
      const servicePort = p.servicePort === undefined ? containerPort : checkInt(scope, kind, `${at}.servicePort`, p.servicePort, 1, 65535);
      if (!exposed && p.servicePort !== undefined) fail(scope, kind, `${at}.servicePort`, p.servicePort, 'no servicePort on a port with exposed: false');
      return this.add(at, { name: p.name, containerPort, protocol, exposed, servicePort });
    });
  }
}

/** The main container's ports: `port` as `http`, then `ports`. */
export function resolveMainPorts(scope: IConstruct, kind: string, port: number | undefined, servicePort: number | undefined, ports: NamedPort[] | undefined, registry: PodPorts): ResolvedPort[] {
  const result: ResolvedPort[] = [];
  if (port !== undefined) {
    const number = checkInt(scope, kind, 'port', port, 1, 65535);
    const exposedAs = servicePort === undefined ? number : checkInt(scope, kind, 'servicePort', servicePort, 1, 65535);
    result.push(registry.add('port', { name: 'http', containerPort: number, protocol: 'TCP', exposed: true, servicePort: exposedAs }));
  } else if (servicePort !== undefined) {
    fail(scope, kind, 'servicePort', checkInt(scope, kind, 'servicePort', servicePort, 1, 65535), 'no servicePort without a `port` for the container');
  }
  return [...result, ...registry.resolve('ports', ports)];
}

/**
 * Prometheus scraping (rule metrics), on the main container's first port by default. The
 * metrics port may be any port of a serving container: the main one, a sidecar or a native
 * sidecar (an exporter such as redis_exporter). A port number no declared port serves
 * becomes a port named `metrics` on the main container. `mainPorts` are the main container's
 * ports, `allPorts` every container's. Returns the metrics and that added port, if any.
 */
export function resolveMetrics(scope: IConstruct, kind: string, options: MetricsOptions | undefined, mainPorts: ResolvedPort[], allPorts: ResolvedPort[], registry: PodPorts, skips: Map<string, string>): { metrics?: ResolvedMetrics; added?: ResolvedPort } {
  if (skips.has('metrics') && options === undefined) return {};
  const m: MetricsOptions = options ?? {};
  const port = m.port === undefined ? mainPorts[0]?.containerPort : checkInt(scope, kind, 'metrics.port', m.port, 1, 65535);
  if (port === undefined) {
    if (options !== undefined) fail(scope, kind, 'metrics.port', m.port, 'a metrics port: the workload has no `port`');
    return {}; // a worker without a port serves nothing to scrape
  }
  const path = m.path ?? '/metrics';
  if (!path.startsWith('/')) fail(scope, kind, 'metrics.path', path, 'an absolute HTTP path such as "/metrics"');
  const method = m.method ?? ScrapeMethod.ANNOTATIONS;
  if (method === ScrapeMethod.SERVICE_MONITOR && !allPorts.some((p) => p.exposed)) {
    fail(scope, kind, 'metrics.method', method, 'ScrapeMethod.ANNOTATIONS for a worker: a ServiceMonitor needs the Service that a `port` creates');
  }
  // Prometheus scrapes over TCP: a UDP port of the same number is another port.
  const declared = allPorts.find((p) => p.containerPort === port && p.protocol === 'TCP');
  if (declared === undefined && allPorts.some((p) => p.name === 'metrics')) {
    fail(scope, kind, 'metrics.port', port, 'the number of the port named "metrics", or a port number with no name of its own');
  }
  if (declared && method === ScrapeMethod.SERVICE_MONITOR && !declared.exposed) {
    fail(scope, kind, 'metrics.port', port, `an exposed port for a ServiceMonitor: port "${declared.name}" has exposed: false`);
  }
  const scraper = m.scraper ?? NetworkPeer.namespace('monitoring');
  if (!(scraper instanceof NetworkPeer)) fail(scope, kind, 'metrics.scraper', scraper, 'a NetworkPeer such as NetworkPeer.namespace(\'monitoring\')');
  if (scraper._portsGiven && scraper.ports.length > 0) {
    fail(scope, kind, 'metrics.scraper', scraper.description, `a peer without withPorts: the scrape is opened on the metrics port (${port})`);
  }
  const metrics: ResolvedMetrics = {
    method,
    port,
    portName: declared?.name ?? 'metrics',
    path,
    interval: checkDuration(scope, kind, 'metrics.interval', m.interval ?? Duration.seconds(30), { minSeconds: 1, maxSeconds: 3600, why: 'Prometheus scrapes at least hourly' }),
    scraper,
  };
  if (declared) return { metrics };
  // An added metrics port is exposed only for a ServiceMonitor; it is not a serving port that peers may reach.
  const added = registry.add('metrics.port', { name: 'metrics', containerPort: port, protocol: 'TCP', exposed: method === ScrapeMethod.SERVICE_MONITOR, servicePort: port });
  return { metrics, added };
}
