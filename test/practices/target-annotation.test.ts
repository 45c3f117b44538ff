import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { resolveOptions } from '../../lib/practices/options';

/** A target annotation the library cannot read is a finding, never a silent fall-back to 1.27. */
const cm = (version: unknown) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop', annotations: { 'guardrails.cdk8s.io/kubernetes-version': version } }, data: {}, immutable: true });
const kindFields = (...objects: any[]) => {
  const resolved = resolveOptions({}, (p) => { throw new Error(p); });
  return checkManifests(objects.map((manifest) => ({ manifest })), resolved).violations.filter((v) => v.rule === 'kind-fields').map((v) => `${v.field}: ${v.message}`);
};

describe('kind-fields: the target version annotation', () => {
  it.each(['v1.29', '1.29.3', '129', ''])('flags %j', (version) => {
    expect(kindFields(cm(version))).toEqual([
      `metadata.annotations.guardrails.cdk8s.io/kubernetes-version: has the annotation guardrails.cdk8s.io/kubernetes-version ${JSON.stringify(version)}, which is not a target version, so it is judged at the default target 1.27`,
    ]);
  });

  it('passes "1.29" and an object without the annotation', () => {
    expect(kindFields(cm('1.29'))).toEqual([]);
    expect(kindFields({ ...cm('1.29'), metadata: { name: 'c', namespace: 'shop' } })).toEqual([]);
  });
});
