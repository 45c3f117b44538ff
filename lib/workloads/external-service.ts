import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { joinApp } from '../core/collisions';
import { fail } from '../core/errors';
import { LABEL_INSTANCE } from '../core/labels';
import { checkCidr, checkDns1035Label } from '../core/validate';
import { NetworkPeer, NetworkPort } from '../network/network-peer';
import { annotateSkips, validateSkips } from '../practices/skip';
import { calleePort, isSafeWorkload, policyPort, WorkloadPort } from './calls';
import type { ISafeWorkload } from './safe-workload';

const KIND = 'ExternalService';
/** The rule that a Service reachable from outside the cluster switches off, with its reason. */
const EXPOSURE_RULE = 'network-exposure';
/** Every IPv4 and every IPv6 address. */
const EVERY_ADDRESS = ['0.0.0.0/0', '::/0'];

/**
 * How an ExternalService is reached from outside the cluster.
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
 */
export enum ExternalServiceType {
  /**
   * `LoadBalancer`: the cloud provisions a load balancer with its own address. Counts one
   * `services.loadbalancers` and one `services.nodeports` per port in the namespace quota.
   */
  LOAD_BALANCER = 'LoadBalancer',
  /**
   * `NodePort`: every node opens a port (30000-32767 by default) for each Service port.
   * Counts one `services.nodeports` per port in the namespace quota.
   */
  NODE_PORT = 'NodePort',
}

/** Properties of an ExternalService. */
export interface ExternalServiceProps {
  /** The workload whose pods the Service sends to; it must expose a port and live in the same namespace. */
  readonly workload: ISafeWorkload;
  /** How the Service is reached from outside the cluster. */
  readonly type: ExternalServiceType;
  /**
   * Why the pods must be reachable from outside the cluster rather than through a TlsIngress
   * (rule `network-exposure`): written to the Service as the annotation
   * `guardrails.cdk8s.io/skip.network-exposure`, so reviewers see it.
   */
  readonly reason: string;
  /**
   * Names of the workload's exposed ports to open (`http`, `grpc`, ...).
   * @default - every port the workload exposes
   */
  readonly ports?: string[];
  /**
   * Client address blocks the load balancer admits (`spec.loadBalancerSourceRanges`), e.g.
   * `['203.0.113.0/24']`; LOAD_BALANCER only. The workload's NetworkPolicy admits exactly
   * these blocks, and the Service sets `externalTrafficPolicy: Local` so that the pods see
   * the client's address (with `Cluster` they would see a node's, which the blocks do not hold).
   * @default - every address: the NetworkPolicy admits `0.0.0.0/0` and `::/0`
   * @see https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip
   */
  readonly loadBalancerSourceRanges?: string[];
  /**
   * Name of the Service (a DNS-1035 label).
   * @default - `<workload name>-external`
   */
  readonly name?: string;
}

/**
 * A Service of type LoadBalancer or NodePort for a workload, with the written reason that
 * rule `network-exposure` asks for, and everything that must agree with it:
 *
 * - the workload's NetworkPolicy admits the outside world on the chosen ports (ipBlock
 *   `0.0.0.0/0` and `::/0`, or the `loadBalancerSourceRanges`), so the load balancer's
 *   traffic is not dropped (rule `network-calls` checks it);
 * - in an IsolatedNamespace, the ResourceQuota allows exactly the load balancers and node
 *   ports that such Services need (`services.loadbalancers`, `services.nodeports`).
 *
 * The Service carries the workload's labels with its own `app.kubernetes.io/instance`, so
 * the workload's ServiceMonitor does not scrape the pods twice.
 * @throws when the workload exposes no port (or none of that name), lives in another
 * namespace, the reason is empty, or a source range is no CIDR or is given with NODE_PORT
 */
export class ExternalService extends Construct {
  /** Name of the Service. */
  public readonly name: string;
  /** The Service. */
  public readonly service: ApiObject;
  /** The workload's ports the Service opens, in order. */
  public readonly ports: WorkloadPort[];
  /** The address blocks the workload's NetworkPolicy admits on those ports. */
  public readonly sourceRanges: string[];

  constructor(scope: Construct, id: string, props: ExternalServiceProps) {
    super(scope, id);
    joinApp(this, KIND, props);
    // --- resolve --------------------------------------------------------------------------
    const workload = props.workload;
    if (!isSafeWorkload(workload)) fail(this, KIND, 'workload', workload, 'a workload (ISafeWorkload) such as a SafeDeployment');
    const types = Object.values(ExternalServiceType) as string[];
    if (!types.includes(props.type)) fail(this, KIND, 'type', props.type, `an ExternalServiceType: ${types.join(', ')}`);
    if (typeof props.reason !== 'string' || props.reason.trim() === '') {
      fail(this, KIND, 'reason', props.reason, `a non-empty reason: why the pods must be reachable from outside the cluster rather than through a TlsIngress (rule ${EXPOSURE_RULE})`);
    }
    const skips = validateSkips(this, KIND, { [EXPOSURE_RULE]: props.reason }, 'workload');
    const namespace = Chart.of(this).namespace;
    if (namespace !== workload.namespaceName) {
      fail(this, KIND, 'workload', workload.name,
        `a workload in the namespace of this Service (${namespace ?? 'none named'}): ${workload.name} is in ${workload.namespaceName ?? 'none named'}, and a Service sends only to pods of its own namespace; create the ExternalService in the workload's chart`);
    }
    this.name = checkDns1035Label(this, KIND, props.name === undefined ? 'name (from the workload)' : 'name', props.name ?? `${workload.name}-external`);
    if (props.ports !== undefined && (!Array.isArray(props.ports) || props.ports.length === 0)) {
      fail(this, KIND, 'ports', props.ports, 'at least one port name, or no ports to open every exposed port');
    }
    const names = props.ports ?? workload.exposedPorts.map((p) => p.name);
    if (names.length === 0) calleePort(this, KIND, 'workload', workload); // fails: no Service, no port
    this.ports = names.map((n, i) => {
      if (names.indexOf(n) !== i) fail(this, KIND, `ports[${i}]`, n, 'each port once');
      return calleePort(this, KIND, `ports[${i}]`, workload, n);
    });
    const ranges = props.loadBalancerSourceRanges;
    if (ranges !== undefined) {
      if (props.type !== ExternalServiceType.LOAD_BALANCER) {
        fail(this, KIND, 'loadBalancerSourceRanges', ranges, `no source ranges with ${props.type}: only a load balancer filters clients (Kubernetes ignores the field on other types)`);
      }
      if (!Array.isArray(ranges) || ranges.length === 0) {
        fail(this, KIND, 'loadBalancerSourceRanges', ranges, 'at least one CIDR such as "203.0.113.0/24", or no source ranges to admit every address');
      }
      ranges.forEach((r, i) => {
        checkCidr(this, KIND, `loadBalancerSourceRanges[${i}]`, r);
        if (ranges.indexOf(r) !== i) fail(this, KIND, `loadBalancerSourceRanges[${i}]`, r, 'each range once');
      });
    }
    this.sourceRanges = ranges !== undefined ? [...ranges] : [...EVERY_ADDRESS];

    // --- write ----------------------------------------------------------------------------
    this.service = new kplus.k8s.KubeService(this, 'Resource', {
      metadata: { name: this.name, labels: { ...workload.labels, [LABEL_INSTANCE]: this.name } },
      spec: {
        type: props.type,
        selector: { ...workload.selectorLabels },
        ports: this.ports.map((p) => ({ name: p.name, port: p.port, targetPort: kplus.k8s.IntOrString.fromNumber(p.targetPort), protocol: p.protocol })),
        loadBalancerSourceRanges: ranges !== undefined ? [...ranges] : undefined,
        externalTrafficPolicy: ranges !== undefined ? 'Local' : undefined,
      },
    });
    annotateSkips(this.service, skips);
    const open: NetworkPort[] = this.ports.map(policyPort);
    for (const cidr of this.sourceRanges) workload.allowFrom(NetworkPeer.cidr(cidr), open);
  }
}
