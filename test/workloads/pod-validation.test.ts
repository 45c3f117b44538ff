import { describe, expect, it } from 'vitest';
import { Guardrails, SafeDeployment, SafeDeploymentProps } from '../../lib';
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

describe('Guardrails.skip: the reason counts towards the annotations size limit', () => {
  const KiB = 1024;
  const KEY = 'guardrails.cdk8s.io/skip.spread-zones';
  /** The Deployment's own annotation: kube-score/ignore: pod-probes-identical. */
  const KUBE_SCORE = 'kube-score/ignore'.length + 'pod-probes-identical'.length;
  const web = (props: Partial<SafeDeploymentProps> = {}) => {
    const chart = newChart();
    return { chart, web: new SafeDeployment(chart, 'web', { image: IMAGE, port: 8080, ...props }) };
  };
  const tooMuch = (path: string, bytes: number) => `Guardrails at '${path}': invalid reason (for spread-zones) "(${bytes} bytes of annotations)"; `
    + 'expected at most 262144 bytes (256 KiB) of annotations on one object, keys and values together: the API server refuses more; keep long text in a ConfigMap or shorten it.';

  it('a 300 KiB reason is refused, and nothing is written', () => {
    const { chart, web: w } = web();
    expect(errorOf(() => Guardrails.skip(w, 'spread-zones', 'r'.repeat(300 * KiB)))).toBe(tooMuch('test/web', KEY.length + 300 * KiB));
    expect(synth(chart).filter((m) => m.metadata.annotations?.[KEY] !== undefined)).toEqual([]);
  });

  it('a reason that fits alone but not next to the workload\'s own skip reasons is refused', () => {
    const { web: w } = web({ skip: { 'image-pinned': 'p'.repeat(200 * KiB) }, image: 'ghcr.io/acme/web:main' });
    const own = 'guardrails.cdk8s.io/skip.image-pinned'.length + 200 * KiB;
    expect(errorOf(() => Guardrails.skip(w, 'spread-zones', 'r'.repeat(100 * KiB)))).toBe(tooMuch('test/web', own + KUBE_SCORE + KEY.length + 100 * KiB));
  });

  it('two calls that together exceed the limit: the second is refused', () => {
    const { web: w } = web();
    Guardrails.skip(w, 'spread-nodes', 'n'.repeat(150 * KiB));
    expect(errorOf(() => Guardrails.skip(w, 'spread-zones', 'z'.repeat(150 * KiB))))
      .toBe(tooMuch('test/web', 'guardrails.cdk8s.io/skip.spread-nodes'.length + KEY.length + 300 * KiB));
  });

  it('a reason up to the limit is written in full; one byte more is refused', () => {
    const { chart, web: w } = web();
    expect(errorOf(() => Guardrails.skip(w, 'spread-zones', 'r'.repeat(256 * KiB - KEY.length - KUBE_SCORE + 1)))).toBe(tooMuch('test/web', 256 * KiB + 1));
    const reason = 'r'.repeat(256 * KiB - KEY.length - KUBE_SCORE);
    Guardrails.skip(w, 'spread-zones', reason);
    expect(one(synth(chart), 'Deployment').metadata.annotations[KEY]).toBe(reason);
  });
});
