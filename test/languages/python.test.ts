import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails, GuardrailsApp } from '../../lib';
import { errorOf, readTree, tmpdir } from '../helpers';
import { readmeSample, root, run, typescriptFirstApp, typescriptShop } from './helpers';

// The Python package, built by test/languages/python/build.sh (CI runs it before the tests)
// into a virtual environment with cdk8s, cdk8s-plus-27 and constructs from PyPI.
const python = process.env.GUARDRAILS_PYTHON ?? path.join(root, '.verify', 'python', 'bin', 'python');
const available = fs.existsSync(python);
if (!available && process.env.GUARDRAILS_REQUIRE_PYTHON) {
  throw new Error(`${python} is missing: run test/languages/python/build.sh first`);
}

const runPython = (args: string[], env: { [name: string]: string } = {}, cwd = root) => run(python, args, env, cwd);

describe.skipIf(!available)('the Python package', () => {
  it('synthesizes the Python shop example byte for byte as the TypeScript one (manifests and report)', () => {
    const py = tmpdir('shop-python-');
    runPython([path.join('examples', 'shop-python', 'main.py')], { CDK8S_OUTDIR: py });
    expect(readTree(py)).toEqual(typescriptShop());
  });

  it("runs the README's first Python app, which writes what the same app writes in TypeScript", () => {
    const dir = tmpdir('readme-python-');
    fs.writeFileSync(path.join(dir, 'main.py'), readmeSample('python'));
    runPython(['main.py'], {}, dir);
    expect(readTree(path.join(dir, 'dist'))).toEqual(typescriptFirstApp());
  });

  it('carries the README with its TypeScript examples translated to Python', () => {
    const metadata = runPython(['-c', 'import importlib.metadata as m; print(m.metadata("cdk8s-guardrails").get_payload())']);
    expect(metadata).toContain('SafeDeployment(chart, "web", image="ghcr.io/acme/web:1.4.2", port=8080)');
    expect(metadata).toContain('Guardrails.enforce(app, external_secrets=["shop-db"])');
    expect(metadata).not.toMatch(/new SafeDeployment|\bconst \w+ = /);
  });

  describe('GuardrailsApp through jsii', () => {
    let result: any;
    let runs: string[];
    const synthesis = () => {
      if (!result) {
        const dir = tmpdir('synthesis-python-');
        const runsFile = path.join(dir, 'runs.txt');
        const probe = path.join(__dirname, 'python', 'count-checker-runs.js');
        const out = runPython([path.join(__dirname, 'python', 'synthesis.py'), path.join(dir, 'out')], {
          GUARDRAILS_RUNS_FILE: runsFile,
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(),
        });
        result = JSON.parse(out.trim().split('\n').pop()!);
        runs = fs.readFileSync(runsFile, 'utf8').trim().split('\n');
      }
      return { result, runs };
    };

    it('runs the checker once per synthesis: synth(), synth() again, synthYaml(), 20 namespaces', () => {
      expect(synthesis().runs).toEqual([
        'synth namespaces', 'check',
        'synth namespaces again', 'check',
        'synth namespaces yaml', 'check',
        'synth broken', 'check',
      ]);
      expect(result.yamlDocuments).toBeGreaterThan(20 * 10);
    });

    it('writes guardrails-report.jsonc next to the manifests', () => {
      const { result } = synthesis();
      expect(result.files).toContain(Guardrails.REPORT_FILE);
      expect(result.files.filter((f: string) => f.endsWith('.k8s.yaml'))).toHaveLength(20);
    });

    it('fails a violation with the message of TypeScript, one line per violation', () => {
      const app = new GuardrailsApp({ outdir: tmpdir('languages-') });
      Guardrails.enforce(app);
      const raw = new ApiObject(new Chart(app, 'legacy', { namespace: 'legacy' }), 'raw', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw' } });
      raw.addJsonPatch(JsonPatch.add('/spec', {
        selector: { matchLabels: { app: 'raw' } },
        template: { metadata: { labels: { app: 'raw' } }, spec: { containers: [{ name: 'c', image: 'nginx:latest' }] } },
      }));
      const expected = errorOf(() => app.synth());
      expect(expected).toContain('\n  image-pinned: Deployment legacy/raw at legacy/raw: ');
      expect(expected).not.toContain('[]');
      expect(synthesis().result.error).toBe(`Error: ${expected}`);
    });
  });
});
