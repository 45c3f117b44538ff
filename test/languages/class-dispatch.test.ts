import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails, GuardrailsApp, IsolatedNamespace, SafeDeployment } from '../../lib';
import { Engine } from '../../lib/practices/enforce';
import { errorOf, readTree, tmpdir } from '../helpers';

// Under jsii (Python, Java, .NET, Go) the runtime calls a method through the object's class
// (`instance.constructor.prototype[method]`), never through a property set on the instance.
// These tests call `synth()` and `synthYaml()` that way.
function viaClass(app: App, method: 'synth' | 'synthYaml'): any {
  return (app.constructor.prototype as any)[method].call(app);
}

/**
 * IsolatedNamespaces (charts) with a service each, the checker enforced on the app and on
 * every namespace with options of its own: outside a synthesis span every enforced scope
 * runs the checker again.
 */
function namespaces(app: App, count: number): void {
  Guardrails.enforce(app, { externalSecrets: ['db'] });
  for (let i = 0; i < count; i++) {
    const ns = new IsolatedNamespace(app, `team${i}`, { team: `team${i}` });
    Guardrails.enforce(ns, { externalSecrets: [`team${i}-db`] });
    new SafeDeployment(ns, 'api', { image: 'ghcr.io/acme/api:1.0.0', port: 8080 });
  }
}

describe('GuardrailsApp called through its class, as jsii does', () => {
  it('runs the checker once per synthesis and writes the report (20 namespaces)', () => {
    const app = new GuardrailsApp({ outdir: tmpdir('class-dispatch-') });
    namespaces(app, 20);
    viaClass(app, 'synth');
    expect(Engine.of(app).runs).toBe(1);
    const files = fs.readdirSync(app.outdir);
    expect(files.filter((f) => f.endsWith('.k8s.yaml'))).toHaveLength(20);
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, Guardrails.REPORT_FILE), 'utf8'));
    expect(report.scopes).toHaveLength(21);
    expect(report.scopes[1]).toEqual({ path: 'team0', profile: 'restricted' });
    expect(report.violations).toEqual([]);

    viaClass(app, 'synthYaml');
    expect(Engine.of(app).runs).toBe(2);
    // the rendered JSON is only kept for the span of a synthesis
    expect(app.node.findAll().some((c) => Object.prototype.hasOwnProperty.call(c, 'toJson'))).toBe(false);
  });

  it('is not wrapped on the instance: the class marks its own synthesis', () => {
    const app = new GuardrailsApp({ outdir: tmpdir('class-dispatch-') });
    namespaces(app, 2);
    expect(Object.prototype.hasOwnProperty.call(app, 'synth')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(app, 'synthYaml')).toBe(false);
    app.synth();
    expect(Engine.of(app).runs).toBe(1);
  });

  it('writes the same files whether synth() is called on the instance or through the class', () => {
    const run = (dispatch: boolean) => {
      const app = new GuardrailsApp({ outdir: tmpdir('class-dispatch-') });
      namespaces(app, 3);
      if (dispatch) viaClass(app, 'synth');
      else app.synth();
      return readTree(app.outdir);
    };
    const direct = run(false);
    expect(Object.keys(direct)).toContain(Guardrails.REPORT_FILE);
    expect(run(true)).toEqual(direct);
  });

  it('fails on a violation with one line per violation, and still ends the synthesis', () => {
    const app = new GuardrailsApp({ outdir: tmpdir('class-dispatch-') });
    Guardrails.enforce(app);
    const chart = new Chart(app, 'legacy', { namespace: 'legacy' });
    new ApiObject(chart, 'raw', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw' },
      spec: { selector: { matchLabels: { app: 'raw' } }, template: { metadata: { labels: { app: 'raw' } }, spec: { containers: [{ name: 'c', image: 'nginx:latest' }] } } },
    });
    const message = errorOf(() => viaClass(app, 'synth'));
    expect(message).toMatch(/^Validation failed with the following errors:\n {2}image-pinned: Deployment legacy\/raw at legacy\/raw: /);
    // a failed synthesis is over: nothing of it is kept for the next one
    expect(app.node.findAll().some((c) => Object.prototype.hasOwnProperty.call(c, 'toJson'))).toBe(false);
    errorOf(() => viaClass(app, 'synth'));
    expect(Engine.of(app).runs).toBe(2);
  });

  it('a plain cdk8s App called through its class skips the span: every enforced scope runs the checker once per chart plus once, and no report is written', () => {
    // This is why other languages need GuardrailsApp; the README says so.
    const app = new App({ outdir: tmpdir('class-dispatch-') });
    namespaces(app, 4);
    viaClass(app, 'synth');
    expect(Engine.of(app).runs).toBe(5 * 5);
    expect(fs.readdirSync(app.outdir)).not.toContain(Guardrails.REPORT_FILE);
  });
});
