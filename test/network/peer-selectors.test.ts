import { describe, expect, it } from 'vitest';
import { NetworkPeer, NetworkProtocol } from '../../lib';
import { renderPorts } from '../../lib/network/network-peer';
import { errorOf } from '../helpers';

// A peer that silently selects everything is a hole in default-deny: an empty pod selector
// admits every pod, and a rule without ports opens every port.
describe('NetworkPeer never widens a rule silently', () => {
  it.each([
    [undefined, "NetworkPeer.namespace(<this namespace>)"],
    [{}, "NetworkPeer.namespace(<this namespace>)"],
  ])('pods(%j) is an error: an empty selector selects every pod', (labels, everyPod) => {
    expect(errorOf(() => NetworkPeer.pods(labels as any))).toBe(
      `NetworkPeer.pods(): invalid labels ${labels === undefined ? '(undefined)' : '{}'}; expected at least one label: an empty selector selects every pod; for every pod say so with ${everyPod}.`);
  });

  it('pods({}, ns) points to NetworkPeer.namespace(ns)', () => {
    expect(errorOf(() => NetworkPeer.pods({}, 'billing'))).toContain("for every pod say so with NetworkPeer.namespace('billing').");
  });

  it('namespacesWithLabels({}) is an error: it would select every namespace', () => {
    expect(errorOf(() => NetworkPeer.namespacesWithLabels({}))).toContain('NetworkPeer.namespacesWithLabels(): invalid labels {}; expected at least one label');
  });

  it('withPorts([]) is an error: a rule without ports opens every port', () => {
    expect(errorOf(() => NetworkPeer.cidr('10.0.0.0/8').withPorts([]))).toBe(
      'NetworkPeer.withPorts() of cidr 10.0.0.0/8: invalid ports []; expected at least one port such as [{ port: 443 }]: a rule without ports opens every port; leave withPorts out for that.');
  });

  it('selectors with labels, and ports, still pass', () => {
    expect(NetworkPeer.pods({ app: 'gateway' }).description).toBe('pods {"app":"gateway"}');
    expect(NetworkPeer.namespacesWithLabels({ team: 'a' }).description).toBe('namespaces {"team":"a"}');
    expect(NetworkPeer.cidr('10.0.0.0/8').withPorts([{ port: 443 }]).ports).toEqual([{ port: 443 }]);
  });
});

describe('the order of NetworkPolicy ports', () => {
  it('is by port, then by protocol in localeCompare order, whatever the protocols are', () => {
    const protocols = ['UDP', 'TCP', 'SCTP', undefined, 'udp', 'Tcp', 'ÜDP'];
    const ports = protocols.flatMap((protocol) => [53, 8080].map((port) => ({ port, protocol: protocol as NetworkProtocol | undefined })));
    const expected = [...ports].sort((a, b) => a.port - b.port || (a.protocol ?? 'TCP').localeCompare(b.protocol ?? 'TCP'));
    expect(renderPorts(ports)!.map((p) => `${p.port?.value}/${p.protocol}`)).toEqual(expected.map((p) => `${p.port}/${p.protocol ?? 'TCP'}`));
  });
});
