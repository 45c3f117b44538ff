/**
 * The Kubernetes kinds that carry a Pod template, and what each kind means for the practices.
 * Data only, in one table: the workload constructs (where the pod template goes, what it
 * needs), the namespace usage and the checker (how to read synthesized objects) share it.
 *
 * - `templatePath`: where the Pod template lives (`[]`: the object is the Pod);
 * - `longRunning`: its pods run until stopped, so they need liveness probes and a graceful
 *   shutdown (a bare Pod only with `restartPolicy: Always`, the default);
 * - `replicated`: it has `spec.replicas` (and may be scaled by a HorizontalPodAutoscaler), so
 *   2+ replicas need spreading and a PodDisruptionBudget;
 * - `stateless`: its replicas are interchangeable, so it runs at least 2 (rule `replicas-min`)
 *   and never shares a ReadWriteOnce claim;
 * - `serving`: its pods may receive traffic from a Service, so serving containers need
 *   readiness probes, a preStop delay and metrics;
 * - `selector`: whether `spec.selector` must be given and match the template's labels
 *   ('required'), may be given and then must match ('optional'), or must not be set by hand
 *   ('generated': a Job makes its own unless `manualSelector` is true), or does not exist.
 * - `strategyField`: the field holding the update strategy, and its allowed `type` values.
 * - `restartPolicies`: the pod restartPolicy values the API server accepts for the kind. A
 *   template without the field means Always (the Pod default), so a kind that refuses Always
 *   (a Job) must set it.
 * - `construct`, `restartPolicy`, `spreadMatchLabelKeys`: for the kinds the library makes, the
 *   construct's name (in error messages), the pods' restartPolicy, and the label keys that the
 *   topology spread of its pods matches on besides the selector.
 */
export interface PodKind {
  readonly kind: string;
  /** API group ('' for the core group). */
  readonly group: string;
  /** apiVersion of the object. */
  readonly apiVersion: string;
  readonly templatePath: readonly string[];
  readonly longRunning: boolean;
  readonly replicated: boolean;
  readonly stateless: boolean;
  readonly serving: boolean;
  readonly selector: 'required' | 'optional' | 'generated' | 'none';
  readonly strategyField?: string;
  readonly strategyTypes?: readonly string[];
  readonly restartPolicies: readonly string[];
  readonly construct?: string;
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  readonly spreadMatchLabelKeys?: readonly string[];
}

/** A kind that a construct of this library makes. */
export interface ConstructKind extends PodKind {
  readonly construct: string;
  readonly restartPolicy: 'Always' | 'OnFailure' | 'Never';
}

const POD: PodKind = { kind: 'Pod', group: '', apiVersion: 'v1', templatePath: [], longRunning: true, replicated: false, stateless: false, serving: true, selector: 'none', restartPolicies: ['Always', 'OnFailure', 'Never'] };

/** Controllers that restart their pods for ever accept only Always. */
const ALWAYS = ['Always'];
/** A Job's pods run to completion: Always is refused, and so is a template that leaves it out. */
const RUN_TO_COMPLETION = ['OnFailure', 'Never'];

export const DEPLOYMENT: ConstructKind = {
  kind: 'Deployment', group: 'apps', apiVersion: 'apps/v1', templatePath: ['spec', 'template'],
  longRunning: true, replicated: true, stateless: true, serving: true, selector: 'required',
  strategyField: 'strategy', strategyTypes: ['RollingUpdate', 'Recreate'], restartPolicies: ALWAYS,
  construct: 'SafeDeployment', restartPolicy: 'Always',
  // A rollout's old and new ReplicaSets are not counted together.
  spreadMatchLabelKeys: ['pod-template-hash'],
};

const REPLICA_SET: PodKind = { kind: 'ReplicaSet', group: 'apps', apiVersion: 'apps/v1', templatePath: ['spec', 'template'], longRunning: true, replicated: true, stateless: true, serving: true, selector: 'required', restartPolicies: ALWAYS };
const REPLICATION_CONTROLLER: PodKind = { kind: 'ReplicationController', group: '', apiVersion: 'v1', templatePath: ['spec', 'template'], longRunning: true, replicated: true, stateless: true, serving: true, selector: 'optional', restartPolicies: ALWAYS };

export const STATEFUL_SET: ConstructKind = {
  kind: 'StatefulSet', group: 'apps', apiVersion: 'apps/v1', templatePath: ['spec', 'template'],
  longRunning: true, replicated: true, stateless: false, serving: true, selector: 'required',
  strategyField: 'updateStrategy', strategyTypes: ['RollingUpdate', 'OnDelete'], restartPolicies: ALWAYS,
  construct: 'SafeStatefulSet', restartPolicy: 'Always',
};

export const DAEMON_SET: ConstructKind = {
  kind: 'DaemonSet', group: 'apps', apiVersion: 'apps/v1', templatePath: ['spec', 'template'],
  longRunning: true, replicated: false, stateless: false, serving: true, selector: 'required',
  strategyField: 'updateStrategy', strategyTypes: ['RollingUpdate', 'OnDelete'], restartPolicies: ALWAYS,
  construct: 'SafeDaemonSet', restartPolicy: 'Always',
};

export const JOB: ConstructKind = {
  kind: 'Job', group: 'batch', apiVersion: 'batch/v1', templatePath: ['spec', 'template'],
  longRunning: false, replicated: false, stateless: false, serving: false, selector: 'generated', restartPolicies: RUN_TO_COMPLETION,
  construct: 'SafeJob', restartPolicy: 'Never',
};

export const CRON_JOB: ConstructKind = {
  kind: 'CronJob', group: 'batch', apiVersion: 'batch/v1', templatePath: ['spec', 'jobTemplate', 'spec', 'template'],
  longRunning: false, replicated: false, stateless: false, serving: false, selector: 'none', restartPolicies: RUN_TO_COMPLETION,
  construct: 'SafeCronJob', restartPolicy: 'Never',
};

/** Every pod-bearing kind, in the order the checker reports them. */
export const POD_KINDS: readonly PodKind[] = [POD, DEPLOYMENT, REPLICA_SET, REPLICATION_CONTROLLER, STATEFUL_SET, DAEMON_SET, JOB, CRON_JOB];

/**
 * Custom resources known to run pods, by API group, kind and resource (the plural RBAC names):
 * whoever creates or changes one runs pods. `containers`: where their containers sit outside a
 * pod template, by key (an Argo template's `container` and `script`, a SparkApplication's
 * `driver` and `executor`): maps there are containers whatever fields they have.
 */
export interface WorkloadResource {
  readonly group: string;
  readonly kind: string;
  readonly resource: string;
  readonly containers?: readonly string[];
  /**
   * Holds pod templates that run nothing by themselves (an Argo WorkflowTemplate: a Workflow that
   * refers to it runs the pods): judged as a workload, but writing one runs no pod.
   */
  readonly templateOnly?: boolean;
}

const ARGO_CONTAINERS = ['container', 'script', 'containers', 'initContainers', 'sidecars'];

/** The custom resources of `WorkloadResource`. */
export const WORKLOAD_CUSTOM_RESOURCES: readonly WorkloadResource[] = [
  { group: 'argoproj.io', kind: 'Rollout', resource: 'rollouts' },
  { group: 'argoproj.io', kind: 'Workflow', resource: 'workflows', containers: ARGO_CONTAINERS },
  { group: 'argoproj.io', kind: 'CronWorkflow', resource: 'cronworkflows', containers: ARGO_CONTAINERS },
  { group: 'argoproj.io', kind: 'WorkflowTemplate', resource: 'workflowtemplates', containers: ARGO_CONTAINERS, templateOnly: true },
  { group: 'argoproj.io', kind: 'ClusterWorkflowTemplate', resource: 'clusterworkflowtemplates', containers: ARGO_CONTAINERS, templateOnly: true },
  { group: 'apps.kruise.io', kind: 'CloneSet', resource: 'clonesets' },
  { group: 'apps.kruise.io', kind: 'StatefulSet', resource: 'statefulsets' },
  { group: 'apps.kruise.io', kind: 'DaemonSet', resource: 'daemonsets' },
  { group: 'apps.kruise.io', kind: 'AdvancedCronJob', resource: 'advancedcronjobs' },
  { group: 'apps.kruise.io', kind: 'BroadcastJob', resource: 'broadcastjobs' },
  { group: 'apps.kruise.io', kind: 'SidecarSet', resource: 'sidecarsets' },
  { group: 'keda.sh', kind: 'ScaledJob', resource: 'scaledjobs' },
  { group: 'serving.knative.dev', kind: 'Service', resource: 'services' },
  { group: 'serving.knative.dev', kind: 'Configuration', resource: 'configurations' },
  { group: 'sparkoperator.k8s.io', kind: 'SparkApplication', resource: 'sparkapplications', containers: ['driver', 'executor'] },
  { group: 'sparkoperator.k8s.io', kind: 'ScheduledSparkApplication', resource: 'scheduledsparkapplications', containers: ['driver', 'executor'] },
  { group: 'flink.apache.org', kind: 'FlinkDeployment', resource: 'flinkdeployments' },
  { group: 'tekton.dev', kind: 'TaskRun', resource: 'taskruns' },
  { group: 'tekton.dev', kind: 'PipelineRun', resource: 'pipelineruns' },
];

/**
 * Every resource whose objects run pods: the built-in pod-bearing kinds other than Pod itself
 * (`POD_KINDS`; their resource is the plural of the kind) and the known custom resources.
 */
export function workloadResources(): WorkloadResource[] {
  const builtIn = POD_KINDS.filter((k) => k.kind !== 'Pod')
    .map((k) => ({ group: k.group, kind: k.kind, resource: `${k.kind.toLowerCase()}s` }))
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  return [...builtIn, ...WORKLOAD_CUSTOM_RESOURCES];
}

/** The known custom resource of an object (`apps.kruise.io/v1alpha1` CloneSet), or undefined. */
export function workloadCustomResource(apiVersion: string, kind: string): WorkloadResource | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return WORKLOAD_CUSTOM_RESOURCES.find((r) => r.group === group && r.kind === kind);
}

/** The kinds the library's workload constructs make. */
export const CONSTRUCT_KINDS: readonly ConstructKind[] = [DEPLOYMENT, STATEFUL_SET, DAEMON_SET, JOB, CRON_JOB];

/** The annotation that makes an object a Helm hook (`test`, `pre-install`, ... comma-separated). */
export const HELM_HOOK_ANNOTATION = 'helm.sh/hook';

/**
 * Whether a manifest is a Helm hook that runs to completion: a Pod or a Job with a
 * `helm.sh/hook` annotation (any hook: `test`, `pre-install`, `post-upgrade`, ...). Helm
 * creates it at that point of the release's life and waits until it completes; it is not
 * part of the running release. So its pods are no endpoints of the release's Services, no
 * budget counts them and nothing calls them. A hook of another kind (a Deployment) runs on
 * like any other object of the release and counts as usual.
 * @see https://helm.sh/docs/topics/charts_hooks/
 */
export function isHelmHookRun(manifest: any): boolean {
  const hook = manifest?.metadata?.annotations?.[HELM_HOOK_ANNOTATION];
  return typeof hook === 'string' && hook.trim() !== '' && (manifest.kind === 'Pod' || manifest.kind === 'Job');
}

/**
 * Why a workload rule cannot apply to a pod-bearing kind (so a skip of it switches nothing
 * off), or undefined when it applies: replicas-min on stateless kinds, pdb and spread on
 * replicated ones, probes, graceful shutdown and metrics on long-running ones, rollout on kinds
 * with an update strategy. The constructs refuse such skips; the checker warns about them.
 * Kinds are named by their construct when they have one.
 */
export function ruleNotApplicable(ruleId: string, kind: PodKind): string | undefined {
  const k = kind.construct ?? kind.kind;
  const completes = `a ${k}'s pods run to completion`;
  switch (ruleId) {
    case 'replicas-min':
      if (kind.stateless) return undefined;
      if (kind.replicated) return `rule replicas-min is for stateless workloads; a ${k} may run one replica without a skip`;
      return kind.longRunning ? `a ${k} runs one pod on each node and has no replicas` : `${completes}, and it has no replicas`;
    case 'pdb':
    case 'spread-nodes':
    case 'spread-zones':
      if (kind.replicated) return undefined;
      return kind.longRunning ? `a ${k} runs one pod on each node: there are no replicas to ${ruleId === 'pdb' ? 'protect with a PodDisruptionBudget' : 'spread'}` : `${completes}: there are no replicas to ${ruleId === 'pdb' ? 'protect with a PodDisruptionBudget' : 'spread'}`;
    case 'probe-readiness':
    case 'probe-liveness':
    case 'graceful-shutdown':
    case 'metrics':
      return kind.longRunning ? undefined : `${completes}: rule ${ruleId} is for pods that run until they are stopped`;
    case 'rollout':
      return kind.strategyField !== undefined ? undefined : `a ${k} has no update strategy`;
    default:
      return undefined;
  }
}

/** The pod-bearing kind of this name, if it is one. */
export function podKind(kind: string): PodKind | undefined {
  return POD_KINDS.find((k) => k.kind === kind);
}

/**
 * What the practices assume of a kind they do not know (an Argo Rollout, an OpenKruise CloneSet,
 * a Knative or operator resource) whose `spec.template` is a Pod template (it has
 * `spec.containers`): a long-running, replicated, serving workload, as most such controllers are.
 * Its replicas are not assumed interchangeable (no `replicas-min`), and neither its selector
 * (whose form the kind decides: a LabelSelector, a plain map, none) nor its strategy is checked. A `v1 PodTemplate` (`template`) is judged as the pods it describes:
 * long-running and serving, not replicated. Pod templates elsewhere: see `findPodTemplates`.
 */
export function inferredPodKind(manifest: any): PodKind | undefined {
  return findPodTemplates(manifest)[0]?.kind;
}

/** A pod template found inside an object of a kind the practices do not know. */
export interface FoundPodTemplate {
  /** The nearest known kind: what its pods are judged as; `templatePath` is where the template is. */
  readonly kind: PodKind;
  /** The template: `{ metadata, spec }` (a bare PodSpec is wrapped as `{ spec }`). */
  readonly template: any;
  /** Field path of the pod spec (`spec.jobTargetRef.template.spec`, `spec.templates[0].containerSet`). */
  readonly specField: string;
  /** Field path of the template's metadata; undefined for a bare PodSpec (no metadata beside it). */
  readonly metaField?: string;
}

/** What a walk of an object of a kind the practices do not know found. */
export interface ObjectScan {
  readonly templates: FoundPodTemplate[];
  /** Field paths of containers (`isContainer`) outside any pod template. */
  readonly looseContainers: string[];
  /** The containers of `looseContainers`, in the same order. */
  readonly looseContainerMaps: any[];
  /**
   * Pod-level settings outside any pod template, where known custom resources put them: a pod
   * template override whose containers name no image (merged by the operator into the pods it
   * makes: Flink `podTemplate`, Spark `driver.template`, a Prometheus `spec` with `containers`),
   * the pod fields of an Argo Workflow's `spec` (and its `podSpecPatch`), the `spec` of a
   * Prometheus Operator resource, a Strimzi `template.pod`. `spec`: the map, read as a PodSpec.
   */
  readonly loosePods: Array<{ field: string; spec: any }>;
}

/** Prometheus Operator kinds whose `spec` holds the pod's own fields (hostNetwork, securityContext, volumes, containers). */
const POD_LEVEL_SPEC_KINDS = new Set(['Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler']);

/** Whether a map is a pod template override: a `containers` list whose containers all have a name and none an image. */
function isOverridePodSpec(x: any): boolean {
  return isMap(x) && Array.isArray(x.containers) && x.containers.length > 0
    && x.containers.every((c: any) => isMap(c) && typeof c.name === 'string' && c.image === undefined);
}

/** The JSON of an Argo `podSpecPatch` (a string), when it is a JSON object; a YAML patch is not read. */
function jsonPatch(x: unknown): any {
  if (typeof x !== 'string') return undefined;
  try {
    const v = JSON.parse(x);
    return isMap(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Keys whose template is a Job's (KEDA ScaledJob, OpenKruise AdvancedCronJob and BroadcastJob, CronJob-like kinds): its pods run to completion. */
const JOB_KEYS = new Set(['jobTemplate', 'jobTargetRef', 'broadcastJobTemplate']);
/** Kind names of resources whose pods run to completion (jobs, workflows, pipeline runs and tasks). */
const BATCH_KIND = /Job|Workflow|Run$|Task|Pipeline/;
/** How deep a walk looks for pod templates (a CronJob's pod spec is 5 keys down; a workflow's a few more). */
const MAX_SCAN_DEPTH = 12;

/** Whether an API group is Kubernetes' own (`apps`, `networking.k8s.io`): its kinds are known, and none hides a pod template. */
export function isBuiltInGroup(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return true;
  const group = apiVersion.slice(0, slash);
  return !group.includes('.') || group.endsWith('.k8s.io');
}

function isMap(x: unknown): x is { [key: string]: any } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Whether a map is a PodSpec: a non-empty `containers` list of objects, one at least with an image. */
function isPodSpec(x: any, strict: boolean): boolean {
  if (!isMap(x) || !Array.isArray(x.containers)) return false;
  if (!strict) return true;
  return x.containers.length > 0 && x.containers.every(isMap) && x.containers.some((c: any) => typeof c.image === 'string');
}

/** Fields that only a container has beside its `image`. */
const CONTAINER_FIELDS = ['name', 'command', 'args', 'securityContext', 'resources', 'env', 'envFrom', 'ports', 'volumeMounts', 'imagePullPolicy', 'workingDir', 'livenessProbe', 'readinessProbe', 'lifecycle'];

/**
 * Whether a map is a container, by its shape: an `image` with a field only a container has (a
 * name is not needed: an Argo template's `container` has none; the resource's own `spec` needs a
 * name, command or args, since operators take an image and resources there), or any map at a key where a
 * known custom resource puts its containers (`containerKeys`: a SparkApplication's `driver`
 * takes its image from the spec).
 */
function isContainer(x: any, path: readonly (string | number)[], containerKeys: readonly string[]): boolean {
  const last = path[path.length - 1];
  const key = typeof last === 'number' ? path[path.length - 2] : last;
  if (typeof key === 'string' && containerKeys.includes(key)) return true;
  if (typeof x.image !== 'string') return false;
  // The resource's own spec (an operator's image and resources settings) needs a name, command or args.
  return CONTAINER_FIELDS.slice(0, path.length < 2 ? 3 : undefined).some((f) => x[f] !== undefined);
}

function fieldOf(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/**
 * Pod templates anywhere in an object of a kind the practices do not know, judged by the nearest
 * known kind:
 *
 * - under a Job-like key (`jobTemplate`, `jobTargetRef`, `broadcastJobTemplate`) or in a kind
 *   named like a batch resource (`*Job*`, `*Workflow*`, `*Run`, `*Task*`, `*Pipeline*`): a Job's
 *   pods, which run to completion and serve no traffic;
 * - at `spec.template` otherwise (Argo Rollout, OpenKruise CloneSet, Knative Service): a
 *   Deployment-like workload, long-running, replicated (`spec.replicas`) and serving;
 * - at `template` (a `v1 PodTemplate`) or anywhere else: a Pod, long-running and serving.
 *
 * A pod template is a `{ metadata, spec }` map whose spec has a `containers` list, or a bare
 * PodSpec found elsewhere (a `containers` list of objects, one at least with an `image`). The
 * walk skips `metadata` and `status` and stops at each template it finds; containers outside
 * any template (an Argo Workflows `container`, Tekton `steps`) are returned as loose, for the
 * checker to report that it cannot classify them. Objects of built-in groups are not walked:
 * only `spec.template` and `template` are looked at (see `isBuiltInGroup`).
 */
/** What `scanObject` finds in an object without pod templates or containers (shared: never changed). */
const NOTHING_FOUND: ObjectScan = Object.freeze({
  templates: Object.freeze([]) as unknown as FoundPodTemplate[], looseContainers: Object.freeze([]) as unknown as string[], looseContainerMaps: Object.freeze([]) as unknown as any[], loosePods: Object.freeze([]) as unknown as Array<{ field: string; spec: any }>,
});

export function scanObject(manifest: any): ObjectScan {
  const templates: FoundPodTemplate[] = [];
  const looseContainers: string[] = [];
  const looseContainerMaps: any[] = [];
  const loosePods: Array<{ field: string; spec: any }> = [];
  const result = { templates, looseContainers, looseContainerMaps, loosePods };
  if (!isMap(manifest)) return result;
  const kindName = String(manifest.kind ?? '');
  const apiVersion = typeof manifest.apiVersion === 'string' ? manifest.apiVersion : '';
  // A known custom resource is walked even in a group named like Kubernetes' own (sparkoperator.k8s.io).
  const custom = workloadCustomResource(apiVersion, kindName);
  const builtIn = isBuiltInGroup(apiVersion) && custom === undefined;
  // Most objects of an app: a built-in kind with no template at either place looked at.
  if (builtIn && !isMap(manifest.spec?.template) && !isMap(manifest.template)) return NOTHING_FOUND;
  const containerKeys = custom?.containers ?? [];
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const batch = BATCH_KIND.test(kindName);
  const argo = group === 'argoproj.io' && containerKeys.length > 0;
  const strimzi = group === 'kafka.strimzi.io';

  const found = (path: (string | number)[], spec: any, parent: any): void => {
    const wrapped = path[path.length - 1] === 'spec' && isMap(parent);
    const templatePath = (wrapped ? path.slice(0, -1) : path).map(String);
    const jobLike = batch || path.some((p) => typeof p === 'string' && JOB_KEYS.has(p));
    const at = templatePath.join('.');
    const replicated = !jobLike && at === 'spec.template';
    templates.push({
      kind: {
        kind: kindName, group, apiVersion, templatePath,
        longRunning: !jobLike, replicated, stateless: false, serving: !jobLike, selector: 'none',
        // Its controller decides; the Pod's own values are the ones every controller can get.
        restartPolicies: POD.restartPolicies,
      },
      template: wrapped ? parent : { spec },
      specField: fieldOf(path),
      metaField: wrapped ? fieldOf([...path.slice(0, -1), 'metadata']) : undefined,
    });
  };

  // The places Kubernetes' own kinds and most controllers use, looked at first and alone for built-in groups.
  if (isMap(manifest.spec) && isMap(manifest.spec.template) && isPodSpec(manifest.spec.template.spec, false)) {
    found(['spec', 'template', 'spec'], manifest.spec.template.spec, manifest.spec.template);
    if (builtIn) return result;
  } else if (isMap(manifest.template) && isPodSpec(manifest.template.spec, false)) {
    found(['template', 'spec'], manifest.template.spec, manifest.template);
    if (builtIn) return result;
  }
  if (builtIn || kindName === 'CustomResourceDefinition') return result;

  const done = new Set<unknown>(templates.map((t) => t.template.spec));
  const path: (string | number)[] = [];
  const walk = (node: any, parent: any, depth: number): void => {
    if (done.has(node)) return;
    if (Array.isArray(node)) {
      if (depth >= MAX_SCAN_DEPTH) return;
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (typeof item !== 'object' || item === null) continue;
        path.push(i);
        walk(item, node, depth + 1);
        path.pop();
      }
      return;
    }
    if (isPodSpec(node, true)) {
      found([...path], node, parent);
      return;
    }
    const last = path[path.length - 1];
    const podLevel = (depth === 1 && last === 'spec' && (argo || (group === 'monitoring.coreos.com' && POD_LEVEL_SPEC_KINDS.has(kindName))))
      || (argo && fieldOf(path) === 'spec.workflowSpec')
      || (strimzi && last === 'pod' && path[path.length - 2] === 'template');
    const template = last === 'spec' && (path[path.length - 2] === 'podTemplate' || path[path.length - 2] === 'template');
    if (podLevel || (template && isOverridePodSpec(node))) {
      loosePods.push({ field: fieldOf(path), spec: node });
      if (isOverridePodSpec(node)) return; // its containers are judged with it
    }
    const patch = argo ? jsonPatch(node.podSpecPatch) : undefined;
    if (patch) loosePods.push({ field: fieldOf([...path, 'podSpecPatch']), spec: patch });
    if (depth > 0 && (isContainer(node, path, containerKeys) || (strimzi && typeof last === 'string' && /Container$/.test(last) && path[path.length - 2] === 'template'))) {
      looseContainers.push(fieldOf(path));
      looseContainerMaps.push(node);
      // A Spark driver's or executor's pod template override.
      if (isMap(node.template)) {
        path.push('template');
        walk(node.template, node, depth + 1);
        path.pop();
      }
      return;
    }
    if (depth >= MAX_SCAN_DEPTH) return;
    for (const k in node) {
      if (depth === 0 && (k === 'metadata' || k === 'status')) continue;
      const v = node[k];
      if (typeof v !== 'object' || v === null) continue;
      path.push(k);
      walk(v, node, depth + 1);
      path.pop();
    }
  };
  walk(manifest, undefined, 0);
  return result;
}

/** The pod templates of an object of a kind the practices do not know (`scanObject`). */
export function findPodTemplates(manifest: any): FoundPodTemplate[] {
  return scanObject(manifest).templates;
}

/** The pod-bearing kind of a manifest: a built-in kind by name, else one inferred from its pod template (`inferredPodKind`). */
export function podKindOf(manifest: any): PodKind | undefined {
  return podKind(manifest?.kind) ?? inferredPodKind(manifest);
}

/** The pod template of a synthesized object of a pod-bearing kind (a Pod: itself), or undefined. */
export function podTemplateOf(manifest: any): any {
  const k = podKind(manifest?.kind);
  if (k === undefined) return findPodTemplates(manifest)[0]?.template;
  return k.templatePath.reduce((o: any, key) => (o === undefined || o === null ? undefined : o[key]), manifest);
}
