/** `secret-no-plaintext`: no Secret with literal values; every Secret a pod uses has a known source. */
import { EXISTING_SECRETS_ANNOTATION } from '../../core/labels';
import { sealedValueProblem, secretTypeProblem } from '../../secrets/secret-data';
import { RuleContext } from '../context';
import { readWaivers } from '../exceptions';
import { ObjectIndex, Obj, PodSet, isExternal, isObject } from '../objects';
import { SKIP_ANNOTATION_PREFIX } from '../skip-keys';
import { configRefs } from './relations';
import { configEntryProblem, encodedKeyProblem, plaintextSecretProblem, secretFormatProblem } from './secret-values';

export { plaintextSecretProblem } from './secret-values';

/** A value as SOPS writes it: `ENC[AES256_GCM,data:...,iv:...,tag:...,type:...]`. */
const SOPS_VALUE = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]$/;
/** The key groups of a SOPS metadata block. */
const SOPS_KEYS = ['age', 'pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'key_groups'];

/** Whether the `sops` block is SOPS metadata: a MAC, a modification time, and a key group. */
function isSopsMetadata(sops: unknown): boolean {
  if (!isObject(sops)) return false;
  const s = sops as any;
  return typeof s.mac === 'string' && s.mac.startsWith('ENC[') && typeof s.lastmodified === 'string'
    && SOPS_KEYS.some((k) => Array.isArray(s[k]) && s[k].length > 0);
}

const keyList = (keys: string[]) => `keys: ${keys.sort().join(', ')}`;

/** Literal values of Secrets: only values that SOPS really encrypted are exempt. */
function literalSecrets(ctx: RuleContext): void {
  for (const sec of ctx.index.ofKind('Secret')) {
    const sops = isSopsMetadata(sec.m.sops);
    if (sec.m.sops !== undefined && !sops) {
      ctx.report(sec, 'has a sops block without the MAC, lastmodified and key group of SOPS metadata, so its values are not taken as encrypted', { field: 'sops' });
    }
    for (const section of ['data', 'stringData']) {
      const values = sec.m[section];
      if (!isObject(values)) continue;
      const keys = Object.keys(values).filter((k) => !(sops && typeof values[k] === 'string' && SOPS_VALUE.test(values[k])));
      if (keys.length === 0) continue;
      ctx.report(sec, `has literal values in ${section} (${keyList(keys)})${sops ? ', which SOPS did not encrypt' : ''}, which end up in git with the manifests`, { field: section });
    }
  }
}

/** A provider of a Secret: the object that makes it, the keys it holds (undefined: not known). */
interface Provider {
  readonly obj: Obj;
  readonly keys?: Set<string>;
  /** An ExternalSecret with creationPolicy Merge: it writes into a Secret that exists already. */
  readonly merges?: boolean;
}

/** Keys of a template's `data`, and whether the template replaces the keys. */
function templateKeys(template: any): string[] {
  return isObject(template?.data) ? Object.keys(template.data) : [];
}

/** The Secrets that the app makes, by namespace/name, with the object that makes each. */
function providers(index: ObjectIndex): Map<string, Provider[]> {
  return index.once('secret-providers', () => {
    const out = new Map<string, Provider[]>();
    const add = (obj: Obj, name: unknown, keys?: Set<string>, merges?: boolean) => {
      if (typeof name !== 'string' || name === '') return;
      const k = `${obj.ns ?? ''}/${name}`;
      const list = out.get(k);
      if (list) list.push({ obj, keys, merges }); else out.set(k, [{ obj, keys, merges }]);
    };
    for (const sec of index.ofKind('Secret')) {
      add(sec, sec.name, new Set([...Object.keys(isObject(sec.m.data) ? sec.m.data : {}), ...Object.keys(isObject(sec.m.stringData) ? sec.m.stringData : {})]));
    }
    for (const es of index.ofKind('ExternalSecret')) {
      const target = es.m.spec?.target ?? {};
      // None writes no Secret; Merge writes into one that exists already, with keys of its own.
      if (target.creationPolicy === 'None') continue;
      const merges = target.creationPolicy === 'Merge';
      const spec = es.m.spec ?? {};
      const unknown = (Array.isArray(spec.dataFrom) && spec.dataFrom.length > 0) || Array.isArray(target.template?.templateFrom);
      const data = (Array.isArray(spec.data) ? spec.data : []).map((d: any) => d?.secretKey).filter((k: unknown) => typeof k === 'string');
      add(es, target.name ?? es.name, unknown || merges ? undefined : new Set([...data, ...templateKeys(target.template)]), merges);
    }
    for (const ss of index.ofKind('SealedSecret')) {
      // The controller names the Secret after the SealedSecret, whatever the template says.
      const spec = ss.m.spec ?? {};
      add(ss, ss.name, new Set([...Object.keys(isObject(spec.encryptedData) ? spec.encryptedData : {}), ...templateKeys(spec.template)]));
    }
    return out;
  });
}

/** Sources that make the same Secret, and sealed or external data the API server or controller would refuse. */
function sources(ctx: RuleContext): void {
  for (const [key, list] of providers(ctx.index)) {
    const made = list.filter((p) => p.obj.kind !== 'Secret' && !p.merges);
    made.slice(1).forEach((p) => {
      const first = made[0].obj;
      ctx.report(p.obj, `makes Secret ${key.slice(key.indexOf('/') + 1)}, which ${first.kind} ${first.name} also makes: the two overwrite each other's values`, {
        fix: 'make each Secret from one source: remove one of them or give it another name',
      });
    });
  }
  for (const ss of ctx.index.ofKind('SealedSecret')) {
    const spec = ss.m.spec ?? {};
    const data = isObject(spec.encryptedData) ? spec.encryptedData : {};
    for (const key of Object.keys(data).sort()) {
      const problem = sealedValueProblem(data[key]);
      if (problem === undefined) continue;
      ctx.report(ss, `encryptedData key ${key} cannot be kubeseal's output: it ${problem}; it is probably a plain value that was never sealed`, {
        field: `spec.encryptedData.${key}`,
        fix: `seal the value with kubeseal (kubeseal --raw --namespace <ns> --name ${ss.name}) and rotate it if it was ever committed`,
      });
    }
    const keys = [...Object.keys(data), ...templateKeys(spec.template)];
    typeCheck(ctx, ss, spec.template?.type, keys, 'spec.template.type');
    templateData(ctx, ss, spec.template, 'spec.template.data');
  }
  for (const es of ctx.index.ofKind('ExternalSecret')) {
    const spec = es.m.spec ?? {};
    const target = spec.target ?? {};
    const known = !(Array.isArray(spec.dataFrom) && spec.dataFrom.length > 0) && !Array.isArray(target.template?.templateFrom);
    if (known) {
      const data = (Array.isArray(spec.data) ? spec.data : []).map((d: any) => d?.secretKey).filter((k: unknown) => typeof k === 'string');
      typeCheck(ctx, es, target.template?.type, [...data, ...templateKeys(target.template)], 'spec.target.template.type');
    }
    templateData(ctx, es, target.template, 'spec.target.template.data');
    storeRef(ctx, es);
  }
  for (const kind of ['SecretStore', 'ClusterSecretStore']) {
    for (const store of ctx.index.ofKind(kind)) storeValues(ctx, store);
  }
}

function typeCheck(ctx: RuleContext, obj: Obj, type: unknown, keys: string[], field: string): void {
  if (typeof type !== 'string') return;
  const problem = secretTypeProblem(type, keys);
  if (problem !== undefined) {
    ctx.report(obj, `makes a Secret the API server refuses: ${problem}`, { field, fix: 'add the keys that the type needs, or use type Opaque' });
  }
}

/** Literal secrets in a Secret template: template expressions are fine, literals end up in git. */
function templateData(ctx: RuleContext, obj: Obj, template: any, field: string): void {
  const data = isObject(template?.data) ? template.data : {};
  for (const key of Object.keys(data).sort()) {
    if (typeof data[key] !== 'string') continue;
    const literal = data[key].replace(/\{\{.*?\}\}/gs, '');
    const problem = configEntryProblem(key, literal);
    if (problem !== undefined) {
      ctx.report(obj, `template key ${key} ${problem}: a literal in the template ends up in git with the manifests`, {
        field: `${field}.${key}`, fix: 'keep the value in the store (or sealed) and refer to it from the template with {{ .<key> }}',
      });
    }
  }
}

/** A SecretStore reference that names no store of the app (when the app declares stores). */
function storeRef(ctx: RuleContext, es: Obj): void {
  const ref = es.m.spec?.secretStoreRef;
  if (!isObject(ref) || typeof ref.name !== 'string') return;
  const stores = ctx.index.ofKind('SecretStore');
  const clusterStores = ctx.index.ofKind('ClusterSecretStore');
  if (stores.length === 0 && clusterStores.length === 0) return;
  const kind = ref.kind ?? 'SecretStore';
  if (kind === 'ClusterSecretStore') {
    if (clusterStores.some((s) => s.name === ref.name)) return;
    const ns = stores.filter((s) => s.name === ref.name).map((s) => s.ns);
    ctx.report(es, `reads ClusterSecretStore ${ref.name}, which the app does not declare${ns.length > 0 ? ` (it declares a SecretStore of that name in ${ns.map((n) => `namespace "${n}"`).join(', ')})` : ''}`, {
      field: 'spec.secretStoreRef', fix: 'name a ClusterSecretStore that the app declares, or set kind SecretStore for a store of the namespace',
    });
    return;
  }
  if (ctx.index.get('SecretStore', es.ns, ref.name)) return;
  const elsewhere = [
    ...clusterStores.filter((s) => s.name === ref.name).map(() => 'as a ClusterSecretStore'),
    ...stores.filter((s) => s.name === ref.name).map((s) => `in namespace "${s.ns}"`),
  ];
  ctx.report(es, `reads SecretStore ${ref.name}, which the app does not declare in namespace "${es.ns ?? ''}"${elsewhere.length > 0 ? ` (it declares ${ref.name} ${elsewhere.join(', ')})` : ''}: a SecretStore is read only from its own namespace`, {
    field: 'spec.secretStoreRef', fix: `declare SecretStore ${ref.name} in the namespace of the ExternalSecret, or refer to a ClusterSecretStore (kind ClusterSecretStore)`,
  });
}

/** Literal values held by a store itself: the fake provider's data, a webhook's headers. */
function storeValues(ctx: RuleContext, store: Obj): void {
  const provider = store.m.spec?.provider ?? {};
  (Array.isArray(provider.fake?.data) ? provider.fake.data : []).forEach((d: any, i: number) => {
    const values = [d?.value, ...Object.values(isObject(d?.valueMap) ? d.valueMap : {})].filter((v) => typeof v === 'string' && v !== '');
    if (values.length === 0) return;
    ctx.report(store, `the fake provider holds the literal value of key ${d?.key}, which ends up in git with the manifests`, {
      field: `spec.provider.fake.data[${i}]`, fix: 'use the fake provider only in tests, or read the value from a real store',
    });
  });
  const headers = isObject(provider.webhook?.headers) ? provider.webhook.headers : {};
  for (const name of Object.keys(headers).sort()) {
    if (typeof headers[name] !== 'string') continue;
    const value = headers[name].replace(/\{\{.*?\}\}/gs, '');
    const problem = name.toLowerCase() === 'authorization' && value.trim() !== '' ? 'holds a literal credential' : plaintextSecretProblem(name, value);
    if (problem === undefined) continue;
    ctx.report(store, `webhook header ${name} ${problem}, which ends up in git with the manifests`, {
      field: `spec.provider.webhook.headers.${name}`, fix: 'read the credential from a Secret with the webhook\'s secrets and refer to it as {{ .<name> }}',
    });
  }
}

/** Secrets read by pods that nothing provides, and keys that their provider does not make. */
function podSecrets(ctx: RuleContext, p: PodSet): void {
  const all = providers(ctx.index);
  const seen = new Set<string>();
  const existing = existingSecrets(p);
  const ns = p.obj.ns ?? '';
  for (const r of configRefs(p)) {
    if (r.kind !== 'Secret' || r.optional || seen.has(r.name)) continue;
    seen.add(r.name);
    if (all.has(`${ns}/${r.name}`) || existing.has(r.name) || isExternal(ctx.options.externalSecrets, p.obj.ns, r.name)) continue;
    const unused = ctx.index.ofKind('ExternalSecret').filter((es) => es.ns === p.obj.ns && (es.m.spec?.target?.name ?? es.name) === r.name);
    ctx.report(p.obj, `uses Secret ${r.name}, which neither the output nor an ExternalSecret or SealedSecret of the app provides${unused.length > 0 ? ` (ExternalSecret ${unused[0].name} has creationPolicy ${unused[0].m.spec?.target?.creationPolicy}, so it writes no Secret)` : ''}, and which is not declared external`, {
      field: r.field,
      fix: `provide ${r.name} with an ExternalSecret or SealedSecret; if it already exists in the cluster, read it through an ExistingSecret or declare it external (externalSecrets)`,
    });
  }
  const keyOf = (name: unknown, key: unknown, field: string, optional: unknown) => {
    if (typeof name !== 'string' || typeof key !== 'string' || optional === true) return;
    const list = all.get(`${ns}/${name}`);
    if (!list || list.length !== 1 || list[0].obj.kind === 'Secret' || list[0].keys === undefined || list[0].keys.has(key)) return;
    const made = [...list[0].keys].sort();
    ctx.report(p.obj, `reads key ${key} of Secret ${name}, which ${list[0].obj.kind} ${list[0].obj.name} does not make (it makes ${made.join(', ') || 'no keys'}): the pod does not start`, {
      field, fix: `read one of the keys ${list[0].obj.kind} ${list[0].obj.name} makes, or add ${key} to it`,
    });
  };
  for (const c of p.allContainers) {
    (Array.isArray(c.c.env) ? c.c.env : []).forEach((e: any, i: number) => {
      const s = e?.valueFrom?.secretKeyRef;
      if (s) keyOf(s.name, s.key, `${c.field}.env[${i}]`, s.optional);
    });
  }
  (Array.isArray(p.spec.volumes) ? p.spec.volumes : []).forEach((v: any, i: number) => {
    const sources = [v?.secret ? { name: v.secret.secretName, items: v.secret.items, optional: v.secret.optional } : undefined,
      ...(Array.isArray(v?.projected?.sources) ? v.projected.sources : []).map((s: any) => s?.secret)];
    for (const s of sources) {
      if (!s) continue;
      (Array.isArray(s.items) ? s.items : []).forEach((item: any) => keyOf(s.name, item?.key, `${p.specField}.volumes[${i}]`, s.optional));
    }
  });
}

export function secretNoPlaintext(ctx: RuleContext): void {
  literalSecrets(ctx);
  sources(ctx);
  const reported = new Set<string>();
  for (const p of ctx.index.podSets) {
    podSecrets(ctx, p);
    plaintextEnv(ctx, p, reported);
    plaintextArgs(ctx, p);
  }
  for (const cm of ctx.index.ofKind('ConfigMap')) configMapSecrets(ctx, cm, reported);
  for (const obj of ctx.index.all) annotationSecrets(ctx, obj);
}

/** Secrets that the workload names as already existing in the cluster (ExistingSecret). */
function existingSecrets(p: PodSet): Set<string> {
  const value = p.obj.annotations[EXISTING_SECRETS_ANNOTATION];
  return new Set(typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : []);
}

const ENV_FIX = (name: string) => `read ${name} from a Secret made by an ExternalSecret or SealedSecret (the workload's secrets prop), or from an existing Secret; if the value is no secret, waive it with the annotation ${SKIP_ANNOTATION_PREFIX}secret-no-plaintext.env: "${name}: <reason>" (a workload's skip['secret-no-plaintext.env'])`;

/**
 * Literal env values of the containers that are secrets: inline, from a key of a ConfigMap of
 * the output, or every key of a ConfigMap read with envFrom. Records the ConfigMap keys it
 * judged in `reported`, so the ConfigMap pass does not report them twice.
 */
function plaintextEnv(ctx: RuleContext, p: PodSet, reported: Set<string>): void {
  const waivers = readWaivers(p.obj.scoped).env;
  for (const c of p.allContainers) {
    const check = (name: string, value: unknown, where: string, field: string, cm: Obj | undefined) => {
      if (typeof value !== 'string') return;
      const problem = plaintextSecretProblem(name, value);
      if (problem === undefined) return;
      const cmWaiver = cm ? readWaivers(cm.scoped).env.get(name) : undefined;
      ctx.report(p.obj, `sets env ${name} of container ${c.name} from ${where}, which ${problem}: it ends up in git with the manifests`, {
        field, alsoSkippedBy: cm ? [cm] : [], waivedBy: waivers.get(name) ?? cmWaiver, fix: ENV_FIX(name),
      });
    };
    (Array.isArray(c.c.env) ? c.c.env : []).forEach((e: any, i: number) => {
      if (typeof e?.name !== 'string') return;
      const ref = e.valueFrom?.configMapKeyRef;
      const cm = ref && typeof ref.name === 'string' ? ctx.index.get('ConfigMap', p.obj.ns, ref.name) : undefined;
      if (cm && isObject(cm.m.data)) {
        reported.add(`${cm.index}/${ref.key}`);
        check(e.name, cm.m.data[ref.key], `ConfigMap ${cm.name} key ${ref.key}`, `${c.field}.env[${i}]`, cm);
      } else {
        check(e.name, e.value, 'a literal value', `${c.field}.env[${i}]`, undefined);
      }
    });
    (Array.isArray(c.c.envFrom) ? c.c.envFrom : []).forEach((e: any, i: number) => {
      const ref = e?.configMapRef;
      const cm = ref && typeof ref.name === 'string' ? ctx.index.get('ConfigMap', p.obj.ns, ref.name) : undefined;
      if (!cm || !isObject(cm.m.data)) return;
      const prefix = typeof e.prefix === 'string' ? e.prefix : '';
      for (const key of Object.keys(cm.m.data).sort()) {
        reported.add(`${cm.index}/${key}`);
        check(prefix + key, cm.m.data[key], `ConfigMap ${cm.name} key ${key} (envFrom)`, `${c.field}.envFrom[${i}]`, cm);
      }
    });
  }
}

/** Secrets passed as command-line flags: `--db-password=hunter2`, `--token hunter2`. */
function plaintextArgs(ctx: RuleContext, p: PodSet): void {
  for (const c of p.allContainers) {
    for (const list of ['command', 'args']) {
      const args: unknown[] = Array.isArray(c.c[list]) ? c.c[list] : [];
      args.forEach((arg, i) => {
        if (typeof arg !== 'string') return;
        let problem: string | undefined;
        const flag = /^--?([A-Za-z][\w.-]*)(?:=(.*))?$/s.exec(arg);
        if (flag && flag[2] !== undefined) {
          problem = plaintextSecretProblem(flag[1], flag[2]);
        } else if (flag && typeof args[i + 1] === 'string' && !(args[i + 1] as string).startsWith('-')) {
          problem = plaintextSecretProblem(flag[1], args[i + 1] as string);
        } else if (!flag) {
          problem = secretFormatProblem(arg);
        }
        if (problem === undefined) return;
        ctx.report(p.obj, `passes a secret on the command line of container ${c.name} (${list}[${i}]${flag ? ` --${flag[1]}` : ''}), which ${problem}: it ends up in git with the manifests and in the process list`, {
          field: `${c.field}.${list}[${i}]`,
          fix: 'read the secret from a file or env var backed by a Secret (the workload\'s secrets prop) and pass $(VAR) or the file path instead',
        });
      });
    }
  }
}

/**
 * ConfigMap entries that hold secrets: secret-named keys with literal values, config files
 * (properties, .env, YAML) that set secrets, private keys in data or binaryData. Keys a pod
 * reads as env were judged with the pod.
 */
function configMapSecrets(ctx: RuleContext, cm: Obj, reported: Set<string>): void {
  const waivers = readWaivers(cm.scoped).env;
  const data = isObject(cm.m.data) ? cm.m.data : {};
  for (const key of Object.keys(data).sort()) {
    if (typeof data[key] !== 'string' || reported.has(`${cm.index}/${key}`)) continue;
    const problem = configEntryProblem(key, data[key]);
    if (problem === undefined) continue;
    ctx.report(cm, `key ${key} ${problem}: a ConfigMap is no place for a secret, and it ends up in git with the manifests`, {
      field: `data.${key}`, waivedBy: waivers.get(key),
      fix: 'move the secret into a Secret from an ExternalSecret or SealedSecret and mount it as a file or read it as an env var',
    });
  }
  const binary = isObject(cm.m.binaryData) ? cm.m.binaryData : {};
  for (const key of Object.keys(binary).sort()) {
    const problem = typeof binary[key] === 'string' ? encodedKeyProblem(binary[key]) : undefined;
    if (problem === undefined) continue;
    ctx.report(cm, `binaryData key ${key} ${problem}`, {
      field: `binaryData.${key}`, waivedBy: waivers.get(key), fix: 'move the key into a Secret from an ExternalSecret or SealedSecret and mount it as a file',
    });
  }
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Secrets in annotations: a known secret format, or a Secret with values in kubectl's last-applied copy. */
function annotationSecrets(ctx: RuleContext, obj: Obj): void {
  for (const key of Object.keys(obj.annotations).sort()) {
    if (key.startsWith(SKIP_ANNOTATION_PREFIX)) continue;
    const value = obj.annotations[key];
    if (typeof value !== 'string') continue;
    let problem: string | undefined;
    if (key === LAST_APPLIED) {
      let applied: any;
      try { applied = JSON.parse(value); } catch { applied = undefined; }
      const values = isObject(applied) && applied.kind === 'Secret'
        ? [...Object.keys(isObject(applied.data) ? applied.data : {}), ...Object.keys(isObject(applied.stringData) ? applied.stringData : {})] : [];
      if (values.length > 0) problem = `holds a copy of a Secret with its values (${keyList(values)})`;
    }
    problem = problem ?? secretFormatProblem(value);
    if (problem === undefined) continue;
    ctx.report(obj, `annotation ${key} ${problem}, which ends up in git with the manifests`, {
      field: `metadata.annotations.${key}`, fix: key === LAST_APPLIED ? 'remove the annotation (kubectl apply wrote it): write the object without it' : 'keep secrets out of annotations: read them from a Secret',
    });
  }
}
