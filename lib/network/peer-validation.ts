import { failAt } from '../core/errors';
import { checkTypeAt } from '../core/shapes';
import { cidrContains, parseCidr } from '../core/validation/cidr';
import { checkAt, checkLabelsAt, dns1123LabelProblem, portProblem, portRangeProblem } from '../core/validate';
import type { NetworkPort } from './network-peer';

// Checks of the NetworkPeer factories, made when a peer is built, so that every construct
// that takes a peer (IsolatedNamespace, the workloads) gets only valid ones.

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** Pod or namespace labels of a peer selector. */
export function checkPeerLabels(where: string, prop: string, labels: { [key: string]: string } | undefined): void {
  if (labels !== undefined) checkLabelsAt(where, prop, labels);
}

/**
 * The labels that select a peer's pods: at least one, since an empty selector selects every
 * pod (of the namespace, or of every selected namespace).
 */
export function checkPeerSelector(where: string, prop: string, labels: { [key: string]: string } | undefined, everyPod: string): void {
  if (labels === undefined || labels === null || typeof labels !== 'object' || Array.isArray(labels) || Object.keys(labels).length === 0) {
    failAt(where, prop, labels, `at least one label: an empty selector selects every pod; for every pod say so with ${everyPod}`);
  }
  checkLabelsAt(where, prop, labels);
}

/** A namespace name (a DNS-1123 label). */
export function checkPeerNamespace(where: string, prop: string, name: string): void {
  checkAt(where, prop, name, dns1123LabelProblem(name));
}

/** An address block and its exceptions, each strictly inside it. */
export function checkPeerCidr(where: string, cidr: string, except: string[] | undefined): void {
  const block = parseCidr(cidr);
  if (typeof block === 'string') failAt(where, 'cidr', cidr, `a CIDR such as "10.0.0.0/8" or "fd00::/8" (${block})`);
  if (except !== undefined && !Array.isArray(except)) failAt(where, 'except', except, 'a list of CIDRs inside the block');
  (except ?? []).forEach((e, i) => {
    const ex = parseCidr(e);
    if (typeof ex === 'string') failAt(where, `except[${i}]`, e, `a CIDR such as "10.0.0.0/24" (${ex})`);
    if (!cidrContains(block, ex) || ex.prefix === block.prefix) failAt(where, `except[${i}]`, e, `a CIDR strictly inside ${cidr}`);
  });
}

/** Ports and port ranges: 1 to 65535, `endPort` not below `port`, a known protocol. */
export function checkPeerPorts(where: string, ports: NetworkPort[]): void {
  if (!Array.isArray(ports)) failAt(where, 'ports', ports, 'a list of ports such as [{ port: 443 }]');
  if (ports.length === 0) failAt(where, 'ports', ports, 'at least one port such as [{ port: 443 }]: a rule without ports opens every port; leave withPorts out for that');
  ports.forEach((p, i) => {
    checkAt(where, `ports[${i}].port`, p?.port, portProblem(p?.port));
    if (p.endPort !== undefined) checkAt(where, `ports[${i}].endPort`, p.endPort, portProblem(p.endPort) ?? portRangeProblem(p.port, p.endPort));
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) {
      failAt(where, `ports[${i}].protocol`, p.protocol, `a NetworkProtocol: ${PROTOCOLS.join(', ')}`);
    }
  });
  // A misspelt field (endport) would be dropped: the values first, then the fields.
  checkTypeAt(where, 'struct:NetworkPort[]', ports, 'ports');
}
