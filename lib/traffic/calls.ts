/**
 * Blocked calls: a workload that holds the address of one of the app's Services (in an env
 * value, a command or argument of a container, or a ConfigMap it reads as env or mounts as
 * files) but whose traffic to that
 * Service's pods the app's NetworkPolicies do not allow. Such a call fails at run time, and
 * nothing else in the manifests says so.
 *
 * `findBlockedCalls(manifests)` is the entry point: plain manifests in, findings out.
 */
import { FoundAddress, ServiceDirectory } from './addresses';
import { NetworkPolicyEvaluator, Verdict } from './evaluator';
import { ServiceInfo, ServicePortInfo, TrafficModel, Workload, readTrafficModel, resolveTargetPort, servicePods } from './model';

/** Where a workload holds a text: an env value, or a ConfigMap entry. */
export interface TextSite {
  /** Field of the workload that holds or references the text, e.g. `spec.template.spec.containers[0].env[1].value`. */
  readonly field: string;
  /** For people: `env API_URL of container "web"`, `file "app.yaml" of ConfigMap shop/web-config`. */
  readonly where: string;
  /**
   * The env var, config key or command-line flag (`redis-host` of `--redis-host=cache`) that
   * holds the whole text; empty for an argument of no flag; undefined for a file.
   */
  readonly key?: string;
  readonly text: string;
}

/** A call one workload makes to another through a Service address. */
export interface Call {
  readonly caller: Workload;
  readonly callee: Workload;
  readonly service: ServiceInfo;
  readonly address: string;
  /** The pod called by its own address (`db-0` of `db-0.db-headless:5432`), if the address names one. */
  readonly pod?: string;
  readonly site: TextSite;
  /** Service ports the call may use, with the container port each reaches on the callee. */
  readonly ports: ReadonlyArray<{ readonly servicePort: ServicePortInfo; readonly targetPort: number }>;
}

/** A call that the NetworkPolicies of the app do not allow. */
export interface BlockedCall {
  readonly call: Call;
  /** The container port and protocol that were checked (the first of the call's ports). */
  readonly port: number;
  readonly protocol: string;
  /** What the evaluator said about that port. */
  readonly verdict: Verdict;
  /** One line: the caller, the address, the Service, the callee, the port and which side refuses. */
  readonly message: string;
  /** One line: the rule(s) to add. */
  readonly fix: string;
}

function isObject(x: unknown): x is { [key: string]: any } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function list(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

/** A command-line flag with its value in the same argument: `--redis=cache:6379`, `-host=cache`. */
const FLAG_WITH_VALUE = /^--?([A-Za-z0-9][A-Za-z0-9_.-]*)=([\s\S]*)$/;
/** A command-line flag alone, whose value is the next argument: `--redis-host`. */
const FLAG_ALONE = /^--?([A-Za-z0-9][A-Za-z0-9_.-]*)$/;

/** The texts of a container's `command` and `args`: each argument, a flag's value keyed by the flag. */
function argumentSites(c: any, at: string, container: string): TextSite[] {
  const sites: TextSite[] = [];
  for (const field of ['command', 'args'] as const) {
    const items = list(c?.[field]);
    items.forEach((arg: unknown, i: number) => {
      if (typeof arg !== 'string') return;
      const withValue = FLAG_WITH_VALUE.exec(arg);
      const before = i > 0 && typeof items[i - 1] === 'string' && !arg.startsWith('-') ? FLAG_ALONE.exec(items[i - 1]) : null;
      sites.push({
        field: `${at}.${field}[${i}]`,
        where: `${field}[${i}] of ${container}`,
        key: withValue ? withValue[1] : before ? before[1] : '',
        text: withValue ? withValue[2] : arg,
      });
    });
  }
  return sites;
}

/** The texts a workload's pods read: env values, commands and arguments, and the ConfigMap entries they use as env or files. */
export function textSites(model: TrafficModel, w: Workload): TextSite[] {
  const sites: TextSite[] = [];
  const configMap = (name: unknown) => (typeof name === 'string' ? model.configMaps.get(`${w.namespace}/${name}`) : undefined);
  const entries = (cm: any, items: unknown): Array<[string, string]> => {
    const data = isObject(cm?.data) ? cm.data : {};
    const picked = list(items).length > 0 ? list(items).map((i) => String(i?.key)) : Object.keys(data);
    return picked.filter((k) => typeof data[k] === 'string').map((k) => [k, data[k]]);
  };
  const lists = ['initContainers', 'containers'] as const;
  for (const listName of lists) {
    list(w.podSpec[listName]).forEach((c: any, ci: number) => {
      const at = `${w.specField}.${listName}[${ci}]`;
      const container = `container "${c?.name ?? ci}"`;
      sites.push(...argumentSites(c, at, container));
      list(c?.env).forEach((e: any, ei: number) => {
        const name = String(e?.name ?? '');
        if (typeof e?.value === 'string') {
          sites.push({ field: `${at}.env[${ei}].value`, where: `env ${name} of ${container}`, key: name, text: e.value });
        }
        const ref = e?.valueFrom?.configMapKeyRef;
        const cm = configMap(ref?.name);
        if (cm && typeof cm.data?.[ref.key] === 'string') {
          sites.push({ field: `${at}.env[${ei}].valueFrom`, where: `env ${name} of ${container} (key "${ref.key}" of ConfigMap ${w.namespace}/${ref.name})`, key: name, text: cm.data[ref.key] });
        }
      });
      list(c?.envFrom).forEach((e: any, ei: number) => {
        const cm = configMap(e?.configMapRef?.name);
        if (!cm) return;
        for (const [k, v] of entries(cm, undefined)) {
          const name = `${e.prefix ?? ''}${k}`;
          sites.push({ field: `${at}.envFrom[${ei}]`, where: `env ${name} of ${container} (from ConfigMap ${w.namespace}/${cm.metadata.name})`, key: name, text: v });
        }
      });
    });
  }
  list(w.podSpec.volumes).forEach((v: any, vi: number) => {
    const sources = isObject(v?.configMap) ? [{ src: v.configMap, field: `volumes[${vi}].configMap` }]
      : list(v?.projected?.sources).map((s: any, si: number) => ({ src: s?.configMap, field: `volumes[${vi}].projected.sources[${si}].configMap` })).filter((s) => isObject(s.src));
    for (const { src, field } of sources) {
      const cm = configMap(src.name);
      if (!cm) continue;
      for (const [k, text] of entries(cm, src.items)) {
        sites.push({ field: `${w.specField}.${field}`, where: `file "${k}" of ConfigMap ${w.namespace}/${src.name}`, text });
      }
    }
  });
  return sites;
}

/** Every call the workloads of an app make to the app's own Services, in a stable order. */
export function findCalls(model: TrafficModel): Call[] {
  const directory = new ServiceDirectory(model.services, model.workloads);
  const calls: Call[] = [];
  for (const caller of model.workloads) {
    for (const site of textSites(model, caller)) {
      for (const found of directory.find(site.text, caller.namespace, site.key)) {
        calls.push(...callsTo(model, caller, site, found));
      }
    }
  }
  return calls;
}

function callsTo(model: TrafficModel, caller: Workload, site: TextSite, found: FoundAddress): Call[] {
  // The address of one pod reaches that pod's workload, whatever the Service selects.
  const callees = found.pod ? [found.pod.workload] : servicePods(model, found.service);
  return callees.flatMap((callee) => {
    const ports = found.ports.flatMap((servicePort) => {
      const targetPort = resolveTargetPort(servicePort, callee);
      return targetPort === undefined ? [] : [{ servicePort, targetPort }];
    });
    return ports.length === 0 ? [] : [{ caller, callee, service: found.service, address: found.address, pod: found.pod?.name, site, ports }];
  });
}

function ref(w: Workload): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

/** The labels that select a workload's pods: its selector's matchLabels, or its pod labels. */
function selectorLabels(w: Workload): { [key: string]: string } {
  const ml = w.manifest?.spec?.selector?.matchLabels;
  if (w.kind !== 'Pod' && isObject(ml) && Object.keys(ml).length > 0) return ml;
  return { ...w.labels };
}

/** A rule's peer that names `target`'s pods for a policy in `policyNamespace`; the nodes' addresses for pods on the node's network. */
function peerText(target: Workload, policyNamespace: string): string {
  if (target.hostNetwork) return '{ipBlock {cidr: <the nodes\' CIDR>}}';
  const labels = Object.entries(selectorLabels(target)).map(([k, v]) => `${k}: ${v}`).join(', ');
  const ns = target.namespace !== policyNamespace ? `, namespaceSelector {kubernetes.io/metadata.name: ${target.namespace}}` : '';
  return `{podSelector {${labels}}${ns}}`;
}

/** Why no pod selector names a workload on the node's network; empty for other workloads. */
function nodeNetworkNote(w: Workload, what: string): string {
  return w.hostNetwork ? `; ${w.name} runs with hostNetwork: ${what} the node's address, which no pod selector matches` : '';
}

/** How the library declares the call once, or the other way out. */
function declaredOnce(call: Call, port: ServicePortInfo): string {
  const { caller, callee } = call;
  if (caller.id === callee.id) {
    return `pods of one workload that call each other: allowPeerPods: true on a SafeStatefulSet, or w.allowFrom(NetworkPeer.workload(w)) and w.allowTo(NetworkPeer.workload(w))`;
  }
  const onNodes = [caller, callee].filter((w) => w.hostNetwork);
  if (onNodes.length > 0) return `or run ${onNodes.map((w) => w.name).join(' and ')} without hostNetwork`;
  return `declared once on ${caller.name}: calls: [{ workload: ${callee.name}${port.name ? `, port: '${port.name}'` : ''} }]`;
}

/** Checks every call against the NetworkPolicies; returns the ones they refuse. */
export function blockedCalls(model: TrafficModel, evaluator = new NetworkPolicyEvaluator(model)): BlockedCall[] {
  const out: BlockedCall[] = [];
  const seen = new Set<string>();
  for (const call of findCalls(model)) {
    const verdicts = call.ports.map((p) => ({ p, v: evaluator.allows({ pods: call.caller }, { pods: call.callee }, p.targetPort, p.servicePort.protocol) }));
    if (verdicts.some((x) => x.v.allowed)) continue;
    const { p, v } = verdicts[0];
    const id = `${call.caller.id}|${call.site.field}|${call.site.where}|${call.address}|${call.callee.id}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const portText = `${p.servicePort.protocol} ${p.targetPort}`;
    const refused: string[] = [];
    const fixes: string[] = [];
    if (v.egress && !v.egress.allowed) {
      refused.push(`the egress of ${call.caller.name} (NetworkPolicy ${v.egress.policies.join(', ')}${nodeNetworkNote(call.callee, 'its pods have')})`);
      fixes.push(`add an egress rule to ${call.caller.name}'s NetworkPolicy: to ${peerText(call.callee, call.caller.namespace)} on ${portText}`);
    }
    if (v.ingress && !v.ingress.allowed) {
      refused.push(`the ingress of ${call.callee.name} (NetworkPolicy ${v.ingress.policies.join(', ')}${nodeNetworkNote(call.caller, 'its traffic has')})`);
      fixes.push(`add an ingress rule to ${call.callee.name}'s NetworkPolicy: from ${peerText(call.caller, call.callee.namespace)} on ${portText}`);
    }
    const others = call.ports.length > 1 ? ` (nor on any other port of the ${call.pod ? 'pod' : 'Service'}: ${call.ports.slice(1).map((x) => `${x.servicePort.protocol} ${x.targetPort}`).join(', ')})` : '';
    const target = call.pod
      ? `pod ${call.pod} of Service ${call.service.namespace}/${call.service.name}, port ${p.servicePort.port}`
      : `Service ${call.service.namespace}/${call.service.name} port ${p.servicePort.port}`;
    out.push({
      call,
      port: p.targetPort,
      protocol: p.servicePort.protocol,
      verdict: v,
      message: `${ref(call.caller)} calls ${ref(call.callee)} at "${call.address}" (${call.site.where}; ${target}), `
        + `but ${refused.join(' and ')} ${refused.length > 1 ? 'refuse' : 'refuses'} ${portText}${others}`,
      fix: `${fixes.join('; and ')} (${declaredOnce(call, p.servicePort)})`,
    });
  }
  return out;
}

/**
 * The blocked calls of an app, from its manifests (the final JSON of every object, or YAML
 * read from disk). Objects without a namespace are in `defaultNamespace`.
 */
export function findBlockedCalls(manifests: readonly any[], defaultNamespace = 'default'): BlockedCall[] {
  return blockedCalls(readTrafficModel(manifests, defaultNamespace));
}
