import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';

/**
 * What Helm renders for an unset value (`null`), amounts with spaces, `@every` schedules, a Job
 * deadline of 0, an IP address among TLS hosts, and space-padded source ranges: the API server
 * accepts them all (Go's decoder reads null as the field's zero value, a quantity as 0; the
 * quantity decoder and Service validation trim spaces). Each has a refused neighbour.
 */
const NS = 'shop';
const flags = (...objects: any[]) => {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations
    .filter((v) => v.rule === 'api-valid').map((v) => `${v.field}: ${v.message}`);
};
const dep = (container: any = {}, pod: any = {}, meta: any = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS, ...meta },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx:1.27.3', ...container }], ...pod } } },
});

describe('api-valid: what the API server accepts although it looks unset or padded', () => {
  it('null in probes, ports, quantities, names and string maps is the zero value, which passes', () => {
    expect(flags(
      dep({
        ports: [{ containerPort: 80, name: null, hostPort: null }],
        readinessProbe: { httpGet: { port: 80 }, timeoutSeconds: null, periodSeconds: null, initialDelaySeconds: null, failureThreshold: null, successThreshold: null },
        resources: { requests: { cpu: null, memory: '64Mi' } },
      }, { serviceAccountName: null, nodeSelector: null }, { annotations: { 'checksum/extra': null }, labels: null }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: NS }, data: { a: null } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: NS }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: null }] } },
    )).toEqual([]);
  });

  it('a wrong value in the same fields is still refused', () => {
    expect(flags(dep({
      ports: [{ containerPort: 80, name: 'HTTP', hostPort: 70000 }],
      readinessProbe: { httpGet: { port: 80 }, timeoutSeconds: -1 },
      resources: { requests: { cpu: 'lots' } },
    }, {}, { annotations: { 'checksum/extra': 5 } }))).toEqual([
      'metadata.annotations.checksum/extra: 5 is refused by the API server; expected a string (quote it in YAML)',
      expect.stringContaining('spec.template.spec.containers[0].ports[0].hostPort: 70000 is refused by the API server; expected a port number from 1 to 65535'),
      expect.stringContaining('spec.template.spec.containers[0].ports[0].name: "HTTP" is refused by the API server'),
      expect.stringContaining('spec.template.spec.containers[0].readinessProbe.timeoutSeconds: -1 is refused by the API server'),
      expect.stringContaining('spec.template.spec.containers[0].resources.requests.cpu: "lots" is refused by the API server'),
    ].sort((a, b) => String(a).localeCompare(String(b))) as any);
  });

  it('amounts with spaces around them pass, as the quantity decoder trims them; a bad amount does not', () => {
    expect(flags(dep({ resources: { requests: { memory: ' 64Mi', cpu: '100m ' }, limits: { memory: '64Mi\t' } } }))).toEqual([]);
    expect(flags(dep({ resources: { requests: { memory: '64 Mi' } } }))).toEqual([
      expect.stringContaining('spec.template.spec.containers[0].resources.requests.memory: "64 Mi" is refused by the API server'),
    ]);
  });

  it('@every with a Go duration is a schedule; @every with anything else is not', () => {
    const cron = (schedule: string, deadline?: number) => ({
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: NS },
      spec: { schedule, jobTemplate: { spec: { activeDeadlineSeconds: deadline, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'nginx:1.27.3' }] } } } } },
    });
    for (const s of ['@every 1h30m', '@every 90s', '@every 24h', '@every 1.5h']) expect(flags(cron(s))).toEqual([]);
    for (const s of ['@every hour', '@every 1d', '@every', '@every 1h ']) expect(flags(cron(s)).length).toBe(1);
    // A Job's deadline may be 0 (only a Pod's must be at least 1); a negative one is refused.
    expect(flags(cron('@hourly', 0))).toEqual([]);
    expect(flags(cron('@hourly', -1))).toEqual(['spec.jobTemplate.spec.activeDeadlineSeconds: -1 is refused by the API server; expected a whole number of at least 0']);
  });

  it('an IPv4 address among TLS hosts passes (they are DNS subdomains); as a rule host it is refused', () => {
    const ingress = (tlsHost: string, host = 'a.example.com') => ({
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: NS },
      spec: { tls: [{ hosts: [tlsHost], secretName: 't' }], rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
    });
    expect(flags(ingress('10.0.0.1'))).toEqual([]);
    expect(flags(ingress('Example.com')).length).toBe(1);
    expect(flags(ingress('a.example.com', '10.0.0.1'))).toEqual([
      'spec.rules[0].host: "10.0.0.1" is refused by the API server; expected a DNS name, not an IP address (leave host out to match every host)',
    ]);
  });

  it('source ranges with spaces are accepted, with the warning before 1.33 and nothing from 1.33', () => {
    const lb = (ranges: string[], version?: string) => ({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb', namespace: NS, annotations: version ? { 'guardrails.cdk8s.io/kubernetes-version': version } : undefined },
      spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }], loadBalancerSourceRanges: ranges },
    });
    expect(flags(lb([' 192.168.0.0/16']))).toEqual([
      'spec.loadBalancerSourceRanges[0]: " 192.168.0.0/16" has spaces around the range; the API server accepts it but warns before 1.33: write "192.168.0.0/16"',
    ]);
    expect(flags(lb([' 192.168.0.0/16'], '1.33'))).toEqual([]);
    expect(flags(lb(['192.168.0.0/33'])).length).toBe(1);
  });
});
