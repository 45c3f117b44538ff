import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';

/**
 * `api-valid` on refusals a real API server makes that the checker once passed: an ephemeral
 * volume without a claim template or with claim metadata other than labels and annotations,
 * the ports of v1 Endpoints and EndpointSlices, an onPodConditions pattern without status in a
 * CronJob's job template before Kubernetes 1.34, and a mount of a volume named with a word YAML reads as a boolean.
 * Cross-checked against real API servers in verify/canary/api-valid-cases.js.
 */

function flags(...objects: any[]): string[] {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations
    .filter((v) => v.rule === 'api-valid' && !v.message.startsWith('v1 Endpoints is deprecated'))
    .map((v) => `${v.field}: ${v.message}`);
}

const NS = 'shop';
const version = (v?: string) => (v ? { annotations: { 'guardrails.cdk8s.io/kubernetes-version': v } } : {});
const dep = (spec: any = {}, over: any = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx:1', ...over }], ...spec } } },
});
const V = 'spec.template.spec.volumes';
const CLAIM = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
const ephemeral = (template: any) => dep({ volumes: [{ name: 'scratch', ephemeral: template }] });
const endpoints = (subset: any) => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db', namespace: NS }, subsets: [subset] });
const slice = (ports: any[]) => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'db-1', namespace: NS, labels: { 'kubernetes.io/service-name': 'db' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.5'] }], ports });
const jobSpec = (conditions: any[]) => ({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: conditions }] }, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'nginx:1' }] } } });
const job = (conditions: any[], v?: string) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: NS, ...version(v) }, spec: jobSpec(conditions) });
const cron = (conditions: any[], v?: string) => ({
  apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: NS, ...version(v) },
  spec: { schedule: '0 3 * * *', timeZone: 'Etc/UTC', jobTemplate: { spec: jobSpec(conditions) } },
});

describe('api-valid: ephemeral volumes', () => {
  const META = 'is set in a claim template; the API server refuses every metadata field there but labels and annotations (the claim is named <pod name>-<volume name>)';
  it('an ephemeral volume without a claim template is refused', () => {
    expect(flags(ephemeral({}))).toEqual([
      `${V}[0].ephemeral.volumeClaimTemplate: is unset; the API server requires a claim template in an ephemeral volume (volumeClaimTemplate with the spec of the PersistentVolumeClaim to create)`,
    ]);
  });
  it('claim template metadata other than labels and annotations is refused, field by field', () => {
    expect(flags(ephemeral({ volumeClaimTemplate: { metadata: { name: 'fixed', namespace: NS, finalizers: [], deletionGracePeriodSeconds: 0, labels: { app: 'web' } }, spec: CLAIM } }))).toEqual([
      `${V}[0].ephemeral.volumeClaimTemplate.metadata.deletionGracePeriodSeconds: ${META}`,
      `${V}[0].ephemeral.volumeClaimTemplate.metadata.finalizers: ${META}`,
      `${V}[0].ephemeral.volumeClaimTemplate.metadata.name: ${META}`,
      `${V}[0].ephemeral.volumeClaimTemplate.metadata.namespace: ${META}`,
    ]);
  });
  it('labels, annotations, and fields left at their zero value ("" or 0) pass', () => {
    expect(flags(ephemeral({ volumeClaimTemplate: { metadata: { labels: { app: 'web' }, annotations: { team: 'shop' }, name: '', generation: 0 }, spec: CLAIM } }))).toEqual([]);
    expect(flags(ephemeral({ volumeClaimTemplate: { spec: CLAIM } }))).toEqual([]);
  });
});

describe('api-valid: v1 Endpoints ports', () => {
  it('port 0 or 70000, protocol HTTP, and a port without a name among several are refused', () => {
    expect(flags(endpoints({ addresses: [{ ip: '10.0.0.5' }], ports: [{ port: 0 }, { port: 70000, name: 'b' }, { port: 80, protocol: 'HTTP', name: 'c' }] }))).toEqual([
      'subsets[0].ports[0].name: is unset; the API server requires a name on each port of a subset with 3 ports',
      'subsets[0].ports[0].port: 0 is refused by the API server; expected a port number from 1 to 65535',
      'subsets[0].ports[1].port: 70000 is refused by the API server; expected a port number from 1 to 65535',
      'subsets[0].ports[2].protocol: "HTTP" is refused by the API server; expected "TCP", "UDP" or "SCTP" (the IP protocol; an application protocol such as HTTP goes in appProtocol)',
    ]);
  });
  it('a port name that is not a DNS-1123 label, and a subset without addresses, are refused', () => {
    expect(flags(endpoints({ addresses: [{ ip: '10.0.0.5' }], ports: [{ port: 80, name: 'Web' }] }))).toEqual([
      'subsets[0].ports[0].name: "Web" is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit',
    ]);
    expect(flags(endpoints({ ports: [{ port: 80 }] }))).toEqual([
      'subsets[0]: has neither addresses nor notReadyAddresses; the API server requires at least one address in each subset',
    ]);
  });
  it('one unnamed port, named ports (even twice the same name), UDP and SCTP pass', () => {
    expect(flags(endpoints({ addresses: [{ ip: '10.0.0.5' }], ports: [{ port: 5432 }] }))).toEqual([]);
    expect(flags(endpoints({ notReadyAddresses: [{ ip: '10.0.0.5' }], ports: [{ port: 53, name: 'dns', protocol: 'UDP' }, { port: 53, name: 'dns', protocol: '' }, { port: 65535, name: 's', protocol: 'SCTP' }] }))).toEqual([]);
  });
});

describe('api-valid: EndpointSlice ports', () => {
  it('protocol HTTP, a name used twice (unset is ""), and a name that is not a DNS-1123 label are refused', () => {
    expect(flags(slice([{ port: 80, protocol: 'HTTP', name: 'b' }, { port: 81, name: 'b' }, { port: 82, name: 'Bad' }]))).toEqual([
      'ports[0].protocol: "HTTP" is refused by the API server; expected "TCP", "UDP" or "SCTP" (the IP protocol; an application protocol such as HTTP goes in appProtocol)',
      'ports[1].name: "b" is the name of ports[0] too; the API server refuses two ports of one slice with one name',
      'ports[2].name: "Bad" is refused by the API server; expected a DNS-1123 label of at most 63 characters: lower-case letters, digits and \'-\', starting and ending with a letter or digit',
    ]);
    expect(flags(slice([{ port: 80 }, { port: 81, name: '' }]))).toEqual([
      'ports[1].name: is unset, as on ports[0]; the API server refuses two ports of one slice with one name (an unset name is ""): name them',
    ]);
  });
  it('one unnamed port, distinct names, and a port left out pass', () => {
    expect(flags(slice([{ port: 80 }]))).toEqual([]);
    expect(flags(slice([{ port: 80, name: 'http', protocol: 'TCP' }, { name: 'any' }, { port: 53, name: 'dns', protocol: 'UDP' }]))).toEqual([]);
  });
});

describe('api-valid: onPodConditions status by target version', () => {
  const P = 'spec.jobTemplate.spec.podFailurePolicy.rules[0].onPodConditions[0].status';
  it('in a CronJob\'s job template before 1.34, a pattern without status, or with "", is refused', () => {
    const said = `${P}: is unset; the API server of Kubernetes before 1.34 requires it in a CronJob's job template: write status: "True" (the condition holds), "False" or "Unknown"`;
    expect(flags(cron([{ type: 'DisruptionTarget' }]))).toEqual([said]);
    expect(flags(cron([{ type: 'DisruptionTarget', status: '' }], '1.33'))).toEqual([said]);
    expect(flags(cron([{ type: 'DisruptionTarget', status: 'Maybe' }], '1.30'))).toEqual([`${P}: "Maybe" is refused by the API server; expected "False", "True" or "Unknown"`]);
  });
  it('from 1.34, and in a Job at every version, it is defaulted to "True"; a status passes everywhere', () => {
    expect(flags(cron([{ type: 'DisruptionTarget' }], '1.34'))).toEqual([]);
    expect(flags(cron([{ type: 'DisruptionTarget', status: '' }], '1.37'))).toEqual([]);
    expect(flags(cron([{ type: 'DisruptionTarget', status: 'Maybe' }], '1.34'))).toEqual([`${P}: "Maybe" is refused by the API server; expected "False", "True" or "Unknown"; leave it out for "True"`]);
    expect(flags(cron([{ type: 'DisruptionTarget', status: 'True' }]))).toEqual([]);
    expect(flags(cron([{ type: 'ConfigIssue', status: 'False' }], '1.30'))).toEqual([]);
    expect(flags(job([{ type: 'DisruptionTarget' }]), job([{ type: 'DisruptionTarget', status: '' }], '1.30'))).toEqual([]);
  });
});

describe('api-valid: a mount of a volume named with a YAML boolean', () => {
  const T = 'spec.template.spec';
  it('a mount whose name YAML read as false, with no volume of that name, says to quote it', () => {
    expect(flags(dep({ volumes: [{ name: 'n', emptyDir: {} }] }, { volumeMounts: [{ name: false, mountPath: '/d' }, { name: 'n', mountPath: '/e' }] }))).toEqual([
      `${T}.containers[0].volumeMounts[0].name: false is refused by the API server; expected the name of a volume of the pod ("n"); YAML 1.1 reads an unquoted n, no, off or false as false: quote it`,
    ]);
  });
  it('a mount of a missing volume named as a string gets no hint; a quoted "no" passes', () => {
    expect(flags(dep({ volumes: [{ name: 'n', emptyDir: {} }] }, { volumeMounts: [{ name: 'x', mountPath: '/d' }] }))).toEqual([
      `${T}.containers[0].volumeMounts[0].name: "x" is refused by the API server; expected the name of a volume of the pod ("n")`,
    ]);
    expect(flags(dep({ volumes: [{ name: 'no', emptyDir: {} }] }, { volumeMounts: [{ name: 'no', mountPath: '/d' }] }))).toEqual([]);
  });
});
