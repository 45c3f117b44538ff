import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { DEFAULT_OPTIONS } from '../../lib/practices/model';
import { decodeText } from '../../lib/practices/read';
import { App, manifests } from './helpers';

const checked = (mutate: (app: App) => void, extra: any[] = []) =>
  checkManifests([...manifests(mutate), ...extra].map((manifest) => ({ manifest })), DEFAULT_OPTIONS);

describe('decodeText: UTF-32 by its byte order mark', () => {
  const text = 'kind: ConfigMap\n';
  const le = Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), ...[...text].map((ch) => Buffer.from([ch.charCodeAt(0), 0, 0, 0]))]);
  const be = Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), ...[...text].map((ch) => Buffer.from([0, 0, 0, ch.charCodeAt(0)]))]);
  it.each([['little-endian', le], ['big-endian', be]])('%s is UTF-32, not UTF-16', (_t, bytes) => {
    expect(decodeText(bytes, 'f.yaml')).toEqual({ problem: 'f.yaml: is UTF-32 text; manifests are read as UTF-8 (convert it, e.g. iconv -f UTF-32 -t UTF-8)' });
  });
  it('UTF-16 with its mark is still UTF-16', () => {
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'f.yaml').problem).toMatch(/is UTF-16 text/);
  });
});

describe('pod-security id exceptions are written as ids are: no leading zero', () => {
  const P = 'guardrails.cdk8s.io/skip.pod-security';
  const withUid = (line: string) => (app: App) => {
    app.deployment.metadata.annotations = { ...app.deployment.metadata.annotations, [`${P}.runAsUser`]: line };
    app.deployment.spec.template.spec.securityContext.runAsUser = 1000;
  };
  it('refuses 01000 and waives nothing', () => {
    const r = checked(withUid('01000: vendor image'));
    expect(r.warnings.filter((w) => w.includes('runAsUser'))).toEqual([
      `Deployment shop/web: skip annotation ${P}.runAsUser: the line "01000: vendor image" is not "<UID from 1 to 10000, no leading zero>: <reason>"; it waives nothing`,
    ]);
  });
  it('accepts 1000', () => {
    expect(checked(withUid('1000: vendor image')).warnings.filter((w) => w.includes('runAsUser'))).toEqual([]);
  });
});

describe('an Argo ClusterWorkflowTemplate is cluster-scoped; writing a WorkflowTemplate runs no pod', () => {
  it('prints a ClusterWorkflowTemplate without a namespace', () => {
    const cwt = { apiVersion: 'argoproj.io/v1alpha1', kind: 'ClusterWorkflowTemplate', metadata: { name: 'wf5' }, spec: { volumes: [{ name: 'h', hostPath: { path: '/' } }], templates: [{ name: 'a', container: { image: 'alpine:3.19.1' } }] } };
    const v = checked(() => undefined, [cwt]).violations.filter((x) => x.kind === 'ClusterWorkflowTemplate' && x.rule !== 'labels');
    expect(v.map((x) => [x.namespace, x.rule, x.field])).toEqual([[undefined, 'pod-security', 'spec.volumes[0].hostPath']]);
  });
  it('ns-rbac: create on workflowtemplates and clusterworkflowtemplates is not called running pods; workflows still is', () => {
    const rbac = (resources: string[]) => checked((app) => { app.role.rules = [{ apiGroups: ['argoproj.io'], resources, verbs: ['create'] }]; })
      .violations.filter((v) => v.rule === 'ns-rbac').map((v) => v.message);
    expect(rbac(['workflowtemplates', 'clusterworkflowtemplates'])).toEqual([]);
    expect(rbac(['workflows'])).toEqual([
      'grants create on workflows (argoproj.io): whoever creates or changes a workload (workflows) runs pods as any ServiceAccount of the namespace, with any Secret, ConfigMap and volume of it mounted',
    ]);
  });
});
