import { NetworkPeer, NetworkPort, NetworkProtocol } from '../network/network-peer';
import { cidrContains, parseCidr, ParsedCidr } from './cidr';

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** What a peer selects, normalized for comparison. */
type Selection =
  | { readonly type: 'ip'; readonly cidr: ParsedCidr; readonly except: readonly ParsedCidr[] }
  | {
    readonly type: 'selector';
    /** Namespace labels (the own namespace is made explicit); undefined with expressions. */
    readonly namespaceLabels?: { [key: string]: string };
    /** Pod labels; undefined means every pod. */
    readonly podLabels?: { [key: string]: string };
    /** The rendered selectors, for exact comparison when expressions are used. */
    readonly text: string;
  };

/** A peer checked and normalized. */
export interface CheckedPeer {
  readonly peer: NetworkPeer;
  readonly selection: Selection;
  readonly ports: readonly NetworkPort[];
  /** The rendered peer and ports: equal keys mean equal rules. */
  readonly key: string;
}

/**
 * Normalizes a peer as rendered in `ownNamespace`. Returns a reason string when the peer is
 * invalid (a bad CIDR, an `except` outside its block).
 */
export function checkPeer(peer: NetworkPeer, ownNamespace: string): CheckedPeer | string {
  const rendered = peer._toPeer(ownNamespace);
  const ports = peer.ports;
  for (const p of ports) {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) return `port ${p.port} is not 1 to 65535`;
    if (p.endPort !== undefined && (!Number.isInteger(p.endPort) || p.endPort < p.port || p.endPort > 65535)) {
      return `endPort ${p.endPort} is not ${p.port} to 65535`;
    }
  }
  const key = JSON.stringify({ peer: rendered, ports: normalizePorts(ports) });
  if (rendered.ipBlock) {
    const cidr = parseCidr(rendered.ipBlock.cidr);
    if (typeof cidr === 'string') return `CIDR ${JSON.stringify(rendered.ipBlock.cidr)}: ${cidr}`;
    const except: ParsedCidr[] = [];
    for (const e of rendered.ipBlock.except ?? []) {
      const ex = parseCidr(e);
      if (typeof ex === 'string') return `except ${JSON.stringify(e)}: ${ex}`;
      if (!cidrContains(cidr, ex) || ex.prefix === cidr.prefix) {
        return `except ${JSON.stringify(e)} is not strictly inside ${cidr.text}`;
      }
      except.push(ex);
    }
    return { peer, selection: { type: 'ip', cidr, except }, ports, key };
  }
  const ns = rendered.namespaceSelector;
  const pods = rendered.podSelector;
  const hasExpressions = (ns?.matchExpressions?.length ?? 0) > 0 || (pods?.matchExpressions?.length ?? 0) > 0;
  const namespaceLabels = ns === undefined ? { [NAMESPACE_NAME_LABEL]: ownNamespace } : { ...(ns.matchLabels ?? {}) };
  const podLabels = pods === undefined ? undefined : { ...(pods.matchLabels ?? {}) };
  return {
    peer,
    selection: {
      type: 'selector',
      namespaceLabels: hasExpressions ? undefined : namespaceLabels,
      podLabels: hasExpressions ? undefined : podLabels,
      text: JSON.stringify({ ns: ns ?? namespaceLabels, pods: pods ?? null }),
    },
    ports,
    key,
  };
}

/** Whether the peer is every pod of `ownNamespace`. */
export function isWholeOwnNamespace(p: CheckedPeer, ownNamespace: string): boolean {
  const s = p.selection;
  if (s.type !== 'selector' || !s.namespaceLabels) return false;
  const keys = Object.keys(s.namespaceLabels);
  const allPods = s.podLabels === undefined || Object.keys(s.podLabels).length === 0;
  return keys.length === 1 && s.namespaceLabels[NAMESPACE_NAME_LABEL] === ownNamespace && allPods;
}

/** Whether two peers select exactly the same addresses or pods (ports aside). */
export function sameSelection(a: CheckedPeer, b: CheckedPeer): boolean {
  const x = a.selection;
  const y = b.selection;
  if (x.type === 'ip' && y.type === 'ip') {
    return x.cidr.version === y.cidr.version && x.cidr.prefix === y.cidr.prefix && x.cidr.network === y.cidr.network;
  }
  if (x.type === 'selector' && y.type === 'selector') return x.text === y.text;
  return false;
}

/** Whether everything `inner` selects is also selected by `outer` (ports aside). */
export function selectionCovers(outer: CheckedPeer, inner: CheckedPeer): boolean {
  const x = outer.selection;
  const y = inner.selection;
  if (x.type === 'ip' && y.type === 'ip') {
    if (!cidrContains(x.cidr, y.cidr)) return false;
    return !x.except.some((e) => cidrContains(e, y.cidr) || cidrContains(y.cidr, e));
  }
  if (x.type === 'selector' && y.type === 'selector') {
    if (x.text === y.text) return true;
    if (!x.namespaceLabels || !y.namespaceLabels) return false;
    if (!subset(x.namespaceLabels, y.namespaceLabels)) return false;
    if (x.podLabels === undefined) return true;
    return y.podLabels !== undefined && subset(x.podLabels, y.podLabels);
  }
  return false;
}

/** Whether some port is opened by both peers. */
export function portsOverlap(a: readonly NetworkPort[], b: readonly NetworkPort[]): boolean {
  if (a.length === 0 || b.length === 0) return true;
  return a.some((p) => b.some((q) => (p.protocol ?? NetworkProtocol.TCP) === (q.protocol ?? NetworkProtocol.TCP)
    && p.port <= (q.endPort ?? q.port) && q.port <= (p.endPort ?? p.port)));
}

function subset(small: { [key: string]: string }, big: { [key: string]: string }): boolean {
  return Object.entries(small).every(([k, v]) => big[k] === v);
}

function normalizePorts(ports: readonly NetworkPort[]) {
  return [...ports]
    .map((p) => ({ port: p.port, endPort: p.endPort, protocol: p.protocol ?? NetworkProtocol.TCP }))
    .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}
