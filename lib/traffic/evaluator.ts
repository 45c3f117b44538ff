/**
 * A NetworkPolicy evaluator: "may these pods reach those pods (or that address) on this
 * port?", decided the way the `networking.k8s.io/v1` NetworkPolicy API defines it.
 *
 * - A pod is isolated for a direction when at least one NetworkPolicy in its namespace
 *   selects it (`spec.podSelector`, `{}` selects every pod) and has that direction in
 *   `policyTypes`. A pod that no such policy selects is not isolated: everything is allowed.
 * - `policyTypes` absent: `Ingress` always, `Egress` when `spec.egress` has at least one rule
 *   (the API server's defaulting).
 * - An isolated pod's allowed traffic is the union of the rules of every policy that
 *   selects it for that direction. A rule allows a connection when one of its peers and one
 *   of its ports match; a rule without peers (`from`/`to` absent or empty) matches every
 *   peer, and one without ports matches every port.
 * - A peer is `podSelector` alone (pods in the policy's namespace), `namespaceSelector` alone
 *   (every pod of the matching namespaces), both (matching pods in matching namespaces), or
 *   `ipBlock` (an address in `cidr` and in none of `except`). Selectors use `matchLabels` and
 *   `matchExpressions` (In, NotIn, Exists, DoesNotExist); an empty selector matches all.
 * - A port has a protocol (TCP unless given), and a number (with `endPort`, a range), a name
 *   (resolved against the destination pod's container ports of that protocol), or neither
 *   (every port of that protocol).
 * - A connection is allowed when the source's egress allows it AND the destination's ingress
 *   allows it.
 *
 * Decided, and documented: pod IPs are not known from manifests, so an `ipBlock` never
 * matches a pod of the app (its documentation intends ipBlock for addresses outside the
 * cluster); a named port never matches an address outside the app; a block of addresses
 * (`cidr`, e.g. the clients of a load balancer) passes a peer only when one ipBlock holds
 * all of it (blocks that only together cover it do not count).
 *
 * Pods on the node's network (`hostNetwork: true`) are not pods to NetworkPolicies: their
 * traffic carries the node's address. So no pod or namespace selector names them, as a
 * source or a destination; an `ipBlock` does when it may hold a node's address (it overlaps
 * a private range: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 or fc00::/7;
 * node addresses are not known from manifests); and their own NetworkPolicies do not apply
 * to them (most network plugins enforce none on the node's network).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
 */
import { cidrContains, parseCidr, ParsedCidr } from '../namespace/cidr';
import { LabelSelector, requiredPairs, selectorMatches } from '../practices/selector';
import { ContainerPortInfo, NAMESPACE_NAME_LABEL, PodGroup, TrafficModel, portNumber } from './model';

/** The other end of a connection: pods, or an address outside the app. */
export interface Endpoint {
  /** Pods (a workload, or a named group outside the app such as cluster DNS). */
  readonly pods?: PodGroup;
  /** An IPv4 or IPv6 address, e.g. `203.0.113.7`. */
  readonly ip?: string;
  /**
   * A block of addresses outside the app, e.g. `0.0.0.0/0`: a rule lets it through when one
   * of its ipBlocks holds the whole block (and none of its `except` overlaps it).
   */
  readonly cidr?: string;
}

/** Why one direction allows or refuses a connection. */
export interface DirectionVerdict {
  readonly allowed: boolean;
  /** Whether a policy selects the pods for this direction (false: no policy, allowed by default). */
  readonly isolated: boolean;
  /** Names of the policies that isolate the pods for this direction, sorted. */
  readonly policies: readonly string[];
  /** Names of the policies whose rules allow the connection, sorted. */
  readonly allowedBy: readonly string[];
  /** Whether the pods run on the node's network (`hostNetwork`), where their policies do not apply. */
  readonly nodeNetwork?: boolean;
}

/** Whether a connection is allowed, with each direction's part. */
export interface Verdict {
  readonly allowed: boolean;
  /** The source's egress (undefined when the source is an address: no policy of the app governs it). */
  readonly egress?: DirectionVerdict;
  /** The destination's ingress (undefined when the destination is an address). */
  readonly ingress?: DirectionVerdict;
}

export type Direction = 'Ingress' | 'Egress';

interface PolicyPort {
  readonly protocol: string;
  readonly port?: number | string;
  readonly endPort?: number;
}

interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except: readonly string[] };
}

interface PolicyRule {
  /** Empty: every peer. */
  readonly peers: readonly PolicyPeer[];
  /** Empty: every port. */
  readonly ports: readonly PolicyPort[];
}

/** A NetworkPolicy, read into plain data. */
export interface ParsedPolicy {
  readonly name: string;
  readonly namespace: string;
  readonly podSelector: LabelSelector;
  readonly types: ReadonlySet<Direction>;
  readonly ingress: readonly PolicyRule[];
  readonly egress: readonly PolicyRule[];
}

function isObject(x: unknown): x is { [key: string]: any } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function list(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

function readRules(rules: unknown, peersField: 'from' | 'to'): PolicyRule[] {
  return list(rules).map((r) => ({
    peers: list(r?.[peersField]).filter(isObject).map((p) => ({
      podSelector: isObject(p.podSelector) ? p.podSelector : undefined,
      namespaceSelector: isObject(p.namespaceSelector) ? p.namespaceSelector : undefined,
      ipBlock: isObject(p.ipBlock) ? { cidr: String(p.ipBlock.cidr ?? ''), except: list(p.ipBlock.except).map(String) } : undefined,
    })),
    ports: list(r?.ports).filter(isObject).map((p) => ({
      protocol: typeof p.protocol === 'string' ? p.protocol.toUpperCase() : 'TCP',
      port: portNumber(p.port) ?? (typeof p.port === 'string' ? p.port : undefined),
      endPort: portNumber(p.endPort),
    })),
  }));
}

/** The namespace of a NetworkPolicy manifest: its own, or `defaultNamespace` when it names none. */
function policyNamespace(m: any, defaultNamespace: string): string {
  const ns = m?.metadata?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : defaultNamespace;
}

/** Reads a NetworkPolicy manifest; `policyTypes` defaulted as the API server does. */
export function parsePolicy(m: any, defaultNamespace: string): ParsedPolicy {
  const spec = isObject(m?.spec) ? m.spec : {};
  const given = list(spec.policyTypes).filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  const types = new Set<Direction>(given.length > 0 ? given : ['Ingress', ...(list(spec.egress).length > 0 ? ['Egress' as const] : [])]);
  return {
    name: String(m?.metadata?.name ?? ''),
    namespace: policyNamespace(m, defaultNamespace),
    podSelector: isObject(spec.podSelector) ? spec.podSelector : {},
    types,
    ingress: readRules(spec.ingress, 'from'),
    egress: readRules(spec.egress, 'to'),
  };
}

/** Whether an address lies in an ipBlock: in `cidr` and in none of `except`. */
export function ipInBlock(ip: string, block: { readonly cidr: string; readonly except: readonly string[] }): boolean {
  const addr = parseCidr(`${ip}/${ip.includes(':') ? 128 : 32}`);
  const cidr = parseCidr(block.cidr);
  if (typeof addr === 'string' || typeof cidr === 'string' || !cidrContains(cidr, addr)) return false;
  return !block.except.some((e) => {
    const ex = parseCidr(e);
    return typeof ex !== 'string' && cidrContains(ex, addr);
  });
}

/** Whether every address of `cidr` lies in an ipBlock: inside its `cidr`, and overlapping none of `except`. */
export function blockInBlock(cidr: string, block: { readonly cidr: string; readonly except: readonly string[] }): boolean {
  const inner = parseCidr(cidr);
  const outer = parseCidr(block.cidr);
  if (typeof inner === 'string' || typeof outer === 'string' || !cidrContains(outer, inner)) return false;
  return !block.except.some((e) => {
    const ex = parseCidr(e);
    return typeof ex !== 'string' && (cidrContains(ex, inner) || cidrContains(inner, ex));
  });
}

/** The private address ranges, where nodes' addresses lie. */
const NODE_ADDRESS_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

/** Whether an ipBlock's `cidr` may hold a node's address: it overlaps a private range. */
export function mayHoldNodeAddress(cidr: string): boolean {
  const block = parseCidr(cidr);
  if (typeof block === 'string') return false;
  return NODE_ADDRESS_RANGES.some((r) => {
    const range = parseCidr(r) as ParsedCidr;
    return cidrContains(range, block) || cidrContains(block, range);
  });
}

/** The NetworkPolicies of an app, and the questions they answer. */
export class NetworkPolicyEvaluator {
  /** Each policy read when a question first needs it (or when `policies` is read), by its position in the model. */
  private readonly parsed: Array<ParsedPolicy | undefined>;
  /** Positions of the policies of each namespace, in input order. */
  private readonly byNamespace = new Map<string, number[]>();
  private readonly selecting = new WeakMap<PodGroup, Map<Direction, ParsedPolicy[]>>();
  /** Per namespace: positions of policies by their first required label, and of those that require none. */
  private readonly byFirstLabel = new Map<string, { open: number[]; byLabel: Map<string, number[]> }>();

  constructor(private readonly model: TrafficModel) {
    this.parsed = new Array(model.policies.length);
    model.policies.forEach((m, i) => {
      const ns = policyNamespace(m, model.defaultNamespace);
      const list = this.byNamespace.get(ns);
      if (list) list.push(i); else this.byNamespace.set(ns, [i]);
    });
  }

  /** Every NetworkPolicy of the model, read, in input order. */
  public get policies(): readonly ParsedPolicy[] {
    return this.model.policies.map((_, i) => this.policyAt(i));
  }

  private policyAt(i: number): ParsedPolicy {
    return this.parsed[i] ??= parsePolicy(this.model.policies[i], this.model.defaultNamespace);
  }

  /** Labels of a namespace: its Namespace object's labels, or just `kubernetes.io/metadata.name`. */
  public namespaceLabels(namespace: string): { readonly [key: string]: string } {
    return this.model.namespaceLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
  }

  /** The policies that select these pods for a direction, in input order. */
  public policiesFor(pods: PodGroup, direction: Direction): ParsedPolicy[] {
    let memo = this.selecting.get(pods);
    if (!memo) this.selecting.set(pods, memo = new Map());
    let found = memo.get(direction);
    if (!found) {
      // On the node's network the pods' own policies do not apply.
      found = pods.hostNetwork ? [] : this.candidates(pods).filter((p) => p.types.has(direction) && selectorMatches(p.podSelector, pods.labels));
      memo.set(direction, found);
    }
    return found;
  }

  /**
   * The policies of the pods' namespace whose pod selector may select them, in input order:
   * those that require none of their labels, and those whose first required label (`k=v` of
   * `matchLabels`, or `In` one value) the pods carry. So each pod set is matched against its
   * own policies, not every policy of its namespace.
   */
  private candidates(pods: PodGroup): ParsedPolicy[] {
    let index = this.byFirstLabel.get(pods.namespace);
    if (!index) {
      index = { open: [], byLabel: new Map() };
      for (const i of this.byNamespace.get(pods.namespace) ?? []) {
        const first = requiredPairs(this.policyAt(i).podSelector)[0];
        if (first === undefined) {
          index.open.push(i);
        } else {
          const at = `${first[0]}\0${first[1]}`;
          const list = index.byLabel.get(at);
          if (list) list.push(i); else index.byLabel.set(at, [i]);
        }
      }
      this.byFirstLabel.set(pods.namespace, index);
    }
    const positions = [...index.open];
    for (const k of Object.keys(pods.labels)) positions.push(...(index.byLabel.get(`${k}\0${pods.labels[k]}`) ?? []));
    return positions.sort((a, b) => a - b).map((i) => this.policyAt(i));
  }

  /**
   * May `from` reach `to` on `port` (a number, or a name resolved against the destination
   * pods' container ports) over `protocol`? Both the source's egress and the destination's
   * ingress must allow it.
   */
  public allows(from: Endpoint, to: Endpoint, port: number | string, protocol = 'TCP'): Verdict {
    const number = typeof port === 'number' ? port : resolveNamedPort(to.pods?.ports ?? [], port, protocol);
    if (number === undefined) {
      const none: DirectionVerdict = { allowed: false, isolated: false, policies: [], allowedBy: [] };
      return { allowed: false, egress: from.pods ? none : undefined, ingress: to.pods ? none : undefined };
    }
    const egress = from.pods ? this.direction(from.pods, 'Egress', to, number, protocol, to.pods?.ports ?? []) : undefined;
    const ingress = to.pods ? this.direction(to.pods, 'Ingress', from, number, protocol, to.pods.ports) : undefined;
    return { allowed: (egress?.allowed ?? true) && (ingress?.allowed ?? true), egress, ingress };
  }

  /**
   * One direction: whether the policies that select `pods` for `direction` let `peer`
   * through on `port`/`protocol`. `destinationPorts` resolve named ports in the rules.
   */
  public direction(pods: PodGroup, direction: Direction, peer: Endpoint, port: number, protocol: string, destinationPorts: readonly ContainerPortInfo[]): DirectionVerdict {
    if (pods.hostNetwork) return { allowed: true, isolated: false, policies: [], allowedBy: [], nodeNetwork: true };
    const selecting = this.policiesFor(pods, direction);
    if (selecting.length === 0) return { allowed: true, isolated: false, policies: [], allowedBy: [] };
    const allowedBy = selecting.filter((p) => (direction === 'Ingress' ? p.ingress : p.egress).some((rule) =>
      (rule.peers.length === 0 || rule.peers.some((x) => this.peerMatches(x, p.namespace, peer)))
      && (rule.ports.length === 0 || rule.ports.some((x) => portMatches(x, port, protocol, destinationPorts)))));
    return {
      allowed: allowedBy.length > 0,
      isolated: true,
      policies: selecting.map((p) => p.name).sort(),
      allowedBy: allowedBy.map((p) => p.name).sort(),
    };
  }

  /** Whether a rule's peer names an endpoint, for a policy in `policyNamespace`. */
  public peerMatches(peer: PolicyPeer, policyNamespace: string, endpoint: Endpoint): boolean {
    if (peer.ipBlock) {
      if (endpoint.ip !== undefined) return ipInBlock(endpoint.ip, peer.ipBlock);
      if (endpoint.pods?.hostNetwork) return mayHoldNodeAddress(peer.ipBlock.cidr);
      return endpoint.cidr !== undefined && blockInBlock(endpoint.cidr, peer.ipBlock);
    }
    const pods = endpoint.pods;
    if (!pods || pods.hostNetwork) return false; // a pod on the node's network has the node's address: no selector names it
    if (!peer.podSelector && !peer.namespaceSelector) return false; // an empty peer is invalid; it names nothing
    if (peer.namespaceSelector) {
      if (!selectorMatches(peer.namespaceSelector, this.namespaceLabels(pods.namespace))) return false;
    } else if (pods.namespace !== policyNamespace) {
      return false;
    }
    return !peer.podSelector || selectorMatches(peer.podSelector, pods.labels);
  }
}

/** The number of a named container port of a protocol, or undefined. */
export function resolveNamedPort(ports: readonly ContainerPortInfo[], name: string, protocol: string): number | undefined {
  return ports.find((p) => p.name === name && p.protocol === protocol)?.port;
}

function portMatches(rule: PolicyPort, port: number, protocol: string, destinationPorts: readonly ContainerPortInfo[]): boolean {
  if (rule.protocol !== protocol) return false;
  if (rule.port === undefined) return true;
  if (typeof rule.port === 'string') return resolveNamedPort(destinationPorts, rule.port, protocol) === port;
  return rule.endPort !== undefined ? port >= rule.port && port <= rule.endPort : port === rule.port;
}
