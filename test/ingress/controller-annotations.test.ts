import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { IngressController, TlsIngress } from '../../lib';
import { one } from '../helpers';
import { backend, errorOf, shopChart } from './helpers';

const generic = (annotations: { [key: string]: string }) =>
  IngressController.generic({ ingressClassName: 'haproxy', namespace: 'haproxy', annotations });

describe('controller annotations never replace what the TlsIngress writes itself', () => {
  it.each([
    ['cert-manager.io/cluster-issuer', 'evil', '"letsencrypt-prod"'],
    ['external-dns.alpha.kubernetes.io/hostname', 'elsewhere.example.com', '"shop.example.com"'],
    ['cert-manager.io/renew-before', '1h', '"720h"'],
  ])('%s is an error', (key, value, own) => {
    const chart = shopChart();
    expect(errorOf(() => new TlsIngress(chart, 'web', { host: 'shop.example.com', backend: backend(chart), controller: generic({ [key]: value }) }))).toBe(
      `TlsIngress at 'test/web': invalid controller.annotations.${key} ${JSON.stringify(value)}; expected an annotation that the TlsIngress does not write itself: it sets ${key} to ${own} from its own props; change that prop instead.`);
  });

  it('other annotations, and the same value, pass and are written', () => {
    const chart = shopChart();
    new TlsIngress(chart, 'web', {
      host: 'shop.example.com', backend: backend(chart),
      controller: generic({ 'haproxy.org/ssl-redirect': 'true', 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' }),
    });
    const annotations = one(Testing.synth(chart), 'Ingress').metadata.annotations;
    expect(annotations['haproxy.org/ssl-redirect']).toBe('true');
    expect(annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
  });
});
