import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';

function run(args: string[], stdin?: string): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, stdin: () => stdin ?? '' });
  return { code, out, err };
}

function dir(files: { [name: string]: string }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-trial-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
    fs.writeFileSync(path.join(d, name), text);
  }
  return d;
}

const CM = (name: string, ns?: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}immutable: true\ndata:\n  a: "1"\n`;

describe('the CLI names every command and what it leaves out', () => {
  it('an unknown command lists check, rules, traffic and synth; the usage shows them', () => {
    const r = run(['lint']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cdk8s-guardrails: unknown command "lint": expected check, rules, traffic or synth');
    expect(r.err).toContain('cdk8s-guardrails traffic [options]');
    expect(r.err).toContain('cdk8s-guardrails synth <app.ts or .js>');
  });

  it('says on stderr that hidden directories and node_modules are not searched', () => {
    const d = dir({ 'a.yaml': CM('a'), '.git/x.yaml': CM('x'), 'node_modules/p/y.yaml': CM('y') });
    const r = run(['check', d]);
    expect(r.err).toContain(`cdk8s-guardrails: note: ${path.join(d, '.git')}: a hidden directory, not searched (name it on the command line to check it)\n`);
    expect(r.err).toContain(`cdk8s-guardrails: note: ${path.join(d, 'node_modules')}: node_modules, not searched`);
    expect(r.out).toContain('1 objects');
  });

  it('says nothing when there is nothing hidden', () => {
    expect(run(['check', dir({ 'a.yaml': CM('a') })]).err).toBe('');
  });
});

describe('--namespace: objects without a namespace are in the namespace kubectl would put them in', () => {
  // A Service without a namespace selects the pods of a Deployment that names namespace default.
  const deploy = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: app\n        image: ghcr.io/acme/web:1.4.2\n`;
  const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n';
  const orphan = (out: string) => out.split('\n').filter((l) => l.includes('Service web') && l.includes('selects no pods'));

  it('joins them with the objects of namespace default by default', () => {
    const r = run(['check', '-'], `${deploy}---\n${svc}`);
    expect(orphan(r.out)).toEqual([]);
    expect(r.out).toContain('container "app" serves on port 80 (Service web targets it)');
  });

  it('puts them in the namespace given, apart from namespace default', () => {
    const r = run(['check', '--namespace', 'shop', '-'], `${deploy}---\n${svc}`);
    expect(r.out).not.toContain('container "app" serves on port 80 (Service web targets it)');
  });

  it('refuses a namespace that is no namespace name', () => {
    const r = run(['check', '--namespace', 'Shop_1', '-'], svc);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--namespace "Shop_1": expected a namespace name');
  });
});

describe('SARIF locations are URI references', () => {
  it('percent-encodes spaces, and describes standard input instead of giving it a URI', () => {
    const d = dir({ 'my dir/web.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx\n' });
    const log = JSON.parse(run(['check', '--format', 'sarif', path.join(d, 'my dir')]).out);
    const uris = new Set(log.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri));
    expect([...uris]).toEqual([`${path.join(d, 'my dir').split(path.sep).map(encodeURIComponent).join('/')}/web.yaml`]);
    expect([...uris][0]).toContain('/my%20dir/web.yaml');
    const stdin = JSON.parse(run(['check', '--format', 'sarif', '-'], 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx\n').out);
    expect(stdin.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ description: { text: 'standard input' } });
    expect(stdin.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
  });
});

describe('SARIF regions point at the field when the file can be read again', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n  containers:\n  - name: a\n    image: nginx\n';
  it('gives the line of the field, or of its closest ancestor present, in the second document', () => {
    const d = dir({ 'p.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nimmutable: true\ndata:\n  a: "1"\n---\n${pod}` });
    const log = JSON.parse(run(['check', '--format', 'sarif', path.join(d, 'p.yaml')]).out);
    const at = (rule: string, field: string) => log.runs[0].results.find((r: any) => r.ruleId === rule && r.locations[0].logicalLocations[0].fullyQualifiedName.endsWith(`:${field}`))?.locations[0].physicalLocation.region.startLine;
    expect(at('pod-security', 'spec.hostNetwork')).toBe(14);
    expect(at('image-pinned', 'spec.containers[0].image')).toBe(17);
    expect(at('probe-liveness', 'spec.containers[0].livenessProbe')).toBe(16); // missing: the container's line
  });
  const lineOf = (log: any, rule: string, field: string) => log.runs[0].results.find((r: any) => r.ruleId === rule && r.locations[0].logicalLocations[0].fullyQualifiedName.endsWith(`:${field}`))?.locations[0].physicalLocation.region.startLine;
  it('gives the line of the field in the stream for standard input, in every document', () => {
    const log = JSON.parse(run(['check', '--format', 'sarif', '-'], pod).out);
    expect(lineOf(log, 'pod-security', 'spec.hostNetwork')).toBe(6);
    expect(lineOf(log, 'image-pinned', 'spec.containers[0].image')).toBe(9);
    const two = JSON.parse(run(['check', '--format', 'sarif', '-'], `# rendered\n---\n${pod}---\n${pod.replace('name: p', 'name: q')}`).out);
    const lines = two.runs[0].results.filter((r: any) => r.ruleId === 'image-pinned').map((r: any) => r.locations[0].physicalLocation.region.startLine);
    expect(lines).toEqual([11, 21]);
  });
  it('gives the line of the field inside an item of a List, and inside JSON', () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n${pod.replace(/^/gm, '  ').replace(/^  apiVersion/, '- apiVersion').trimEnd()}\n`;
    const log = JSON.parse(run(['check', '--format', 'sarif', '-'], list).out);
    expect(lineOf(log, 'labels', 'metadata.labels')).toBe(6); // missing: metadata's line in items[0]
    expect(lineOf(log, 'pod-security', 'spec.hostNetwork')).toBe(13);
    expect(lineOf(log, 'image-pinned', 'spec.containers[0].image')).toBe(16);
    const d = dir({ 'p.json': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'nginx' }] } }, null, 2) });
    expect(lineOf(JSON.parse(run(['check', '--format', 'sarif', path.join(d, 'p.json')]).out), 'image-pinned', 'spec.containers[0].image')).toBe(11);
  });
});
