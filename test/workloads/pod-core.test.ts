import { KubernetesVersion, SafeCronJob, SafeDeployment, SafeJob } from '../../lib';
import { podCoreSuite } from './pod-core.shared';

podCoreSuite({
  construct: 'SafeDeployment',
  kind: 'Deployment',
  serving: true,
  create: (scope, id, props) => new SafeDeployment(scope, id, props),
});

podCoreSuite({
  construct: 'SafeJob',
  kind: 'Job',
  serving: false,
  runsToCompletion: true,
  create: (scope, id, props) => new SafeJob(scope, id, { kubernetesVersion: KubernetesVersion.V1_29, ...props }),
});

podCoreSuite({
  construct: 'SafeCronJob',
  kind: 'CronJob',
  serving: false,
  runsToCompletion: true,
  create: (scope, id, props) => new SafeCronJob(scope, id, { schedule: '@daily', kubernetesVersion: KubernetesVersion.V1_29, ...props }),
});
