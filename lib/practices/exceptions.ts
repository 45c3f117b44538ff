/**
 * Narrow exceptions to rule `pod-security`: one check of the rule waived, for exactly what
 * was asked, with a reason. The constructs write them and the checker honours them; the
 * whole-rule skip (`guardrails.cdk8s.io/skip.pod-security`) stays for those who want it.
 *
 * One annotation per check, `guardrails.cdk8s.io/skip.pod-security.<check>`, on the object
 * that holds the pod template (the workload, or a bare Pod). Its value has one line per
 * waived scope, `<scope>: <reason>`:
 *
 * | check | line | waives |
 * |---|---|---|
 * | `runAsUser` | `1000: <reason>` | that UID below 10001 (never 0) |
 * | `runAsGroup` | `1000: <reason>` | that GID below 10001, as runAsGroup and fsGroup |
 * | `readOnlyRootFilesystem` | `app, proxy: <reason>` | a writable root filesystem in those containers |
 * | `hostPath` | `/var/log (read-only): <reason>` | that node path, mounted read-only only |
 * | `hostNetwork` | `<reason>` | `hostNetwork: true` (and host ports equal to their container ports) |
 *
 * Everything else of the rule still applies: privileged containers, privilege escalation,
 * added capabilities, hostPID, hostIPC, another path, a writable mount or another UID are
 * violations.
 *
 * Rule `secret-no-plaintext` has one such check, `env`: the annotation
 * `guardrails.cdk8s.io/skip.secret-no-plaintext.env` with lines `NAME1, NAME2: <reason>`
 * waives the literal values of those environment variables (also read from a ConfigMap, or
 * those keys of a ConfigMap that carries the annotation) whose names or formats look like
 * secrets; every other finding of the rule still applies.
 */
import { SKIP_ANNOTATION_PREFIX } from './skip-keys';

/** The rule whose checks can be waived one by one. */
export const POD_SECURITY = 'pod-security';

/** The checks of rule `pod-security` that can be waived on their own (Kubernetes field names). */
export const POD_SECURITY_CHECKS = ['hostNetwork', 'hostPath', 'readOnlyRootFilesystem', 'runAsGroup', 'runAsUser', 'supplementalGroups'] as const;
export type PodSecurityCheck = typeof POD_SECURITY_CHECKS[number];

/** The rule with the per-variable exception, and its check. */
export const SECRET_NO_PLAINTEXT = 'secret-no-plaintext';
export const SECRET_ENV_CHECK = 'env';

/** The checks that a workload's `skip` map can waive (host access has SafeDaemonSet's own props). */
export const SKIPPABLE_CHECKS = ['readOnlyRootFilesystem', 'runAsGroup', 'runAsUser'] as const;

/** The lowest UID or GID that needs no exception. */
export const MIN_ID = 10001;

/** What each check's lines look like, for warnings and docs. */
const LINE_SHAPE: { [check in PodSecurityCheck]: string } = {
  hostNetwork: '<reason>',
  hostPath: '<path> (read-only): <reason>',
  readOnlyRootFilesystem: '<container>[, <container>...]: <reason>',
  runAsGroup: '<GID from 1 to 10000, no leading zero>: <reason>',
  runAsUser: '<UID from 1 to 10000, no leading zero>: <reason>',
  supplementalGroups: '<GID from 0 to 10000, no leading zero>: <reason>',
};

/** One waived check, for one scope, as written and as read. */
export interface PodSecurityException {
  /** The rule: pod-security unless given. */
  readonly rule?: string;
  readonly check: PodSecurityCheck | typeof SECRET_ENV_CHECK;
  /** What is waived, as the annotation line gives it: '1000', 'app, proxy', '/var/log (read-only)', '' for hostNetwork. */
  readonly scope: string;
  readonly reason: string;
}

/** The annotation key of one check. */
export function exceptionAnnotationKey(check: PodSecurityCheck | typeof SECRET_ENV_CHECK, rule: string = POD_SECURITY): string {
  return `${SKIP_ANNOTATION_PREFIX}${rule}.${check}`;
}

/**
 * A hostPath as the node resolves it, for matching exceptions: repeated slashes collapsed, `.`
 * segments and a trailing slash dropped (`/var/log/` is `/var/log`). `..` is kept as written,
 * so an exception never covers a path that climbs out of its directory.
 */
export function hostPathKey(path: string): string {
  const parts = path.split('/').filter((seg, i) => i === 0 || (seg !== '' && seg !== '.'));
  return parts.length === 1 ? '/' : parts.join('/');
}

/** The scope of a read-only hostPath exception. */
export function hostPathScope(path: string): string {
  return `${path} (read-only)`;
}

/** A reason on one line (lines separate scopes). */
function oneLine(reason: string): string {
  return reason.trim().replace(/\s+/g, ' ');
}

/** The annotations that record exceptions: one per check, one line per scope, in the order given. */
export function exceptionAnnotations(list: readonly PodSecurityException[]): { [key: string]: string } {
  const lines = new Map<string, string[]>();
  for (const e of list) {
    const key = exceptionAnnotationKey(e.check, e.rule);
    const line = e.scope === '' ? oneLine(e.reason) : `${e.scope}: ${oneLine(e.reason)}`;
    const existing = lines.get(key);
    if (existing) existing.push(line); else lines.set(key, [line]);
  }
  const out: { [key: string]: string } = {};
  for (const [key, l] of lines) out[key] = l.join('\n');
  return out;
}

/** A waiver read back from an object: the exception and what it lets through. */
export interface Waiver extends PodSecurityException {
  readonly rule: string;
  /** Counts the violations it hid (unique per object). */
  readonly id: string;
}

/** The exceptions of one object, by check, and what could not be read. */
export interface Waivers {
  readonly runAsUser: Map<number, Waiver>;
  readonly runAsGroup: Map<number, Waiver>;
  /** GIDs below 10001 (0 included) that supplementalGroups may hold. */
  readonly supplementalGroups: Map<number, Waiver>;
  readonly readOnlyRootFilesystem: Map<string, Waiver>;
  /** Path as hostPathKey normalises it -> waiver. */
  readonly hostPath: Map<string, Waiver>;
  readonly hostNetwork?: Waiver;
  /** secret-no-plaintext.env: variable name -> waiver. */
  readonly env: Map<string, Waiver>;
  /** Every waiver, in annotation order. */
  readonly list: Waiver[];
  /** Annotations or lines that waive nothing, and why. */
  readonly problems: string[];
}

const EMPTY: Waivers = {
  runAsUser: new Map(), runAsGroup: new Map(), supplementalGroups: new Map(), readOnlyRootFilesystem: new Map(), hostPath: new Map(), env: new Map(), list: [], problems: [],
};
const ENV_NAME = '[A-Za-z_][-._A-Za-z0-9]*';
/** A line of the secret-no-plaintext.env exception. */
export const ENV_LINE = new RegExp(`^(${ENV_NAME}(?:, ${ENV_NAME})*): (.+)$`);
const ENV_LINE_SHAPE = '<VARIABLE>[, <VARIABLE>...]: <reason>';
const CACHE = new WeakMap<Map<string, string>, Waivers>();
const CONTAINER = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
const LINE: { [check in PodSecurityCheck]: RegExp } = {
  hostNetwork: /^(.+)$/,
  hostPath: /^(\/\S*) \(read-only\): (.+)$/,
  readOnlyRootFilesystem: new RegExp(`^(${CONTAINER}(?:, ${CONTAINER})*): (.+)$`),
  // Ids as Kubernetes writes them: no leading zero (01000 is not 1000 to a reader).
  runAsGroup: /^(0|[1-9]\d{0,9}): (.+)$/,
  runAsUser: /^(0|[1-9]\d{0,9}): (.+)$/,
  supplementalGroups: /^(0|[1-9]\d{0,9}): (.+)$/,
};

/**
 * Reads the exception annotations of an object (key after the skip prefix, e.g.
 * 'pod-security.hostPath', to value). Lines that do not parse, unknown checks and scoped
 * skips of other rules waive nothing and are reported as problems.
 */
export function readWaivers(scoped: Map<string, string>): Waivers {
  if (scoped.size === 0) return EMPTY;
  const cached = CACHE.get(scoped);
  if (cached) return cached;
  const w = {
    runAsUser: new Map<number, Waiver>(), runAsGroup: new Map<number, Waiver>(), supplementalGroups: new Map<number, Waiver>(), readOnlyRootFilesystem: new Map<string, Waiver>(),
    hostPath: new Map<string, Waiver>(), hostNetwork: undefined as Waiver | undefined, env: new Map<string, Waiver>(), list: [] as Waiver[], problems: [] as string[],
  };
  for (const [key, value] of [...scoped].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const annotation = `${SKIP_ANNOTATION_PREFIX}${key}`;
    const dot = key.indexOf('.');
    const rule = key.slice(0, dot);
    const check = key.slice(dot + 1) as PodSecurityCheck;
    if (rule === SECRET_NO_PLAINTEXT && check as string === SECRET_ENV_CHECK) {
      readEnvWaivers(w, key, annotation, value);
      continue;
    }
    if (rule !== POD_SECURITY) {
      w.problems.push(`skip annotation ${annotation} waives part of rule "${rule}", and only pod-security and ${SECRET_NO_PLAINTEXT}.${SECRET_ENV_CHECK} have checks that can be waived on their own; it waives nothing`);
      continue;
    }
    if (!POD_SECURITY_CHECKS.includes(check)) {
      w.problems.push(`skip annotation ${annotation} names no pod-security check that can be waived on its own (${POD_SECURITY_CHECKS.join(', ')}); it waives nothing`);
      continue;
    }
    const lines = value.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    if (lines.length === 0) w.problems.push(`skip annotation ${annotation} has no reason, so the check still applies`);
    if (check === 'hostNetwork' && lines.length > 1) {
      w.problems.push(`skip annotation ${annotation} has ${lines.length} lines; expected one line, the reason; it waives nothing`);
      continue;
    }
    for (const line of lines) {
      const m = LINE[check].exec(line);
      const id = Number(m?.[1]);
      if (!m || ((check === 'runAsUser' || check === 'runAsGroup') && (id < 1 || id >= MIN_ID)) || (check === 'supplementalGroups' && id >= MIN_ID)) {
        w.problems.push(`skip annotation ${annotation}: the line ${JSON.stringify(line)} is not "${LINE_SHAPE[check]}"; it waives nothing`);
        continue;
      }
      const waiver: Waiver = check === 'hostNetwork'
        ? { rule, check, scope: '', reason: m[1], id: `${key} ` }
        : { rule, check, scope: line.slice(0, line.length - m[2].length - 2), reason: m[2], id: `${key} ${m[1]}` };
      w.list.push(waiver);
      switch (check) {
        case 'runAsUser': case 'runAsGroup': case 'supplementalGroups': w[check].set(id, waiver); break;
        case 'readOnlyRootFilesystem': for (const name of m[1].split(', ')) w.readOnlyRootFilesystem.set(name, waiver); break;
        case 'hostPath': w.hostPath.set(hostPathKey(m[1]), waiver); break;
        default: w.hostNetwork = waiver;
      }
    }
  }
  CACHE.set(scoped, w);
  return w;
}

/** The lines of a secret-no-plaintext.env annotation: `NAME1, NAME2: reason`. */
function readEnvWaivers(w: { env: Map<string, Waiver>; list: Waiver[]; problems: string[] }, key: string, annotation: string, value: string): void {
  const lines = value.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === 0) w.problems.push(`skip annotation ${annotation} has no reason, so the check still applies`);
  for (const line of lines) {
    const m = ENV_LINE.exec(line);
    if (!m || m[2].trim() === '') {
      w.problems.push(`skip annotation ${annotation}: the line ${JSON.stringify(line)} is not "${ENV_LINE_SHAPE}"; it waives nothing`);
      continue;
    }
    const waiver: Waiver = { rule: SECRET_NO_PLAINTEXT, check: SECRET_ENV_CHECK, scope: m[1], reason: m[2], id: `${key} ${m[1]}` };
    w.list.push(waiver);
    for (const name of m[1].split(', ')) w.env.set(name, waiver);
  }
}
