import { describe, expect, it } from 'vitest';
import { NetworkPolicyEvaluator } from '../../lib/traffic/evaluator';
import { findBlockedCalls } from '../../lib/traffic/calls';
import { toTable, trafficGraph } from '../../lib/traffic/graph';
import { readTrafficModel } from '../../lib/traffic/model';
import { checkBlockedCalls } from '../../lib/traffic/rule';
import { RuleContext, Sink } from '../../lib/practices/context';
import { DEFAULT_OPTIONS } from '../../lib/practices/model';
import { ObjectIndex } from '../../lib/practices/objects';
import { deployment, policy, service } from './fixtures';

/**
 * Workloads of kinds the library does not know by name: their pod template is found the way
 * the checker finds it (a `spec.template` or a top-level `template` with containers).
 */
const DENY = policy('default-deny', 'shop', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const OPTIONS = { ingressController: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } } };

/** An Argo Rollout: a CRD whose `spec.template` is a pod template. */
function rollout(name: string, labels: { [k: string]: string }, ports: number[], env: { [k: string]: string } = {}): any {
  const d = deployment(name, 'shop', labels, ports.map((containerPort) => ({ containerPort })), env);
  return { ...d, apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' };
}

/** A kind with the pod template at the top (`template`), like a v1 PodTemplate. */
function topTemplate(name: string, labels: { [k: string]: string }, env: { [k: string]: string }): any {
  const d = deployment(name, 'shop', labels, [], env);
  return { apiVersion: 'example.com/v1', kind: 'Runner', metadata: { name, namespace: 'shop' }, template: d.spec.template };
}

const web = rollout('web', { app: 'web' }, [8080], { API_ADDR: 'api:80' });
const api = rollout('api', { app: 'api' }, [8080]);
const apiService = service('api', 'shop', { app: 'api' }, [{ port: 80, targetPort: 8080 }]);
const webOut = policy('web', 'shop', {
  podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'],
  egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080 }] }],
});
const apiIn = policy('api', 'shop', {
  podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'],
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }],
});

describe('workloads of inferred kinds in the traffic model', () => {
  it('are read with their kind, pod labels, ports and spec field', () => {
    const model = readTrafficModel([web, topTemplate('runner', { app: 'runner' }, {})]);
    expect(model.workloads.map((w) => [w.id, w.labels, w.ports.map((p) => p.port), w.specField])).toEqual([
      ['Rollout/shop/web', { app: 'web' }, [8080], 'spec.template.spec'],
      ['Runner/shop/runner', { app: 'runner' }, [], 'template.spec'],
    ]);
  });

  it('an object that is no pod-bearing kind stays out', () => {
    const notPods = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop' }, spec: { template: { spec: { replicas: 2 } } } };
    expect(readTrafficModel([notPods]).workloads).toEqual([]);
  });

  it('the evaluator answers for them: isolated by the policies that select their pods', () => {
    const model = readTrafficModel([DENY, web, api, webOut, apiIn]);
    const ev = new NetworkPolicyEvaluator(model);
    const [w, a] = model.workloads;
    expect(ev.allows({ pods: w }, { pods: a }, 8080).allowed).toBe(true);
    expect(ev.allows({ pods: w }, { pods: a }, 9090).allowed).toBe(false);
    expect(ev.allows({ pods: a }, { pods: w }, 8080).allowed).toBe(false);
  });

  it('a call from and to them that the policies refuse is blocked; allowed on both sides, it is not', () => {
    expect(findBlockedCalls([DENY, web, api, apiService]).map((b) => b.message)).toEqual([
      'Rollout shop/web calls Rollout shop/api at "api:80" (env API_ADDR of container "main"; Service shop/api port 80), '
      + 'but the egress of web (NetworkPolicy default-deny) and the ingress of api (NetworkPolicy default-deny) refuse TCP 8080',
    ]);
    expect(findBlockedCalls([DENY, web, api, apiService, webOut, apiIn])).toEqual([]);
  });

  it('a workload with its pod template at the top calls too', () => {
    const runner = topTemplate('runner', { app: 'runner' }, { API_URL: 'http://api:80/jobs' });
    expect(findBlockedCalls([DENY, runner, api, apiService]).map((b) => [b.message, b.call.site.field])).toEqual([[
      'Runner shop/runner calls Rollout shop/api at "http://api:80" (env API_URL of container "main"; Service shop/api port 80), '
      + 'but the egress of runner (NetworkPolicy default-deny) and the ingress of api (NetworkPolicy default-deny) refuse TCP 8080',
      'template.spec.containers[0].env[0].value',
    ]]);
  });

  it('the checker reports the blocked call on the Rollout, at the field holding the address', () => {
    const sink = new Sink();
    checkBlockedCalls(new RuleContext(new ObjectIndex([DENY, web, api, apiService].map((manifest) => ({ manifest }))), DEFAULT_OPTIONS, 'network-calls', sink));
    expect(sink.violations.map((v) => [v.kind, v.name, v.field])).toEqual([['Rollout', 'web', 'spec.template.spec.containers[0].env[0].value']]);
  });

  it('the picture has them as nodes with their calls', () => {
    const graph = trafficGraph(readTrafficModel([DENY, web, api, apiService, webOut, apiIn]), OPTIONS);
    expect(graph.nodes.filter((n) => n.kind).map((n) => n.id)).toEqual(['Rollout/shop/api', 'Rollout/shop/web']);
    expect(toTable(graph)).toBe([
      'FROM              TO                PORTS',
      'Rollout shop/web  Rollout shop/api  TCP 8080',
      '',
    ].join('\n'));
  });
});
