/** `secret-no-plaintext`: no Secret with literal values; every Secret a pod uses has a known source. */
import { EXISTING_SECRETS_ANNOTATION } from '../../core/labels';
import { RuleContext } from '../context';
import { ObjectIndex, PodSet, isExternal, isObject } from '../objects';
import { configRefs } from './relations';

/** Whether a Secret manifest is a SOPS-encrypted file (encrypted values, `sops` metadata). */
function isSops(m: any): boolean {
  if (isObject(m.sops)) return true;
  const values = [...Object.values(isObject(m.data) ? m.data : {}), ...Object.values(isObject(m.stringData) ? m.stringData : {})];
  return values.length > 0 && values.every((v) => typeof v === 'string' && v.startsWith('ENC['));
}

/** Names (namespace/name) of Secrets that the app makes from an external store or a sealed value. */
function producedSecrets(index: ObjectIndex): Set<string> {
  return index.once('produced-secrets', () => {
    const s = new Set<string>();
    for (const es of index.ofKind('ExternalSecret')) {
      s.add(`${es.ns ?? ''}/${es.m.spec?.target?.name ?? es.name}`);
    }
    for (const ss of index.ofKind('SealedSecret')) {
      s.add(`${ss.ns ?? ''}/${ss.m.spec?.template?.metadata?.name ?? ss.name}`);
    }
    for (const sec of index.ofKind('Secret')) s.add(`${sec.ns ?? ''}/${sec.name}`);
    return s;
  });
}

export function secretNoPlaintext(ctx: RuleContext): void {
  for (const sec of ctx.index.ofKind('Secret')) {
    if (isSops(sec.m)) continue;
    for (const section of ['data', 'stringData']) {
      const values = sec.m[section];
      if (!isObject(values)) continue;
      const keys = Object.keys(values);
      if (keys.length === 0) continue;
      ctx.report(sec, `has literal values in ${section} (keys: ${keys.sort().join(', ')}), which end up in git with the manifests`, { field: section });
    }
  }
  const produced = producedSecrets(ctx.index);
  for (const p of ctx.index.podSets) {
    const seen = new Set<string>();
    const existing = existingSecrets(p);
    for (const r of configRefs(p)) {
      if (r.kind !== 'Secret' || r.optional || seen.has(r.name)) continue;
      seen.add(r.name);
      if (produced.has(`${p.obj.ns ?? ''}/${r.name}`) || existing.has(r.name) || isExternal(ctx.options.externalSecrets, p.obj.ns, r.name)) continue;
      ctx.report(p.obj, `uses Secret ${r.name}, which neither the output nor an ExternalSecret or SealedSecret of the app provides, and which is not declared external`, {
        field: r.field,
        fix: `provide ${r.name} with an ExternalSecret or SealedSecret; if it already exists in the cluster, read it through an ExistingSecret or declare it external (externalSecrets)`,
      });
    }
    plaintextEnv(ctx, p);
  }
  for (const cm of ctx.index.ofKind('ConfigMap')) {
    const data = isObject(cm.m.data) ? cm.m.data : {};
    for (const key of Object.keys(data).sort()) {
      if (typeof data[key] === 'string' && PRIVATE_KEY.test(data[key])) {
        ctx.report(cm, `holds private-key material under key ${key}`, { field: `data.${key}`, fix: 'move the key into a Secret from an ExternalSecret or SealedSecret and mount it as a file' });
      }
    }
  }
}

/** Secrets that the workload names as already existing in the cluster (ExistingSecret). */
function existingSecrets(p: PodSet): Set<string> {
  const value = p.obj.annotations[EXISTING_SECRETS_ANNOTATION];
  return new Set(typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : []);
}

/** Names that say the value is a secret. */
const SECRET_NAME = /PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIALS?$/i;
/** Last words that say the variable holds something about a secret, not the secret itself. */
const NOT_SECRET_SUFFIX = /_(FILE|PATH|DIR|NAME|REF|URL|ENDPOINT|HOST|PORT|HEADER|TTL|TIMEOUT|EXPIRY|EXPIRES|LENGTH|SIZE|ENABLED|TYPE|ALGORITHM|ISSUER|AUDIENCE)$/i;
const PRIVATE_KEY = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/;
const URL = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@]*@)?/i;

/**
 * Why a literal env value is a plain-text secret, or undefined. The value counts when the name
 * says it is a secret and the value is not obviously something else: empty, a boolean, a
 * reference to another variable, a path, a file name or a URL without credentials. A URL with
 * a password, or private-key material, counts whatever the name.
 */
export function plaintextSecretProblem(name: string, value: string): string | undefined {
  if (PRIVATE_KEY.test(value)) return 'holds private-key material';
  const url = URL.exec(value);
  if (url && url[1] !== undefined && url[1].includes(':') && url[1].length > url[1].indexOf(':') + 2) {
    return 'is a URL with a password in it';
  }
  if (!SECRET_NAME.test(name) || NOT_SECRET_SUFFIX.test(name)) return undefined;
  const v = value.trim();
  if (v === '' || /^(true|false|yes|no|on|off|none|null|disabled|enabled)$/i.test(v)) return undefined;
  if (/^\$(\(\w+\)|\{\w+\})$/.test(v)) return undefined; // $(OTHER_VAR), ${OTHER_VAR}
  if (v.startsWith('/') || v.startsWith('./') || v.startsWith('~/')) return undefined; // a path
  if (/^[\w-]+(\.[\w-]+)*\.(txt|json|ya?ml|pem|crt|cert|key|p12|pfx|jks|env|conf|cfg|ini|toml|properties|secret|token)$/i.test(v)) return undefined; // a file name
  if (url) return undefined; // a URL without credentials
  return 'has a name that says it is a secret and a literal value';
}

/** Literal env values of the containers (inline, or from a ConfigMap of the output) that are secrets. */
function plaintextEnv(ctx: RuleContext, p: PodSet): void {
  for (const c of p.allContainers) {
    (Array.isArray(c.c.env) ? c.c.env : []).forEach((e: any, i: number) => {
      if (typeof e?.name !== 'string') return;
      let value: unknown = e.value;
      let where = 'a literal value';
      const ref = e.valueFrom?.configMapKeyRef;
      const cm = ref && typeof ref.name === 'string' ? ctx.index.get('ConfigMap', p.obj.ns, ref.name) : undefined;
      if (cm && isObject(cm.m.data)) {
        value = cm.m.data[ref.key];
        where = `ConfigMap ${cm.name} key ${ref.key}`;
      }
      if (typeof value !== 'string') return;
      const problem = plaintextSecretProblem(e.name, value);
      if (problem === undefined) return;
      ctx.report(p.obj, `sets env ${e.name} of container ${c.name} from ${where}, which ${problem}: it ends up in git with the manifests`, {
        field: `${c.field}.env[${i}]`,
        alsoSkippedBy: cm ? [cm] : [],
        fix: `read ${e.name} from a Secret made by an ExternalSecret or SealedSecret (the workload's secrets prop), or from an existing Secret`,
      });
    });
  }
}
