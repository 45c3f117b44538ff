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

  const at = "HashedConfigMap at 'test/cfg': ";
  const KEY = 'a ConfigMap key of at most 253 characters: letters, digits, \'-\', \'_\' and \'.\', other than "." and ".." and not starting with "..".';
  it.each([
    ['a key with a space', { data: { 'bad key': '1' } }, `invalid data key "bad key"; expected ${KEY}`],
    ['the key ".."', { data: { '..': '1' } }, `invalid data key ".."; expected ${KEY}`],
    ['the key "."', { data: { '.': '1' } }, `invalid data key "."; expected ${KEY}`],
    ['the key "..data" (the kubelet\'s own link)', { data: { '..data': '1' } }, `invalid data key "..data"; expected ${KEY}`],
    ['a key with a slash', { data: { 'conf/app.yaml': '1' } }, `invalid data key "conf/app.yaml"; expected ${KEY}`],
    ['an empty key', { data: { '': '1' } }, `invalid data key ""; expected ${KEY}`],
    ['a key of 254 characters', { data: { ['k'.repeat(254)]: '1' } }, `invalid data key "${'k'.repeat(254)}"; expected ${KEY}`],
    ['a number as value', { data: { port: 8080 as unknown as string } }, 'invalid data.port 8080; expected a string (quote it: "8080").'],
    ['more than 1 MiB of data', { data: { a: 'x'.repeat(600 * 1024), b: 'y'.repeat(600 * 1024) } },
      'invalid data "(1228802 bytes in 2 keys)"; expected at most 1048576 bytes (1 MiB) of data in one ConfigMap, keys and values together: the API server refuses more; split the data or mount large files from a volume.'],
    ['multi-byte characters over 1 MiB', { data: { a: 'é'.repeat(524289) } }, 'invalid data "(1048579 bytes in 1 keys)"'],
    ['hashLength -4', { data: { a: '1' }, hashLength: -4 }, 'invalid hashLength -4; expected an integer from 4 to 64.'],
    ['hashLength 0', { data: { a: '1' }, hashLength: 0 }, 'invalid hashLength 0; expected an integer from 4 to 64.'],
    ['hashLength 2.5', { data: { a: '1' }, hashLength: 2.5 }, 'invalid hashLength 2.5; expected an integer from 4 to 64.'],
    ['hashLength 65', { data: { a: '1' }, hashLength: 65 }, 'invalid hashLength 65; expected an integer from 4 to 64.'],
    ['a prefix that is no subdomain', { namePrefix: 'Bad_Prefix', data: { a: '1' } }, 'invalid namePrefix "Bad_Prefix"; expected a DNS-1123 subdomain'],
    ['a prefix too long for the hash', { namePrefix: 'p'.repeat(245), data: { a: '1' } }, `invalid namePrefix "${'p'.repeat(245)}"; expected a prefix of at most 242 characters`],
    ['a prefix too long for the name label', { namePrefix: 'p'.repeat(64), data: { a: '1' } }, `invalid namePrefix (the app.kubernetes.io/name label) "${'p'.repeat(64)}"; expected a label value of at most 63 characters`],
    ['a label key with a space', { data: { a: '1' }, labels: { 'cost center': '7' } }, 'invalid labels key "cost center"; expected a key of the form [prefix/]name'],
    ['a label value with spaces', { data: { a: '1' }, labels: { cost: 'cost center 7' } }, 'invalid labels.cost "cost center 7"; expected a label value'],
  ])('refuses %s, naming the construct path', (_what, props, text) => {
    expect(() => new HashedConfigMap(newChart(), 'cfg', props as any)).toThrow(at + text);
  });

  it('accepts keys and sizes at the edges', () => {
    const chart = newChart();
    const cm = new HashedConfigMap(chart, 'cfg', {
      data: { '.env': 'A=1', 'a..b': '', '_x-Y.1': 'z', ['k'.repeat(253)]: 'v', big: 'x'.repeat(1024 * 1024 - 1000) },
      hashLength: 4,
    });
    expect(cm.contentHash).toHaveLength(4);
    expect(Object.keys(one(synth(chart), 'ConfigMap').data)).toHaveLength(5);
    expect(new HashedConfigMap(newChart(), 'c64', { data: { a: '1' }, hashLength: 64 }).contentHash).toHaveLength(64);
  });
});
