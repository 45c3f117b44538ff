import { SafeDeployment } from '../../lib';
import { podCoreSuite } from './pod-core.shared';

podCoreSuite({
  construct: 'SafeDeployment',
  kind: 'Deployment',
  serving: true,
  create: (scope, id, props) => new SafeDeployment(scope, id, props),
});
