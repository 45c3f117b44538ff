import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { describe, expect, it, vi } from 'vitest';
import { IsolatedNamespace, NetworkPeer, SafeDeployment } from '../../lib';
import { cidrContains, parseCidr, ParsedCidr } from '../../lib/namespace/cidr';
import { parseCpuMillis, parseQuantity, renderBytes, renderMillis, sizeToBytes } from '../../lib/core/quantity';
import { FakeIngress } from './api-server';

describe('quantities', () => {
  it.each([
    ['100m', 0.1], ['2', 2], ['0.5', 0.5], ['1.5Gi', 1.5 * 2 ** 30], ['128Mi', 128 * 2 ** 20], ['1G', 1e9],
    ['500M', 5e8], ['1e3', 1000], ['2E3', 2000], ['1E', 1e18], ['1024Ki', 2 ** 20], ['250u', 250e-6], [42, 42],
  ])('parses %j', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value as number, 9);
  });

  it.each(['', 'abc', '1 Gi', '1GiB', '--1', null])('refuses %j', (text) => {
    expect(parseQuantity(text)).toBeNaN();
  });

  it('parses CPU into whole millicores, rounding up like the API server', () => {
    expect(parseCpuMillis('250m')).toBe(250);
    expect(parseCpuMillis('1.5')).toBe(1500);
    expect(parseCpuMillis('100500u')).toBe(101);
  });

  it('renders bytes with the largest whole binary unit', () => {
    expect(renderBytes(2 ** 30)).toBe('1Gi');
    expect(renderBytes(1536 * 2 ** 20)).toBe('1536Mi');
    expect(renderBytes(2 * 2 ** 40)).toBe('2Ti');
    expect(renderBytes(1000)).toBe('1000');
    expect(renderMillis(1000)).toBe('1');
    expect(renderMillis(2500)).toBe('2500m');
    expect(sizeToBytes(Size.mebibytes(3))).toBe(3 * 2 ** 20);
    expect(Cpu.millis(5).amount).toBe('5m');
  });
});

describe('CIDRs', () => {
  const ok = (text: string) => parseCidr(text) as ParsedCidr;

  it.each([
    ['10.0.0.0/8', 4, 8], ['0.0.0.0/0', 4, 0], ['192.168.1.7/32', 4, 32],
    ['fd00::/8', 6, 8], ['::/0', 6, 0], ['2001:db8::1/128', 6, 128], ['2001:db8:0:0:0:0:0:0/32', 6, 32],
  ])('parses %s', (text, version, prefix) => {
    expect(ok(text)).toMatchObject({ version, prefix, text });
  });

  it.each([
    ['10.0.0.1/8', 'host bits are set; the network address is 10.0.0.0/8'],
    ['fd00::1/8', 'host bits are set; the network address is fd00::/8'],
    ['2001:db8::1:0:0:1/32', 'host bits are set; the network address is 2001:db8::/32'],
    ['::ffff:10.0.0.0/104', 'an IPv4-mapped IPv6 address, which the API server refuses from Kubernetes 1.36 on: write it as IPv4, such as "10.0.0.0/8"'],
    ['10.0.0/8', '"10.0.0" is not an IPv4 address'],
    ['010.0.0.0/8', '"010.0.0.0" is not an IPv4 address'],
    ['10.0.0.0/08', 'the prefix length must be 0 to 32'],
    ['fd00::/129', 'the prefix length must be 0 to 128'],
    ['1:2:3:4:5:6:7:8:9/64', '"1:2:3:4:5:6:7:8:9" is not an IPv6 address'],
    ['1:2:3:4:5:6:7::8/64', '"1:2:3:4:5:6:7::8" is not an IPv6 address'],
  ])('refuses %s', (text, reason) => {
    expect(parseCidr(text)).toBe(reason);
  });

  it('tells whether one block contains another', () => {
    expect(cidrContains(ok('10.0.0.0/8'), ok('10.1.0.0/16'))).toBe(true);
    expect(cidrContains(ok('10.1.0.0/16'), ok('10.0.0.0/8'))).toBe(false);
    expect(cidrContains(ok('10.0.0.0/8'), ok('11.0.0.0/16'))).toBe(false);
    expect(cidrContains(ok('10.0.0.0/8'), ok('10.0.0.0/8'))).toBe(true);
    expect(cidrContains(ok('0.0.0.0/0'), ok('fd00::/8'))).toBe(false);
    expect(cidrContains(ok('::/0'), ok('fd00::/8'))).toBe(true);
  });
});

describe('synthesis of an App with many namespaces', () => {
  it('checks each namespace once per App.synth, and again in the next synthesis', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-'));
    const app = new App({ outdir });
    const spaces = ['a', 'b', 'c'].map((id) => new IsolatedNamespace(app, id, { team: id }));
    for (const ns of spaces) new SafeDeployment(ns, 'web', { image: 'ghcr.io/acme/web:1.0.0', port: 8080 });
    const spy = vi.spyOn(IsolatedNamespace.prototype as any, 'synthesisChecks');
    app.synth();
    expect(spy).toHaveBeenCalledTimes(3);
    new FakeIngress(spaces[0], 'ingress', NetworkPeer.namespace('traefik'));
    const yaml = app.synthYaml();
    expect(spy).toHaveBeenCalledTimes(6);
    expect(yaml).toContain('name: allow-ingress-controller');
    spy.mockRestore();
  });
});
