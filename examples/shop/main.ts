import { Environments, IsolatedNamespace } from '../../lib';
import { addShop, ENVIRONMENTS, shopSettings } from './shop';

// One app definition, one output folder per environment (rule `environments`):
// dist/shop/<environment>/, every object checked against the catalog.
// `npm run synth` sets CDK8S_OUTDIR to dist/shop, the folder of this one app.
new Environments({ app: 'shop', environments: ENVIRONMENTS, outdir: process.env.CDK8S_OUTDIR ?? 'dist/shop' }).synth({
  define: (app, env) => {
    const namespace = new IsolatedNamespace(app, 'shop', { team: 'shop' });
    addShop(namespace, shopSettings(env));
  },
});
