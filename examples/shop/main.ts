import * as path from 'path';
import { Guardrails, GuardrailsApp, IsolatedNamespace } from '../../lib';
import { addShop, ENVIRONMENTS } from './shop';

// One app definition, one output folder per environment (rule `environments`).
const outdir = process.env.CDK8S_OUTDIR ?? 'dist/shop';
for (const [name, settings] of Object.entries(ENVIRONMENTS)) {
  const app = new GuardrailsApp({ outdir: path.join(outdir, name) });
  // Every object is checked against the catalog.
  Guardrails.enforce(app);
  const namespace = new IsolatedNamespace(app, 'shop', { team: 'shop' });
  addShop(namespace, settings);
  app.synth();
}
