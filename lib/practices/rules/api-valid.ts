/**
 * `api-valid`: every object is one a Kubernetes API server accepts. The API server's own
 * validation (names, labels, annotations, keys, ports, quantities, selectors), applied to the
 * final JSON, so that Helm output, included YAML and escape-hatch patches are held to what
 * `kubectl apply` would refuse. The rules themselves live in lib/core/validation; built-in
 * objects are then walked against Kubernetes' OpenAPI schema (lib/core/validation/schema.ts).
 *
 * Skip annotations do not switch it off: the API server does not read them. A skip
 * annotation for `api-valid` is reported as a warning and the findings stay.
 */
import { unquotedYamlReading } from '../../core/yaml-words';
import {
  annotationKeyProblem, annotationsBytes, ANNOTATIONS_MAX_BYTES, byteLength, cidrProblem, CONFIG_DATA_MAX_BYTES, configMapKeyProblem,
  dns1123LabelProblem, dns1123SubdomainProblem, envVarNameProblemAt, ingressPathProblem, int32Problem, labelValueProblem, portProblem, qualifiedNameProblem, quantityProblem,
} from '../../core/validation/rules';
import {
  apiVersionProblem, containerResourceNameProblem, kindProblem, objectNameProblem, objectNameWarning, portNameProblem,
} from '../../core/validation/api';
import { cidrFormWarning } from '../../core/validation/cidr';
import { parseQuantity } from '../../core/validation/quantity';
import { checkSchema, isBuiltinKind, SchemaFindings } from '../../core/validation/schema';
import { kubernetesTarget } from '../../core/validation/target';
import { RuleContext, Sink } from '../context';
import { apiValidExtra } from './api-valid-extra';
import { Obj, PodSet, dig, isObject } from '../objects';
import { isEmptySelector, LabelSelector, mapSelectorMatches, selectorMatches, selectorProblem, showSelector } from '../selector';

const MAX_SHOWN = 80;

/** A value as a message shows it: strings quoted, long ones cut, objects as JSON. */
export function showValue(v: unknown): string {
  // JSON has no infinity (YAML `.inf`) nor NaN (`.nan`): JSON.stringify would show them as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? '.nan (not a number)' : `${v < 0 ? '-' : ''}.inf (infinite)`;
  const s = typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'unset' : JSON.stringify(v) ?? String(v);
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}... (${s.length} characters)` : s;
}

/**
 * Reports the findings of one object, each naming the field, the value and what is allowed.
 * The structural check (`schema`) reports nothing at a field already reported or inside one,
 * so that one mistake is one finding.
 */
class Findings {
  private readonly fields = new Set<string>();
  /** Findings of the structural check, after the rules of this file. */
  public readonly schema: SchemaFindings = {
    bad: (field, value, expected) => { if (!this.covered(field)) this.bad(field, value, expected); },
    say: (field, message) => { if (!this.covered(field)) this.say(field, message); },
    targetMinor: () => this.targetMinor,
  };
  /** The Kubernetes minor version the object targets (annotation, else 27). */
  public readonly targetMinor: number;

  constructor(private readonly ctx: RuleContext, private readonly obj: Obj) {
    this.targetMinor = kubernetesTarget(obj.m).minor;
  }

  /** Whether `field` or a field that holds it was reported. */
  private covered(field: string): boolean {
    if (this.fields.size === 0) return false;
    for (let i = 0; i <= field.length; i++) {
      if ((i === field.length || field[i] === '.' || field[i] === '[') && this.fields.has(field.slice(0, i))) return true;
    }
    return false;
  }

  /** Reports `field` when `problem` (the allowed form) is set. */
  public check(field: string, value: unknown, problem: string | undefined): boolean {
    if (problem === undefined) return true;
    this.bad(field, value, problem);
    return false;
  }

  public bad(field: string, value: unknown, expected: string): void {
    this.fields.add(field);
    this.ctx.report(this.obj, `${showValue(value)} is refused by the API server; expected ${expected}`, { field });
  }

  /** Takes `field` as reported without a finding of its own: its mistake is reported at another field. */
  public cover(field: string): void {
    this.fields.add(field);
  }

  /** Reports a finding whose words are not "value; expected ...". */
  public say(field: string, message: string, fix?: string): void {
    this.fields.add(field);
    this.ctx.report(this.obj, message, { field, fix });
  }
}

/** Checks a map of labels at `field`. */
function checkLabelMap(f: Findings, field: string, labels: unknown): void {
  if (labels === undefined || labels === null) return;
  if (!isObject(labels)) { f.bad(field, labels, 'a map of label keys to label values'); return; }
  for (const key of Object.keys(labels)) {
    // The field names are written only for a finding: most maps have none.
    const badKey = keyProblem(qualifiedNameProblem(key));
    if (badKey !== undefined) { f.bad(`${field}[${JSON.stringify(key)}]`, key, badKey); continue; }
    const value = labels[key];
    const badValue = labelValueProblem(value);
    if (badValue !== undefined) f.bad(`${field}.${key}`, value, typeof value === 'string' ? badValue : `a string: ${badValue}`);
  }
}

/** What a map key must be, said as a key ("a key of the form ...", "a ConfigMap key ..."). */
function keyProblem(problem: string | undefined): string | undefined {
  if (problem === undefined || /^an? (\S+ )?key\b/.test(problem)) return problem;
  return `a key that is ${problem}`;
}

function checkMetadata(f: Findings, obj: Obj): void {
  const meta = obj.m.metadata;
  if (!isObject(meta)) { f.bad('metadata', meta, 'an object with a name'); return; }
  if (typeof meta.name === 'string' && meta.name !== '') {
    if (f.check('metadata.name', meta.name, objectNameProblem(obj.kind, meta.name, f.targetMinor))) {
      const warning = objectNameWarning(obj.kind, meta.name);
      if (warning !== undefined) f.say('metadata.name', warning, 'name it with lower-case letters, digits and \'-\' only (a DNS-1123 label of at most 63 characters)');
    }
  } else if (typeof meta.generateName === 'string') {
    // The API server adds 5 characters; the prefix itself must already fit the name rule.
    const prefix = meta.generateName.replace(/-+$/, '');
    f.check('metadata.generateName', meta.generateName, prefix === '' ? 'a name prefix' : objectNameProblem(obj.kind, prefix, f.targetMinor));
  }
  if (meta.namespace !== undefined && meta.namespace !== '') {
    f.check('metadata.namespace', meta.namespace, dns1123LabelProblem(meta.namespace));
  }
  checkLabelMap(f, 'metadata.labels', meta.labels);
  checkAnnotations(f, 'metadata.annotations', meta.annotations);
}

function checkAnnotations(f: Findings, field: string, annotations: unknown): void {
  if (annotations === undefined || annotations === null) return;
  if (!isObject(annotations)) { f.bad(field, annotations, 'a map of annotation keys to string values'); return; }
  for (const key of Object.keys(annotations)) {
    const badKey = keyProblem(annotationKeyProblem(key));
    if (badKey !== undefined) f.bad(`${field}[${JSON.stringify(key)}]`, key, badKey);
    const value = annotations[key];
    // null is "" to Go's decoder of a map of strings, which the API server accepts.
    if (value !== null && typeof value !== 'string') f.bad(`${field}.${key}`, value, 'a string (quote it in YAML)');
  }
  const bytes = annotationsBytes(annotations);
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    f.say(field, `take ${bytes} bytes (keys plus values), and the API server refuses more than ${ANNOTATIONS_MAX_BYTES} (256 KiB) in all`);
  }
}

const PROTOCOLS: readonly unknown[] = ['TCP', 'UDP', 'SCTP'];

/** A port's protocol as the API server reads it: unset, null and "" are TCP (its defaulting). */
function protocolOf(port: { [key: string]: any }): unknown {
  return port.protocol === undefined || port.protocol === null || port.protocol === '' ? 'TCP' : port.protocol;
}

/** An int port (1-65535) or a port name (IANA_SVC_NAME), as targetPort and probe ports take. */
function intOrPortNameProblem(value: unknown): string | undefined {
  if (typeof value === 'number') return portProblem(value);
  return portNameProblem(value) && 'a port number from 1 to 65535 or a port name (1 to 15 lower-case letters, digits and \'-\', with a letter)';
}

function checkConfigData(f: Findings, obj: Obj, sections: readonly string[]): void {
  const seen = new Map<string, string>();
  let bytes = 0;
  for (const section of sections) {
    const data = obj.m[section];
    if (data === undefined || data === null) continue;
    if (!isObject(data)) { f.bad(section, data, 'a map of keys to values'); continue; }
    for (const [key, value] of Object.entries(data)) {
      f.check(`${section}[${JSON.stringify(key)}]`, key, keyProblem(configMapKeyProblem(key)));
      const other = seen.get(key);
      if (other !== undefined && !(obj.kind === 'Secret' && other === 'data' && section === 'stringData')) {
        f.say(`${section}.${key}`, `key ${JSON.stringify(key)} is also in ${other}; the API server refuses a key in both`);
      }
      seen.set(key, section);
      if (value === null) continue; // "" to Go's decoder of a map of strings
      if (typeof value !== 'string') { f.bad(`${section}.${key}`, value, 'a string (quote it in YAML)'); continue; }
      if ((section === 'binaryData' || (obj.kind === 'Secret' && section === 'data')) && !isBase64(value)) {
        f.bad(`${section}.${key}`, value, 'base64 text (the API server decodes it)');
      }
      bytes += section === 'stringData' || (section === 'data' && obj.kind === 'ConfigMap') ? byteLength(value) : Math.floor(value.length * 3 / 4);
    }
  }
  if (bytes > CONFIG_DATA_MAX_BYTES) f.say(sections[0], `holds ${bytes} bytes of data, and the API server refuses more than ${CONFIG_DATA_MAX_BYTES} (1 MiB)`);
}

function isBase64(s: string): boolean {
  const t = s.replace(/[\r\n]/g, '');
  return t.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(t);
}

function checkService(f: Findings, obj: Obj): void {
  const spec = obj.m.spec;
  if (!isObject(spec)) return;
  const ports = spec.ports;
  if (ports === undefined || ports === null) return;
  if (!Array.isArray(ports)) { f.bad('spec.ports', ports, 'a list of ports'); return; }
  const names = new Set<string>();
  const pairs = new Set<string>();
  ports.forEach((p: any, i: number) => {
    const at = `spec.ports[${i}]`;
    if (!isObject(p)) { f.bad(at, p, 'an object with a port'); return; }
    if (p.name === undefined || p.name === '') {
      if (ports.length > 1) f.bad(`${at}.name`, p.name, 'a name: every port of a Service with more than one port is named');
    } else if (f.check(`${at}.name`, p.name, dns1123LabelProblem(p.name))) {
      if (names.has(p.name)) f.say(`${at}.name`, `port name ${JSON.stringify(p.name)} is used twice; the API server refuses duplicate names`);
      names.add(p.name);
    }
    f.check(`${at}.port`, p.port, portProblem(p.port));
    const protocol = protocolOf(p);
    f.check(`${at}.protocol`, p.protocol, PROTOCOLS.includes(protocol) ? undefined : 'TCP, UDP or SCTP');
    const pair = `${p.port}/${protocol}`;
    if (pairs.has(pair)) f.say(`${at}.port`, `port ${pair} is listed twice; the API server refuses duplicate port and protocol pairs`);
    pairs.add(pair);
    // 0 and "" mean unset: the API server sets targetPort to the port.
    if (p.targetPort !== undefined && p.targetPort !== null && p.targetPort !== 0 && p.targetPort !== '') f.check(`${at}.targetPort`, p.targetPort, intOrPortNameProblem(p.targetPort));
    if (p.nodePort !== undefined && p.nodePort !== null && p.nodePort !== 0) f.check(`${at}.nodePort`, p.nodePort, portProblem(p.nodePort));
  });
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const PROBE_TIMINGS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds'];

function checkProbe(f: Findings, at: string, name: string, probe: unknown): void {
  if (probe === undefined || probe === null) return;
  if (!isObject(probe)) { f.bad(at, probe, 'a probe object'); return; }
  const handlers = PROBE_HANDLERS.filter((h) => probe[h] !== undefined && probe[h] !== null);
  if (handlers.length !== 1) f.say(at, `has ${handlers.length === 0 ? 'no handler' : `${handlers.length} handlers (${handlers.join(', ')})`}; the API server needs exactly one of exec, httpGet, tcpSocket and grpc`);
  // 0 means "unset": the API server fills in the default (periodSeconds 10, timeoutSeconds 1, thresholds 1 and 3).
  for (const t of PROBE_TIMINGS) {
    if (probe[t] !== undefined && probe[t] !== null) f.check(`${at}.${t}`, probe[t], int32Problem(probe[t], 0) && 'a whole number of at least 0 (0 means the default)');
  }
  if (name !== 'readinessProbe' && probe.successThreshold !== undefined && probe.successThreshold !== 0 && probe.successThreshold !== 1) {
    f.bad(`${at}.successThreshold`, probe.successThreshold, `1: a ${name} succeeds on its first success`);
  }
  for (const h of ['httpGet', 'tcpSocket']) {
    if (isObject(probe[h])) f.check(`${at}.${h}.port`, probe[h].port, intOrPortNameProblem(probe[h].port));
  }
  if (isObject(probe.grpc)) f.check(`${at}.grpc.port`, probe.grpc.port, portProblem(probe.grpc.port));
}

/** Resources counted in bytes. */
function isBytes(name: string): boolean {
  return name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-');
}

/** The largest signed 64-bit integer: Kubernetes reads a resource amount into one. */
const INT64_MAX = '9223372036854775807';

/**
 * Why an amount of a resource is too large for Kubernetes, or undefined. A resource amount is
 * read into a signed 64-bit whole number of its smallest unit (bytes; millicores for cpu), and
 * a larger one (`1e400`, `1e30`) overflows it: the API server, the scheduler and the kubelet
 * then compute with a wrong amount.
 */
function outOfRange(name: string, amount: number): string | undefined {
  const cpu = name === 'cpu';
  if (Number.isFinite(amount) && (cpu ? amount * 1000 : amount) <= Number(INT64_MAX)) return undefined;
  const unit = cpu ? 'millicores (about 9.2e15 cores)' : isBytes(name) ? 'bytes (about 8Ei)' : `units of ${name}`;
  const example = cpu ? '"500m" or "2"' : isBytes(name) ? '"128Mi" or "1Gi"' : '"1"';
  return `Kubernetes reads a resource amount into a 64-bit whole number of its smallest unit, at most ${INT64_MAX} ${unit}, and this one overflows it; expected an amount such as ${example}`;
}

function checkResources(f: Findings, at: string, resources: unknown): void {
  if (resources === undefined || resources === null) return;
  if (!isObject(resources)) { f.bad(at, resources, 'an object with requests and limits'); return; }
  const amounts: { [section: string]: { [name: string]: number } } = { requests: {}, limits: {} };
  for (const section of ['requests', 'limits']) {
    const list = resources[section];
    if (list === undefined || list === null) continue;
    if (!isObject(list)) { f.bad(`${at}.${section}`, list, 'a map of resource names to quantities'); continue; }
    for (const [name, value] of Object.entries(list)) {
      if (!f.check(`${at}.${section}[${JSON.stringify(name)}]`, name, keyProblem(containerResourceNameProblem(name)))) continue;
      const field = `${at}.${section}.${name}`;
      if (value === null) continue; // a quantity decodes null as 0
      // The API server's quantity decoder trims spaces around the amount.
      const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : value;
      if (!f.check(field, value, quantityProblem(text, { nonNegative: true }) && 'a non-negative Kubernetes quantity such as "250m", "0.5", "128Mi", "1Gi" or "1e3"')) continue;
      const amount = parseQuantity(text);
      if (amount < 0) { f.bad(field, value, 'a quantity of at least 0'); continue; }
      const range = outOfRange(name, amount);
      if (range !== undefined) { f.say(field, `${showValue(value)} is out of range: ${range}`); continue; }
      if (isBytes(name) && !Number.isInteger(Math.round(amount * 1e6) / 1e6)) {
        f.say(field, `${showValue(value)} is a fraction of a byte ("m" means thousandths): the API server warns "fractional byte value is invalid, must be an integer" and the value is rounded up; expected a whole number of bytes such as "128Mi" or "1G"`);
        continue;
      }
      amounts[section][name] = amount;
    }
  }
  for (const [name, request] of Object.entries(amounts.requests)) {
    const limit = amounts.limits[name];
    if (limit !== undefined && request > limit) {
      f.say(`${at}.requests.${name}`, `request ${showValue(resources.requests[name])} is above the limit ${showValue(resources.limits[name])}; the API server refuses a request above its limit`);
    }
  }
}

/**
 * Checks a container. In the pod template of a custom resource (`builtin` false) a field left
 * out is not refused: its controller fills in what it writes into the pods (Knative names the
 * containers of a Service), so only the values given are checked.
 */
function checkContainer(f: Findings, field: string, c: any, volumes: PodVolumes, names: Set<string>, list: string, builtin: boolean): void {
  if (!isObject(c)) { f.bad(field, c, 'a container object'); return; }
  if ((builtin || c.name !== undefined) && f.check(`${field}.name`, c.name, dns1123LabelProblem(c.name))) {
    if (names.has(c.name)) f.say(`${field}.name`, `container name ${JSON.stringify(c.name)} is used twice in the pod; the API server refuses duplicate container names`);
    names.add(c.name);
  }
  if (list !== 'ephemeralContainers' && (builtin || c.image !== undefined) && (typeof c.image !== 'string' || c.image.trim() === '')) f.bad(`${field}.image`, c.image, 'an image reference such as "registry/app:1.4.2"');
  if (Array.isArray(c.ports)) {
    const portNames = new Set<string>();
    c.ports.forEach((p: any, i: number) => {
      const at = `${field}.ports[${i}]`;
      if (!isObject(p)) { f.bad(at, p, 'an object with a containerPort'); return; }
      f.check(`${at}.containerPort`, p.containerPort, portProblem(p.containerPort));
      if (p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0) f.check(`${at}.hostPort`, p.hostPort, portProblem(p.hostPort));
      f.check(`${at}.protocol`, p.protocol, PROTOCOLS.includes(protocolOf(p)) ? undefined : 'TCP, UDP or SCTP');
      if (p.name === undefined || p.name === null || p.name === '') return;
      if (!f.check(`${at}.name`, p.name, portNameProblem(p.name))) return;
      if (portNames.has(p.name)) f.say(`${at}.name`, `port name ${JSON.stringify(p.name)} is used twice in container ${JSON.stringify(c.name)}; the API server refuses duplicate port names`);
      portNames.add(p.name);
    });
  }
  if (Array.isArray(c.env)) {
    c.env.forEach((e: any, i: number) => {
      if (!isObject(e)) { f.bad(`${field}.env[${i}]`, e, 'an object with a name'); return; }
      f.check(`${field}.env[${i}].name`, e.name, envVarNameProblemAt(e.name, f.targetMinor));
      for (const source of ['configMapKeyRef', 'secretKeyRef']) {
        const ref = e.valueFrom?.[source];
        if (!isObject(ref)) continue;
        const at = `${field}.env[${i}].valueFrom.${source}`;
        if (typeof ref.name !== 'string' || ref.name === '') f.bad(`${at}.name`, ref.name, `the name of a ${source === 'secretKeyRef' ? 'Secret' : 'ConfigMap'}`);
        f.check(`${at}.key`, ref.key, configMapKeyProblem(ref.key));
      }
    });
  }
  checkResources(f, `${field}.resources`, c.resources);
  if (Array.isArray(c.volumeMounts)) {
    const paths = new Set<string>();
    c.volumeMounts.forEach((m: any, i: number) => {
      const at = `${field}.volumeMounts[${i}]`;
      if (!isObject(m)) { f.bad(at, m, 'an object with a name and a mountPath'); return; }
      // A mount of a volume whose own name is refused is that one mistake, reported at the volume.
      if (volumes.invalid.has(m.name)) f.cover(`${at}.name`);
      else if (!volumes.valid.has(m.name)) f.bad(`${at}.name`, m.name, `${volumeNames(volumes)}${unquotedNameHint(m.name)}`);
      if (typeof m.mountPath !== 'string' || m.mountPath === '') { f.bad(`${at}.mountPath`, m.mountPath, 'a path'); return; }
      if (paths.has(m.mountPath)) f.say(`${at}.mountPath`, `${JSON.stringify(m.mountPath)} is mounted twice in container ${JSON.stringify(c.name)}; the API server rejects it`);
      paths.add(m.mountPath);
    });
  }
  for (const probe of PROBES) {
    if (list !== 'containers' && !(list === 'initContainers' && c.restartPolicy === 'Always')) continue;
    checkProbe(f, `${field}.${probe}`, probe, c[probe]);
  }
}

/** The volumes of a pod, for its mounts: the names the API server accepts, and those it refuses (reported at the volume, whatever their type). */
interface PodVolumes { readonly valid: Set<string>; readonly invalid: Set<unknown> }

/** What a volume mount's name must be: the name of a volume of the pod, which it lists. */
function volumeNames(volumes: PodVolumes): string {
  const listed = [...volumes.valid].map((v) => JSON.stringify(v)).join(', ');
  if (listed !== '') return `the name of a volume of the pod (${listed})`;
  return `the name of a volume of the pod (${volumes.invalid.size === 0 ? 'the pod has no volumes' : 'the pod has no volume with a name the API server accepts'})`;
}

/** What a volume's name must be; for a name YAML read as a boolean or a number, why and the fix. */
function volumeNameProblem(name: unknown): string | undefined {
  const problem = dns1123LabelProblem(name);
  return problem === undefined ? undefined : `${problem}${unquotedNameHint(name)}`;
}

/** For a name YAML read as a boolean or a number, why and the fix; else "". */
function unquotedNameHint(name: unknown): string {
  const unquoted = unquotedYamlReading(name);
  return unquoted === undefined ? '' : `; ${unquoted}`;
}

function checkPodSpec(f: Findings, p: PodSet, builtin: boolean): void {
  const spec = p.spec;
  if (p.metaField !== 'metadata') { // a Pod's own metadata is checked with every object's
    const meta = dig(p.obj.m, p.metaField.split('.'));
    checkLabelMap(f, `${p.metaField}.labels`, isObject(meta) ? meta.labels : undefined);
    checkAnnotations(f, `${p.metaField}.annotations`, isObject(meta) ? meta.annotations : undefined);
  }
  if (!isObject(spec)) return;
  const volumes: PodVolumes = { valid: new Set(), invalid: new Set() };
  if (Array.isArray(spec.volumes)) {
    spec.volumes.forEach((v: any, i: number) => {
      const at = `${p.specField}.volumes[${i}].name`;
      if (!f.check(at, v?.name, volumeNameProblem(v?.name))) { if (v?.name !== undefined && v?.name !== null) volumes.invalid.add(v.name); return; }
      if (volumes.valid.has(v.name)) f.say(at, `volume name ${JSON.stringify(v.name)} is used twice; the API server refuses duplicate volume names`);
      volumes.valid.add(v.name);
    });
  }
  // A StatefulSet's claim templates are volumes of its pods too.
  const claims = p.obj.kind === 'StatefulSet' ? p.obj.m.spec?.volumeClaimTemplates : undefined;
  if (Array.isArray(claims)) for (const c of claims) if (typeof c?.metadata?.name === 'string') volumes.valid.add(c.metadata.name);
  if ((builtin || spec.containers !== undefined) && (!Array.isArray(spec.containers) || spec.containers.length === 0)) {
    f.bad(`${p.specField}.containers`, spec.containers, 'at least one container');
  }
  const names = new Set<string>();
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    if (!Array.isArray(spec[list])) continue;
    spec[list].forEach((c: any, i: number) => checkContainer(f, `${p.specField}.${list}[${i}]`, c, volumes, names, list, builtin));
  }
  if (spec.nodeSelector !== undefined) checkLabelMap(f, `${p.specField}.nodeSelector`, spec.nodeSelector);
  for (const name of ['priorityClassName', 'serviceAccountName']) {
    if (spec[name] !== undefined && spec[name] !== null && spec[name] !== '') f.check(`${p.specField}.${name}`, spec[name], dns1123SubdomainProblem(spec[name]));
  }
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds !== null) {
    f.check(`${p.specField}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, int32Problem(spec.terminationGracePeriodSeconds, 0) && 'a whole number of seconds of at least 0');
  }
}

/** Why a workload's spec.selector is missing or does not select its own pod template, as the API server requires. */
function workloadSelectorProblem(p: PodSet): string | undefined {
  const spec = isObject(p.obj.m.spec) ? p.obj.m.spec : {};
  const sel = spec.selector;
  const given = sel !== undefined && sel !== null;
  const labels = (): string => showSelector(p.labels);
  switch (p.kind.selector) {
    case 'none':
      return undefined;
    case 'optional': // ReplicationController: a map, defaulted to the template's labels
      if (!given) return undefined;
      if (!isObject(sel) || Object.keys(sel).length === 0) return `has an empty spec.selector; leave it out or select the pod template's labels ${labels()}`;
      return mapSelectorMatches(sel, p.labels) ? undefined : `spec.selector ${showSelector(sel)} does not select its own pod template ${labels()}; the API server rejects it`;
    case 'generated': // Job: the selector is generated unless manualSelector is true
      if (spec.manualSelector !== true) {
        return given ? 'sets spec.selector without manualSelector: true; the API server generates the selector of a Job and rejects this one' : undefined;
      }
      break;
    default:
      break;
  }
  if (!given) return `has no spec.selector; the API server requires one that selects its pod template ${labels()}`;
  if (!isObject(sel) || isEmptySelector(sel)) return `has an empty spec.selector; the API server requires one that selects its pod template ${labels()}`;
  const expressions = selectorProblem(sel as LabelSelector);
  if (expressions) return `spec.selector ${expressions}; the API server rejects it`;
  return selectorMatches(sel, p.labels) ? undefined : `spec.selector ${showSelector(sel)} does not select its own pod template ${labels()}; the API server rejects it`;
}

/**
 * The restartPolicy of a built-in kind's pods: unset and "" mean Always (the API server's
 * defaulting), which a Job or CronJob refuses and a controller that keeps its pods running
 * requires.
 */
function checkRestartPolicy(f: Findings, p: PodSet): void {
  const allowed = p.kind.restartPolicies;
  const policy = p.spec.restartPolicy;
  const field = `${p.specField}.restartPolicy`;
  const kind = p.obj.kind;
  if (policy === undefined || policy === null || policy === '') {
    if (allowed.includes('Always')) return;
    f.say(field, `${policy === '' ? 'its pod template\'s restartPolicy is "" (unset)' : 'its pod template has no restartPolicy'}, so it means Always, which the API server rejects for a ${kind}: its pods run to completion`,
      `set ${field} to ${allowed.join(' or ')}`);
  } else if (typeof policy === 'string' && !allowed.includes(policy)) {
    f.say(field, `has restartPolicy ${JSON.stringify(policy)}; a ${kind} accepts only ${allowed.join(' or ')}, so the API server rejects it`,
      `set ${field} to ${allowed[0]}${allowed.length > 1 ? ` or ${allowed.slice(1).join(' or ')}` : ' (or leave it out)'}`);
  }
}

function checkWorkload(f: Findings, p: PodSet, builtin: boolean): void {
  const spec = p.obj.m.spec;
  if (p.replicated && isObject(spec) && spec.replicas !== undefined && spec.replicas !== null) {
    f.check('spec.replicas', spec.replicas, int32Problem(spec.replicas, 0) && `a whole number from 0 to 2147483647${typeof spec.replicas === 'number' && !Number.isFinite(spec.replicas) ? ' (YAML reads .inf and .nan as numbers that are not whole)' : ''}`);
  }
  if (builtin) checkRestartPolicy(f, p);
  const problem = workloadSelectorProblem(p);
  if (problem) f.say('spec.selector', problem, 'set spec.selector.matchLabels to labels of the pod template (app.kubernetes.io/name and app.kubernetes.io/instance)');
  else if (isObject(spec?.selector) && p.kind.selector !== 'none') {
    // A ReplicationController's selector is a plain map; the others are label selectors.
    if (p.kind.selector === 'optional') checkLabelMap(f, 'spec.selector', spec.selector);
    else checkLabelMap(f, 'spec.selector.matchLabels', spec.selector.matchLabels);
  }
  checkPodSpec(f, p, builtin);
}

function checkNetworkPolicy(f: Findings, obj: Obj): void {
  const spec = obj.m.spec;
  if (!isObject(spec)) return;
  for (const direction of ['ingress', 'egress']) {
    if (!Array.isArray(spec[direction])) continue;
    spec[direction].forEach((rule: any, i: number) => {
      if (!isObject(rule)) return;
      const peers = direction === 'ingress' ? 'from' : 'to';
      (Array.isArray(rule[peers]) ? rule[peers] : []).forEach((peer: any, j: number) => {
        const block = peer?.ipBlock;
        if (!isObject(block)) return;
        const at = `spec.${direction}[${i}].${peers}[${j}].ipBlock`;
        const checkCidr = (field: string, value: unknown) => {
          if (!f.check(field, value, cidrProblem(value))) return;
          const warning = cidrFormWarning(value);
          if (warning) f.say(field, warning);
        };
        checkCidr(`${at}.cidr`, block.cidr);
        (Array.isArray(block.except) ? block.except : []).forEach((e: unknown, k: number) => checkCidr(`${at}.except[${k}]`, e));
      });
      (Array.isArray(rule.ports) ? rule.ports : []).forEach((port: any, j: number) => {
        if (!isObject(port)) return;
        const at = `spec.${direction}[${i}].ports[${j}]`;
        if (port.port === undefined || port.port === null) {
          if (port.endPort !== undefined && port.endPort !== null) f.bad(`${at}.endPort`, port.endPort, 'no endPort without a port: set port to the first port of the range');
          return;
        }
        if (!f.check(`${at}.port`, port.port, intOrPortNameProblem(port.port))) return;
        if (port.endPort === undefined) return;
        if (typeof port.port !== 'number') f.bad(`${at}.endPort`, port.endPort, 'no endPort with a named port');
        else if (port.endPort < port.port || port.endPort > 65535 || !Number.isInteger(port.endPort)) f.bad(`${at}.endPort`, port.endPort, `a port from port (${port.port}) to 65535`);
      });
    });
  }
}

function checkIngress(f: Findings, obj: Obj): void {
  const rules = obj.m.spec?.rules;
  if (!Array.isArray(rules)) return;
  rules.forEach((rule: any, i: number) => {
    const paths = rule?.http?.paths;
    if (!Array.isArray(paths)) return;
    paths.forEach((p: any, j: number) => {
      if (!isObject(p) || (p.pathType !== 'Prefix' && p.pathType !== 'Exact')) return;
      f.check(`spec.rules[${i}].http.paths[${j}].path`, p.path, ingressPathProblem(p.path));
    });
  });
}

export function apiValid(ctx: RuleContext): void {
  for (const obj of ctx.index.all) {
    if (obj.subject) judge(ctx, obj);
  }
}

/** The fields of an object's manifest that the API server refuses, as api-valid reports them. */
const REFUSED = new WeakMap<object, readonly string[]>();

/**
 * Whether api-valid refuses `field` of `obj`, a field inside it or one that holds it: another
 * rule leaves such a value to api-valid (which cannot be switched off), so one mistake is one
 * finding. The same checks as api-valid's, run once per object and only when asked.
 */
export function refusedByApiServer(ctx: RuleContext, obj: Obj, field: string): boolean {
  let fields = REFUSED.get(obj.m);
  if (fields === undefined) {
    // api-valid's own checks, into a sink of their own (as a switched-off rule is counted).
    const scratch = new Sink();
    judge(new RuleContext(ctx.index, ctx.options, 'api-valid', scratch), obj);
    fields = scratch.violations.map((v) => v.field ?? '');
    REFUSED.set(obj.m, fields);
  }
  const inside = (a: string, b: string) => a === b || (a.startsWith(b) && (a[b.length] === '.' || a[b.length] === '['));
  return fields.some((x) => inside(x, field) || inside(field, x));
}

function judge(ctx: RuleContext, obj: Obj): void {
  const f = new Findings(ctx, obj);
  f.check('apiVersion', obj.m.apiVersion, apiVersionProblem(obj.m.apiVersion));
  f.check('kind', obj.m.kind, kindProblem(obj.m.kind));
  checkMetadata(f, obj);
  for (const x of apiValidExtra(obj.m)) f.say(x.field, x.message, x.fix);
  switch (obj.kind) {
    case 'ConfigMap': checkConfigData(f, obj, ['data', 'binaryData']); break;
    case 'Secret': checkConfigData(f, obj, ['data', 'stringData']); break;
    case 'Service': checkService(f, obj); break;
    case 'NetworkPolicy': checkNetworkPolicy(f, obj); break;
    case 'Ingress': checkIngress(f, obj); break;
    default: break;
  }
  const p = ctx.index.podSetOf(obj);
  if (p) checkWorkload(f, p, isBuiltinKind(obj.m.apiVersion, obj.m.kind));
  checkSchema(obj.m, f.schema);
}
