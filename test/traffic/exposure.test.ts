import { describe, expect, it } from 'vitest';
import { blockInBlock } from '../../lib/traffic/evaluator';
import { droppedExposures, exposureSources } from '../../lib/traffic/exposure';
import { readTrafficModel } from '../../lib/traffic/model';
import { deployment, policy, service } from './fixtures';

const DENY = policy('default-deny', 'edge', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const web = deployment('web', 'edge', { app: 'web' }, [{ containerPort: 8443, name: 'https' }]);
const lb = (spec: any = {}) => {
  const s = service('web-lb', 'edge', { app: 'web' }, [{ port: 443, targetPort: 'https', name: 'https' }]);
  s.spec = { ...s.spec, type: 'LoadBalancer', ...spec };
  return s;
};
const admit = (...cidrs: Array<string | { cidr: string; except: string[] }>) => policy('web', 'edge', {
  podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'],
  ingress: [{ from: cidrs.map((c) => ({ ipBlock: typeof c === 'string' ? { cidr: c } : c })), ports: [{ port: 'https' }] }],
});
const dropped = (...objects: any[]) => droppedExposures(readTrafficModel([web, ...objects]));

describe('outside traffic of LoadBalancer and NodePort Services', () => {
  it('refused by default-deny: the Service, the port, the workload, the policies and what to add', () => {
    const found = dropped(DENY, lb());
    expect(found.map((d) => [d.message, d.fix, d.portIndex])).toEqual([[
      'Service edge/web-lb (LoadBalancer) sends port 443 to Deployment edge/web on TCP 8443, but the ingress of web (NetworkPolicy default-deny) refuses traffic from 0.0.0.0/0 (any address)',
      'add an ingress rule to web\'s NetworkPolicy: from {ipBlock {cidr: 0.0.0.0/0}} on TCP 8443 (ExternalService opens it with the Service)',
      0,
    ]]);
  });

  it('admitted: every address on the target port (a named port), or no policy at all', () => {
    expect(dropped(DENY, lb(), admit('0.0.0.0/0'))).toEqual([]);
    expect(dropped(lb())).toEqual([]);
  });

  it('a dual-stack Service needs both families; a rule with one is reported for the other', () => {
    const dual = lb({ ipFamilies: ['IPv4', 'IPv6'] });
    expect(dropped(DENY, dual, admit('0.0.0.0/0')).map((d) => d.refused)).toEqual([['::/0']]);
    expect(dropped(DENY, dual, admit('0.0.0.0/0', '::/0'))).toEqual([]);
  });

  it('an except inside the block refuses part of it: reported', () => {
    expect(dropped(DENY, lb(), admit({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] })).map((d) => d.refused)).toEqual([['0.0.0.0/0']]);
  });

  it('source ranges with externalTrafficPolicy Local: exactly those ranges must be admitted', () => {
    const local = lb({ loadBalancerSourceRanges: ['203.0.113.0/24', '198.51.100.0/24'], externalTrafficPolicy: 'Local' });
    expect(exposureSources(readTrafficModel([local]).services[0])).toEqual({ cidrs: ['203.0.113.0/24', '198.51.100.0/24'], why: 'its loadBalancerSourceRanges' });
    expect(dropped(DENY, local, admit('203.0.113.0/24', '198.51.100.0/24'))).toEqual([]);
    expect(dropped(DENY, local, admit('203.0.113.0/24')).map((d) => d.message)).toEqual([
      'Service edge/web-lb (LoadBalancer) sends port 443 to Deployment edge/web on TCP 8443, but the ingress of web (NetworkPolicy default-deny, web) refuses traffic from 198.51.100.0/24 (its loadBalancerSourceRanges)',
    ]);
  });

  it('source ranges with externalTrafficPolicy Cluster: the pods see node addresses, so the fix is Local', () => {
    const cluster = lb({ loadBalancerSourceRanges: ['203.0.113.0/24'] });
    expect(dropped(DENY, cluster, admit('203.0.113.0/24')).map((d) => d.fix)).toEqual([
      'set spec.externalTrafficPolicy: Local on Service web-lb so the pods see the client\'s address, and let its loadBalancerSourceRanges in: add an ingress rule to web\'s NetworkPolicy from {ipBlock {cidr: 203.0.113.0/24}} on TCP 8443 (ExternalService does both)',
    ]);
    expect(dropped(DENY, cluster, admit('0.0.0.0/0'))).toEqual([]);
  });

  it('a NodePort Service is checked too; a ClusterIP Service is not', () => {
    const nodePort = lb({ type: 'NodePort' });
    expect(dropped(DENY, nodePort).map((d) => d.message)).toEqual([
      'Service edge/web-lb (NodePort) sends port 443 to Deployment edge/web on TCP 8443, but the ingress of web (NetworkPolicy default-deny) refuses traffic from 0.0.0.0/0 (any address)',
    ]);
    expect(dropped(DENY, lb({ type: 'ClusterIP' }))).toEqual([]);
  });
});

describe('a block inside an ipBlock', () => {
  it('inside the cidr and clear of every except', () => {
    expect(blockInBlock('203.0.113.0/24', { cidr: '203.0.0.0/16', except: [] })).toBe(true);
    expect(blockInBlock('203.0.113.0/24', { cidr: '203.0.0.0/16', except: ['203.0.112.0/24'] })).toBe(true);
    expect(blockInBlock('203.0.113.0/24', { cidr: '203.0.0.0/16', except: ['203.0.113.128/25'] })).toBe(false);
    expect(blockInBlock('203.0.113.0/24', { cidr: '203.0.0.0/16', except: ['203.0.0.0/17'] })).toBe(false);
    expect(blockInBlock('0.0.0.0/0', { cidr: '0.0.0.0/1', except: [] })).toBe(false);
    expect(blockInBlock('::/0', { cidr: '0.0.0.0/0', except: [] })).toBe(false);
  });
});
