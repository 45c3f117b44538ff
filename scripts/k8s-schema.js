#!/usr/bin/env node
/**
 * Writes schema/k8s-openapi.json: the shape of Kubernetes' built-in objects, derived from the
 * OpenAPI spec (api/openapi-spec/swagger.json) of the pinned k8s.io/kubernetes module, for the
 * `api-valid` rule's structural check (lib/core/validation/schema.ts).
 *
 *   node scripts/k8s-schema.js            (downloads the module with `go mod download` if needed)
 *
 * The data keeps, for each definition reachable from a kind: its properties, each as a type code,
 * and its required fields. Type codes: string, boolean, int32, int64, integer, number, quantity,
 * int-or-string, any (free JSON), @Definition, []T (a list of T), {}T (a map of T).
 * The spec lists no enum values; the few the API server validates are added from its
 * validation (ENUMS below) and written under "enum".
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const VERSION = 'v1.37.2';
const MODULE = `k8s.io/kubernetes@${VERSION}`;
const root = path.join(__dirname, '..');
const out = path.join(root, 'schema', 'k8s-openapi.json');

/** Values the API server's validation accepts, for fields whose spec entry has no enum. */
const ENUMS = {
  'api.core.v1.Container': { imagePullPolicy: ['Always', 'IfNotPresent', 'Never'], terminationMessagePolicy: ['File', 'FallbackToLogsOnError'] },
  'api.core.v1.EphemeralContainer': { imagePullPolicy: ['Always', 'IfNotPresent', 'Never'], terminationMessagePolicy: ['File', 'FallbackToLogsOnError'] },
  'api.core.v1.PodSpec': {
    dnsPolicy: ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'],
    restartPolicy: ['Always', 'OnFailure', 'Never'],
    preemptionPolicy: ['PreemptLowerPriority', 'Never'],
  },
  'api.core.v1.PodOS': { name: ['linux', 'windows'] },
  'api.scheduling.v1.PriorityClass': { preemptionPolicy: ['PreemptLowerPriority', 'Never'] },
  'api.core.v1.ContainerPort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'api.core.v1.ServicePort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'api.core.v1.ServiceSpec': {
    type: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
    sessionAffinity: ['ClientIP', 'None'],
    externalTrafficPolicy: ['Cluster', 'Local'],
    internalTrafficPolicy: ['Cluster', 'Local'],
    ipFamilyPolicy: ['SingleStack', 'PreferDualStack', 'RequireDualStack'],
    ipFamilies: ['IPv4', 'IPv6'],
  },
  'api.core.v1.Toleration': { operator: ['Exists', 'Equal'], effect: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
  'api.core.v1.Taint': { effect: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
  'api.core.v1.NodeSelectorRequirement': { operator: ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] },
  'apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { operator: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
  'api.core.v1.HTTPGetAction': { scheme: ['HTTP', 'HTTPS'] },
  'api.core.v1.VolumeMount': { mountPropagation: ['None', 'HostToContainer', 'Bidirectional'] },
  'api.core.v1.HostPathVolumeSource': { type: ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'] },
  'api.core.v1.PersistentVolumeClaimSpec': { accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'], volumeMode: ['Filesystem', 'Block'] },
  'api.core.v1.SeccompProfile': { type: ['RuntimeDefault', 'Localhost', 'Unconfined'] },
  'api.core.v1.AppArmorProfile': { type: ['RuntimeDefault', 'Localhost', 'Unconfined'] },
  'api.core.v1.TopologySpreadConstraint': { whenUnsatisfiable: ['DoNotSchedule', 'ScheduleAnyway'], nodeAffinityPolicy: ['Honor', 'Ignore'], nodeTaintsPolicy: ['Honor', 'Ignore'] },
  'api.apps.v1.StatefulSetSpec': { podManagementPolicy: ['OrderedReady', 'Parallel'] },
  'api.apps.v1.StatefulSetUpdateStrategy': { type: ['RollingUpdate', 'OnDelete'] },
  'api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy': { whenDeleted: ['Retain', 'Delete'], whenScaled: ['Retain', 'Delete'] },
  'api.apps.v1.DeploymentStrategy': { type: ['Recreate', 'RollingUpdate'] },
  'api.apps.v1.DaemonSetUpdateStrategy': { type: ['RollingUpdate', 'OnDelete'] },
  'api.batch.v1.CronJobSpec': { concurrencyPolicy: ['Allow', 'Forbid', 'Replace'] },
  'api.batch.v1.JobSpec': { completionMode: ['NonIndexed', 'Indexed'], podReplacementPolicy: ['TerminatingOrFailed', 'Failed'] },
  'api.networking.v1.HTTPIngressPath': { pathType: ['Exact', 'Prefix', 'ImplementationSpecific'] },
  'api.networking.v1.NetworkPolicySpec': { policyTypes: ['Ingress', 'Egress'] },
  'api.networking.v1.NetworkPolicyPort': { protocol: ['TCP', 'UDP', 'SCTP'] },
  'api.policy.v1.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: ['IfHealthyBudget', 'AlwaysAllow'] },
  'api.autoscaling.v2.MetricSpec': { type: ['Object', 'Pods', 'Resource', 'ContainerResource', 'External'] },
  'api.autoscaling.v2.MetricTarget': { type: ['Utilization', 'Value', 'AverageValue'] },
  'api.autoscaling.v2.HPAScalingRules': { selectPolicy: ['Max', 'Min', 'Disabled'] },
  'api.autoscaling.v2.HPAScalingPolicy': { type: ['Pods', 'Percent'] },
};

function specPath() {
  const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const file = path.join(cache, MODULE, 'api', 'openapi-spec', 'swagger.json');
  if (!fs.existsSync(file)) {
    execFileSync('go', ['mod', 'download', MODULE], { stdio: 'inherit', cwd: path.join(root, 'tools', 'kube-apiserver', VERSION), env: { ...process.env, GOFLAGS: '-mod=mod' } });
  }
  return file;
}

const short = (ref) => ref.replace(/^#\/definitions\//, '').replace(/^io\.k8s\./, '');
const SCALARS = {
  'apimachinery.pkg.api.resource.Quantity': 'quantity',
  'apimachinery.pkg.util.intstr.IntOrString': 'int-or-string',
  'apimachinery.pkg.apis.meta.v1.Time': 'string',
  'apimachinery.pkg.apis.meta.v1.MicroTime': 'string',
  'apimachinery.pkg.runtime.RawExtension': 'any',
  'apimachinery.pkg.apis.meta.v1.FieldsV1': 'any',
  'apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': 'any',
  'apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray': 'any',
  'apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool': 'any',
  'apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray': 'any',
};

function typeCode(p, defs, refs) {
  const ref = p.$ref ?? p.allOf?.[0]?.$ref;
  if (ref) {
    const name = short(ref);
    if (SCALARS[name]) return SCALARS[name];
    const d = defs[`io.k8s.${name}`];
    if (!d.properties) return d.type === 'string' ? 'string' : 'any';
    refs.push(name);
    return `@${name}`;
  }
  if (p['x-kubernetes-int-or-string']) return 'int-or-string';
  switch (p.type) {
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    case 'integer': return p.format === 'int32' || p.format === 'int64' ? p.format : 'integer';
    case 'number': return 'number';
    case 'array': return `[]${typeCode(p.items, defs, refs)}`;
    case 'object': return p.additionalProperties && p.additionalProperties !== true ? `{}${typeCode(p.additionalProperties, defs, refs)}` : 'any';
    default: return 'any';
  }
}

function main() {
  const spec = JSON.parse(fs.readFileSync(specPath(), 'utf8'));
  const defs = spec.definitions;
  const kinds = {};
  const queue = [];
  for (const [name, d] of Object.entries(defs)) {
    for (const gvk of d['x-kubernetes-group-version-kind'] ?? []) {
      if (!name.endsWith(`.${gvk.kind}`) || !d.properties?.kind) continue; // DeleteOptions, WatchEvent: not objects of their own
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      (kinds[apiVersion] ??= {})[gvk.kind] = short(name);
      queue.push(short(name));
    }
  }
  const definitions = {};
  while (queue.length) {
    const name = queue.pop();
    if (definitions[name]) continue;
    const d = defs[`io.k8s.${name}`];
    const properties = {};
    const refs = [];
    for (const p of Object.keys(d.properties).sort()) properties[p] = typeCode(d.properties[p], defs, refs);
    const entry = { properties };
    if (d.required?.length) entry.required = [...d.required].sort();
    if (ENUMS[name]) {
      for (const f of Object.keys(ENUMS[name])) if (!properties[f]) throw new Error(`${name} has no field ${f}`);
      entry.enum = ENUMS[name];
    }
    definitions[name] = entry;
    queue.push(...refs);
  }
  for (const name of Object.keys(ENUMS)) if (!definitions[name]) throw new Error(`no definition ${name}`);
  const sorted = {};
  for (const k of Object.keys(definitions).sort()) sorted[k] = definitions[k];
  const sortedKinds = {};
  for (const v of Object.keys(kinds).sort()) {
    sortedKinds[v] = {};
    for (const k of Object.keys(kinds[v]).sort()) sortedKinds[v][k] = kinds[v][k];
  }
  const data = { source: `${MODULE} api/openapi-spec/swagger.json`, kinds: sortedKinds, definitions: sorted };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // One definition a line: small, and a diff after a version bump shows what changed.
  const lines = Object.entries(sorted).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  fs.writeFileSync(out, `{"source":${JSON.stringify(data.source)},\n"kinds":${JSON.stringify(sortedKinds)},\n"definitions":{\n${lines.join(',\n')}\n}}\n`);
  console.log(`${path.relative(root, out)}: ${Object.keys(sorted).length} definitions, ${fs.statSync(out).size} bytes`);
}

main();
