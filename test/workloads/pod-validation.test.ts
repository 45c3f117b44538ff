import { describe, expect, it } from 'vitest';
import { SafeDeployment, SafeDeploymentProps } from '../../lib';
import { errorOf, newChart, one, synth } from '../helpers';

const IMAGE = 'ghcr.io/acme/web:1.4.2';
const PREFIX = "SafeDeployment at 'test/web': invalid";

function make(props: Partial<SafeDeploymentProps>) {
  const chart = newChart();
  new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, ...props });
  return synth(chart);
}

describe('SafeDeployment: an input that is ignored is an error', () => {
  const single = { 'replicas-min': 'a singleton by design' };
  it.each([
    ['one replica', { replicas: 1, maxUnavailable: 1, skip: single }, 1],
    ['one replica, maxUnavailable 0', { replicas: 1, maxUnavailable: 0, skip: single }, 1],
    ['autoscaling from one replica', { autoscaling: { minReplicas: 1, maxReplicas: 4 }, maxUnavailable: 1, skip: single }, 1],
    ['one replica, maxUnavailable 2', { replicas: 1, maxUnavailable: 2, skip: single }, 1],
  ])('maxUnavailable with %s', (_what, props, replicas) => {
    expect(errorOf(() => make(props as Partial<SafeDeploymentProps>))).toBe(
      `${PREFIX} maxUnavailable ${props.maxUnavailable}; expected no maxUnavailable: a PodDisruptionBudget exists only from 2 replicas, and this workload has ${replicas}; leave maxUnavailable out.`);
  });

  it('maxUnavailable with 2+ replicas sets the budget; left out with one replica, no PodDisruptionBudget', () => {
    expect(one(make({ replicas: 3, maxUnavailable: 2 }), 'PodDisruptionBudget').spec.maxUnavailable).toBe(2);
    expect(make({ replicas: 1, skip: single }).filter((m) => m.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(errorOf(() => make({ replicas: 3, maxUnavailable: 3 }))).toBe(`${PREFIX} maxUnavailable 3; expected an integer from 1 to 2.`);
  });
});
