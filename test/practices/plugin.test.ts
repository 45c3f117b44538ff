import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import type { ValidationContext as Context } from 'cdk8s-cli/lib/plugins/validation';
import { describe, expect, it } from 'vitest';
import { Environments, GuardrailsValidation, SafeDeployment } from '../../lib';
import { errorOf, manifests } from './helpers';

// The CLI exports its plugin API as `cdk8s-cli/plugins` (package exports), which the
// project's `node` module resolution cannot see; the types come from the file itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ValidationContext } = require('cdk8s-cli/plugins') as { ValidationContext: typeof import('cdk8s-cli/lib/plugins/validation').ValidationContext };

/** Synthesizes an app like `cdk8s synth` does (with construct metadata) and builds the CLI's validation context. */
function synthForPlugin(build: (chart: Chart) => void): Context {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-'));
  const app = new App({ outdir, recordConstructMetadata: true });
  build(new Chart(app, 'prod', { namespace: 'shop' }));
  app.synth();
  const meta = JSON.parse(fs.readFileSync(path.join(outdir, 'construct-metadata.json'), 'utf8'));
  const files = fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(outdir, f));
  return new ValidationContext(files, 'cdk8s-guardrails', '0.1.0', meta.resources, false);
}

describe('GuardrailsValidation (cdk8s CLI validation plugin)', () => {
  it('reports each violation with its construct path through the CLI report, and fails', async () => {
    const context = synthForPlugin((chart) => {
      const [d, , , , sa, cm] = manifests((a) => { a.deployment.metadata.name = 'legacy'; a.deployment.spec.template.spec.containers[0].image = 'nginx:latest'; });
      delete d.metadata.namespace;
      new ApiObject(chart, 'legacy', d);
      new ApiObject(chart, 'sa', { ...sa, metadata: { ...sa.metadata, namespace: undefined } });
      new ApiObject(chart, 'cm', { ...cm, metadata: { ...cm.metadata, namespace: undefined } });
    });
    await new GuardrailsValidation({ externalSecrets: ['shop-db'] }).validate(context);
    expect(context.report.success).toBe(false);
    const json = context.report.toJson();
    expect(json.summary).toMatchObject({ status: 'failure', plugin: 'cdk8s-guardrails', metadata: { profile: 'restricted', objects: '3' } });
    const pinned = json.violations.find((v) => v.ruleName === 'image-pinned')!;
    expect(pinned.recommendation).toMatch(/^every image names a pinned tag \(a full version such as 1.4.2, a date or a commit hash; `latest`, `stable`, `3` move\) or a digest \(an unpinned manifest/);
    expect(pinned.fix).toBe('use an image such as `registry/app:1.4.2` or `registry/app@sha256:...`');
    expect(pinned.violatingConstructs).toEqual([{
      resourceName: 'legacy',
      constructPath: 'prod/legacy',
      manifestPath: context.manifests[0],
      locations: ['Deployment shop/legacy spec.template.spec.containers[0].image: container "app": image "nginx:latest" uses the tag "latest", which changes under the same name'],
    }]);
    expect(context.report.toString()).toContain('- Construct Path: prod/legacy');
  });

  it('passes an app built from the constructs', async () => {
    const context = synthForPlugin((chart) => { new SafeDeployment(chart, 'web', { image: 'ghcr.io/acme/web:1.4.2', port: 8080 }); });
    await new GuardrailsValidation({ profile: 'baseline' }).validate(context);
    expect(context.report.success).toBe(true);
    expect(context.report.toJson().summary.metadata).toEqual({ profile: 'baseline', objects: '5', violations: '0', suppressions: '0' });
  });

  it('checks each environment folder as its own app, as check does; one folder of both environments mixes them', async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-envs-'));
    const envs = new Environments({ app: 'shop', outdir: path.join(dist, 'shop'), environments: [{ name: 'dev' }, { name: 'prod' }] });
    envs.synth({ define: (app) => { new SafeDeployment(new Chart(app, 'shop', { namespace: 'shop' }), 'web', { image: 'ghcr.io/acme/web:1.4.2', port: 8080 }); } });
    const files = ['dev', 'prod'].map((env) => path.join(envs.outdir, env, 'shop.k8s.yaml'));
    expect(fs.readdirSync(path.join(envs.outdir, 'dev')).sort()).toEqual(['guardrails-report.jsonc', 'shop.k8s.yaml']);
    const context = new ValidationContext(files, 'cdk8s-guardrails', '0.1.0', {}, false);
    await new GuardrailsValidation().validate(context);
    expect(context.report.toJson().violations).toEqual([]);
    expect(context.report.toJson().summary.metadata).toMatchObject({ objects: '10', violations: '0' });
    const one = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-mixed-'));
    const mixed = files.map((f, i) => { const to = path.join(one, `${i}.k8s.yaml`); fs.copyFileSync(f, to); return to; });
    const wrong = new ValidationContext(mixed, 'cdk8s-guardrails', '0.1.0', {}, false);
    await new GuardrailsValidation().validate(wrong);
    expect(wrong.report.success).toBe(false);
  });

  it('does not log again the suppressions of environment folders, which the synthesis of the environments told of; logs those of other apps', async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-told-'));
    const envs = new Environments({ app: 'told', quiet: true, outdir: path.join(dist, 'told'), environments: [{ name: 'dev' }] });
    envs.synth({ define: (app) => { new SafeDeployment(new Chart(app, 'shop', { namespace: 'shop' }), 'web', { image: 'ghcr.io/acme/web:1.4.2', port: 8080, skip: { metrics: 'not scraped' } }); } });
    const logs = async (files: string[]) => {
      const logged: string[] = [];
      const context = new ValidationContext(files, 'cdk8s-guardrails', '0.1.0', {}, false);
      (context as any).logger = { log: (t: string) => logged.push(t) };
      await new GuardrailsValidation().validate(context);
      expect(context.report.toJson().summary.metadata?.suppressions).toBe('1');
      return logged;
    };
    expect(await logs([path.join(envs.outdir, 'dev', 'shop.k8s.yaml')])).toEqual([]);
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-plain-'));
    fs.copyFileSync(path.join(envs.outdir, 'dev', 'shop.k8s.yaml'), path.join(plain, 'shop.k8s.yaml'));
    expect(await logs([path.join(plain, 'shop.k8s.yaml')])).toEqual(['guardrails: metrics switched off for Deployment shop/web in ' + path.join(plain, 'shop.k8s.yaml') + ' (hides 1 violation): not scraped']);
  });

  it('rejects an unknown profile in cdk8s.yaml', () => {
    expect(errorOf(() => new GuardrailsValidation({ profile: 'strict' })))
      .toBe('GuardrailsValidation (cdk8s.yaml validations properties): invalid profile "strict"; expected "restricted" or "baseline".');
  });
});
