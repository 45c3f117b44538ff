import { describe, expect, it } from 'vitest';
import { HashedConfigMap } from '../../lib';
import { newChart, one, synth } from '../helpers';

describe('HashedConfigMap', () => {
  it('is immutable, named by a hash of its sorted content, and labelled', () => {
    const chart = newChart();
    const cm = new HashedConfigMap(chart, 'settings', { data: { b: '2', a: '1' } });
    const m = one(synth(chart), 'ConfigMap');
    expect(m.immutable).toBe(true);
    expect(m.metadata.name).toBe(cm.name);
    expect(cm.name).toMatch(/^settings-[0-9a-f]{10}$/);
    expect(Object.keys(m.data)).toEqual(['a', 'b']);
    expect(m.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'settings', 'app.kubernetes.io/instance': 'settings', 'app.kubernetes.io/managed-by': 'cdk8s',
    });
  });

  it('the same content in another order gives the same name; other content another name', () => {
    const chart = newChart();
    const a = new HashedConfigMap(chart, 'a', { namePrefix: 'x', data: { k1: 'v', k2: 'w' } });
    const b = new HashedConfigMap(chart, 'b', { namePrefix: 'x', data: { k2: 'w', k1: 'v' } });
    const c = new HashedConfigMap(chart, 'c', { namePrefix: 'x', data: { k1: 'v', k2: 'W' } });
    expect(a.name).toBe(b.name);
    expect(c.name).not.toBe(a.name);
  });

  it('honours explicit labels and hash length', () => {
    const chart = newChart();
    const cm = new HashedConfigMap(chart, 'cfg', { data: { a: '1' }, labels: { team: 'x' }, hashLength: 6 });
    expect(cm.contentHash).toHaveLength(6);
    expect(one(synth(chart), 'ConfigMap').metadata.labels).toEqual({ team: 'x' });
  });

  it('rejects invalid keys and names, naming the construct path', () => {
    expect(() => new HashedConfigMap(newChart(), 'cfg', { data: { 'bad key': '1' } })).toThrow(
      "HashedConfigMap at 'test/cfg': invalid data key \"bad key\"; expected a ConfigMap key: letters, digits, '-', '_' and '.'.");
    expect(() => new HashedConfigMap(newChart(), 'cfg', { namePrefix: 'Bad_Prefix', data: { a: '1' } })).toThrow(
      /HashedConfigMap at 'test\/cfg': invalid namePrefix "Bad_Prefix-[0-9a-f]{10}"; expected a DNS-1123 subdomain/);
  });
});
