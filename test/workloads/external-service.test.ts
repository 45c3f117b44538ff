import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ExternalService, ExternalServiceProps, ExternalServiceType, Guardrails, GuardrailsApp, IsolatedNamespace, ProbeCheck, SafeDeployment, SafeJob } from '../../lib';
import { droppedExposures } from '../../lib/traffic/exposure';
import { trafficGraph } from '../../lib/traffic/graph';
import { readTrafficModel } from '../../lib/traffic/model';
import { errorOf, newChart, one, synth } from '../helpers';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const REASON = 'customers connect to the MQTT broker directly; an HTTP ingress cannot carry it';
const BROKER = { image: IMAGE, ports: [{ name: 'mqtt', containerPort: 1883 }, { name: 'admin', containerPort: 8080 }], readiness: { check: ProbeCheck.tcpSocket() } };
const NAME = { 'app.kubernetes.io/instance': 'broker', 'app.kubernetes.io/name': 'broker' };

function tenant(props: Partial<ExternalServiceProps> = {}, nsProps: any = {}) {
  const app = Testing.app();
  const ns = new IsolatedNamespace(app, 'iot', { team: 'iot', ...nsProps });
  const broker = new SafeDeployment(ns, 'broker', BROKER);
  const external = new ExternalService(ns, 'public', { workload: broker, type: ExternalServiceType.LOAD_BALANCER, reason: REASON, ports: ['mqtt'], ...props });
  return { app, ns, broker, external };
}

describe('ExternalService', () => {
  it('a LoadBalancer with its reason, the chosen port, and the workload\'s selector; not scraped twice', () => {
    const { ns, external } = tenant();
    const m = synth(ns);
    const svc = one(m, 'Service', 'broker-external');
    expect(svc.metadata.annotations).toEqual({ 'guardrails.cdk8s.io/skip.network-exposure': REASON });
    expect(svc.metadata.labels['app.kubernetes.io/instance']).toBe('broker-external');
    expect(svc.metadata.labels['app.kubernetes.io/name']).toBe('broker');
    expect(svc.spec).toEqual({ type: 'LoadBalancer', selector: NAME, ports: [{ name: 'mqtt', port: 1883, targetPort: 1883, protocol: 'TCP' }] });
    expect(external.name).toBe('broker-external');
    expect(external.sourceRanges).toEqual(['0.0.0.0/0', '::/0']);
  });

  it('the workload\'s NetworkPolicy lets in every address on the exposed port only', () => {
    const m = synth(tenant().ns);
    const ingress = one(m, 'NetworkPolicy', 'broker').spec.ingress;
    expect(ingress.filter((r: any) => r.from[0].ipBlock)).toEqual([
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 1883, protocol: 'TCP' }] },
      { from: [{ ipBlock: { cidr: '::/0' } }], ports: [{ port: 1883, protocol: 'TCP' }] },
    ]);
    expect(droppedExposures(readTrafficModel(m))).toEqual([]);
  });

  it('loadBalancerSourceRanges: on the Service with externalTrafficPolicy Local, and exactly those blocks in the NetworkPolicy', () => {
    const m = synth(tenant({ loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'] }).ns);
    const svc = one(m, 'Service', 'broker-external');
    expect(svc.spec.loadBalancerSourceRanges).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    expect(svc.spec.externalTrafficPolicy).toBe('Local');
    expect(one(m, 'NetworkPolicy', 'broker').spec.ingress.filter((r: any) => r.from[0].ipBlock).map((r: any) => r.from[0].ipBlock.cidr)).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    expect(droppedExposures(readTrafficModel(m))).toEqual([]);
  });

  it('the picture shows the outside world reaching the workload on that port', () => {
    const graph = trafficGraph(readTrafficModel(synth(tenant().ns)), { ingressController: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } } });
    expect(graph.edges.find((e) => e.from === 'outside world')).toEqual({ from: 'outside world', to: 'Deployment/iot/broker', ports: ['0.0.0.0/0 on TCP 1883', '::/0 on TCP 1883'] });
  });

  it('a NodePort; every exposed port by default', () => {
    const { ns } = tenant({ type: ExternalServiceType.NODE_PORT, ports: undefined, name: 'broker-nodes' });
    const svc = one(synth(ns), 'Service', 'broker-nodes');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports.map((p: any) => p.name)).toEqual(['mqtt', 'admin']);
    expect(svc.spec.externalTrafficPolicy).toBeUndefined();
  });

  it('the namespace quota allows exactly the load balancers and node ports it needs', () => {
    const lb = tenant();
    expect(one(synth(lb.ns), 'ResourceQuota').spec.hard).toMatchObject({ 'services.loadbalancers': '1', 'services.nodeports': '1' });
    const np = tenant({ type: ExternalServiceType.NODE_PORT, ports: undefined });
    expect(one(synth(np.ns), 'ResourceQuota').spec.hard).toMatchObject({ 'services.loadbalancers': '0', 'services.nodeports': '2' });
    const none = new IsolatedNamespace(Testing.app(), 'iot', { team: 'iot' });
    new SafeDeployment(none, 'broker', BROKER);
    expect(one(synth(none), 'ResourceQuota').spec.hard).toMatchObject({ 'services.loadbalancers': '0', 'services.nodeports': '0' });
  });

  it('each namespace of one app counts its own exposed Services', () => {
    const app = new GuardrailsApp();
    const quiet = new IsolatedNamespace(app, 'quiet', { team: 'quiet' });
    new SafeDeployment(quiet, 'api', BROKER);
    const iot = new IsolatedNamespace(app, 'iot', { team: 'iot' });
    const broker = new SafeDeployment(iot, 'broker', BROKER);
    new ExternalService(iot, 'public', { workload: broker, type: ExternalServiceType.LOAD_BALANCER, reason: REASON, ports: ['mqtt'] });
    const quotas = parseAllDocuments(app.synthYaml()).map((d) => d.toJS()).filter((m) => m?.kind === 'ResourceQuota');
    expect(quotas.map((q) => [q.metadata.namespace, q.spec.hard['services.loadbalancers'], q.spec.hard['services.nodeports']])).toEqual([['quiet', '0', '0'], ['iot', '1', '1']]);
  });

  it('an explicit quota is kept; too small, it says to raise it or leave it out', () => {
    expect(one(synth(tenant({}, { quota: { loadBalancers: 3 } }).ns), 'ResourceQuota').spec.hard['services.loadbalancers']).toBe('3');
    expect(errorOf(() => synth(tenant({}, { quota: { nodePorts: 0 } }).ns))).toContain(
      "[iot] IsolatedNamespace at 'iot': invalid quota.nodePorts 0; expected at least 1 of services.nodeports: the Services of the namespace take that many (Service broker-external: 1 node ports). "
      + 'Raise quota.nodePorts to 1, or leave it out: the quota then allows exactly what the Services exposed with a reason need.');
  });

  it('passes every rule of the checker, network-calls and network-exposure included', () => {
    const { app, ns } = tenant({ loadBalancerSourceRanges: ['203.0.113.0/24'] });
    Guardrails.enforce(app);
    Testing.synth(ns); // enforcement throws on any violation
    const report = Guardrails.report(app);
    expect(report.violations).toEqual([]);
    expect(report.suppressions.filter((s) => s.rule === 'network-exposure').map((s) => [s.kind, s.name, s.reason])).toEqual([['Service', 'broker-external', REASON]]);
  });

  describe('refuses', () => {
    const prefix = "ExternalService at 'iot/public': invalid";
    const cases: Array<[string, Partial<ExternalServiceProps>, string]> = [
      ['an empty reason', { reason: ' ' }, `${prefix} reason " "; expected a non-empty reason: why the pods must be reachable from outside the cluster rather than through a TlsIngress (rule network-exposure).`],
      ['no reason', { reason: undefined }, `${prefix} reason (undefined); expected a string: reason is required.`],
      ['a port the workload does not expose', { ports: ['http'] }, `${prefix} ports[0] port "http"; expected a port that broker exposes: "mqtt", "admin".`],
      ['a port twice', { ports: ['mqtt', 'mqtt'] }, `${prefix} ports[1] "mqtt"; expected each port once.`],
      ['no ports', { ports: [] }, `${prefix} ports []; expected at least one port name, or no ports to open every exposed port.`],
      ['source ranges with a NodePort', { type: ExternalServiceType.NODE_PORT, loadBalancerSourceRanges: ['203.0.113.0/24'] },
        `${prefix} loadBalancerSourceRanges ["203.0.113.0/24"]; expected no source ranges with NodePort: only a load balancer filters clients (Kubernetes ignores the field on other types).`],
      ['an empty list of source ranges', { loadBalancerSourceRanges: [] }, `${prefix} loadBalancerSourceRanges []; expected at least one CIDR such as "203.0.113.0/24", or no source ranges to admit every address.`],
      ['a source range that is no CIDR', { loadBalancerSourceRanges: ['203.0.113.7'] }, `${prefix} loadBalancerSourceRanges[0] "203.0.113.7"`],
      ['a name that is no DNS-1035 label', { name: '1-broker' }, `${prefix} name "1-broker"`],
      ['a type that is no ExternalServiceType', { type: 'ClusterIP' as ExternalServiceType }, `${prefix} type "ClusterIP"; expected ExternalServiceType.LOAD_BALANCER or NODE_PORT ("LoadBalancer", "NodePort").`],
    ];
    for (const [title, props, message] of cases) {
      it(title, () => {
        expect(errorOf(() => tenant(props))).toContain(message);
      });
    }

    it('a workload without a Service, a Job, or one in another namespace', () => {
      const chart = newChart('iot');
      const worker = new SafeDeployment(chart, 'worker', { image: IMAGE, livenessCommand: ['/bin/check'] });
      expect(errorOf(() => new ExternalService(chart, 'w', { workload: worker, type: ExternalServiceType.LOAD_BALANCER, reason: REASON })))
        .toBe("ExternalService at 'test/w': invalid workload \"worker\"; expected a workload that exposes a port: worker has no Service (give it `port` or `ports`).");
      const job = new SafeJob(chart, 'job', { image: IMAGE });
      expect(errorOf(() => new ExternalService(chart, 'j', { workload: job, type: ExternalServiceType.LOAD_BALANCER, reason: REASON })))
        .toBe("ExternalService at 'test/j': invalid workload \"job\"; expected a workload that exposes a port: job has no Service (give it `port` or `ports`).");
      const other = new Chart(Testing.app(), 'other', { namespace: 'edge' });
      const broker = new SafeDeployment(chart, 'broker', BROKER);
      expect(errorOf(() => new ExternalService(other, 'x', { workload: broker, type: ExternalServiceType.LOAD_BALANCER, reason: REASON })))
        .toBe("ExternalService at 'other/x': invalid workload \"broker\"; expected a workload in the namespace of this Service (edge): broker is in iot, and a Service sends only to pods of its own namespace; create the ExternalService in the workload's chart.");
    });
  });
});
