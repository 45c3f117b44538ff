import { describe, expect, it } from 'vitest';
import { NetworkPolicyEvaluator } from '../../lib/traffic/evaluator';
import { readTrafficModel, servicePods } from '../../lib/traffic/model';
import { deployment, policy, service } from './fixtures';

const names = (xs: ReadonlyArray<{ name: string }>) => xs.map((x) => x.name);

describe('the pods of a Service, found through the label index', () => {
  const umbrella = { 'part-of': 'shop' };
  const model = readTrafficModel([
    deployment('web', 'shop', { ...umbrella, app: 'web' }),
    deployment('web-canary', 'shop', { ...umbrella, app: 'web', track: 'canary' }),
    deployment('api', 'shop', { ...umbrella, app: 'api' }),
    deployment('web', 'other', { ...umbrella, app: 'web' }),
    { ...deployment('web-migrate', 'shop', { ...umbrella, app: 'web' }), apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'web-migrate', namespace: 'shop', annotations: { 'helm.sh/hook': 'pre-upgrade' } } },
    deployment('web-late', 'shop', { app: 'web', ...umbrella }),
    service('web', 'shop', { ...umbrella, app: 'web' }, [{ port: 80 }]),
    service('canary', 'shop', { track: 'canary', app: 'web' }, [{ port: 80 }]),
    service('none', 'shop', { ...umbrella, app: 'gone' }, [{ port: 80 }]),
    service('external', 'shop', {}, [{ port: 80 }]),
  ]);
  const svc = (name: string) => model.services.find((s) => s.name === name)!;

  it('selects the workloads of its namespace that carry every selector label, in input order, without hook runs', () => {
    expect(names(servicePods(model, svc('web')))).toEqual(['web', 'web-canary', 'web-late']);
    expect(servicePods(model, svc('web')).map((w) => w.namespace)).toEqual(['shop', 'shop', 'shop']);
    expect(names(servicePods(model, svc('canary')))).toEqual(['web-canary']);
  });

  it('selects nothing when no workload carries a label, or the Service has no selector', () => {
    expect(servicePods(model, svc('none'))).toEqual([]);
    expect(servicePods(model, svc('external'))).toEqual([]);
  });

  it('answers the same when asked again, with a list of its own each time', () => {
    const first = servicePods(model, svc('web'));
    first.pop();
    expect(names(servicePods(model, svc('web')))).toEqual(['web', 'web-canary', 'web-late']);
  });
});

describe('the NetworkPolicies that select a pod set, found through their first required label', () => {
  const model = readTrafficModel([
    policy('all', 'shop', { podSelector: {}, policyTypes: ['Ingress'] }),
    policy('web', 'shop', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] }),
    policy('web-in', 'shop', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, policyTypes: ['Ingress'] }),
    policy('api', 'shop', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] }),
    // A value YAML read as a boolean: matched as written (`false` selects `no`), never by the index.
    policy('stable', 'shop', { podSelector: { matchLabels: { canary: false } }, policyTypes: ['Ingress'] }),
    policy('web-tier', 'shop', { podSelector: { matchLabels: { tier: 'front', app: 'web' } }, policyTypes: ['Ingress'] }),
    policy('not-api', 'shop', { podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }] }, policyTypes: ['Ingress'] }),
    policy('web-egress', 'shop', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] }),
    policy('web-elsewhere', 'other', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] }),
    deployment('web', 'shop', { app: 'web', tier: 'front', canary: 'no' }),
    deployment('api', 'shop', { app: 'api', canary: 'yes' }),
    deployment('web', 'other', { app: 'web' }),
  ]);
  const ev = new NetworkPolicyEvaluator(model);
  const pods = (ns: string, name: string) => model.workloads.find((w) => w.namespace === ns && w.name === name)!;

  it('returns every policy of the namespace that selects the pods for the direction, in input order', () => {
    expect(names(ev.policiesFor(pods('shop', 'web'), 'Ingress'))).toEqual(['all', 'web', 'web-in', 'stable', 'web-tier', 'not-api']);
    expect(names(ev.policiesFor(pods('shop', 'web'), 'Egress'))).toEqual(['web-egress']);
    expect(names(ev.policiesFor(pods('shop', 'api'), 'Ingress'))).toEqual(['all', 'api']);
    expect(names(ev.policiesFor(pods('other', 'web'), 'Ingress'))).toEqual(['web-elsewhere']);
  });
});
