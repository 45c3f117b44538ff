import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { readManifestText } from '../../lib/practices/read';

const POD = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: n}
x-defaults: &priv
  privileged: true
spec:
  restartPolicy: Never
  containers:
    - name: c
      image: ghcr.io/acme/c:1.2.3
      securityContext:
SC`;
const pod = (sc: string) => POD.replace('SC', sc.split('\n').map((l) => `        ${l}`).join('\n') + '\n');

function check(yaml: string): { code: number; out: string } {
  let out = '';
  const code = main(['check', '--format', 'json', '--profile', 'baseline', '-'], { out: (t) => { out += t; }, err: () => undefined, stdin: () => yaml });
  return { code, out };
}

describe('merge keys that readers resolve differently are input errors, as a key given twice', () => {
  it('refuses a merge key after the key it sets (Go applies the merged value, true)', () => {
    expect(readManifestText(pod('privileged: false\n<<: {privileged: true}'), 'p.yaml').problems).toEqual([
      'p.yaml: is not valid YAML: in spec.containers[0].securityContext, the merge key << at line 13 sets "privileged" again after line 12 set it. '
      + 'Go\'s YAML reader (kubectl, Helm) applies the later value, true; readers that follow the merge-key spec keep the first; a strict reader refuses the file ("key already set in map"). '
      + 'Refused as an input error, like any key given twice: set "privileged" once, or put the merge key first',
    ]);
    const r = check(pod('privileged: false\n<<: {privileged: true}'));
    expect(r.code).toBe(2);
  });

  it('refuses an alias merged after the key, and a second merge key over the first', () => {
    expect(readManifestText(pod('privileged: false\n<<: *priv'), 'p.yaml').problems[0]).toMatch(/^p\.yaml: is not valid YAML: in spec\.containers\[0\]\.securityContext, the merge key << at line 13 sets "privileged" again after line 12 set it\. Go's YAML reader \(kubectl, Helm\) applies the later value, true;/);
    expect(readManifestText(pod('<<: {privileged: false}\n<<: *priv'), 'p.yaml').problems[0]).toMatch(/the merge key << at line 13 sets "privileged" again after line 12 set it\. Go's YAML reader \(kubectl, Helm\) applies the later value, true;/);
  });

  it('reads a merge key that comes first, overridden by the keys after it, as every reader does', () => {
    const r = readManifestText(pod('<<: *priv\nprivileged: false'), 'p.yaml');
    expect(r.problems).toEqual([]);
    expect((r.inputs[0].manifest as any).spec.containers[0].securityContext).toEqual({ privileged: false });
  });

  it('reads a list of merged maps first one first, as Go does, and flags what it gives', () => {
    const r = readManifestText(pod('<<: [*priv, {privileged: false}]'), 'p.yaml');
    expect(r.problems).toEqual([]);
    expect((r.inputs[0].manifest as any).spec.containers[0].securityContext).toEqual({ privileged: true });
    const found = JSON.parse(check(pod('<<: [*priv, {privileged: false}]')).out).violations.filter((v: any) => v.rule === 'pod-security').map((v: any) => v.message);
    expect(found).toEqual(['container "c" is privileged']);
  });
});

describe('a merge source that is not a mapping, and an alias without its anchor, are input errors of their document', () => {
  const MERGE = 'is not valid YAML: the merge key << at line 13 takes WHAT; a merge takes a mapping, an alias of one, or a list of those, and go-yaml refuses anything else ("map merge requires map or sequence of maps as the value")';
  it.each([
    ['<<: 5', 'the scalar 5'],
    ['<<: ~', 'null'],
    ['<<: "x"', 'the scalar "x"'],
    ['<<: [1]', 'a list holding the scalar 1'],
    ['<<: [*priv, 2]', 'a list holding the scalar 2'],
  ])('refuses %s with the place and what it takes', (line, what) => {
    expect(readManifestText(pod(`privileged: false\n${line}`), 'p.yaml').problems).toEqual([`p.yaml: ${MERGE.replace('WHAT', what)}`]);
  });

  it('refuses a merge of an alias of a scalar', () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: &l x\n  annotations:\n    <<: *l\n';
    expect(readManifestText(yaml, 'c.yaml').problems).toEqual([
      'c.yaml: is not valid YAML: the merge key << at line 7 takes the alias *l of the scalar "x"; a merge takes a mapping, an alias of one, or a list of those, and go-yaml refuses anything else ("map merge requires map or sequence of maps as the value")',
    ]);
  });

  it('refuses an unknown anchor and an anchor that contains its own alias', () => {
    expect(readManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: *nope\n', 'c.yaml').problems).toEqual([
      'c.yaml: is not valid YAML: the alias *nope at line 6 names no anchor set before it; go-yaml refuses it ("unknown anchor \'nope\' referenced"): set &nope on a value above, or write the value',
    ]);
    expect(readManifestText('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata: &d\n  a: *d\n', 'c.yaml').problems).toEqual([
      'c.yaml: is not valid YAML: the alias *d at line 6 is inside the value its anchor names; go-yaml refuses it ("anchor \'d\' value contains itself")',
    ]);
    // An alias used after its anchor, and a merge of a list of mappings, still read.
    const ok = readManifestText(pod('<<: [*priv, {runAsNonRoot: true}]\nallowPrivilegeEscalation: false'), 'p.yaml');
    expect(ok.problems).toEqual([]);
    expect(ok.inputs[0].manifest.spec.containers[0].securityContext).toEqual({ privileged: true, runAsNonRoot: true, allowPrivilegeEscalation: false });
  });

  it('checks the other documents and files, and still writes JSON', () => {
    const good = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good, namespace: n}\ndata: {a: b}\n';
    const r = check(`${pod('<<: 5')}---\n${good}`);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.out);
    expect(out.inputErrors).toEqual([`<stdin>#1: ${MERGE.replace('WHAT', 'the scalar 5').replace('line 13', 'line 12')}`]);
    expect(out.summary.objects).toBe(1);
  });
});
