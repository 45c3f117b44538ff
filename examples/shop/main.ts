import { App } from 'cdk8s';
import { PRODUCTION, ShopChart } from './shop';

const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? 'dist/shop' });
new ShopChart(app, 'shop', PRODUCTION);
app.synth();
