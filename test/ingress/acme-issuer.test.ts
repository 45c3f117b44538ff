import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  AcmeIssuer, AcmeIssuerProps, AcmeServer, AcmeSolver, IngressController, IssuerChallenge, IssuerKind, IssuerReference,
} from '../../lib';
import { errorOf, shopChart } from './helpers';

const LE_PROD = 'https://acme-v02.api.letsencrypt.org/directory';
const LE_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';

function issuer(props: AcmeIssuerProps = {}, namespace: string | null = 'shop') {
  const chart = shopChart(namespace);
  const construct = new AcmeIssuer(chart, 'le', props);
  const manifests = Testing.synth(chart);
  return { construct, manifests, resource: manifests[0] };
}

function error(props: AcmeIssuerProps): string {
  return errorOf(() => issuer(props));
}

describe('AcmeIssuer: the simplest call', () => {
  const { construct, manifests, resource } = issuer();

  it('a cluster-scoped Let\'s Encrypt production ClusterIssuer solving HTTP-01 through the traefik class', () => {
    expect(manifests.length).toBe(1);
    expect(resource).toEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: {
        name: 'letsencrypt-prod',
        labels: {
          'app.kubernetes.io/name': 'letsencrypt-prod',
          'app.kubernetes.io/instance': 'letsencrypt-prod',
          'app.kubernetes.io/component': 'certificate-issuer',
          'app.kubernetes.io/managed-by': 'cdk8s',
        },
      },
      spec: {
        acme: {
          server: LE_PROD,
          privateKeySecretRef: { name: 'letsencrypt-prod-account-key' },
          solvers: [{ http01: { ingress: { ingressClassName: 'traefik' } } }],
        },
      },
    });
  });

  it('describes itself as an issuer', () => {
    expect(construct.issuerName).toBe('letsencrypt-prod');
    expect(construct.issuerKind).toBe(IssuerKind.CLUSTER_ISSUER);
    expect(construct.issuerNamespace).toBeUndefined();
    expect(construct.solvesHttp01).toBe(true);
    expect(construct.issuesWildcards).toBe(false);
    expect(construct.http01IngressClassNames).toEqual(['traefik']);
    expect(construct.serverUrl).toBe(LE_PROD);
    expect(construct.resource.kind).toBe('ClusterIssuer');
  });

  it('a ClusterIssuer in a chart without namespace has no namespace either', () => {
    expect(issuer({}, null).resource.metadata).not.toHaveProperty('namespace');
  });
});

describe('AcmeIssuer options', () => {
  it('staging, e-mail and an explicit account key Secret', () => {
    const { resource } = issuer({ server: AcmeServer.letsEncryptStaging(), email: 'ops@example.com', accountKeySecretName: 'acme-staging' });
    expect(resource.metadata.name).toBe('letsencrypt-staging');
    expect(resource.spec.acme).toEqual({
      server: LE_STAGING,
      email: 'ops@example.com',
      privateKeySecretRef: { name: 'acme-staging' },
      solvers: [{ http01: { ingress: { ingressClassName: 'traefik' } } }],
    });
  });

  it('a custom ACME server takes the construct id as name', () => {
    const { resource } = issuer({ server: AcmeServer.custom('https://acme.zerossl.com/v2/DV90') });
    expect(resource.metadata.name).toBe('le');
    expect(resource.spec.acme.server).toBe('https://acme.zerossl.com/v2/DV90');
    expect(AcmeServer.custom('https://acme.example/dir', true).staging).toBe(true);
    expect(AcmeServer.letsEncryptStaging().staging).toBe(true);
    expect(AcmeServer.letsEncrypt().staging).toBe(false);
  });

  it('a namespaced Issuer in the chart namespace', () => {
    const { construct, resource } = issuer({ kind: IssuerKind.ISSUER, name: 'shop-le' });
    expect(resource.kind).toBe('Issuer');
    expect(resource.metadata.name).toBe('shop-le');
    expect(resource.metadata.namespace).toBe('shop');
    expect(construct.issuerNamespace).toBe('shop');
    expect(resource.spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: 'traefik' } } }]);
  });

  it('HTTP-01 through the ingress-nginx class', () => {
    const { resource, construct } = issuer({ solvers: [AcmeSolver.http01({ controller: IngressController.nginx() })] });
    expect(resource.spec.acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: 'nginx' } } }]);
    expect(construct.http01IngressClassNames).toEqual(['nginx']);
  });

  it('DNS-01 through Cloudflare with an API token from a Secret, limited to a zone', () => {
    const { resource, construct } = issuer({
      solvers: [AcmeSolver.cloudflare({ apiTokenSecret: { secretName: 'cloudflare-api', key: 'token' }, dnsZones: ['example.com'] })],
    });
    expect(resource.spec.acme.solvers).toEqual([{
      dns01: { cloudflare: { apiTokenSecretRef: { name: 'cloudflare-api', key: 'token' } } },
      selector: { dnsZones: ['example.com'] },
    }]);
    expect(construct.issuesWildcards).toBe(true);
    expect(construct.solvesHttp01).toBe(false);
    expect(construct.http01IngressClassNames).toEqual([]);
  });

  it('DNS-01 through Route53 with ambient credentials, or with keys from Secrets', () => {
    const ambient = issuer({ solvers: [AcmeSolver.route53({ region: 'eu-central-1', hostedZoneId: 'Z123', role: 'arn:aws:iam::1:role/dns' })] });
    expect(ambient.resource.spec.acme.solvers).toEqual([{
      dns01: { route53: { region: 'eu-central-1', hostedZoneID: 'Z123', role: 'arn:aws:iam::1:role/dns' } },
    }]);
    const keys = issuer({
      solvers: [AcmeSolver.route53({
        region: 'us-east-1',
        accessKeyIdSecret: { secretName: 'route53', key: 'access-key-id' },
        secretAccessKeySecret: { secretName: 'route53', key: 'secret-access-key' },
        dnsNames: ['shop.example.com'],
      })],
    });
    expect(keys.resource.spec.acme.solvers).toEqual([{
      dns01: {
        route53: {
          region: 'us-east-1',
          accessKeyIDSecretRef: { name: 'route53', key: 'access-key-id' },
          secretAccessKeySecretRef: { name: 'route53', key: 'secret-access-key' },
        },
      },
      selector: { dnsNames: ['shop.example.com'] },
    }]);
  });

  it('HTTP-01 and DNS-01 together: the DNS zone for wildcards, HTTP-01 for the rest', () => {
    const { resource, construct } = issuer({
      solvers: [
        AcmeSolver.http01(),
        AcmeSolver.cloudflare({ apiTokenSecret: { secretName: 'cf', key: 'token' }, dnsZones: ['example.com'] }),
      ],
    });
    expect(resource.spec.acme.solvers.length).toBe(2);
    expect(construct.solvesHttp01).toBe(true);
    expect(construct.issuesWildcards).toBe(true);
  });

  it('never writes a secret value: only references', () => {
    const { manifests } = issuer({ solvers: [AcmeSolver.cloudflare({ apiTokenSecret: { secretName: 'cf', key: 'token' } })] });
    expect(manifests.some((m) => m.kind === 'Secret')).toBe(false);
  });

  it('solver descriptions', () => {
    expect(AcmeSolver.http01().challenge).toBe(IssuerChallenge.HTTP01);
    expect(AcmeSolver.http01().ingressClassName).toBe('traefik');
    expect(AcmeSolver.route53({ region: 'eu-west-1' }).challenge).toBe(IssuerChallenge.DNS01);
    expect(AcmeSolver.route53({ region: 'eu-west-1' }).ingressClassName).toBeUndefined();
  });
});

describe('AcmeIssuer bad input', () => {
  it.each([
    [{ email: 'ops' }, 'AcmeIssuer at \'test/le\': invalid email "ops"; expected an e-mail address such as "ops@example.com".'],
    [{ server: AcmeServer.custom('http://acme.example/dir') }, 'AcmeIssuer at \'test/le\': invalid server "http://acme.example/dir"; expected an https:// URL of an ACME directory.'],
    [{ name: 'LE' }, 'AcmeIssuer at \'test/le\': invalid name "LE"; expected a DNS-1123 label'],
    [{ solvers: [] }, 'AcmeIssuer at \'test/le\': invalid solvers []; expected at least one solver: AcmeSolver.http01(), AcmeSolver.cloudflare() or AcmeSolver.route53().'],
    [{ accountKeySecretName: 'Key!' }, 'invalid accountKeySecretName "Key!"; expected a DNS-1123 subdomain'],
    [{ solvers: [AcmeSolver.cloudflare({ apiTokenSecret: { secretName: 'Bad Name', key: 'token' } })] },
      'invalid solvers[0].apiTokenSecret.secretName "Bad Name"; expected a DNS-1123 subdomain'],
    [{ solvers: [AcmeSolver.cloudflare({ apiTokenSecret: { secretName: 'cf', key: 'a/b' } })] },
      'invalid solvers[0].apiTokenSecret.key "a/b"; expected a ConfigMap key'],
    [{ solvers: [AcmeSolver.cloudflare({ apiTokenSecret: undefined as any })] },
      'invalid solvers[0].apiTokenSecret (undefined); expected a reference to a key of an existing Secret: { secretName, key }'],
    [{ solvers: [AcmeSolver.route53({ region: 'Frankfurt' })] }, 'invalid solvers[0].region "Frankfurt"; expected an AWS region such as "eu-central-1"'],
    [{ solvers: [AcmeSolver.route53({ region: 'eu-central-1', accessKeyIdSecret: { secretName: 'aws', key: 'id' } })] },
      'invalid solvers[0].accessKeyIdSecret "aws"; expected both accessKeyIdSecret and secretAccessKeySecret, or neither (ambient credentials such as IRSA)'],
    [{ solvers: [AcmeSolver.http01(), AcmeSolver.cloudflare({ apiTokenSecret: { secretName: 'cf', key: 't' }, dnsZones: ['Example.com'] })] },
      'invalid solvers[1].dnsZones[0] "Example.com"'],
  ])('%#', (props, text) => {
    expect(error(props as AcmeIssuerProps)).toContain(text);
  });
});

describe('IssuerReference', () => {
  it('a ClusterIssuer defaults to HTTP-01', () => {
    const r = IssuerReference.clusterIssuer('letsencrypt-prod');
    expect([r.issuerName, r.issuerKind, r.challenge, r.solvesHttp01, r.issuesWildcards, r.issuerNamespace, r.http01IngressClassNames])
      .toEqual(['letsencrypt-prod', IssuerKind.CLUSTER_ISSUER, IssuerChallenge.HTTP01, true, false, undefined, []]);
  });

  it('DNS-01 and non-ACME issuers issue wildcards', () => {
    expect(IssuerReference.clusterIssuer('dns', { challenge: IssuerChallenge.DNS01 }).issuesWildcards).toBe(true);
    const ca = IssuerReference.issuer('ca', { challenge: IssuerChallenge.NONE, namespace: 'shop' });
    expect([ca.issuerKind, ca.issuerNamespace, ca.solvesHttp01, ca.issuesWildcards]).toEqual([IssuerKind.ISSUER, 'shop', false, true]);
  });

  it('a namespace on a ClusterIssuer reference is ignored', () => {
    expect(IssuerReference.clusterIssuer('x', { namespace: 'shop' }).issuerNamespace).toBeUndefined();
  });
});
