export { errorOf } from '../helpers';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { CheckResult, Guardrails, GuardrailsOptions } from '../../lib';
import { checkManifests } from '../../lib/practices/checker';
import { POD_KINDS } from '../../lib/core/kinds';
import { resolveOptions } from '../../lib/practices/options';

export const NS = 'shop';
export const SEL = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' };
export const LABELS = { ...SEL, 'app.kubernetes.io/managed-by': 'cdk8s' };
export const CM_NAME = 'web-config-3f2a9c81d0';

/** A hand-written app (one serving workload and everything around it) that breaks no rule. */
export function goodApp() {
  const meta = (name: string, kind?: string) => ({ name, ...(kind === 'Namespace' ? {} : { namespace: NS }), labels: { ...LABELS } });
  return {
    deployment: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'),
      spec: {
        replicas: 2, minReadySeconds: 10, progressDeadlineSeconds: 600,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        selector: { matchLabels: { ...SEL } },
        template: {
          metadata: { labels: { ...LABELS }, annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' } },
          spec: {
            serviceAccountName: 'web',
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 30,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...SEL } } },
              { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...SEL } } },
            ],
            containers: [{
              name: 'app',
              image: 'ghcr.io/acme/web:1.4.2',
              ports: [{ containerPort: 8080, name: 'http' }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5, failureThreshold: 3 },
              livenessProbe: { httpGet: { path: '/live', port: 'http' }, periodSeconds: 10, failureThreshold: 6 },
              lifecycle: { preStop: { exec: { command: ['sleep', '10'] } } },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
              envFrom: [{ configMapRef: { name: CM_NAME } }],
            }],
          },
        },
      },
    } as any,
    service: {
      apiVersion: 'v1', kind: 'Service', metadata: meta('web'),
      spec: { selector: { ...SEL }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    } as any,
    pdb: {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('web'),
      spec: { maxUnavailable: 1, selector: { matchLabels: { ...SEL } } },
    } as any,
    networkPolicy: {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('web'),
      spec: { podSelector: { matchLabels: { ...SEL } }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] },
    } as any,
    serviceAccount: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('web'), automountServiceAccountToken: false } as any,
    configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(CM_NAME), immutable: true, data: { LOG_LEVEL: 'info' } } as any,
    namespace: {
      apiVersion: 'v1', kind: 'Namespace',
      metadata: {
        ...meta(NS, 'Namespace'),
        labels: {
          ...LABELS,
          'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.30',
          'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.30',
          'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.30',
        },
      },
    } as any,
    defaultDeny: {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    } as any,
    quota: {
      apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('quota'),
      spec: { hard: { 'requests.cpu': '4', 'requests.memory': '8Gi', 'pods': '40', 'services': '10', 'services.loadbalancers': '0', 'requests.storage': '100Gi' } },
    } as any,
    limitRange: {
      apiVersion: 'v1', kind: 'LimitRange', metadata: meta('limits'),
      spec: { limits: [{ type: 'Container', default: { memory: '128Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }] },
    } as any,
    role: {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta('viewer'),
      rules: [{ apiGroups: ['', 'apps'], resources: ['pods', 'services', 'deployments'], verbs: ['get', 'list', 'watch'] }],
    } as any,
    ingress: {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: {
        ...meta('web'),
        annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-prod', 'external-dns.alpha.kubernetes.io/hostname': 'shop.example.com' },
      },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['shop.example.com'], secretName: 'web-tls' }],
        rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
      },
    } as any,
  };
}

export type App = ReturnType<typeof goodApp>;

/** The manifests of a hand-written app, after `mutate`. */
export function manifests(mutate: (app: App) => void = () => undefined): any[] {
  const app = goodApp();
  mutate(app);
  return Object.values(app).filter((m) => m !== undefined);
}

/** Puts manifests into a chart as raw ApiObjects (as a user would with ApiObject or Include). */
export function rawChart(list: any[], app = Testing.app(), id = 'raw'): Chart {
  const chart = new Chart(app, id);
  list.forEach((m, i) => new ApiObject(chart, `${m.kind}-${m.metadata?.name ?? i}`, m));
  return chart;
}

/** Checks manifests as raw ApiObjects of an enforced chart (without throwing). */
export function check(list: any[], options?: GuardrailsOptions): CheckResult {
  const chart = rawChart(list);
  Guardrails.enforce(chart, options);
  return Guardrails.report(chart);
}

/** The rule ids of the violations, sorted and unique. */
export function rulesOf(result: CheckResult): string[] {
  return [...new Set(result.violations.map((v) => v.rule))].sort();
}

/** Violations of one rule. */
export function violationsOf(result: CheckResult, rule: string) {
  return result.violations.filter((v) => v.rule === rule);
}


/** The messages (`Kind name: message`) of one rule on the hand-written app after `mutate`, checked as raw objects. */
export function messages(rule: string, mutate: (app: App) => void, options?: GuardrailsOptions): string[] {
  const resolved = resolveOptions(options, (p, v, a) => { throw new Error(`${p} ${String(v)} ${a}`); });
  return checkManifests(manifests(mutate).map((manifest) => ({ manifest })), resolved).violations
    .filter((v) => v.rule === rule).map((v) => `${v.kind} ${v.name}: ${v.message}`);
}

const oneShot = (template: any) => ({ ...template, spec: { ...template.spec, restartPolicy: 'Never' } });

/** The app's Deployment as another kind, with the same pod template. */
export function asKind(kind: string, d: any): any {
  const { metadata, spec } = d;
  const template = spec.template;
  switch (kind) {
    case 'Deployment': return d;
    case 'ReplicaSet': return { apiVersion: 'apps/v1', kind, metadata, spec: { replicas: 2, minReadySeconds: 10, selector: spec.selector, template } };
    case 'ReplicationController': return { apiVersion: 'v1', kind, metadata, spec: { replicas: 2, selector: { ...SEL }, template } };
    case 'StatefulSet': return { apiVersion: 'apps/v1', kind, metadata, spec: { replicas: 2, serviceName: 'web', selector: spec.selector, template } };
    case 'DaemonSet': return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: spec.selector, template } };
    case 'Job': return { apiVersion: 'batch/v1', kind, metadata, spec: { backoffLimit: 2, template: oneShot(template) } };
    case 'CronJob': return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: oneShot(template) } } } };
    case 'Pod': return { apiVersion: 'v1', kind, metadata: { ...metadata, labels: template.metadata.labels, annotations: template.metadata.annotations }, spec: template.spec };
    default: throw new Error(kind);
  }
}

/** The pod template of a workload of any kind. */
export function template(w: any): any {
  const path = POD_KINDS.find((k) => k.kind === w.kind)!.templatePath;
  return path.reduce((o, p) => o[p], w);
}
