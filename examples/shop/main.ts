import { Environments, IsolatedNamespace } from '../../lib';
import { addShop, ENVIRONMENTS, shopSettings } from './shop';

// One app definition, one output folder per environment (rule `environments`):
// dist/shop/<environment>/, every object checked against the catalog.
new Environments({ app: 'shop', environments: ENVIRONMENTS }).synth({
  define: (app, env) => {
    const namespace = new IsolatedNamespace(app, 'shop', { team: 'shop' });
    addShop(namespace, shopSettings(env));
  },
});
