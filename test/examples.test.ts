import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PRODUCTION, ShopChart } from '../examples/shop/shop';

const root = path.join(__dirname, '..');

function shopYaml(): string {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'shop-')) });
  new ShopChart(app, 'shop', PRODUCTION);
  return app.synthYaml();
}

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const file = path.join(dir, entry);
    if (fs.statSync(file).isFile()) out[entry] = fs.readFileSync(file, 'utf8');
  }
  return out;
}

describe('deterministic output', () => {
  it('the same program gives byte-identical YAML in one process', () => {
    expect(shopYaml()).toBe(shopYaml());
  });

  it('npm run synth twice gives byte-identical files', () => {
    const runs = [0, 1].map(() => {
      execFileSync(process.execPath, [path.join(root, 'scripts', 'synth.js')], { cwd: root, stdio: 'pipe' });
      return readTree(path.join(root, 'dist'));
    });
    expect(Object.keys(runs[0]).length).toBeGreaterThan(0);
    expect(runs[1]).toEqual(runs[0]);
  });
});

describe('the shop example', () => {
  it('has an API and a worker with the expected objects', () => {
    const docs = shopYaml();
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'ConfigMap', 'ServiceAccount', 'ServiceMonitor', 'ExternalSecret']) {
      expect(docs).toContain(`kind: ${kind}\n`);
    }
    expect(docs).not.toMatch(/image: .*:latest/);
  });
});
