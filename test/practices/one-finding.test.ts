import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { manifests } from './helpers';

/**
 * What the API server refuses is api-valid's finding alone: the other rules leave a refused
 * value to it (one mistake, one finding), and still judge the values the API server accepts.
 */
function findings(change: (app: any) => void, rules: readonly string[]): string[] {
  const list = manifests(change);
  return checkManifests(list.map((manifest) => ({ manifest }))).violations
    .filter((v) => rules.includes(v.rule))
    .map((v) => `${v.rule}: ${v.kind}/${v.name} ${v.field}: ${v.message}`).sort();
}

const RULES = ['api-valid', 'replicas-min', 'rollout', 'spread-nodes', 'spread-zones', 'pdb', 'resources', 'kind-fields'];
const pod = (app: any) => app.deployment.spec.template.spec;

describe('a value the API server refuses is reported by api-valid only', () => {
  it('spec.replicas "3"', () => {
    expect(findings((app) => { app.deployment.spec.replicas = '3'; }, RULES)).toEqual([
      'api-valid: Deployment/web spec.replicas: "3" is refused by the API server; expected a whole number from 0 to 2147483647',
    ]);
  });

  it('strategy.type Other', () => {
    expect(findings((app) => { app.deployment.spec.strategy = { type: 'Other' }; }, RULES)).toEqual([
      'api-valid: Deployment/web spec.strategy.type: "Other" is refused by the API server; expected one of "Recreate", "RollingUpdate"',
    ]);
  });

  it('a spread constraint with maxSkew 0', () => {
    expect(findings((app) => { pod(app).topologySpreadConstraints[0].maxSkew = 0; }, RULES)).toEqual([
      'api-valid: Deployment/web spec.template.spec.topologySpreadConstraints[0].maxSkew: 0 is refused by the API server; expected a whole number of at least 1',
      'spread-nodes: Deployment/web spec.template.spec.topologySpreadConstraints: runs up to 2 replicas but nothing spreads them across nodes: no valid topologySpreadConstraint, and no podAntiAffinity term on kubernetes.io/hostname in its own namespace, selects its own pods {app.kubernetes.io/name=web, app.kubernetes.io/instance=web, app.kubernetes.io/managed-by=cdk8s}',
    ].sort());
  });

  it('a PodDisruptionBudget with maxUnavailable "abc"', () => {
    expect(findings((app) => { app.pdb.spec = { ...app.pdb.spec, maxUnavailable: 'abc' }; delete app.pdb.spec.minAvailable; }, RULES)).toEqual([
      'api-valid: PodDisruptionBudget/web spec.maxUnavailable: "abc" is refused by the API server; expected a whole number such as 1 (unquoted), or a percentage such as "50%"',
    ]);
  });

  it('requests.cpu "-1"', () => {
    expect(findings((app) => { pod(app).containers[0].resources.requests.cpu = '-1'; }, RULES)).toEqual([
      'api-valid: Deployment/web spec.template.spec.containers[0].resources.requests.cpu: "-1" is refused by the API server; expected a non-negative Kubernetes quantity such as "250m", "0.5", "128Mi", "1Gi" or "1e3"',
    ]);
  });

  it('with api-valid\'s refusal, kind-fields reports nothing of the same mistake', () => {
    expect(findings((app) => { pod(app).activeDeadlineSeconds = 30; app.deployment.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }; }, ['api-valid', 'kind-fields'])).toEqual([
      'api-valid: Deployment/web spec.strategy.rollingUpdate: has spec.strategy.rollingUpdate with type Recreate, which the API server rejects: rollingUpdate is only for type RollingUpdate',
      'api-valid: Deployment/web spec.template.spec.activeDeadlineSeconds: sets activeDeadlineSeconds in its pod template, which the API server rejects for a Deployment: its pods run until they are replaced',
    ]);
  });
});

describe('values the API server accepts are still judged by their rules', () => {
  it('one replica', () => {
    expect(findings((app) => { app.deployment.spec.replicas = 1; }, ['api-valid', 'replicas-min'])).toEqual([
      'replicas-min: Deployment/web spec.replicas: runs 1 replica; one replica means downtime whenever its node goes away',
    ]);
  });

  it('a spread constraint without a labelSelector', () => {
    expect(findings((app) => { delete pod(app).topologySpreadConstraints[0].labelSelector; }, ['api-valid', 'spread-nodes']))
      .toContain('spread-nodes: Deployment/web spec.template.spec.topologySpreadConstraints[0]: topologySpreadConstraints[0] has no labelSelector, so it counts no pods and spreads nothing');
  });

  it('a quantity the rule reads as missing memory', () => {
    expect(findings((app) => { delete pod(app).containers[0].resources.limits; delete pod(app).containers[0].resources.requests.memory; }, ['api-valid', 'resources'])).toEqual([
      'resources: Deployment/web spec.template.spec.containers[0].resources: container "app" has no resources.requests.memory, resources.limits.memory',
    ]);
  });
});
