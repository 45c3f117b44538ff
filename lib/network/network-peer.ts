import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { failAt } from '../core/errors';
import { runsOnNodeNetwork } from './node-network';
import { checkPeerCidr, checkPeerLabels, checkPeerNamespace, checkPeerPorts, checkPeerSelector } from './peer-validation';

/** Protocols a NetworkPolicy port can name. */
export enum NetworkProtocol {
  TCP = 'TCP',
  UDP = 'UDP',
  SCTP = 'SCTP',
}

/** A port (or port range) that a NetworkPolicy rule opens. */
export interface NetworkPort {
  /** Port number. */
  readonly port: number;
  /**
   * Last port of a range starting at `port`.
   * @default - a single port
   */
  readonly endPort?: number;
  /**
   * Protocol.
   * @default NetworkProtocol.TCP
   */
  readonly protocol?: NetworkProtocol;
}

/** Pods that other workloads can name as a network peer (every Safe* workload implements it). */
export interface IPodSet {
  /** Labels that select exactly these pods. */
  readonly selectorLabels: { [key: string]: string };
  /** Namespace of the pods; undefined means the namespace of whoever names them. */
  readonly namespaceName?: string;
  /** Ports on which the pods serve (opened when another workload names them as egress peer). */
  readonly servingPorts: number[];
  /**
   * The serving ports with their protocols (a DNS server serves 53 on TCP and UDP); when
   * given, they are opened instead of `servingPorts`.
   * @default - `servingPorts`, on TCP
   */
  readonly servingNetworkPorts?: NetworkPort[];
}

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The other side of a NetworkPolicy rule: pods, namespaces or address blocks, with the
 * ports that the rule opens towards them (all ports when none are given).
 */
export class NetworkPeer {
  /** Pods with these labels, in `namespace` (default: the policy's own namespace). */
  public static pods(labels: { [key: string]: string }, namespace?: string): NetworkPeer {
    checkPeerSelector('NetworkPeer.pods()', 'labels', labels, namespace ? `NetworkPeer.namespace('${namespace}')` : 'NetworkPeer.namespace(<this namespace>)');
    if (namespace !== undefined) checkPeerNamespace('NetworkPeer.pods()', 'namespace', namespace);
    return new NetworkPeer(`pods ${JSON.stringify(labels)}${namespace ? ` in ${namespace}` : ''}`, () => ({
      podSelector: { matchLabels: { ...labels } },
      namespaceSelector: namespace ? { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } : undefined,
    }), []);
  }

  /** Every pod in the namespace `name` (optionally only those with `podLabels`). */
  public static namespace(name: string, podLabels?: { [key: string]: string }): NetworkPeer {
    checkPeerNamespace('NetworkPeer.namespace()', 'name', name);
    checkPeerLabels('NetworkPeer.namespace()', 'podLabels', podLabels);
    return new NetworkPeer(`namespace ${name}`, () => ({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } },
      podSelector: podLabels ? { matchLabels: { ...podLabels } } : undefined,
    }), []);
  }

  /** Every pod in namespaces with these labels (optionally only those with `podLabels`). */
  public static namespacesWithLabels(labels: { [key: string]: string }, podLabels?: { [key: string]: string }): NetworkPeer {
    checkPeerSelector('NetworkPeer.namespacesWithLabels()', 'labels', labels, 'NetworkPeer.cidr(\'0.0.0.0/0\') or one NetworkPeer.namespace() per namespace');
    checkPeerLabels('NetworkPeer.namespacesWithLabels()', 'podLabels', podLabels);
    return new NetworkPeer(`namespaces ${JSON.stringify(labels)}`, () => ({
      namespaceSelector: { matchLabels: { ...labels } },
      podSelector: podLabels ? { matchLabels: { ...podLabels } } : undefined,
    }), []);
  }

  /** Addresses in a CIDR block (for services outside the cluster), minus `except`. */
  public static cidr(cidr: string, except?: string[]): NetworkPeer {
    checkPeerCidr('NetworkPeer.cidr()', cidr, except);
    return new NetworkPeer(`cidr ${cidr}`, () => ({
      ipBlock: { cidr, except: except && except.length > 0 ? [...except] : undefined },
    }), [], cidr);
  }

  /**
   * The pods of a workload, on the ports it serves.
   * @throws when written into a policy while the workload runs with `hostNetwork`: its pods
   * have their node's address, which no pod selector matches (name the nodes with `cidr`)
   */
  public static workload(workload: IPodSet): NetworkPeer {
    return new NetworkPeer(`workload ${JSON.stringify(workload.selectorLabels)}`, (own) => {
      if (Construct.isConstruct(workload) && runsOnNodeNetwork(workload)) {
        failAt('NetworkPeer.workload()', 'workload', workload.node.path,
          `pods that a NetworkPolicy can name: the workload runs with hostNetwork, so its pods have their node's address, which no pod selector matches, and its own NetworkPolicy does not apply; name the nodes with NetworkPeer.cidr('<the nodes\' CIDR>') and the ports, or run the workload without hostNetwork`);
      }
      const ns = workload.namespaceName;
      return {
        podSelector: { matchLabels: { ...workload.selectorLabels } },
        namespaceSelector: ns && ns !== own ? { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } } : undefined,
      };
    }, () => workload.servingNetworkPorts ?? workload.servingPorts.map((port) => ({ port })));
  }

  /** Cluster DNS: pods labelled k8s-app=kube-dns in kube-system, UDP and TCP 53. */
  public static clusterDns(): NetworkPeer {
    return NetworkPeer.pods({ 'k8s-app': 'kube-dns' }, 'kube-system')
      .withPorts([{ port: 53, protocol: NetworkProtocol.UDP }, { port: 53, protocol: NetworkProtocol.TCP }]);
  }

  private constructor(
    /** A short description, for error messages. */
    public readonly description: string,
    private readonly render: (ownNamespace: string | undefined) => k8s.NetworkPolicyPeer,
    private readonly portSource: NetworkPort[] | (() => NetworkPort[]),
    /** The CIDR of an address-block peer. */
    public readonly cidrBlock?: string,
  ) {}

  /** The same peer, limited to these ports. */
  public withPorts(ports: NetworkPort[]): NetworkPeer {
    checkPeerPorts(`NetworkPeer.withPorts() of ${this.description}`, ports);
    return new NetworkPeer(this.description, this.render, [...ports], this.cidrBlock);
  }

  /** The ports this peer is limited to; empty means all ports. */
  public get ports(): NetworkPort[] {
    return typeof this.portSource === 'function' ? this.portSource() : this.portSource;
  }

  /**
   * Whether the ports were given (`withPorts`, `clusterDns`), rather than derived from a
   * workload's serving ports, which say where it accepts connections, not where it connects.
   * @internal
   */
  public get _portsGiven(): boolean {
    return typeof this.portSource !== 'function';
  }

  /** @internal */
  public _toPeer(ownNamespace: string | undefined): k8s.NetworkPolicyPeer {
    return this.render(ownNamespace);
  }
}

/** Renders ports for a NetworkPolicy rule, sorted for deterministic output. */
export function renderPorts(ports: NetworkPort[]): k8s.NetworkPolicyPort[] | undefined {
  if (ports.length === 0) return undefined;
  return [...ports]
    .sort((a, b) => a.port - b.port || codeUnitOrder(a.protocol ?? 'TCP', b.protocol ?? 'TCP'))
    .map((p) => ({
      port: k8s.IntOrString.fromNumber(p.port),
      endPort: p.endPort,
      protocol: p.protocol ?? NetworkProtocol.TCP,
    }));
}

const UPPER_ASCII = /^[A-Z]+$/;

/**
 * localeCompare's order, without its cost for the usual protocols (upper-case ASCII, TCP, UDP,
 * SCTP), whose code-unit order is the same.
 */
function codeUnitOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (UPPER_ASCII.test(a) && UPPER_ASCII.test(b)) return a < b ? -1 : 1;
  return a.localeCompare(b);
}
