import * as path from 'path';
import { App } from 'cdk8s';
import { ENVIRONMENTS, ShopChart } from './shop';

// One app definition, one output folder per environment (rule `environments`).
const outdir = process.env.CDK8S_OUTDIR ?? 'dist/shop';
for (const [name, settings] of Object.entries(ENVIRONMENTS)) {
  const app = new App({ outdir: path.join(outdir, name) });
  new ShopChart(app, 'shop', settings);
  app.synth();
}
