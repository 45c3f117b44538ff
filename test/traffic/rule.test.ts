import { describe, expect, it } from 'vitest';
import { RuleContext, Sink } from '../../lib/practices/context';
import { DEFAULT_OPTIONS } from '../../lib/practices/model';
import { ObjectIndex } from '../../lib/practices/objects';
import { checkBlockedCalls } from '../../lib/traffic/rule';
import { fixtureManifests } from './fixtures';

function check(manifests: any[]) {
  const sink = new Sink();
  checkBlockedCalls(new RuleContext(new ObjectIndex(manifests.map((manifest) => ({ manifest }))), DEFAULT_OPTIONS, 'ns-default-deny', sink));
  return sink;
}

describe('blocked calls in the rule engine', () => {
  it('reports the blocked call on the caller, at the field holding the address, with the fix', () => {
    expect(check(fixtureManifests()).violations).toEqual([{
      rule: 'ns-default-deny',
      kind: 'Deployment',
      namespace: 'shop',
      name: 'frontend',
      path: undefined,
      source: undefined,
      field: 'spec.template.spec.containers[0].env[1].value',
      message: 'Deployment shop/frontend calls Deployment shop/catalog at "http://catalog.shop.svc:3550" (env CATALOG_URL of container "web"; Service shop/catalog port 3550), but the ingress of catalog (NetworkPolicy catalog, default-deny) refuses TCP 3550',
      fix: 'add an ingress rule to catalog\'s NetworkPolicy: from {podSelector {app: frontend}} on TCP 3550 (declared once on frontend: calls: [{ workload: catalog }])',
    }]);
  });

  it('a skip annotation with a reason on the caller suppresses it', () => {
    const manifests = fixtureManifests();
    const frontend = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'frontend');
    frontend.metadata.annotations = { 'guardrails.cdk8s.io/skip.ns-default-deny': 'catalog is being moved behind the gateway' };
    const sink = check(manifests);
    expect(sink.violations).toEqual([]);
    expect([...sink.suppressed.values()].map((m) => [...m.entries()])).toEqual([[['ns-default-deny', 1]]]);
  });

  it('objects without a namespace are in "default"', () => {
    const manifests = fixtureManifests().map((m) => {
      if (m.metadata?.namespace === 'shop') delete m.metadata.namespace;
      for (const e of m.spec?.template?.spec?.containers?.[0]?.env ?? []) e.value = e.value.replace('catalog.shop.svc', 'catalog');
      return m;
    });
    expect(check(manifests).violations.map((v) => `${v.kind} ${v.namespace ?? '-'}/${v.name}`)).toEqual([
      'Deployment -/frontend',
      // Moved out of the namespace labelled team=shop, cart no longer passes redis's namespaceSelector.
      'Deployment -/cart',
    ]);
  });
});
