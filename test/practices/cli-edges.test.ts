import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { traffic } from '../../lib/cli/traffic';
import { RULES } from '../../lib/practices/catalog';
import { manifests } from './helpers';

/** `check`, `rules` and `traffic` edge cases: exact messages and exit codes (0 pass, 1 findings, 2 input error). */

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { out: (t) => { out += t; }, err: (t) => { err += t; }, stdin: () => '' });
  return { code, out, err };
}

function file(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-edges-'));
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

const app = (mutate: Parameters<typeof manifests>[0] = () => undefined) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests(mutate) }, null, 2);

describe('check', () => {
  it('periodSeconds 0 and failureThreshold 0 mean the defaults (10 and 3), as the API server fills them in: no false positive', () => {
    const r = run(['check', file('app.json', app((a) => {
      const c = a.deployment.spec.template.spec.containers[0];
      c.livenessProbe.periodSeconds = 0; // 10 x 6 = 60 s
      c.readinessProbe.failureThreshold = 0; // 5 x 3 = 15 s
    }))]);
    expect(r.out).toMatch(/^OK: 12 objects in 1 file break no rule/);
    expect(r.code).toBe(0);
    const worse = run(['check', file('app.json', app((a) => { a.deployment.spec.template.spec.containers[0].livenessProbe = { httpGet: { path: '/live', port: 'http' }, periodSeconds: 0, failureThreshold: 1 }; }))]);
    expect(worse.out).toContain('the livenessProbe gives up after 10s (periodSeconds x failureThreshold), no later than the readinessProbe (15s)');
    expect(worse.code).toBe(1);
  });

  it('a !!binary value is read as the text of its bytes, as go-yaml reads it, and printed as text', () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: !!binary V2ViXzE=\n  labels: {app.kubernetes.io/name: s, app.kubernetes.io/instance: s, app.kubernetes.io/managed-by: m}\ndata:\n  a: !!binary aGVsbG8=\n';
    const r = run(['check', file('cm.yaml', yaml)]);
    expect(r.out).toContain('ConfigMap Web_1 in ');
    expect(r.out).toContain('  api-valid: metadata.name: "Web_1" is refused by the API server; expected a DNS-1123 subdomain');
    expect(r.out).not.toContain('Buffer');
    expect(r.code).toBe(1);
    const json = JSON.parse(run(['check', '--json', file('cm.yaml', yaml)]).out);
    expect(json.violations[0].name).toBe('Web_1');
  });

  it('text starting with "{" that is not JSON (a trailing comma) is read as YAML, as kubectl 1.33 and later read it, with a note', () => {
    const text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "labels": {"app.kubernetes.io/name": "s", "app.kubernetes.io/instance": "s", "app.kubernetes.io/managed-by": "m"},}, "data": {"a": "b"},}\n';
    const f = file('cm.json', text);
    const r = run(['check', f]);
    expect(r.err).toBe(`cdk8s-guardrails: note: ${f}: starts like JSON but is not valid JSON (${jsonError(text)}); read as YAML, as kubectl 1.33 and later read it (kubectl 1.32 and older, and JSON tools, refuse it)\n`);
    expect(r.out).toMatch(/^OK: 1 objects? in 1 file/);
    expect(r.code).toBe(0);
    // Valid JSON: no note.
    expect(run(['check', file('cm.json', text.replace(/,\}/g, '}'))]).err).toBe('');
  });
});

function jsonError(text: string): string {
  try { JSON.parse(text); return ''; } catch (e) { return (e as Error).message; }
}

describe('check --disable api-valid', () => {
  it('is a usage error (exit 2): the API server reads no reason', () => {
    const r = run(['check', '--disable', 'api-valid=legacy', file('app.json', app())]);
    expect(r.err).toMatch(/^cdk8s-guardrails: --disable "api-valid=legacy": expected a rule that can be switched off \(the API server refuses an invalid object whatever its annotations say, so api-valid cannot be switched off; fix the object\)\n\nUsage:/);
    expect(r.out).toBe('');
    expect(r.code).toBe(2);
  });
});

describe('rules honours --format or refuses it', () => {
  it('--format json and --json print the catalog as JSON; text is the default', () => {
    for (const args of [['rules', '--format', 'json'], ['rules', '--format=json'], ['rules', '--json']]) {
      const r = run(args);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).map((x: any) => x.id)).toEqual(RULES.map((x) => x.id));
    }
    const text = run(['rules', '--format', 'text']);
    expect(text.out).toContain('api-valid [api; restricted, baseline]\n  requires: the object is one a Kubernetes API server accepts');
    expect(text.out).toBe(run(['rules']).out);
  });

  it('sarif, junit, unknown options and arguments are usage errors (exit 2)', () => {
    const sarif = run(['rules', '--format', 'sarif']);
    expect(sarif.err).toMatch(/^cdk8s-guardrails: rules --format "sarif": expected text or json \(the catalog is a list of rules, not a check result\)\n\nUsage:/);
    expect(sarif.out).toBe('');
    expect(sarif.code).toBe(2);
    expect(run(['rules', '--profile', 'baseline']).err).toMatch(/^cdk8s-guardrails: rules takes no option --profile: expected --format text or --format json\n/);
    expect(run(['rules', 'extra']).err).toMatch(/^cdk8s-guardrails: rules takes no argument "extra": expected --format text or --format json\n/);
    expect(run(['rules', '--format']).code).toBe(2);
  });
});

describe('traffic refuses objects the API server refuses', () => {
  async function runTraffic(args: string[]) {
    let out = '';
    let err = '';
    const code = await traffic(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { code, out, err };
  }

  it('a CIDR /33 is an input error (exit 2) naming the field, the value and what is allowed', async () => {
    const f = file('np.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: out, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/33}\n');
    const r = await runTraffic([f]);
    expect(r.err).toBe('cdk8s-guardrails traffic: input error: the API server refuses this object, so no graph is drawn:\n'
      + `  api-valid: NetworkPolicy shop/out in ${f}: spec.egress[0].to[0].ipBlock.cidr: "10.0.0.0/33" is refused by the API server; expected a CIDR such as "10.0.0.0/8" or "fd00::/8" (the prefix length must be 0 to 32). `
      + 'Fix: change the field to a value the API server accepts (the message says what is allowed); no skip annotation or disabled rule changes what the API server refuses\n');
    expect(r.out).toBe('');
    expect(r.code).toBe(2);
  });
});
