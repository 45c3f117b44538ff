import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { GuardrailsApp, SafeDeployment, SafeJob } from '../../lib';
import { errorOf, tmpdir } from '../helpers';

const IMAGE = 'ghcr.io/acme/web:1.4.2';

/** Every file under `dir`, relative, sorted. */
const files = (dir: string) => (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();

describe('the files an app writes are files kubectl and check read', () => {
  it.each(['.txt', '.yaml.bak', '', '.k8s'])('outputFileExtension %j is refused: kubectl apply -f <dir> and check <dir> would skip the files', (ext) => {
    expect(errorOf(() => new GuardrailsApp({ outdir: tmpdir(), outputFileExtension: ext }))).toBe(
      `GuardrailsApp: invalid outputFileExtension ${JSON.stringify(ext)}; expected a file name ending in .yaml, .yml or .json (such as ".k8s.yaml"): \`kubectl apply -f <dir>\` and \`cdk8s-guardrails check <dir>\` read only those files.`);
  });

  it.each(['.yaml', '.yml', '.json', '.k8s.yaml'])('outputFileExtension %j is taken', (ext) => {
    const outdir = tmpdir();
    const app = new GuardrailsApp({ outdir, outputFileExtension: ext });
    new SafeJob(new Chart(app, 'c', { namespace: 'n' }), 'j', { image: IMAGE });
    app.synth();
    expect(files(outdir)).toEqual([`c${ext}`]);
  });

  it('a chart holding only a nested chart writes no empty file; the numbering stays', () => {
    const outdir = tmpdir();
    const app = new GuardrailsApp({ outdir });
    const parent = new Chart(app, 'parent');
    new SafeJob(new Chart(parent, 'child', { namespace: 'x' }), 'j', { image: IMAGE });
    app.synth();
    expect(files(outdir)).toEqual(['0000-parent-child-c83edac1.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, '0000-parent-child-c83edac1.k8s.yaml'), 'utf8')).toContain('kind: Job');
  });

  it('nor an empty app file, nor an empty chart folder', () => {
    const perApp = tmpdir();
    const a = new GuardrailsApp({ outdir: perApp, yamlOutputType: YamlOutputType.FILE_PER_APP });
    new Chart(a, 'empty');
    a.synth();
    expect(files(perApp)).toEqual([]);
    const folders = tmpdir();
    const b = new GuardrailsApp({ outdir: folders, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    new SafeJob(new Chart(new Chart(b, 'parent'), 'child', { namespace: 'x' }), 'j', { image: IMAGE });
    b.synth();
    expect(fs.readdirSync(folders)).toEqual(['0000-parent-child-c83edac1']);
  });

  it.each([YamlOutputType.FILE_PER_RESOURCE, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE])(
    'same-named kinds of two API groups get files named by group (output type %s); other names stay as cdk8s writes them', (type) => {
      const outdir = tmpdir();
      const app = new GuardrailsApp({ outdir, yamlOutputType: type });
      const chart = new Chart(app, 'x', { namespace: 'n' });
      new ApiObject(chart, 'r1', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } as any);
      new ApiObject(chart, 'r2', { apiVersion: 'example.com/v1', kind: 'Role', metadata: { name: 'r' } });
      new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'r' }, data: {} } as any);
      app.synth();
      const prefix = type === YamlOutputType.FILE_PER_RESOURCE ? '' : 'x/';
      expect(files(outdir)).toEqual([`${prefix}ConfigMap.r.k8s.yaml`, `${prefix}Role.example.com.r.k8s.yaml`, `${prefix}Role.rbac.authorization.k8s.io.r.k8s.yaml`]);
      expect(fs.readFileSync(path.join(outdir, `${prefix}Role.example.com.r.k8s.yaml`), 'utf8')).toContain('apiVersion: example.com/v1');
    });

  it('the same kind and name in two namespaces keep <kind>.<namespace>.<name>', () => {
    const outdir = tmpdir();
    const app = new GuardrailsApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    for (const ns of ['a', 'b']) new SafeJob(new Chart(app, ns, { namespace: ns }), 'm', { image: IMAGE });
    app.synth();
    expect(files(outdir).filter((f) => f.startsWith('Job'))).toEqual(['Job.a.m.k8s.yaml', 'Job.b.m.k8s.yaml']);
  });

  it('an outdir that cannot be created is named with the cause', () => {
    const outdir = path.join(tmpdir(), 'x'.repeat(300));
    const app = new GuardrailsApp({ outdir });
    new SafeDeployment(new Chart(app, 'c', { namespace: 'n' }), 'w', { image: IMAGE, port: 8080 });
    expect(errorOf(() => app.synth())).toBe(
      `GuardrailsApp: cannot write the manifests to the outdir ${JSON.stringify(outdir)}: a file name is too long (ENAMETOOLONG at ${JSON.stringify(outdir)}); choose an outdir this program can create and write (App props \`outdir\`, or CDK8S_OUTDIR).`);
  });

  it('a plain App is told the same about its extension', () => {
    const app = new App({ outdir: tmpdir(), outputFileExtension: '.txt' });
    new SafeJob(new Chart(app, 'c', { namespace: 'n' }), 'j', { image: IMAGE });
    expect(errorOf(() => app.synth())).toContain('App: invalid outputFileExtension ".txt"; expected a file name ending in .yaml, .yml or .json');
  });
});
