import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main';
import { RULES } from '../../lib/practices/catalog';
import { SKIP_ANNOTATION_PREFIX } from '../../lib/practices/skip';
import { PRACTICES_DOC, PRACTICES_POINTER, PRACTICES_URL, practicesMarkdown } from '../../lib/practices/catalog-docs';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

/** The section of one rule in docs/practices.md. */
function section(doc: string, id: string): string {
  const start = doc.indexOf(`### \`${id}\`\n`);
  if (start < 0) return '';
  const next = doc.indexOf('\n#', start + 1);
  return doc.slice(start, next < 0 ? undefined : next);
}

describe('docs/practices.md', () => {
  const doc = fs.readFileSync(path.join(root, PRACTICES_DOC), 'utf8');

  it('is what `npm run docs:practices` writes from the catalog (run it after changing a rule)', () => {
    expect(doc).toBe(practicesMarkdown());
  });

  it('has a section per rule with what it requires, why with its source, and how to switch it off', () => {
    for (const r of RULES) {
      const s = section(doc, r.id);
      expect(s, r.id).toContain(`- **Requires:** ${r.requirement}.`);
      expect(s, r.id).toContain(`- **Why:** ${r.reason}.`);
      if (r.group === 'app') {
        expect(s, r.id).toContain('not checked on objects');
      } else if (r.group === 'api') {
        expect(s, r.id).toContain('- **Switch off:** never: the API server refuses an invalid object');
        expect(s, r.id).not.toContain('skip.');
      } else {
        expect(s, r.id).toContain(`guardrails.cdk8s.io/skip.${r.id}: <reason>`);
        expect(s, r.id).toContain(`disabledRules: { '${r.id}': '<reason>' }`);
        expect(s, r.id).toContain(`--disable ${r.id}=<reason>`);
      }
    }
    expect(section(doc, 'replicas-min')).toContain("`skip` on a SafeDeployment, SafeStatefulSet, SafeDaemonSet, SafeJob or SafeCronJob, e.g. `skip: { 'replicas-min': '<reason>' }`");
    expect(section(doc, 'ns-quota')).toContain("`skip` on an IsolatedNamespace, e.g. `skip: { 'ns-quota': '<reason>' }`");
    expect(section(doc, 'ingress-dns')).toContain("`skip` on a TlsIngress");
    expect(section(doc, 'secret-no-plaintext')).not.toContain('prop:');
    expect(section(doc, 'image-registry')).toContain('- **Settings:** `allowedRegistries`');
    expect(section(doc, 'pdb')).toContain('not part of the `baseline` profile');
    expect(section(doc, 'resources')).not.toContain('baseline` profile');
    expect(doc).toContain('- 002: Kubernetes on AWS best practices\n');
  });

  it('names the skip annotation that the constructs write and the checker reads', () => {
    expect(doc).toContain(`\`${SKIP_ANNOTATION_PREFIX}pdb: <reason>\``);
  });

  it('travels with the package, and the link points at the repository of package.json', () => {
    expect(pkg.files).toContain('docs/');
    const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(PRACTICES_URL).toBe(`${repo}/blob/main/${PRACTICES_DOC}`);
  });

  it('is what README.md links to, never a file outside the repository', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain('](docs/practices.md)');
    expect(readme).not.toMatch(/PRACTICES\.md|\.\.\/shared/);
    // Nor do the docstrings (API.md and the other languages' docs are made from them).
    const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const stale = sources(path.join(root, 'lib')).filter((f) => /PRACTICES\.md|\.\.\/shared/.test(fs.readFileSync(f, 'utf8')));
    expect(stale.map((f) => path.relative(root, f))).toEqual([]);
  });
});

describe('cdk8s-guardrails rules', () => {
  it('prints every rule with what it requires, why and how to switch it off', () => {
    const r = run(['rules']);
    expect(r.code).toBe(0);
    for (const rule of RULES) expect(r.out).toContain(`\n  requires: ${rule.requirement}\n  why: ${rule.reason}\n`);
    expect(r.out).toContain('pdb [workload; restricted]\n');
    expect(r.out).toContain('  switch off: annotation on the object: guardrails.cdk8s.io/skip.pdb: <reason>');
    expect(r.out.endsWith(`${PRACTICES_POINTER}\n`)).toBe(true);
    expect(run(['rules', '--format', 'text']).out).toBe(r.out);
  });

  it('prints JSON with --format json (and --json)', () => {
    const r = run(['rules', '--format', 'json']);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.out);
    expect(rules.map((x: any) => x.id)).toEqual(RULES.map((x) => x.id));
    const pdb = rules.find((x: any) => x.id === 'pdb');
    expect(pdb.requirement).toBe(RULES.find((x) => x.id === 'pdb')!.requirement);
    expect(pdb.switchOff).toContain("app or chart: Guardrails.enforce(scope, { disabledRules: { 'pdb': '<reason>' } }); checker: --disable pdb=<reason>");
    expect(rules.find((x: any) => x.id === 'deterministic').switchOff).toEqual([]);
    expect(run(['rules', '--json']).out).toBe(r.out);
    expect(run(['rules', '--format=json']).out).toBe(r.out);
  });

  it('refuses an unknown format or argument', () => {
    const r = run(['rules', '--format', 'sarif']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cdk8s-guardrails: rules --format "sarif": expected text or json');
    expect(run(['rules', 'pdb']).err).toContain('cdk8s-guardrails: rules takes no argument "pdb": expected --format text or --format json');
  });

  it('check points at the catalog when a rule breaks, and not when all is well', () => {
    const bad = run(['check', path.join(root, 'test', 'fixtures', 'bad')]);
    expect(bad.code).toBe(1);
    expect(bad.out.endsWith(`suppressed.\n${PRACTICES_POINTER}\n`)).toBe(true);
    const sarif = JSON.parse(run(['check', '--format', 'sarif', path.join(root, 'test', 'fixtures', 'bad')]).out);
    const pdb = sarif.runs[0].tool.driver.rules.find((r: any) => r.id === 'pdb');
    expect(pdb.helpUri).toBe(`${PRACTICES_URL}#pdb`);
  });
});
