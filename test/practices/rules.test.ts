import { describe, expect, it } from 'vitest';
import { k8s } from 'cdk8s-plus-27';
import { Guardrails, Profile } from '../../lib';
import { RULES } from '../../lib/practices/catalog';
import { RULE_CHECKS } from '../../lib/practices/rules';
import { App, check, manifests, NS, rulesOf, SEL, LABELS, violationsOf, rawChart } from './helpers';

/**
 * Each rule of the catalog: a raw object that breaks it (a hand-written app that breaks
 * nothing else, then one change), and what the checker says about it.
 */
interface Case {
  readonly title: string;
  readonly mutate: (app: App) => void;
  readonly message: RegExp;
  readonly field?: string;
  readonly kind?: string;
  readonly options?: Parameters<typeof check>[1];
  /** Other rules the change breaks too. */
  readonly also?: string[];
}

const container = (app: App) => app.deployment.spec.template.spec.containers[0];
const podMonitor = (port: string) => ({
  apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'web', namespace: NS, labels: LABELS },
  spec: { selector: { matchLabels: SEL }, podMetricsEndpoints: [{ port, path: '/metrics' }] },
});
const pod = (app: App) => app.deployment.spec.template.spec;

const CASES: { [rule: string]: Case[] } = {
  'image-pinned': [
    { title: 'the tag latest', mutate: (a) => { container(a).image = 'ghcr.io/acme/web:latest'; }, message: /container "app": image "ghcr.io\/acme\/web:latest" uses the tag "latest"/, field: 'spec.template.spec.containers[0].image' },
    { title: 'no tag', mutate: (a) => { container(a).image = 'nginx'; }, message: /image "nginx" has neither a tag nor a digest/ },
    { title: 'a tag when digests are required', mutate: () => undefined, options: { requireDigest: true }, message: /pinned by tag, but the app requires a digest/ },
    { title: 'an invalid reference', mutate: (a) => { container(a).image = 'Web App:1'; }, message: /"Web App:1" is not a valid image reference/ },
  ],
  'image-registry': [
    { title: 'a public image', mutate: (a) => { container(a).image = 'nginx:1.25.3'; }, options: { allowedRegistries: ['ghcr.io/acme'] }, message: /image "nginx:1.25.3" comes from docker.io, not from an allowed registry \(ghcr.io\/acme\)/ },
  ],
  'replicas-min': [
    { title: 'one replica', mutate: (a) => { a.deployment.spec.replicas = 1; }, message: /runs 1 replica; one replica means downtime/, field: 'spec.replicas' },
    { title: 'no replicas field', mutate: (a) => { delete a.deployment.spec.replicas; }, message: /has no spec.replicas, so it runs 1 replica/ },
    {
      title: 'an HPA with minReplicas 1',
      mutate: (a) => {
        delete a.deployment.spec.replicas;
        (a as any).hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: NS, labels: LABELS },
          spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4 } };
      },
      message: /is scaled by HorizontalPodAutoscaler web with minReplicas 1/,
    },
  ],
  'spread-nodes': [
    { title: 'no spread on hostname', mutate: (a) => { pod(a).topologySpreadConstraints.splice(0, 1); }, message: /runs up to 2 replicas but nothing spreads them across nodes/ },
    {
      title: 'a spread constraint that selects other pods',
      mutate: (a) => { pod(a).topologySpreadConstraints[0].labelSelector = { matchLabels: { 'app.kubernetes.io/name': 'other' } }; },
      message: /nothing spreads them across nodes: no valid topologySpreadConstraint, and no podAntiAffinity term on kubernetes.io\/hostname in its own namespace, selects its own pods/,
    },
  ],
  'spread-zones': [
    { title: 'no spread on zones', mutate: (a) => { pod(a).topologySpreadConstraints.splice(1, 1); }, message: /nothing spreads them across zones/ },
  ],
  'probe-readiness': [
    { title: 'no readiness probe', mutate: (a) => { delete container(a).readinessProbe; }, message: /container "app" serves on port 8080 but has no readinessProbe/, also: ['ingress-backend'] },
  ],
  'probe-liveness': [
    { title: 'no liveness probe', mutate: (a) => { delete container(a).livenessProbe; }, message: /container "app" has no livenessProbe, so a hung process is never restarted/ },
    { title: 'liveness as hair-trigger as readiness', mutate: (a) => { container(a).livenessProbe = { ...container(a).readinessProbe }; }, message: /the livenessProbe gives up after 15s .* no later than the readinessProbe \(15s\)/ },
  ],
  'graceful-shutdown': [
    { title: 'no grace period', mutate: (a) => { delete pod(a).terminationGracePeriodSeconds; }, message: /has no terminationGracePeriodSeconds/ },
    { title: 'no preStop delay', mutate: (a) => { delete container(a).lifecycle; }, message: /container "app" serves on port 8080 but has no lifecycle.preStop delay/ },
    { title: 'a grace period shorter than the preStop delay', mutate: (a) => { pod(a).terminationGracePeriodSeconds = 5; }, message: /the preStop delay \(10s\) is not shorter than terminationGracePeriodSeconds \(5s\)/ },
  ],
  'pdb': [
    { title: 'no PDB', mutate: (a) => { delete (a as any).pdb; }, message: /runs 2\+ replicas but no PodDisruptionBudget selects its pods/ },
    { title: 'a PDB that blocks drains', mutate: (a) => { a.pdb.spec = { minAvailable: 2, selector: a.pdb.spec.selector }; }, message: /its PodDisruptionBudget web allows no disruption \(minAvailable 2 with 2 replicas\)/ },
    { title: 'a PDB with maxUnavailable 0', mutate: (a) => { a.pdb.spec.maxUnavailable = 0; }, message: /allows no disruption \(maxUnavailable 0\)/ },
    {
      title: 'two PDBs',
      mutate: (a) => { (a as any).pdb2 = { ...a.pdb, metadata: { ...a.pdb.metadata, name: 'web-2' } }; },
      message: /is selected by 2 PodDisruptionBudgets \(web, web-2\)/,
    },
    {
      title: 'a PDB that also selects another workload',
      mutate: (a) => {
        a.pdb.spec.selector = { matchLabels: { 'app.kubernetes.io/managed-by': 'cdk8s' } };
        (a as any).job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: NS, labels: LABELS },
          spec: { template: { metadata: { labels: { 'app.kubernetes.io/managed-by': 'cdk8s', 'app.kubernetes.io/name': 'migrate', 'app.kubernetes.io/instance': 'migrate' } }, spec: { ...pod(a), serviceAccountName: 'migrate', restartPolicy: 'Never' } } } };
        (a as any).sa2 = { ...a.serviceAccount, metadata: { ...a.serviceAccount.metadata, name: 'migrate' } };
        (a as any).np2 = { ...a.networkPolicy, metadata: { ...a.networkPolicy.metadata, name: 'migrate' }, spec: { ...a.networkPolicy.spec, podSelector: {} } };
      },
      message: /its PodDisruptionBudget web also selects the pods of Job\/migrate/,
    },
    { title: 'a PDB that selects nothing', mutate: (a) => { (a as any).pdb2 = { ...a.pdb, metadata: { ...a.pdb.metadata, name: 'stray' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'gone' } } } }; }, kind: 'PodDisruptionBudget', message: /selects no pods of the app \(selector \{app=gone\}\)/ },
  ],
  'resources': [
    { title: 'no resources', mutate: (a) => { delete container(a).resources; }, message: /container "app" has no resources.requests.cpu, resources.requests.memory, resources.limits.memory/ },
    { title: 'no memory limit', mutate: (a) => { container(a).resources.limits = {}; }, message: /container "app" has no resources.limits.memory$/ },
  ],
  'pod-security': [
    { title: 'a privileged container', mutate: (a) => { container(a).securityContext.privileged = true; }, message: /container "app" is privileged/, field: 'spec.template.spec.containers[0].securityContext.privileged' },
    { title: 'host network', mutate: (a) => { pod(a).hostNetwork = true; }, message: /shares the node's Network namespace \(hostNetwork: true\)/ },
    { title: 'a hostPath volume', mutate: (a) => { pod(a).volumes = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }]; }, message: /mounts the node's path \/var\/run\/docker.sock/ },
    { title: 'privilege escalation', mutate: (a) => { delete container(a).securityContext.allowPrivilegeEscalation; }, message: /container "app" does not set allowPrivilegeEscalation: false/ },
    { title: 'root', mutate: (a) => { delete container(a).securityContext.runAsNonRoot; delete pod(a).securityContext.runAsNonRoot; }, message: /container "app" may run as root/ },
    { title: 'capabilities kept', mutate: (a) => { container(a).securityContext.capabilities = { add: ['NET_ADMIN'] }; }, message: /container "app" adds the capabilities NET_ADMIN/ },
    { title: 'no seccomp', mutate: (a) => { delete pod(a).securityContext.seccompProfile; }, message: /container "app" has no seccompProfile RuntimeDefault/ },
    { title: 'a writable root filesystem', mutate: (a) => { container(a).securityContext.readOnlyRootFilesystem = false; }, message: /container "app" has a writable root filesystem/ },
  ],
  'service-account': [
    { title: 'the default ServiceAccount', mutate: (a) => { delete pod(a).serviceAccountName; }, message: /runs as the namespace's "default" ServiceAccount/ },
    { title: 'a ServiceAccount that is not in the output', mutate: (a) => { delete (a as any).serviceAccount; }, message: /names the ServiceAccount web, which is not in the output/ },
    { title: 'an automounted token', mutate: (a) => { delete pod(a).automountServiceAccountToken; a.serviceAccount.automountServiceAccountToken = true; }, message: /mounts the token of ServiceAccount web without asking for it/ },
    {
      title: 'a shared ServiceAccount',
      mutate: (a) => {
        (a as any).other = { ...a.deployment, metadata: { ...a.deployment.metadata, name: 'other' },
          spec: { ...a.deployment.spec, selector: { matchLabels: { 'app.kubernetes.io/name': 'other' } },
            template: { ...a.deployment.spec.template, metadata: { labels: { ...LABELS, 'app.kubernetes.io/name': 'other', 'app.kubernetes.io/instance': 'other' } } } } };
      },
      message: /shares the ServiceAccount web with Deployment\/other/, also: ['metrics', 'pdb', 'spread-nodes', 'spread-zones'],
    },
  ],
  'arch-explicit': [
    { title: 'no architecture in a mixed cluster', mutate: () => undefined, options: { requireArchitecture: true }, message: /does not pin kubernetes.io\/arch, but the cluster mixes CPU architectures/ },
  ],
  'config-immutable': [
    { title: 'a mutable ConfigMap', mutate: (a) => { delete a.configMap.immutable; }, message: /uses ConfigMap web-config-3f2a9c81d0, which is not immutable/, field: 'spec.template.spec.containers[0].envFrom[0]' },
    {
      title: 'a ConfigMap without a content hash',
      mutate: (a) => { a.configMap.metadata.name = 'web-config'; container(a).envFrom[0].configMapRef.name = 'web-config'; },
      message: /uses ConfigMap web-config, which has no content hash in its name/,
    },
  ],
  'config-external': [
    { title: 'a proxy in the pod spec', mutate: (a) => { container(a).env = [{ name: 'HTTPS_PROXY', value: 'http://proxy.corp:3128' }]; }, message: /container "app": env HTTPS_PROXY is a literal in the pod spec \("http:\/\/proxy.corp:3128"\)/, field: 'spec.template.spec.containers[0].env[0]' },
    { title: 'an endpoint in the pod spec', mutate: (a) => { container(a).env = [{ name: 'PAYMENTS', value: 'https://payments.prod.internal/api' }]; }, message: /env PAYMENTS is a literal in the pod spec/ },
  ],
  'rwo-volume': [
    {
      title: 'a ReadWriteOnce claim with two replicas',
      mutate: (a) => {
        (a as any).pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: NS, labels: LABELS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
        pod(a).volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }];
      },
      message: /runs up to 2 replicas but mounts the ReadWriteOnce claim data, which attaches to one node only/,
    },
    {
      title: 'a ReadWriteOnce claim with a rolling update',
      mutate: (a) => {
        a.deployment.spec.replicas = 1;
        a.deployment.metadata.annotations = { 'guardrails.cdk8s.io/skip.replicas-min': 'single writer' };
        (a as any).pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: NS, labels: LABELS }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
        pod(a).volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }];
      },
      message: /mounts the ReadWriteOnce claim data with a rolling update/,
    },
  ],
  'rollout': [
    { title: 'maxUnavailable by default', mutate: (a) => { delete a.deployment.spec.strategy; }, message: /rolls out with maxUnavailable 25% \(the default\), so a deploy reduces capacity/ },
    { title: 'maxSurge 0', mutate: (a) => { Object.assign(a.deployment.spec.strategy.rollingUpdate, { maxSurge: 0, maxUnavailable: 1 }); }, message: /rolls out with maxSurge 0/ },
    { title: 'Recreate', mutate: (a) => { a.deployment.spec.strategy = { type: 'Recreate' }; }, message: /uses the Recreate strategy/ },
    { title: 'no minReadySeconds', mutate: (a) => { delete a.deployment.spec.minReadySeconds; }, message: /has no minReadySeconds/ },
    { title: 'no progressDeadlineSeconds', mutate: (a) => { delete a.deployment.spec.progressDeadlineSeconds; }, message: /has no progressDeadlineSeconds/ },
  ],
  'kind-fields': [
    {
      title: 'a target-version annotation that is not a version',
      mutate: (a) => { a.deployment.metadata.annotations = { 'guardrails.cdk8s.io/kubernetes-version': 'v1.29' }; },
      message: /^has the annotation guardrails.cdk8s.io\/kubernetes-version "v1.29", which is not a target version, so it is judged at the default target 1.27$/, field: 'metadata.annotations.guardrails.cdk8s.io/kubernetes-version',
    },
  ],
  'metrics': [
    { title: 'nothing scrapes it', mutate: (a) => { delete a.deployment.spec.template.metadata.annotations; }, message: /serves on a port but nothing scrapes its metrics/ },
    {
      title: 'a PodMonitor on a port no container declares',
      mutate: (a) => { delete a.deployment.spec.template.metadata.annotations; (a as any).podMonitor = podMonitor('metrics'); },
      message: /^serves on a port but nothing scrapes its metrics: PodMonitor web selects its pods but scrapes port "metrics", which no container declares$/,
    },
    {
      title: 'a ServiceMonitor on a port the Service lacks',
      mutate: (a) => {
        delete a.deployment.spec.template.metadata.annotations;
        (a as any).serviceMonitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web', namespace: NS, labels: LABELS }, spec: { selector: { matchLabels: SEL }, endpoints: [{ port: 'metrics' }] } };
      },
      message: /^serves on a port but nothing scrapes its metrics: ServiceMonitor web selects Service web but scrapes port "metrics", which the Service does not have$/,
    },
  ],
  'labels': [
    { title: 'no recommended labels', kind: 'ServiceAccount', mutate: (a) => { a.serviceAccount.metadata.labels = {}; }, message: /has no app.kubernetes.io\/name, app.kubernetes.io\/instance, app.kubernetes.io\/managed-by labels/ },
    { title: 'a Service that selects no pods', kind: 'Service', mutate: (a) => { a.service.spec.selector = { 'app.kubernetes.io/name': 'wbe' }; }, message: /selects \{app.kubernetes.io\/name=wbe\}, but no pod template of the app in namespace shop has those labels/, also: ['ingress-backend'] },
  ],
  'network-calls': [
    {
      title: 'an address of the app\'s own Service that no NetworkPolicy lets through',
      mutate: (a) => { container(a).env = [{ name: 'PEER_URL', value: 'http://web:80/v1' }]; },
      message: /^Deployment shop\/web calls Deployment shop\/web at "http:\/\/web:80" \(env PEER_URL of container "app"; Service shop\/web port 80\), but the egress of web \(NetworkPolicy .*\) and the ingress of web \(NetworkPolicy .*\) refuse TCP 8080$/,
      field: 'spec.template.spec.containers[0].env[0].value',
    },
    {
      title: 'an address in the ConfigMap the pods read',
      mutate: (a) => { a.configMap.data.API_ADDR = 'web.shop.svc:80'; },
      message: /calls Deployment shop\/web at "web.shop.svc:80" \(env API_ADDR of container "app" \(from ConfigMap shop\/web-config-[0-9a-z]+\)/,
      field: 'spec.template.spec.containers[0].envFrom[0]',
    },
    {
      title: 'a LoadBalancer, exposed with a reason, whose pods refuse the outside world',
      kind: 'Service',
      mutate: (a) => { a.service.spec.type = 'LoadBalancer'; a.service.metadata.annotations = { 'guardrails.cdk8s.io/skip.network-exposure': 'a TCP protocol that no ingress carries' }; },
      message: /^Service shop\/web \(LoadBalancer\) sends port 80 to Deployment shop\/web on TCP 8080, but the ingress of web \(NetworkPolicy default-deny, web\) refuses traffic from 0\.0\.0\.0\/0 \(any address\)$/,
      field: 'spec.ports[0]',
    },
    {
      title: 'a load balancer whose source ranges the pods admit, but which shows them the nodes\' addresses',
      kind: 'Service',
      mutate: (a) => {
        Object.assign(a.service.spec, { type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/24'] });
        a.service.metadata.annotations = { 'guardrails.cdk8s.io/skip.network-exposure': 'a TCP protocol that no ingress carries' };
        a.networkPolicy.spec.ingress = [{ from: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 8080 }] }];
      },
      message: /refuses traffic from 0\.0\.0\.0\/0 \(any address: with externalTrafficPolicy Cluster the pods see the address of the node that forwarded the traffic, not the client's\)$/,
      field: 'spec.ports[0]',
    },
  ],
  'network-exposure': [
    {
      title: 'a LoadBalancer Service without a reason',
      kind: 'Service',
      mutate: (a) => { a.service.spec.type = 'LoadBalancer'; },
      message: /^Service shop\/web is of type LoadBalancer: a load balancer of the cloud makes its pods reachable from outside the cluster, and no reason says why$/,
      field: 'spec.type',
      also: ['network-calls'],
    },
    {
      title: 'a NodePort Service without a reason, its pods open to every address',
      kind: 'Service',
      mutate: (a) => { a.service.spec.type = 'NodePort'; a.networkPolicy.spec.ingress = [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8080 }] }]; },
      message: /^Service shop\/web is of type NodePort: every node opens a port to its pods, reachable from outside the cluster, and no reason says why$/,
      field: 'spec.type',
    },
  ],
  'ns-pod-security': [
    { title: 'no enforce label', kind: 'Namespace', mutate: (a) => { delete a.namespace.metadata.labels['pod-security.kubernetes.io/enforce']; }, message: /has no pod-security.kubernetes.io\/enforce label/ },
    { title: 'baseline', kind: 'Namespace', mutate: (a) => { a.namespace.metadata.labels['pod-security.kubernetes.io/warn'] = 'baseline'; }, message: /has pod-security.kubernetes.io\/warn=baseline, not restricted/ },
    { title: 'an unpinned version', kind: 'Namespace', mutate: (a) => { a.namespace.metadata.labels['pod-security.kubernetes.io/audit-version'] = 'latest'; }, message: /has pod-security.kubernetes.io\/audit-version=latest, not a pinned version/ },
  ],
  'ns-default-deny': [
    { title: 'no default deny', kind: 'Namespace', mutate: (a) => { delete (a as any).defaultDeny; }, message: /has no default-deny NetworkPolicy for Ingress and Egress/ },
    { title: 'a default deny for ingress only', kind: 'Namespace', mutate: (a) => { a.defaultDeny.spec.policyTypes = ['Ingress']; }, message: /has no default-deny NetworkPolicy for Egress/ },
    { title: 'a pod no policy covers', kind: 'Deployment', mutate: (a) => { delete (a as any).networkPolicy; delete (a as any).defaultDeny; delete (a as any).namespace; }, message: /no NetworkPolicy selects its pods/ },
    { title: 'a pod whose egress is open', kind: 'Deployment', mutate: (a) => { a.networkPolicy.spec.policyTypes = ['Ingress']; delete (a as any).defaultDeny; delete (a as any).namespace; }, message: /no NetworkPolicy restricts the egress traffic of its pods/ },
  ],
  'ns-quota': [
    { title: 'no quota', kind: 'Namespace', mutate: (a) => { delete (a as any).quota; }, message: /has no ResourceQuota/ },
    { title: 'a quota without load balancers and storage', kind: 'Namespace', mutate: (a) => { delete a.quota.spec.hard['services.loadbalancers']; delete a.quota.spec.hard['requests.storage']; }, message: /its ResourceQuota \(quota\) does not bound load balancers, storage/ },
  ],
  'ns-limits': [
    { title: 'no LimitRange', kind: 'Namespace', mutate: (a) => { delete (a as any).limitRange; }, message: /has no LimitRange/, also: ['ns-quota'] },
    { title: 'a LimitRange without a memory default', kind: 'Namespace', mutate: (a) => { delete a.limitRange.spec.limits[0].default; }, message: /its LimitRange sets no container default.memory/ },
  ],
  'ns-rbac': [
    { title: 'a wildcard', kind: 'Role', mutate: (a) => { a.role.rules[0].verbs = ['*']; }, message: /grants a wildcard in verbs/, field: 'rules[0]' },
    { title: 'secrets', kind: 'Role', mutate: (a) => { a.role.rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }); }, message: /grants get, list on secrets/ },
    { title: 'pods/exec', kind: 'Role', mutate: (a) => { a.role.rules.push({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }); }, message: /grants create on pods\/exec: a shell in a pod reads its token/ },
    { title: 'pod creation', kind: 'Role', mutate: (a) => { a.role.rules[0].verbs = ['get', 'create']; }, message: /grants create on pods/ },
    {
      title: 'a binding to cluster-admin', kind: 'RoleBinding',
      mutate: (a) => { (a as any).binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'ops', namespace: NS, labels: LABELS }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'ops' }] }; },
      message: /binds the built-in ClusterRole cluster-admin/,
    },
  ],
  'ingress-tls': [
    { title: 'a host without TLS', kind: 'Ingress', mutate: (a) => { a.ingress.spec.tls = []; }, message: /serves shop.example.com without TLS: no spec.tls entry lists it/ },
    { title: 'a certificate nothing renews', kind: 'Ingress', mutate: (a) => { delete a.ingress.metadata.annotations['cert-manager.io/cluster-issuer']; }, message: /its certificate web-tls is not issued by cert-manager/ },
    { title: 'a rule without host', kind: 'Ingress', mutate: (a) => { delete a.ingress.spec.rules[0].host; }, message: /has a rule or default backend without a host/ },
  ],
  'ingress-redirect': [
    { title: 'ingress-nginx with the redirect off', kind: 'Ingress', mutate: (a) => { a.ingress.metadata.annotations['nginx.ingress.kubernetes.io/ssl-redirect'] = 'false'; }, message: /turns the HTTPS redirect of ingress-nginx off/ },
    { title: 'Traefik on web without a redirect', kind: 'Ingress', mutate: (a) => { a.ingress.spec.ingressClassName = 'traefik'; a.ingress.metadata.annotations['traefik.ingress.kubernetes.io/router.entrypoints'] = 'web,websecure'; }, message: /answers plain HTTP on the Traefik entry point "web" without a redirect middleware/ },
    { title: 'an ALB on HTTP', kind: 'Ingress', mutate: (a) => { a.ingress.spec.ingressClassName = 'alb'; }, message: /listens on plain HTTP \(\[\{"HTTP": 80\}\]\) without alb.ingress.kubernetes.io\/ssl-redirect/ },
  ],
  'ingress-dns': [
    { title: 'no external-dns annotation', kind: 'Ingress', mutate: (a) => { delete a.ingress.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']; }, message: /does not publish shop.example.com through external-dns/ },
  ],
  'ingress-wildcard': [
    {
      title: 'one certificate per host under one domain', kind: 'Ingress',
      mutate: (a) => {
        (a as any).ingress2 = JSON.parse(JSON.stringify(a.ingress));
        const i2 = (a as any).ingress2;
        i2.metadata.name = 'admin';
        i2.metadata.annotations['external-dns.alpha.kubernetes.io/hostname'] = 'admin.example.com';
        i2.spec.tls = [{ hosts: ['admin.example.com'], secretName: 'admin-tls' }];
        i2.spec.rules[0].host = 'admin.example.com';
      },
      message: /hosts under example.com use 2 certificates \(admin-tls, web-tls\) where one wildcard certificate for \*.example.com would do/,
    },
  ],
  'ingress-backend': [
    { title: 'a Service that is not in the output', kind: 'Ingress', mutate: (a) => { a.ingress.spec.rules[0].http.paths[0].backend.service.name = 'api'; }, message: /routes to Service api, which is not in the output/ },
    { title: 'a port the Service lacks', kind: 'Ingress', mutate: (a) => { a.ingress.spec.rules[0].http.paths[0].backend.service.port.number = 8443; }, message: /routes to port 8443 of Service web, which has no such port/ },
    { title: 'pods without readiness', kind: 'Ingress', mutate: (a) => { delete container(a).readinessProbe; }, message: /routes to Service web, whose pods \(Deployment\/web\) have no readinessProbe on "app"/, also: ['probe-readiness'] },
  ],
  'secret-no-plaintext': [
    { title: 'a Secret with data', kind: 'Secret', mutate: (a) => { (a as any).secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: NS, labels: LABELS }, data: { password: 'aHVudGVyMg==' } }; }, message: /has literal values in data \(keys: password\)/, field: 'data' },
    { title: 'a Secret with stringData', kind: 'Secret', mutate: (a) => { (a as any).secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: NS, labels: LABELS }, stringData: { password: 'hunter2' } }; }, message: /has literal values in stringData/ },
    { title: 'a Secret from nowhere', kind: 'Deployment', mutate: (a) => { container(a).env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }]; }, message: /uses Secret db, which neither the output nor an ExternalSecret or SealedSecret of the app provides/ },
    { title: 'a literal password in env', mutate: (a) => { container(a).env = [{ name: 'DB_PASSWORD', value: 'hunter2' }]; }, message: /^sets env DB_PASSWORD of container app from a literal value, which has a name that says it is a secret and a literal value: it ends up in git with the manifests$/, field: 'spec.template.spec.containers[0].env[0]' },
    { title: 'a token in the hashed ConfigMap', mutate: (a) => { a.configMap.data.API_TOKEN = 'tok_51HxQ'; container(a).env = [{ name: 'API_TOKEN', valueFrom: { configMapKeyRef: { name: a.configMap.metadata.name, key: 'API_TOKEN' } } }]; }, message: /^sets env API_TOKEN of container app from ConfigMap web-config-3f2a9c81d0 key API_TOKEN, which has a name that says it is a secret/ },
    { title: 'a URL with a password', mutate: (a) => { container(a).env = [{ name: 'DATABASE_URL', value: 'postgres://shop:hunter2@db:5432/shop' }]; }, message: /sets env DATABASE_URL of container app from a literal value, which is a URL with a password in it/ },
    { title: 'a private key in a ConfigMap read with envFrom', mutate: (a) => { a.configMap.data['tls.key'] = '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n'; }, message: /^sets env tls.key of container app from ConfigMap web-config-3f2a9c81d0 key tls.key \(envFrom\), which holds private-key material: it ends up in git with the manifests$/, field: 'spec.template.spec.containers[0].envFrom[0]' },
    { title: 'a private key in a ConfigMap no pod reads', kind: 'ConfigMap', mutate: (a) => { a.configMap.data['tls.key'] = '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n'; delete container(a).envFrom; }, message: /^key tls.key holds private-key material: a ConfigMap is no place for a secret, and it ends up in git with the manifests$/, field: 'data.tls.key' },
  ],
  'api-valid': [
    { title: 'activeDeadlineSeconds on a Deployment', mutate: (a) => { pod(a).activeDeadlineSeconds = 3600; }, message: /^sets activeDeadlineSeconds in its pod template, which the API server rejects for a Deployment: its pods run until they are replaced$/, field: 'spec.template.spec.activeDeadlineSeconds' },
    {
      title: 'a rollingUpdate with the Recreate strategy',
      mutate: (a) => { a.deployment.spec.strategy.type = 'Recreate'; },
      message: /^has spec.strategy.rollingUpdate with type Recreate, which the API server rejects: rollingUpdate is only for type RollingUpdate$/, field: 'spec.strategy.rollingUpdate', also: ['rollout'],
    },
    { title: 'restartPolicy Never on a Deployment', mutate: (a) => { pod(a).restartPolicy = 'Never'; }, message: /^has restartPolicy "Never"; a Deployment accepts only Always, so the API server rejects it$/, field: 'spec.template.spec.restartPolicy' },
    { title: 'a name the API server refuses', kind: 'ConfigMap', mutate: (a) => { a.configMap.metadata.name = 'Web_1'; }, message: /^"Web_1" is refused by the API server; expected a DNS-1123 subdomain/, field: 'metadata.name' },
    { title: 'a containerPort out of range', mutate: (a) => { container(a).ports[0].containerPort = 70000; }, message: /^70000 is refused by the API server; expected a port number from 1 to 65535$/, field: 'spec.template.spec.containers[0].ports[0].containerPort' },
    { title: 'no selector', mutate: (a) => { delete a.deployment.spec.selector; }, message: /^has no spec.selector; the API server requires one that selects its pod template/, field: 'spec.selector' },
  ],
};

describe('the hand-written baseline app', () => {
  it('breaks no rule in the restricted profile', () => {
    const result = check(manifests());
    expect(result.violations).toEqual([]);
    expect(result.objectCount).toBe(12);
  });
});

describe('every rule of the catalog', () => {
  it('has an implementation, except the app-wide rules (library properties)', () => {
    const implemented = RULE_CHECKS.map((r) => r.id).sort();
    const objectRules = RULES.filter((r) => r.group !== 'app').map((r) => r.id).sort();
    expect(implemented).toEqual(objectRules);
    expect(RULES.filter((r) => r.group === 'app').map((r) => r.id)).toEqual(['override', 'deterministic', 'environments']);
  });

  it('has a raw object that breaks it in this file', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.filter((r) => r.group !== 'app').map((r) => r.id).sort());
  });
});

for (const [rule, cases] of Object.entries(CASES)) {
  describe(`${rule}: the checker flags a raw object`, () => {
    for (const c of cases) {
      it(c.title, () => {
        const result = check(manifests(c.mutate), c.options);
        const found = violationsOf(result, rule);
        expect(found.length, JSON.stringify(result.violations, null, 2)).toBeGreaterThan(0);
        expect(found.map((v) => v.message).join('\n')).toMatch(c.message);
        const v = found.find((x) => c.message.test(x.message))!;
        expect(v.kind).toBe(c.kind ?? 'Deployment');
        expect(v.path).toMatch(/^raw\//);
        expect(v.fix.length).toBeGreaterThan(10);
        if (c.field) expect(v.field).toBe(c.field);
        expect(rulesOf(result)).toEqual([...new Set([rule, ...(c.also ?? [])])].sort());
      });
    }
  });
}

describe('metrics served by a sidecar', () => {
  const exporter = (native: boolean) => manifests((a) => {
    delete a.deployment.spec.template.metadata.annotations;
    const sidecar = { ...container(a), name: 'exporter', image: 'ghcr.io/acme/exporter:1.58.0', ports: [{ name: 'metrics', containerPort: 9121 }],
      readinessProbe: { tcpSocket: { port: 'metrics' }, periodSeconds: 5 }, livenessProbe: { tcpSocket: { port: 'metrics' }, periodSeconds: 10, failureThreshold: 6 } };
    // A native sidecar needs Kubernetes 1.29, which the object records as its target.
    if (native) { a.deployment.spec.template.spec.initContainers = [{ ...sidecar, restartPolicy: 'Always' }]; a.deployment.metadata.annotations = { 'guardrails.cdk8s.io/kubernetes-version': '1.29' }; }
    else a.deployment.spec.template.spec.containers.push(sidecar);
    (a as any).podMonitor = podMonitor('metrics');
  });

  it.each([false, true])('a PodMonitor on the exporter\'s port counts (native sidecar: %s)', (native) => {
    expect(check(exporter(native)).violations.map((v) => `${v.rule}: ${v.message}`)).toEqual([]);
  });
});

describe('the checker on L1 objects', () => {
  it('flags a KubeDeployment and names its construct path', () => {
    const chart = rawChart([]);
    new k8s.KubeDeployment(chart, 'legacy', {
      metadata: { name: 'legacy', labels: LABELS },
      spec: { selector: { matchLabels: SEL }, template: { metadata: { labels: LABELS }, spec: { containers: [{ name: 'legacy', image: 'nginx' }] } } },
    });
    Guardrails.enforce(chart);
    const result = Guardrails.report(chart);
    const pinned = violationsOf(result, 'image-pinned');
    expect(pinned).toHaveLength(1);
    expect(pinned[0]).toMatchObject({ kind: 'Deployment', name: 'legacy', path: 'raw/legacy', field: 'spec.template.spec.containers[0].image' });
    expect(rulesOf(result)).toEqual(expect.arrayContaining(['image-pinned', 'replicas-min', 'resources', 'pod-security', 'service-account', 'probe-liveness']));
  });
});

describe('profiles', () => {
  it('baseline checks Pod Security baseline, pinned images, probes and resources, not the rest', () => {
    const broken = manifests((a) => {
      a.deployment.spec.replicas = 1;
      delete container(a).securityContext;
      delete (a as any).pdb;
      delete pod(a).serviceAccountName;
      delete container(a).resources;
      container(a).image = 'nginx';
    });
    const restricted = check(broken);
    const baseline = check(broken, { profile: Profile.BASELINE });
    expect(rulesOf(restricted)).toEqual(['image-pinned', 'pod-security', 'replicas-min', 'resources', 'service-account']);
    // The namespace still enforces restricted, which refuses these pods: the profile does not change admission.
    expect(rulesOf(baseline)).toEqual(['image-pinned', 'ns-pod-security', 'resources']);
  });

  it('baseline still flags what Pod Security baseline forbids', () => {
    const result = check(manifests((a) => { container(a).securityContext = { privileged: true }; pod(a).hostPID = true; }), { profile: Profile.BASELINE });
    expect(violationsOf(result, 'pod-security').map((v) => v.message)).toEqual([
      'container "app" is privileged',
      'shares the node\'s PID namespace (hostPID: true)',
    ]);
  });

  it('baseline accepts a namespace that enforces baseline', () => {
    const ns = (a: App) => { a.namespace.metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline'; };
    expect(violationsOf(check(manifests(ns), { profile: Profile.BASELINE }), 'ns-pod-security')).toEqual([]);
    expect(violationsOf(check(manifests(ns)), 'ns-pod-security')[0].message).toBe('has pod-security.kubernetes.io/enforce=baseline, not restricted');
  });

  it('include their rules', () => {
    expect(Profile.RESTRICTED.includes('pdb')).toBe(true);
    expect(Profile.BASELINE.includes('pdb')).toBe(false);
    expect(Profile.BASELINE.includes('probe-readiness')).toBe(true);
    expect(Profile.fromName('baseline')).toBe(Profile.BASELINE);
    expect(Profile.fromName('strict')).toBeUndefined();
  });
});

describe('options', () => {
  it('declare external ServiceAccounts, Services and Secrets', () => {
    const broken = manifests((a) => {
      delete (a as any).serviceAccount;
      a.ingress.spec.rules[0].http.paths[0].backend.service.name = 'legacy';
      container(a).env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }];
    });
    expect(rulesOf(check(broken))).toEqual(['ingress-backend', 'secret-no-plaintext', 'service-account']);
    const declared = check(broken, { externalServiceAccounts: ['shop/web'], externalServices: ['legacy'], externalSecrets: ['shop/db'] });
    // the pod does not ask for the token and the ServiceAccount is unknown: still fine, the pod opts out
    expect(declared.violations).toEqual([]);
  });

  it('disable a rule for the app with a reason, listed as a suppression with what it hides', () => {
    const result = check(manifests((a) => { a.deployment.spec.replicas = 1; delete (a as any).pdb; }), { disabledRules: { 'replicas-min': 'dev cluster with one node' } });
    expect(rulesOf(result)).toEqual([]);
    expect(result.suppressions).toEqual([{ rule: 'replicas-min', reason: 'dev cluster with one node', suppressed: 1 }]);
  });

  it('reject unknown rules, empty reasons and bad values, naming the option', () => {
    expect(() => Guardrails.check([], { disabledRules: { 'no-such-rule': 'x' } })).toThrow(/Guardrails.check: invalid disabledRules.no-such-rule "no-such-rule"; expected a rule id of the catalog: image-pinned, /);
    expect(() => Guardrails.check([], { disabledRules: { pdb: ' ' } })).toThrow('Guardrails.check: invalid disabledRules.pdb " "; expected a non-empty reason: switching a rule off must say why.');
    expect(() => Guardrails.check([], { disabledRules: { deterministic: 'x' } })).toThrow(/deterministic is a property of the library, not of objects/);
    expect(() => Guardrails.check([], { allowedRegistries: [''] })).toThrow('Guardrails.check: invalid allowedRegistries[0] ""; expected a non-empty string.');
  });
});

describe('skip annotations', () => {
  const skipped = (reason: string) => manifests((a) => {
    container(a).image = 'nginx';
    a.deployment.metadata.annotations = { 'guardrails.cdk8s.io/skip.image-pinned': reason };
  });

  it('with a reason suppress the rule on that object and are listed', () => {
    const result = check(skipped('vendor image, pinned by the mirror'));
    expect(result.violations).toEqual([]);
    expect(result.suppressions).toEqual([{
      rule: 'image-pinned', reason: 'vendor image, pinned by the mirror', kind: 'Deployment', namespace: NS, name: 'web',
      path: 'raw/Deployment-web', suppressed: 1,
    }]);
  });

  it('without a reason do not count', () => {
    const result = check(skipped(''));
    expect(violationsOf(result, 'image-pinned')[0].message).toMatch(/has neither a tag nor a digest.*\(its skip annotation has no reason, so it does not count\)/);
    expect(result.warnings).toEqual(['Deployment shop/web (raw/Deployment-web): skip annotation for image-pinned has no reason, so the rule still applies']);
  });

  it('for unknown rules are warnings', () => {
    const result = check(manifests((a) => { a.deployment.metadata.annotations = { 'guardrails.cdk8s.io/skip.image-pined': 'typo' }; }));
    expect(result.violations).toEqual([]);
    expect(result.warnings).toEqual(['Deployment shop/web (raw/Deployment-web): skip annotation for unknown rule "image-pined"']);
  });

  it('on the workload count for cross-object rules', () => {
    const broken = (a: App) => {
      delete container(a).readinessProbe;
      a.deployment.metadata.annotations = {
        'guardrails.cdk8s.io/skip.probe-readiness': 'answers only after warm-up; the mesh retries',
        'guardrails.cdk8s.io/skip.ingress-backend': 'the mesh retries unready pods',
      };
    };
    const result = check(manifests(broken));
    expect(result.violations).toEqual([]);
    expect(result.suppressions.map((s) => `${s.rule}:${s.kind}:${s.suppressed}`)).toEqual(['ingress-backend:Deployment:1', 'probe-readiness:Deployment:1']);
  });
});

describe('violations', () => {
  it('are sorted by object, then by catalog order, and carry namespace, name and fix', () => {
    const result = check(manifests((a) => { container(a).image = 'nginx'; a.deployment.spec.replicas = 3; delete (a as any).pdb; a.serviceAccount.metadata.labels = {}; }));
    expect(result.violations.map((v) => `${v.kind}/${v.name}:${v.rule}`)).toEqual([
      'Deployment/web:image-pinned', 'Deployment/web:pdb', 'ServiceAccount/web:labels',
    ]);
    expect(result.violations[0]).toMatchObject({ namespace: 'shop', name: 'web', fix: expect.stringContaining('registry/app:1.4.2') });
  });
});
