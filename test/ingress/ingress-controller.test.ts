import { describe, expect, it } from 'vitest';
import { IngressController, IngressControllerType } from '../../lib';

const settings = (c: IngressController) => ({
  type: c.type,
  ingressClassName: c.ingressClassName,
  namespace: c.namespace,
  podLabels: c.podLabels,
  annotations: c.annotations,
  secureEntrypoint: c.secureEntrypoint,
  webEntrypoint: c.webEntrypoint,
  entrypointRedirect: c.entrypointRedirect,
  peer: c.peer._toPeer('shop'),
});

describe('IngressController profiles', () => {
  it('traefik() defaults: the Helm chart\'s class, namespace, labels and entrypoints', () => {
    expect(settings(IngressController.traefik())).toEqual({
      type: IngressControllerType.TRAEFIK,
      ingressClassName: 'traefik',
      namespace: 'traefik',
      podLabels: { 'app.kubernetes.io/name': 'traefik' },
      annotations: {},
      secureEntrypoint: 'websecure',
      webEntrypoint: 'web',
      entrypointRedirect: false,
      peer: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } },
      },
    });
  });

  it('nginx() defaults', () => {
    expect(settings(IngressController.nginx())).toEqual({
      type: IngressControllerType.NGINX,
      ingressClassName: 'nginx',
      namespace: 'ingress-nginx',
      podLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
      annotations: {},
      secureEntrypoint: undefined,
      webEntrypoint: undefined,
      entrypointRedirect: false,
      peer: {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
      },
    });
  });

  it('generic(): class and namespace given, every pod of the namespace by default', () => {
    expect(settings(IngressController.generic({ ingressClassName: 'contour', namespace: 'projectcontour' }))).toEqual({
      type: IngressControllerType.GENERIC,
      ingressClassName: 'contour',
      namespace: 'projectcontour',
      podLabels: undefined,
      annotations: {},
      secureEntrypoint: undefined,
      webEntrypoint: undefined,
      entrypointRedirect: false,
      peer: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'projectcontour' } } },
    });
  });

  it('options are copied, not shared', () => {
    const labels = { app: 'edge' };
    const annotations = { 'haproxy.org/ssl-redirect': 'true' };
    const c = IngressController.generic({ ingressClassName: 'haproxy', namespace: 'haproxy', podLabels: labels, annotations });
    labels.app = 'changed';
    annotations['haproxy.org/ssl-redirect'] = 'false';
    expect(c.podLabels).toEqual({ app: 'edge' });
    expect(c.annotations).toEqual({ 'haproxy.org/ssl-redirect': 'true' });
    expect(c.peer._toPeer('shop').podSelector).toEqual({ matchLabels: { app: 'edge' } });
  });

  it('traefik() options', () => {
    const c = IngressController.traefik({
      ingressClassName: 'traefik-internal', namespace: 'kube-system', podLabels: { 'app.kubernetes.io/name': 'traefik', tier: 'internal' },
      secureEntrypoint: 'https', webEntrypoint: 'http', entrypointRedirect: true,
    });
    expect([c.ingressClassName, c.namespace, c.secureEntrypoint, c.webEntrypoint, c.entrypointRedirect])
      .toEqual(['traefik-internal', 'kube-system', 'https', 'http', true]);
  });
});
