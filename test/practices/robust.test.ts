import { describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/practices/checker';
import { manifests } from './helpers';

/**
 * Manifests from anywhere can hold any type anywhere. The checker must judge them, never throw:
 * every field of the hand-written app (and every pod-bearing kind's template) replaced by each
 * kind of wrong value.
 */
const WRONG: unknown[] = [null, 'x', -1, 1.5, Infinity, true, [], {}, [null], [{}]];

function paths(value: unknown, prefix: (string | number)[] = []): Array<(string | number)[]> {
  if (value === null || typeof value !== 'object') return [prefix];
  const out: Array<(string | number)[]> = prefix.length > 0 ? [prefix] : [];
  for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, Array.isArray(value) ? Number(k) : k]));
  return out;
}

function setAt(root: any, path: (string | number)[], v: unknown): void {
  let cur = root;
  for (const p of path.slice(0, -1)) cur = cur[p];
  cur[path[path.length - 1]] = v;
}

describe('the checker on wrongly typed fields', () => {
  const base = manifests();
  base.push(
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'shop' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1.2.3' }] } } } } } },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 3 } },
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { a: 'b' } }, namespaceSelector: { matchNames: ['shop'] } } },
  );
  const all = base.flatMap((m, i) => paths(m).map((p) => [i, p] as const)).filter(([, p]) => p.length > 0);

  it(`never throws (${all.length} fields x ${WRONG.length} values)`, () => {
    const failures: string[] = [];
    for (const [i, p] of all) {
      for (const v of WRONG) {
        const list = structuredClone(base);
        setAt(list[i], p, v);
        try {
          checkManifests(list.map((manifest) => ({ manifest })));
        } catch (e) {
          failures.push(`${list[i].kind}.${p.join('.')} = ${JSON.stringify(v)}: ${(e as Error).message}`);
        }
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
