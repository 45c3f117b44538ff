import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Guardrails, SafeDeployment } from '../../lib';
import { check, manifests, violationsOf } from './helpers';

const ANNOTATION = 'guardrails.cdk8s.io/pinned-tag-pattern';

/** The hand-written app with the web Deployment's image and annotations replaced. */
function web(image: string, annotations?: { [key: string]: string }) {
  return manifests((a) => {
    a.deployment.spec.template.spec.containers[0].image = image;
    if (annotations) (a.deployment.metadata as any).annotations = annotations;
  });
}

describe('image-pinned with a workload\'s own pinnedTagPattern', () => {
  it('a SafeDeployment writes its pattern, and the checker judges its images with it', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'shop');
    const store = new SafeDeployment(chart, 'store', {
      image: 'ghcr.io/acme/postgres:16.4-alpine', port: 5432, pinnedTagPattern: '\\d+\\.\\d+-alpine',
    });
    Guardrails.enforce(chart);
    expect(() => Testing.synth(chart)).not.toThrow();
    expect(store.deployment.toJson().metadata.annotations[ANNOTATION]).toBe('\\d+\\.\\d+-alpine');
    expect(violationsOf(Guardrails.report(chart), 'image-pinned')).toEqual([]);
  });

  it('on a raw object: a matching tag passes, another is flagged with the pattern named', () => {
    expect(violationsOf(check(web('ghcr.io/acme/web:7.2-alpine', { [ANNOTATION]: '\\d+\\.\\d+-alpine' })), 'image-pinned')).toEqual([]);
    const flagged = violationsOf(check(web('ghcr.io/acme/web:7.2', { [ANNOTATION]: '\\d+\\.\\d+-alpine' })), 'image-pinned');
    expect(flagged.map((v) => v.message)).toEqual([
      'container "app": image "ghcr.io/acme/web:7.2" uses the tag "7.2", which does not match the pinned-tag pattern \\d+\\.\\d+-alpine',
    ]);
  });

  it('the object\'s pattern wins over the app\'s; an invalid one is ignored, so the default definition applies', () => {
    expect(violationsOf(check(web('ghcr.io/acme/web:7.2-alpine', { [ANNOTATION]: '\\d+\\.\\d+-alpine' }), { pinnedTagPattern: 'v\\d+' }), 'image-pinned')).toEqual([]);
    expect(violationsOf(check(web('ghcr.io/acme/web:7.2', { [ANNOTATION]: '(' })), 'image-pinned')).toHaveLength(1);
    expect(violationsOf(check(web('ghcr.io/acme/web:1.4.2', { [ANNOTATION]: '(' })), 'image-pinned')).toEqual([]);
  });

  it('without the annotation nothing changes: 7.2 moves', () => {
    expect(violationsOf(check(web('ghcr.io/acme/web:7.2')), 'image-pinned')).toHaveLength(1);
  });
});

