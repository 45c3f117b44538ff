/** `secret-no-plaintext`: no Secret with literal values; every Secret a pod uses has a known source. */
import { RuleContext } from '../context';
import { ObjectIndex, isExternal, isObject } from '../objects';
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
    for (const r of configRefs(p)) {
      if (r.kind !== 'Secret' || r.optional || seen.has(r.name)) continue;
      seen.add(r.name);
      if (produced.has(`${p.obj.ns ?? ''}/${r.name}`) || isExternal(ctx.options.externalSecrets, p.obj.ns, r.name)) continue;
      ctx.report(p.obj, `uses Secret ${r.name}, which neither the output nor an ExternalSecret or SealedSecret of the app provides, and which is not declared external`, {
        field: r.field,
        fix: `provide ${r.name} with an ExternalSecret or SealedSecret, or declare it external (externalSecrets) if it already exists in the cluster`,
      });
    }
  }
}
