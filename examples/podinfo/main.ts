import { Environments } from '../../lib';
import { ENVIRONMENTS, PODINFO } from './podinfo';

// One definition, every environment: dist/podinfo/<environment>/, and an Argo CD Application
// per environment in dist/podinfo/argocd/ that deploys that folder to that cluster.
new Environments({
  app: 'podinfo',
  // `npm run synth` sets CDK8S_OUTDIR to dist/podinfo, the folder of this one app.
  outdir: process.env.CDK8S_OUTDIR ?? 'dist/podinfo',
  environments: ENVIRONMENTS,
  argoCd: { repoUrl: 'https://github.com/acme/podinfo-deploy.git', targetRevision: 'main', repoPath: 'dist/podinfo' },
}).synth(PODINFO);
