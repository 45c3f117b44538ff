/**
 * The API server's validation of RBAC rules, StorageClasses, persistent volume claims and
 * Namespace finalizers that an OpenAPI schema cannot say: which fields of a policy rule go
 * together, the reclaim policy and binding mode a StorageClass takes, access modes that exclude
 * each other, allowed topology terms, the access modes and storage request every claim spec
 * needs (ephemeral volumes' claim templates too). Rules by definition, run by the structural check (schema.ts) wherever the
 * definition appears.
 *
 * Written from Kubernetes' validation (pkg/apis/rbac/validation: ValidatePolicyRule,
 * ValidateClusterRole; pkg/apis/storage/validation: ValidateStorageClass; pkg/apis/core/validation:
 * ValidatePersistentVolumeClaimSpec, ValidateNamespace, validateFinalizerName), Kubernetes 1.30
 * to 1.37.
 */
import { parseQuantity } from './quantity';
import { dns1123SubdomainProblem, qualifiedNameProblem } from './rules';
import type { DefinitionRule } from './structural-rule';
import { at, blank, given, isObject, list, oneOfText } from './rule-helpers';

// RBAC

/** Checks the rules of a Role (`namespaced`) or ClusterRole, as ValidatePolicyRule does; verbs are api-valid-extra's. */
function policyRules(role: { [key: string]: any }, field: string, namespaced: boolean, f: Parameters<DefinitionRule>[2]): void {
  list(role.rules).forEach((rule, i) => {
    if (!isObject(rule)) return;
    const here = `${at(field, 'rules')}[${i}]`;
    if (list(rule.nonResourceURLs).length > 0) {
      if (namespaced) {
        f.say(`${here}.nonResourceURLs`, 'is set in a Role; the API server refuses non-resource URLs (such as "/healthz") in a namespaced rule: grant them in a ClusterRole, bound with a ClusterRoleBinding');
      }
      const mixed = ['apiGroups', 'resources', 'resourceNames'].filter((k) => list(rule[k]).length > 0);
      if (mixed.length > 0) {
        f.say(`${here}.nonResourceURLs`, `is set with ${mixed.join(' and ')}; the API server refuses a rule for both resources and non-resource URLs: write them as two rules`);
      }
      return;
    }
    if (list(rule.apiGroups).length === 0) {
      f.say(`${here}.apiGroups`, `is ${given(rule.apiGroups) ? 'empty' : 'unset'}; the API server requires at least one API group in a rule for resources: "" for the core group (pods, configmaps, secrets), "apps" for deployments, or "*" for every group`);
    }
    if (list(rule.resources).length === 0) {
      f.say(`${here}.resources`, `is ${given(rule.resources) ? 'empty' : 'unset'}; the API server requires at least one resource such as "pods" in a rule${namespaced ? '' : ' (or nonResourceURLs such as "/healthz" for a rule on non-resource URLs)'}`);
    }
  });
}

const role: DefinitionRule = (v, field, f) => policyRules(v, field, true, f);

const clusterRole: DefinitionRule = (v, field, f) => {
  policyRules(v, field, false, f);
  if (isObject(v.aggregationRule) && list(v.aggregationRule.clusterRoleSelectors).length === 0) {
    f.say(at(field, 'aggregationRule.clusterRoleSelectors'), 'is empty; the API server requires at least one label selector of the ClusterRoles to aggregate (leave aggregationRule out for a ClusterRole of its own rules)');
  }
};

// StorageClasses

/** Reclaim policies of a StorageClass (Recycle is a PersistentVolume's only). */
export const STORAGE_CLASS_RECLAIM_POLICIES: readonly string[] = ['Delete', 'Retain'];
export const VOLUME_BINDING_MODES: readonly string[] = ['Immediate', 'WaitForFirstConsumer'];
/** Most parameters of a StorageClass. */
export const STORAGE_CLASS_PARAMETERS_MAX = 512;
/** Most bytes of a StorageClass's parameters, keys and values (256 KiB). */
export const STORAGE_CLASS_PARAMETERS_BYTES_MAX = 256 * 1024;

/** A topology term as the API server compares terms: its keys, each with its sorted set of values, in key order. */
function topologyTermText(term: unknown): string {
  const map: { [key: string]: string[] } = {};
  list(isObject(term) ? term.matchLabelExpressions : undefined).forEach((e) => {
    if (isObject(e) && typeof e.key === 'string') map[e.key] = [...new Set(list(e.values).map(String))].sort();
  });
  return JSON.stringify(Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

const storageClass: DefinitionRule = (sc, field, f) => {
  if (sc.provisioner === '') {
    f.bad(at(field, 'provisioner'), sc.provisioner, 'the name of a provisioner such as "ebs.csi.aws.com" or "kubernetes.io/no-provisioner"');
  } else if (typeof sc.provisioner === 'string') {
    // The API server checks the name in lower case.
    const problem = qualifiedNameProblem(sc.provisioner.toLowerCase());
    if (problem) f.bad(at(field, 'provisioner'), sc.provisioner, `a provisioner name such as "ebs.csi.aws.com": ${problem.replace(/^a key of the form /, 'of the form ')}`);
  }
  if (isObject(sc.parameters)) {
    const entries = Object.entries(sc.parameters);
    if (entries.length > STORAGE_CLASS_PARAMETERS_MAX) f.say(at(field, 'parameters'), `has ${entries.length} entries; the API server refuses more than ${STORAGE_CLASS_PARAMETERS_MAX}`);
    let bytes = 0;
    for (const [k, value] of entries) {
      if (k === '') f.bad(`${at(field, 'parameters')}[""]`, k, 'a parameter name that is not empty');
      bytes += Buffer.byteLength(k) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
    }
    if (bytes > STORAGE_CLASS_PARAMETERS_BYTES_MAX) f.say(at(field, 'parameters'), `take ${bytes} bytes (names and values); the API server refuses more than ${STORAGE_CLASS_PARAMETERS_BYTES_MAX} (256 KiB)`);
  }
  // "" is unset for reclaimPolicy (the API server skips it); not for volumeBindingMode, which is defaulted only when left out.
  if (typeof sc.reclaimPolicy === 'string' && sc.reclaimPolicy !== '' && !STORAGE_CLASS_RECLAIM_POLICIES.includes(sc.reclaimPolicy)) {
    f.bad(at(field, 'reclaimPolicy'), sc.reclaimPolicy, `${oneOfText(STORAGE_CLASS_RECLAIM_POLICIES)}${sc.reclaimPolicy === 'Recycle' ? ' (Recycle is for a PersistentVolume of its own, not a StorageClass)' : ''}; leave it out for "Delete"`);
  }
  if (typeof sc.volumeBindingMode === 'string' && !VOLUME_BINDING_MODES.includes(sc.volumeBindingMode)) {
    f.bad(at(field, 'volumeBindingMode'), sc.volumeBindingMode, `${oneOfText(VOLUME_BINDING_MODES)}; leave it out for "Immediate"`);
  }
  const terms: string[] = [];
  list(sc.allowedTopologies).forEach((term, i) => {
    // The API server compares each term, as a map of keys to sets of values, with the earlier ones and with an empty term.
    const same = topologyTermText(term);
    const earlier = terms.indexOf(same);
    if (same === '{}') f.say(`${at(field, 'allowedTopologies')}[${i}].matchLabelExpressions`, 'is empty; the API server refuses a topology term without expressions (leave allowedTopologies out to allow every topology)');
    else if (earlier >= 0) f.say(`${at(field, 'allowedTopologies')}[${i}].matchLabelExpressions`, `allow the same topologies as term [${earlier}]; the API server refuses a duplicate term`);
    terms.push(same);
    const keys = new Set<string>();
    list(term?.matchLabelExpressions).forEach((e, j) => {
      if (!isObject(e)) return;
      const here = `${at(field, 'allowedTopologies')}[${i}].matchLabelExpressions[${j}]`;
      if (typeof e.key === 'string') {
        const problem = qualifiedNameProblem(e.key);
        if (problem) f.bad(`${here}.key`, e.key, `a node label key: ${problem.replace(/^a key of the form /, 'of the form ')}`);
        else if (keys.has(e.key)) f.say(`${here}.key`, `${JSON.stringify(e.key)} is in an earlier expression of the same term; the API server refuses a key twice in one term`);
        keys.add(e.key);
      }
      if (list(e.values).length === 0) f.say(`${here}.values`, 'is empty; the API server requires at least one value of the node label');
      const seen = new Set<unknown>();
      list(e.values).forEach((value, k) => {
        if (seen.has(value)) f.say(`${here}.values[${k}]`, `${JSON.stringify(value)} is listed twice; the API server refuses duplicate values`);
        seen.add(value);
      });
    });
  });
};

// Persistent volume claims

/**
 * The access modes and the storage request every claim spec needs (a PersistentVolumeClaim, a
 * StatefulSet's claim template, an ephemeral volume's claim template), each reported with
 * `report(field, message)`. Kubernetes 1.37 refuses a StatefulSet claim template without access
 * modes too (1.30 accepted it).
 */
export function claimSpecRequired(field: string, spec: unknown, report: (field: string, message: string) => void): void {
  const modes = isObject(spec) ? spec.accessModes : undefined;
  if (!given(modes) || (Array.isArray(modes) && modes.length === 0)) {
    report(at(field, 'accessModes'), `${given(modes) ? '[]' : 'unset'} is refused by the API server; a PersistentVolumeClaim needs at least one access mode such as "ReadWriteOnce"`);
  }
  const storage = isObject(spec) ? spec.resources?.requests?.storage : undefined;
  if (blank(storage)) report(at(field, 'resources.requests.storage'), 'unset is refused by the API server; a PersistentVolumeClaim needs a storage request such as "10Gi"');
}

/** An ephemeral volume's claim template: its spec needs what a PersistentVolumeClaim's does. */
const claimTemplate: DefinitionRule = (t, field, f) => {
  if (isObject(t.spec)) claimSpecRequired(at(field, 'spec'), t.spec, (here, message) => f.say(here, message));
};

const claimSpec: DefinitionRule = (spec, field, f) => {
  const modes = list(spec.accessModes);
  if (modes.includes('ReadWriteOncePod') && modes.some((m) => m !== 'ReadWriteOncePod' && ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'].includes(m))) {
    f.say(at(field, 'accessModes'), `${JSON.stringify(modes)} combines ReadWriteOncePod with another access mode; the API server refuses that: ReadWriteOncePod (one pod) goes alone`);
  }
  const storage = isObject(spec.resources) && isObject(spec.resources.requests) ? spec.resources.requests.storage : undefined;
  if (given(storage) && storage !== '' && parseQuantity(storage) === 0) {
    f.bad(at(field, 'resources.requests.storage'), storage, 'a size above 0 such as "10Gi"');
  }
  if (typeof spec.storageClassName === 'string' && spec.storageClassName !== '') {
    const problem = dns1123SubdomainProblem(spec.storageClassName);
    if (problem) f.bad(at(field, 'storageClassName'), spec.storageClassName, `the name of a StorageClass: ${problem}, or "" for a claim without a class`);
  }
};

// Finalizers

/** Finalizer names that need no domain prefix (the API server's standard finalizers). */
export const STANDARD_FINALIZERS: readonly string[] = ['kubernetes', 'orphan', 'foregroundDeletion'];

/**
 * What a finalizer name must be, or undefined: a qualified name (`example.com/cleanup`), with a
 * domain prefix unless it is one of the standard names.
 */
export function finalizerNameProblem(name: unknown): string | undefined {
  const shape = typeof name === 'string' ? qualifiedNameProblem(name) : 'a string';
  if (shape !== undefined) return `a finalizer name that is ${shape.replace(/^an? key of the form /, 'of the form ')}`;
  if (!(name as string).includes('/') && !STANDARD_FINALIZERS.includes(name as string)) {
    return `a domain-qualified finalizer name such as "example.com/cleanup" (or one of ${STANDARD_FINALIZERS.join(', ')})`;
  }
  return undefined;
}

const namespaceSpec: DefinitionRule = (spec, field, f) => {
  list(spec.finalizers).forEach((name, i) => {
    const problem = finalizerNameProblem(name);
    if (problem) f.bad(`${at(field, 'finalizers')}[${i}]`, name, problem);
  });
};

/** Rules by definition (schema/k8s-openapi.json names). */
export const RBAC_STORAGE_RULES: { readonly [definition: string]: DefinitionRule } = {
  'api.rbac.v1.Role': role,
  'api.rbac.v1.ClusterRole': clusterRole,
  'api.storage.v1.StorageClass': storageClass,
  'api.core.v1.PersistentVolumeClaimSpec': claimSpec,
  'api.core.v1.PersistentVolumeClaimTemplate': claimTemplate,
  'api.core.v1.NamespaceSpec': namespaceSpec,
};
