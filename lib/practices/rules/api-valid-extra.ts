/**
 * More of the API server's validation for `api-valid`: fields whose refusal is not a name or
 * value format but a required field, a type, or two fields that must agree (finalizers, owner
 * references, a non-string metadata.name, HPA bounds, PVC storage requests, Ingress backend
 * ports, RBAC rule verbs), and kinds the API server warns about (v1 Endpoints). A function over one manifest that returns findings; api-valid reports
 * them as its own.
 */
import { claimSpecRequired, finalizerNameProblem } from '../../core/validation/rbac-storage-semantics';
import { isObject } from '../objects';

/** One refusal: the field, the words of the finding and, when more specific, the fix. */
export interface ExtraFinding {
  readonly field: string;
  readonly message: string;
  readonly fix?: string;
}

const OWNER_REFERENCE_FIELDS = ['apiVersion', 'kind', 'name', 'uid'];
const REFUSED = 'is refused by the API server';

/** How a value is named in a message: its JSON and, for a non-string, its type. */
function typed(v: unknown): string {
  const type = v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? '.nan (not a number)' : `${v < 0 ? '-' : ''}.inf (infinite)`;
  return `${JSON.stringify(v) ?? String(v)} (${type})`;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function checkMetadata(m: any, out: ExtraFinding[]): void {
  const meta = m.metadata;
  if (!isObject(meta)) return;
  for (const key of ['name', 'namespace', 'generateName'] as const) {
    const v = (meta as any)[key];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      out.push({ field: `metadata.${key}`, message: `${typed(v)} ${REFUSED}; expected a string`, fix: `write metadata.${key} as a string` });
    }
  }
  const finalizers = (meta as any).finalizers;
  if (Array.isArray(finalizers)) {
    finalizers.forEach((fin: unknown, i: number) => {
      const problem = finalizerNameProblem(fin);
      if (problem !== undefined) out.push({ field: `metadata.finalizers[${i}]`, message: `${problem.startsWith('a domain-qualified') ? JSON.stringify(fin) : typed(fin)} ${REFUSED}; expected ${problem}` });
    });
    if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
      out.push({ field: 'metadata.finalizers', message: `${JSON.stringify(finalizers)} holds both "orphan" and "foregroundDeletion"; the API server refuses both (they choose opposite deletion propagations)`, fix: 'keep one of them: "foregroundDeletion" deletes the dependents first, "orphan" leaves them' });
    }
  }
  const owners = (meta as any).ownerReferences;
  if (Array.isArray(owners)) {
    let controllers = 0;
    owners.forEach((ref: any, i: number) => {
      const at = `metadata.ownerReferences[${i}]`;
      if (!isObject(ref)) { out.push({ field: at, message: `${typed(ref)} ${REFUSED}; expected an object with apiVersion, kind, name and uid` }); return; }
      for (const key of OWNER_REFERENCE_FIELDS) {
        const v = (ref as any)[key];
        if (typeof v !== 'string' || v === '') {
          out.push({ field: `${at}.${key}`, message: `${v === undefined ? 'unset' : typed(v)} ${REFUSED}; an owner reference needs a non-empty ${key}` });
        }
      }
      if ((ref as any).controller === true) controllers++;
    });
    if (controllers > 1) {
      out.push({ field: 'metadata.ownerReferences', message: `${controllers} owner references have controller: true; the API server allows at most one` });
    }
  }
}

function checkAutoscaler(m: any, out: ExtraFinding[]): void {
  const spec = m.spec;
  if (!isObject(spec)) return;
  const min = (spec as any).minReplicas;
  const max = (spec as any).maxReplicas;
  // null is unset, as the API server reads it (Helm renders an unset value as null): minReplicas defaults to 1.
  if (min !== undefined && min !== null && (!isInt(min) || min < 1)) {
    out.push({ field: 'spec.minReplicas', message: `${typed(min)} ${REFUSED}; expected an integer of at least 1` });
  }
  if (!isInt(max) || max < 1) {
    out.push({ field: 'spec.maxReplicas', message: `${max === undefined ? 'unset' : typed(max)} ${REFUSED}; expected an integer of at least 1` });
  }
  // minReplicas above maxReplicas: the schema's structural rules (lib/core/validation/structural.ts).
}

function checkClaimSpec(at: string, spec: unknown, out: ExtraFinding[]): void {
  claimSpecRequired(at, spec, (field, message) => out.push({ field, message }));
}

function checkBackend(at: string, backend: unknown, out: ExtraFinding[]): void {
  const port = isObject(backend) ? (backend as any).service?.port : undefined;
  if (!isObject(port)) return;
  const hasNumber = (port as any).number !== undefined;
  const hasName = (port as any).name !== undefined && (port as any).name !== '';
  if (hasNumber && hasName) {
    out.push({ field: `${at}.service.port`, message: `${JSON.stringify(port)} ${REFUSED}; expected either port.number or port.name, not both` });
  } else if (!hasNumber && !hasName) {
    out.push({ field: `${at}.service.port`, message: `${JSON.stringify(port)} ${REFUSED}; expected port.number or port.name` });
  }
}

function checkIngress(m: any, out: ExtraFinding[]): void {
  const spec = m.spec;
  if (!isObject(spec)) return;
  if ((spec as any).defaultBackend !== undefined) checkBackend('spec.defaultBackend', (spec as any).defaultBackend, out);
  const rules = (spec as any).rules;
  if (!Array.isArray(rules)) return;
  rules.forEach((rule: any, i: number) => {
    const paths = rule?.http?.paths;
    if (!Array.isArray(paths)) return;
    paths.forEach((p: any, j: number) => checkBackend(`spec.rules[${i}].http.paths[${j}].backend`, p?.backend, out));
  });
}

function checkRbacRules(m: any, out: ExtraFinding[]): void {
  const rules = m.rules;
  if (!Array.isArray(rules)) return;
  rules.forEach((rule: any, i: number) => {
    const verbs = isObject(rule) ? (rule as any).verbs : undefined;
    if (!Array.isArray(verbs) || verbs.length === 0) {
      out.push({ field: `rules[${i}].verbs`, message: `${verbs === undefined ? 'unset' : typed(verbs)} ${REFUSED}; a rule needs at least one verb such as "get"` });
    }
  });
}

/** The API server refusals of one manifest that the format checks of api-valid do not cover. */
export function apiValidExtra(m: any): ExtraFinding[] {
  const out: ExtraFinding[] = [];
  if (!isObject(m)) return out;
  checkMetadata(m, out);
  const group = typeof m.apiVersion === 'string' && m.apiVersion.includes('/') ? m.apiVersion.slice(0, m.apiVersion.lastIndexOf('/')) : '';
  switch (`${group}/${m.kind}`) {
    case 'autoscaling/HorizontalPodAutoscaler': checkAutoscaler(m, out); break;
    case '/PersistentVolumeClaim': checkClaimSpec('spec', m.spec, out); break;
    case 'apps/StatefulSet': {
      const templates = m.spec?.volumeClaimTemplates;
      if (Array.isArray(templates)) templates.forEach((t: any, i: number) => checkClaimSpec(`spec.volumeClaimTemplates[${i}].spec`, t?.spec, out));
      break;
    }
    case '/Endpoints':
      out.push({ field: 'kind', message: 'v1 Endpoints is deprecated: the API server warns "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"', fix: 'write a discovery.k8s.io/v1 EndpointSlice (labelled kubernetes.io/service-name) instead' });
      break;
    case 'networking.k8s.io/Ingress': checkIngress(m, out); break;
    case 'rbac.authorization.k8s.io/Role':
    case 'rbac.authorization.k8s.io/ClusterRole': checkRbacRules(m, out); break;
    default: break;
  }
  return out;
}
