import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { readManifestText } from '../../lib/practices/read';

function run(args: string[], stdin?: string | Uint8Array): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, stdin: () => stdin ?? '' });
  return { code, out, err };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'check-input-'));
}

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels: {app.kubernetes.io/name: s, app.kubernetes.io/instance: s, app.kubernetes.io/managed-by: m}\ndata: {a: b}\n';

/** A directory with one clean object and `extra` files. */
function dirWith(extra: (dir: string) => void): string {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'a.yaml'), CM);
  extra(dir);
  return dir;
}

describe('check: inputs that cannot be read are input errors (exit 2), never a silent pass', () => {
  it.each<[string, (dir: string) => void, string]>([
    ['an empty file', (d) => fs.writeFileSync(path.join(d, 'empty.yaml'), ''), 'empty.yaml: is empty: there is no manifest to check'],
    ['a file of comments and empty documents', (d) => fs.writeFileSync(path.join(d, 'c.yaml'), '# nothing\n---\n---\n'), 'c.yaml: has no Kubernetes object (only empty documents)'],
    ['a binary file', (d) => fs.writeFileSync(path.join(d, 'b.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])), 'b.yaml: is binary data (it contains NUL bytes), not YAML or JSON'],
    ['a UTF-16 file', (d) => fs.writeFileSync(path.join(d, 'u.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CM, 'utf16le')])), 'u.yaml: is UTF-16 text; manifests are read as UTF-8'],
    ['invalid UTF-8', (d) => fs.writeFileSync(path.join(d, 'l.yaml'), Buffer.from([0x6b, 0x3a, 0x20, 0xc3, 0x28])), 'l.yaml: is not valid UTF-8 text'],
    ['a scalar document', (d) => fs.writeFileSync(path.join(d, 's.yaml'), 'just text\n'), 's.yaml: is a string ("just text"), not a Kubernetes object'],
    ['a top-level JSON array', (d) => fs.writeFileSync(path.join(d, 'arr.json'), `[${JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })}]`), 'arr.json: is a list (a YAML sequence or JSON array), not a Kubernetes object'],
    ['an object without kind', (d) => fs.writeFileSync(path.join(d, 'k.yaml'), 'apiVersion: v1\nmetadata: {name: x}\n'), 'k.yaml: has no kind, so kubectl cannot tell what it is'],
    ['an object without apiVersion', (d) => fs.writeFileSync(path.join(d, 'v.yaml'), 'kind: Pod\nmetadata: {name: x}\n'), 'v.yaml: has no apiVersion, so kubectl cannot tell what it is'],
    ['a kind that is not a string', (d) => fs.writeFileSync(path.join(d, 'n.yaml'), 'apiVersion: v1\nkind: 3\nmetadata: {name: x}\n'), 'n.yaml: has no kind (it is 3, not a string)'],
    ['an object without a name', (d) => fs.writeFileSync(path.join(d, 'm.yaml'), 'apiVersion: v1\nkind: ConfigMap\ndata: {}\n'), 'm.yaml: ConfigMap has no metadata.name, which the API server requires'],
    ['a List item that is not an object', (d) => fs.writeFileSync(path.join(d, 'li.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: ['x'] })), 'li.json[0]: is a string ("x"), not a Kubernetes object'],
    ['invalid YAML', (d) => fs.writeFileSync(path.join(d, 'i.yaml'), 'a: [unclosed\n'), 'i.yaml: is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1\n'],
    ['a key given twice', (d) => fs.writeFileSync(path.join(d, 'dup.yaml'), `${CM}data: {c: d}\n`), 'dup.yaml: is not valid YAML: Map keys must be unique at line 7, column 1 (data: {c: d})'],
    ['an alias bomb', (d) => fs.writeFileSync(path.join(d, 'bomb.yaml'), `${CM}x: &a [l,l,l,l,l,l,l,l,l]\ny: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nz: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nw: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`), 'bomb.yaml: expands YAML aliases excessively (an alias bomb), as go-yaml refuses'],
    ['a dangling symbolic link', (d) => fs.symlinkSync(path.join(d, 'gone.yaml'), path.join(d, 'link.yaml')), 'link.yaml: is a dangling symbolic link (to '],
    ['a symbolic link loop to a directory', (d) => { fs.mkdirSync(path.join(d, 'sub')); fs.symlinkSync(d, path.join(d, 'sub', 'up')); }, `up: is a symbolic link loop (it leads back to `],
    ['a symbolic link to itself', (d) => fs.symlinkSync(path.join(d, 'self.yaml'), path.join(d, 'self.yaml')), 'self.yaml: cannot be followed: a symbolic link loop'],
    ['a named pipe inside a directory', (d) => execFileSync('mkfifo', [path.join(d, 'x.yaml')]), 'x.yaml: is a named pipe, not a regular file; skipped (name it on the command line to read it)'],
  ])('%s', (_title, make, message) => {
    const dir = dirWith(make);
    const r = run(['check', dir]);
    expect(r.out).toContain(message);
    expect(r.out).toContain('Input errors (not checked):\n');
    expect(r.out).not.toMatch(/^OK/m);
    expect(r.out).toMatch(/INPUT ERROR: 1 objects in \d+ files? break no rule \(0 suppressed\); 1 input error: what could not be read was not checked.\n$/);
    expect(r.err).toBe('');
    expect(r.code).toBe(2);
  });

  it('a file that cannot be read', () => {
    if (process.getuid?.() === 0) return; // root reads everything: nothing to show
    const dir = dirWith((d) => { fs.writeFileSync(path.join(d, 'secret.yaml'), CM); fs.chmodSync(path.join(d, 'secret.yaml'), 0); });
    const r = run(['check', dir]);
    expect(r.out).toContain('secret.yaml: cannot be read: permission denied');
    expect(r.code).toBe(2);
  });

  it('empty standard input', () => {
    const r = run(['check', '-'], '');
    expect(r.out).toContain('<stdin>: is empty: there is no manifest to check');
    expect(r.code).toBe(2);
  });

  it('a directory without manifests', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const r = run(['check', dir]);
    expect(r.out).toContain(`${dir}: has no *.yaml, *.yml or *.json file to check`);
    expect(r.code).toBe(2);
  });

  it('a device named on the command line', () => {
    const r = run(['check', '/dev/null']);
    expect(r.out).toContain('/dev/null: is a character device, not a file or directory of manifests');
    expect(r.code).toBe(2);
  });

  it('reports input errors in JSON, SARIF and JUnit too, and on stderr', () => {
    const dir = dirWith((d) => fs.writeFileSync(path.join(d, 'empty.yaml'), ''));
    const j = run(['check', '--format', 'json', dir]);
    expect(JSON.parse(j.out).inputErrors).toEqual([`${path.join(dir, 'empty.yaml')}: is empty: there is no manifest to check`]);
    expect(j.err).toBe(`cdk8s-guardrails: input error: ${path.join(dir, 'empty.yaml')}: is empty: there is no manifest to check\n`);
    expect(j.code).toBe(2);
    const s = JSON.parse(run(['check', '--format', 'sarif', dir]).out);
    expect(s.runs[0].invocations[0]).toEqual({ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: `${path.join(dir, 'empty.yaml')}: is empty: there is no manifest to check` } }] });
    expect(run(['check', '--format', 'junit', dir]).out).toContain(`<error type="input" message="${path.join(dir, 'empty.yaml')}: is empty: there is no manifest to check"/>`);
  });
});

describe('check: what can be read is read', () => {
  it('follows a symbolic link to a directory, and checks a file reached twice once', () => {
    const real = dirWith(() => undefined);
    const dir = tmp();
    fs.symlinkSync(real, path.join(dir, 'linked'));
    fs.symlinkSync(real, path.join(dir, 'again'));
    const r = run(['check', dir]);
    expect(r.out).toMatch(/OK: 1 objects in 1 file break no rule/);
    expect(r.code).toBe(0);
  });

  it('expands nested Lists as kubectl does', () => {
    const pod = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { 'app.kubernetes.io/name': 'x', 'app.kubernetes.io/instance': 'x', 'app.kubernetes.io/managed-by': 'm' } } });
    const list = { apiVersion: 'v1', kind: 'List', items: [pod('a'), { apiVersion: 'v1', kind: 'ConfigMapList', items: [pod('b'), pod('c')] }] };
    const r = run(['check', '--format', 'json', '-'], JSON.stringify(list));
    expect(JSON.parse(r.out).summary.objects).toBe(3);
    expect(r.code).toBe(0);
  });

  it('reads a named pipe given on the command line (check <(helm template ...))', () => {
    const dir = tmp();
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const out = execFileSync('bash', ['-c', `(printf '%s' "$0" > ${fifo} &) ; node -e "require('ts-node').register({transpileOnly:true,project:'tsconfig.dev.json'});process.exitCode=require('./lib/cli/main.ts').main(['check','${fifo}'])"`, CM], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..') });
    expect(out).toContain('OK: 1 objects in 1 file break no rule');
  });

  it('drops a UTF-8 byte order mark', () => {
    const r = run(['check', '-'], Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CM)]));
    expect(r.code).toBe(0);
  });
});

describe('reading YAML as sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) does', () => {
  const read = (yaml: string) => {
    const r = readManifestText(`apiVersion: v1\nkind: X\nmetadata: {name: x}\n${yaml}`, 'f');
    expect(r.problems).toEqual([]);
    return r.inputs[0].manifest;
  };

  it.each([
    ['yes', true], ['Yes', true], ['YES', true], ['on', true], ['On', true], ['ON', true], ['y', true], ['Y', true], ['true', true], ['True', true],
    ['no', false], ['No', false], ['NO', false], ['off', false], ['Off', false], ['OFF', false], ['n', false], ['N', false], ['false', false],
    ['"yes"', 'yes'], ["'on'", 'on'], ['yEs', 'yEs'], ['oN', 'oN'],
    ['0777', 511], ['0o17', 15], ['0x1F', 31], ['0X1F', 31], ['0b101', 5], ['1_000', 1000], ['+12', 12], ['08', 8],
    ['1.5', 1.5], ['1e3', 1000], ['1e400', '1e400'], ['.inf', Infinity], ['2024-01-05', '2024-01-05'], ['1:30', '1:30'], ['~', null], ['Null', null],
  ])('%s reads as %j', (text, value) => {
    expect(read(`v: ${text}\n`).v).toEqual(value);
  });

  it('reads yes/no map keys as "true"/"false"', () => {
    expect(Object.keys(read('m:\n  on: a\n  no: b\n').m)).toEqual(['true', 'false']);
  });

  it('resolves merge keys; explicit keys win', () => {
    const m = read('base: &b {privileged: true, runAsUser: 0}\nsc:\n  <<: *b\n  runAsUser: 10001\nmany:\n  <<: [*b, {x: 1}]\n');
    expect(m.sc).toEqual({ privileged: true, runAsUser: 10001 });
    expect(m.many).toEqual({ privileged: true, runAsUser: 0, x: 1 });
  });

  it('numbers each document of a file and records its first line', () => {
    const r = readManifestText(`${CM}---\n# a comment\n${CM.replace('settings', 'other')}`, 'f.yaml');
    expect(r.inputs.map((i) => i.source)).toEqual(['f.yaml#1', 'f.yaml#2']);
    expect([...r.lines]).toEqual([['f.yaml#1', 1], ['f.yaml#2', 9]]);
  });
});

describe('check: YAML 1.1 values are judged as the API server will see them', () => {
  const POD = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: n}
x-defaults: &sc
  privileged: true
  allowPrivilegeEscalation: false
spec:
  hostNetwork: HOST
  containers:
    - name: c
      image: ghcr.io/acme/c:1.2.3
      securityContext:
        <<: *sc
`;
  const rules = (yaml: string) => JSON.parse(run(['check', '--format', 'json', '--profile', 'baseline', '-'], yaml).out).violations
    .filter((v: any) => v.rule === 'pod-security').map((v: any) => v.message);

  it('flags hostNetwork: yes / on, and privileged: true inherited through a merge key', () => {
    expect(rules(POD.replace('HOST', 'yes')).sort()).toEqual(['container "c" is privileged', "shares the node's Network namespace (hostNetwork: true)"]);
    expect(rules(POD.replace('HOST', 'on'))).toContain("shares the node's Network namespace (hostNetwork: true)");
  });

  it('does not flag hostNetwork: no / off, nor a quoted "yes" (a string, which the API server rejects as not a boolean)', () => {
    for (const v of ['no', 'off', 'false', '"yes"']) expect(rules(POD.replace('HOST', v).replace('privileged: true', 'privileged: off'))).toEqual([]);
  });
});

describe('check --format sarif and junit', () => {
  const dir = dirWith((d) => fs.writeFileSync(path.join(d, 'pod.yaml'), `${CM}---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app.kubernetes.io/name: p, app.kubernetes.io/instance: p, app.kubernetes.io/managed-by: m}}\nspec:\n  restartPolicy: Never\n  hostPID: true\n  containers: [{name: c, image: 'ghcr.io/acme/c:latest'}]\n`));

  it('writes SARIF 2.1.0 with the rule catalog and one result per violation, located by file and line', () => {
    const r = run(['check', '--format', 'sarif', '--profile', 'baseline', dir]);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(log.version).toBe('2.1.0');
    const run0 = log.runs[0];
    expect(run0.tool.driver.rules.map((x: any) => x.id)).toContain('image-pinned');
    const pinned = run0.results.find((x: any) => x.ruleId === 'image-pinned');
    expect(pinned.level).toBe('error');
    expect(run0.tool.driver.rules[pinned.ruleIndex].id).toBe('image-pinned');
    expect(pinned.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: path.join(dir, 'pod.yaml') }, region: { startLine: 14 } }); // the line of containers[0].image
    expect(pinned.locations[0].logicalLocations[0]).toEqual({ fullyQualifiedName: 'Pod/p:spec.containers[0].image', kind: 'resource' });
    expect(pinned.message.text).toMatch(/^Pod p: spec.containers\[0\].image: container "c": image "ghcr.io\/acme\/c:latest" uses the tag "latest"/);
    expect(run0.invocations[0].executionSuccessful).toBe(true);
  });

  it('writes JUnit XML: a failing case per object and rule, a passing case per clean object', () => {
    const r = run(['check', '--format', 'junit', '--profile', 'baseline', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="cdk8s-guardrails check" tests="\d+" failures="\d+" errors="0">\n/);
    expect(r.out).toContain(`<testcase name="every rule" classname="ConfigMap settings (${path.join(dir, 'a.yaml')})"/>`);
    expect(r.out).toContain(`<testcase name="image-pinned" classname="Pod p (${path.join(dir, 'pod.yaml')}#2)">\n      <failure type="image-pinned" message="container &quot;c&quot;: image &quot;ghcr.io/acme/c:latest&quot; uses the tag &quot;latest&quot;`);
    expect(r.out.match(/<testcase name="pod-security"/g)).toHaveLength(1);
  });

  it('refuses an unknown format', () => {
    const r = run(['check', '--format', 'xml', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--format "xml": expected text, json, sarif, junit');
  });
});

describe('check: standard input that cannot be read', () => {
  it('reports an error from reading standard input as an input error', () => {
    let out = '';
    const code = main(['check', '-'], { out: (t) => { out += t; }, err: () => undefined, stdin: () => { throw new Error('is a terminal: pipe manifests into it'); } });
    expect(out).toContain('<stdin>: cannot be read: is a terminal: pipe manifests into it');
    expect(code).toBe(2);
  });

  it('a container merged from an anchor has the image it inherits', () => {
    const yaml = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx-base: &base {name: c, image: 'ghcr.io/acme/c:1.2.3'}\nspec:\n  restartPolicy: Never\n  containers:\n    - <<: *base\n`;
    const found = JSON.parse(run(['check', '--format', 'json', '-'], yaml).out).violations.filter((v: any) => v.rule === 'image-pinned');
    expect(found).toEqual([]);
  });
});

describe('check: an unexpected failure', () => {
  it('is one line without a stack trace, exit 2', () => {
    let err = '';
    const code = main(['check', '-'], { out: () => { throw new Error('EPIPE: broken pipe'); }, err: (t) => { err += t; }, stdin: () => CM });
    expect(err).toBe('cdk8s-guardrails: internal error: EPIPE: broken pipe\n(this is a bug in the checker; please report it with the input that caused it)\n');
    expect(code).toBe(2);
  });
});

describe('check --pinned-tag-pattern', () => {
  const pod = (image: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  restartPolicy: Never\n  containers: [{name: c, image: '${image}'}]\n`;
  const pinned = (args: string[], image: string) => JSON.parse(run(['check', '--format', 'json', ...args, '-'], pod(image)).out).violations
    .filter((v: any) => v.rule === 'image-pinned').map((v: any) => v.message);

  it('replaces the definition of a pinned tag', () => {
    expect(pinned([], 'redis:7.2')).toEqual(['container "c": image "redis:7.2" uses the tag "7.2", which moves when a new build is pushed: a pinned tag holds a full version (1.4.2), a date (20240105) or a commit hash']);
    expect(pinned(['--pinned-tag-pattern', '\\d+\\.\\d+'], 'redis:7.2')).toEqual([]);
  });

  it('refuses a pattern that is not a regular expression', () => {
    const r = run(['check', '--pinned-tag-pattern', '(', '-'], pod('redis:7.2'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('--pinned-tag-pattern "(": expected a non-empty regular expression that a whole image tag must match');
  });
});
