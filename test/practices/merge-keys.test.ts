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
