import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
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

describe('a refused document leaves no follow-on finding on the objects around it', () => {

  const yaml = (deployment: string) => [
    deployment,
    'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n',
    'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: web}}\n',
  ].join('---\n');
  const dep = (extra: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n        image: ghcr.io/acme/web:1.4.2\n${extra}`;
  const run = (text: string) => {
    let out = '';
    const code = main(['check', '--format', 'json', '-'], { out: (t) => { out += t; }, err: () => undefined, stdin: () => text });
    return { code, json: JSON.parse(out) };
  };
  const followOn = (json: any) => json.violations.filter((v: any) => v.kind !== 'Deployment' && /selects|endpoints/.test(v.message)).map((v: any) => `${v.kind}: ${v.message}`);

  it.each([
    ['a key given twice', '        image: ghcr.io/acme/web:1.4.3\n'],
    ['a merge source that is not a mapping', '        securityContext:\n          <<: 5\n'],
  ])('%s: the input error only, and the Service and budget are judged against what the document still reads as', (_t, extra) => {
    const r = run(yaml(dep(extra)));
    expect(r.code).toBe(2);
    expect(r.json.inputErrors).toEqual([expect.stringMatching(/^<stdin>#1: is not valid YAML: /)]);
    expect(followOn(r.json)).toEqual([]);
    expect(r.json.violations.filter((v: any) => v.kind === 'Deployment')).toEqual([]);
    expect(r.json.summary.objects).toBe(2);
  });

  it('without the workload at all, the Service and budget are still flagged', () => {
    const r = run(yaml('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: shop}\n'));
    expect(followOn(r.json)).toEqual([
      'Service: selects {app=web}, but no pod template of the app in namespace shop has those labels, so it has no endpoints',
      'PodDisruptionBudget: selects no pods of the app (selector {app=web})',
    ]);
  });
});

describe('an unrendered Helm template', () => {
  const run = (text: string) => {
    let out = '';
    let err = '';
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const code = main(['check', '-'], { out: (t) => { out += t; }, err: (t) => { err += t; }, stdin: () => text });
    process.off('warning', onWarning);
    return { code, out, err, warnings };
  };
  it('gets no warning of the YAML package on standard error (the command, in a process of its own)', () => {
    const text = ['{{- if .Values.create -}}', 'apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: {{ include "demo.name" . }}', '  labels:', '    {{- include "demo.labels" . | nindent 4 }}', '{{- end }}', ''].join('\n');
    const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'cdk8s-guardrails.js'), 'check', '-'], { input: text, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('it looks like an unrendered Helm chart or Go template');
    expect(r.stderr).toBe('');
  }, 60_000);
  it('is an input error that says to render it first, with no JSON note and no warning of the YAML package', async () => {
    const r = run([
      '{{- if .Values.serviceAccount.create -}}', 'apiVersion: v1', 'kind: ServiceAccount', 'metadata:',
      '  name: {{ include "demo.serviceAccountName" . }}', '  labels:', '    {{- include "demo.labels" . | nindent 4 }}',
      'automountServiceAccountToken: {{ .Values.serviceAccount.automount }}', '{{- end }}', '',
    ].join('\n'));
    await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on the next tick
    expect(r.code).toBe(2);
    expect(r.out).toContain('<stdin>: is not valid YAML: ');
    expect(r.out).toContain('; it holds template actions ({{ ... }} on line 1): it looks like an unrendered Helm chart or Go template; render it first (helm template <chart> | cdk8s-guardrails check -) and check the output');
    expect(r.err).toBe('');
    expect(r.warnings).toEqual([]);
  });
  it('leaves template text inside strings alone when the YAML reads (Prometheus and Argo templates)', () => {
    const r = run('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rules\ndata:\n  summary: "{{ $labels.instance }} is down"\n');
    expect(r.out).not.toContain('template actions');
    expect(r.out).not.toContain('Input errors');
  });
});

describe('template actions that YAML reads as maps, and Helm chart files', () => {
  const check = (text: string) => {
    let out = '';
    const code = main(['check', '-'], { out: (t) => { out += t; }, err: () => undefined, stdin: () => text });
    return { code, out };
  };
  it.each([
    ['replicas: {{ .Values.replicaCount }}', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {{ .Values.replicaCount }}\n', 6],
    ['name: {{ template "x.fullname" . }}', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ template "x.fullname" . }}\n', 4],
    ['a document of one action', '{{ .Files.Get "extra.yaml" }}\n', 1],
  ])('%s is an input error that says to render first', (_t, text, line) => {
    const r = check(text);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`<stdin>: has a map key that is itself a map or a list (line ${line}), which Kubernetes cannot read (kubectl: "json: unsupported type"); refused; it holds template actions ({{ ... }} on line ${line}): it looks like an unrendered Helm chart`);
  });
  it('a complex key without template actions is refused without the hint', () => {
    const r = check('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  ? [a, b]\n  : c\n');
    expect(r.code).toBe(2);
    expect(r.out).toContain('<stdin>: has a map key that is itself a map or a list (line 6), which Kubernetes cannot read (kubectl: "json: unsupported type"); refused\n');
  });
  it('Chart.yaml and values.yaml say they belong to a chart', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-'));
    fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
    fs.writeFileSync(path.join(dir, 'values.yaml'), 'replicaCount: 1\n');
    let out = '';
    expect(main(['check', dir], { out: (t) => { out += t; }, err: () => undefined })).toBe(2);
    expect(out).toContain('Chart.yaml: has no kind, so kubectl cannot tell what it is; Chart.yaml is a file of a Helm chart, not a manifest: check the rendered chart (helm template <chart> | cdk8s-guardrails check -)');
    expect(out).toContain('values.yaml: has no apiVersion and kind, so kubectl cannot tell what it is; values.yaml is a file of a Helm chart, not a manifest');
  });
});

describe('empty Lists and standard input named twice', () => {
  const run = (args: string[], stdin: string) => {
    let out = '';
    let err = '';
    const code = main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, stdin: () => stdin });
    return { code, out, err };
  };
  it('an empty List says so', () => {
    const r = run(['check', '-'], 'apiVersion: v1\nkind: List\nitems: []\nmetadata:\n  resourceVersion: ""\n');
    expect(r.code).toBe(2);
    expect(r.out).toContain('<stdin>: has no Kubernetes object (an empty List, items: [], as kubectl get prints when nothing matched)');
  });
  it('empty documents alone keep their words', () => {
    expect(run(['check', '-'], '---\n---\n').out).toContain('<stdin>: has no Kubernetes object (only empty documents)');
  });
  it("'-' named twice is a usage error", () => {
    const r = run(['check', '-', '-'], 'kind: ConfigMap\n');
    expect(r.code).toBe(2);
    expect(r.err).toContain("cdk8s-guardrails: '-' (standard input) is named more than once: it can be read once");
  });
});

describe('Helm template actions inside strings', () => {
  const run = (text: string) => {
    let out = '';
    let err = '';
    main(['check', '-'], { out: (t) => { out += t; }, err: (t) => { err += t; }, stdin: () => text });
    return { out, err };
  };
  it('get a note to check the rendered chart', () => {
    const r = run('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "{{ .Release.Name }}-config"\n');
    expect(r.err).toContain('cdk8s-guardrails: note: <stdin>: holds Helm template actions ({{ .Release.Name }} on line 4); if it is a template of a chart, check the rendered chart instead (helm template <chart> | cdk8s-guardrails check -)');
  });
  it('other template languages in strings get none (Prometheus, Argo Workflows)', () => {
    const r = run('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "{{ $labels.instance }} is down"\n  b: "{{inputs.parameters.message}}"\n');
    expect(r.err).not.toContain('Helm template actions');
  });
});
