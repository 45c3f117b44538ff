import { ApiObject, ApiObjectMetadataDefinition, Chart, JsonPatch, Lazy, ResolutionContext } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { afterEach, describe, expect, it } from 'vitest';
import { GuardrailsApp } from '../../lib';
import { setFastRendering } from '../../lib/core/render';

const cdk8sToJson = ApiObject.prototype.toJson;
const cdk8sMetadataToJson = ApiObjectMetadataDefinition.prototype.toJson;

/** A chart of objects that use every kind of value cdk8s resolves and sanitizes. */
function build(app: GuardrailsApp): void {
  const chart = new Chart(app, 'c', { labels: { team: 'a' } });
  let produced = 0;
  new ApiObject(chart, 'tricky', {
    apiVersion: 'example.com/v1',
    kind: 'Tricky',
    metadata: { name: 'tricky', annotations: {}, finalizers: [], labels: { z: 'last', a: 'first' } },
    zeta: { b: null, a: undefined, c: [null, 1, { y: 2, x: 1 }], empty: {}, none: [] },
    alpha: Lazy.any({ produce: () => ({ count: ++produced, nested: Lazy.any({ produce: () => 'deep' }) }) }),
    token: { resolve: () => ['t', { q: 1, p: 2 }] },
    union: k8s.IntOrString.fromNumber(8080),
    quantity: k8s.Quantity.fromString('10Gi'),
    text: 'x', number: 0, flag: false,
  });
  const patched = new k8s.KubeConfigMap(chart, 'patched', { metadata: { name: 'patched' }, data: { b: '2', a: '1' } });
  patched.addJsonPatch(JsonPatch.add('/data/c', '3'), JsonPatch.remove('/data/a'));
  new k8s.KubeService(chart, 'svc', { spec: { ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }] } });
}

function synthYaml(fast: boolean, props: ConstructorParameters<typeof GuardrailsApp>[0] = {}): string {
  setFastRendering(fast);
  try {
    const app = new GuardrailsApp(props);
    build(app);
    return app.synthYaml();
  } finally {
    setFastRendering(true);
  }
}

afterEach(() => {
  delete process.env.CDK8S_DISABLE_SORT;
});

describe('one-pass rendering during a synthesis', () => {
  it('gives the bytes of cdk8s\'s rendering: lazy values, tokens, unions, nulls dropped, empty metadata dropped, keys sorted, patches', () => {
    const fast = synthYaml(true);
    expect(fast).toBe(synthYaml(false));
    expect(fast).toContain('alpha:\n  count: 1\n  nested: deep\n');
    expect(fast).toContain('  labels:\n    a: first\n    team: a\n    z: last\n');
    expect(fast).not.toContain('annotations');
    expect(fast).not.toContain('finalizers');
    expect(fast).toContain('token:\n  - t\n  - p: 2\n    q: 1\n');
    expect(fast).toContain('zeta:\n  c:\n    - null\n    - 1\n    - x: 1\n      "y": 2\n  empty: {}\n  none: []\n');
    expect(fast).toContain('data:\n  b: "2"\n  c: "3"\n');
    expect(fast).toContain('quantity:\n  value: 10Gi\n');
    expect(fast).toContain('union:\n  value: 8080\n');
    expect(fast).toContain('targetPort: http\n');
  });

  it('keeps the insertion order with CDK8S_DISABLE_SORT, as cdk8s does', () => {
    process.env.CDK8S_DISABLE_SORT = '1';
    const fast = synthYaml(true);
    expect(fast).toBe(synthYaml(false));
    expect(fast).toContain('zeta:\n  c:\n    - null\n    - 1\n    - "y": 2\n      x: 1\n');
    expect(fast).toContain('  labels:\n    a: first\n    team: a\n    z: last\n'); // metadata is always sorted
  });

  it('leaves an App with resolvers of its own to cdk8s, which calls them', () => {
    const seen: string[] = [];
    const resolver = {
      resolve: (context: ResolutionContext) => {
        seen.push(context.key.join('.'));
        if (context.value === 'x') context.replaceValue('replaced');
      },
    };
    const fast = synthYaml(true, { resolvers: [resolver] });
    expect(fast).toContain('text: replaced\n');
    expect(seen).toContain('text');
    seen.length = 0;
    expect(synthYaml(false, { resolvers: [resolver] })).toBe(fast);
  });

  it('fails on a value cdk8s refuses with cdk8s\'s own error', () => {
    const app = new GuardrailsApp();
    const chart = new Chart(app, 'c');
    class NotPlain { public readonly a = 1; }
    new ApiObject(chart, 'bad', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad' }, data: new NotPlain() });
    expect(() => app.synthYaml()).toThrow("Failed serializing construct at path 'c/bad' with name 'bad': Error: can't render non-simple object of type 'NotPlain'");
  });

  it('is in place only for the span of a synthesis', () => {
    const app = new GuardrailsApp();
    let during: unknown;
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: Lazy.any({ produce: () => (during = ApiObject.prototype.toJson, { a: '1' }) }) });
    app.synthYaml();
    expect(during).not.toBe(cdk8sToJson);
    expect(ApiObject.prototype.toJson).toBe(cdk8sToJson);
    expect(ApiObjectMetadataDefinition.prototype.toJson).toBe(cdk8sMetadataToJson);
  });
});
