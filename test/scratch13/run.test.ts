import { it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';
function flags(...objects: any[]): string[] {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations.filter((v) => v.rule === 'api-valid').map((v) => `${v.field}: ${v.message}`);
}
const podSpec = (spec: any = {}, over: any = {}) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx:1', ...over }], ...spec } } } });
it('print', () => {
  for (const x of [
    podSpec({ os: { name: 'windows' }, securityContext: { windowsOptions: { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' } }, initContainers: [{ name: 'i', image: 'x:1', securityContext: { windowsOptions: { hostProcess: false } } }] }),
    podSpec({ os: { name: 'windows' }, hostNetwork: true, securityContext: { windowsOptions: { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' } } }),
    podSpec({}, { securityContext: { windowsOptions: { runAsUserName: 'a\\b\\c', gmsaCredentialSpecName: 'Bad_Name', gmsaCredentialSpec: '' } } }),
    podSpec({}, { securityContext: { windowsOptions: { runAsUserName: 'DOM:AIN\\user' } } }),
    podSpec({}, { securityContext: { windowsOptions: { runAsUserName: 'user@x' } } }),
    podSpec({}, { securityContext: { windowsOptions: { runAsUserName: 'ContainerUser' } } }),
  ]) console.log(JSON.stringify(flags(x), null, 1));
});
