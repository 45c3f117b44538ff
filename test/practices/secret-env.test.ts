import { describe, expect, it } from 'vitest';
import { plaintextSecretProblem } from '../../lib/practices/rules/secret';
import { sealed } from '../secrets/sealed';
import { check, manifests, violationsOf } from './helpers';

const NAME = 'has a name that says it is a secret and a literal value';

describe('secret-no-plaintext: literal env values', () => {
  it.each([
    ['DB_PASSWORD', 'hunter2'],
    ['PGPASSWORD', 'hunter2'],
    ['API_TOKEN', 'tok_51HxQ'],
    ['GITHUB_TOKEN', 'ghp_abc'],
    ['JWT_SECRET', 'change-me'],
    ['SECRET_KEY_BASE', 'a1b2c3'],
    ['STRIPE_API_KEY', 'sk_live_123'],
    ['OPENAI_APIKEY', 'sk-123'],
    ['SSH_PRIVATE_KEY', 'AAAAB3Nza'],
    ['db_password', 'x'],
    ['AWS_CREDENTIALS', 'AKIA...'],
  ])('flags %s=%s', (name, value) => {
    expect(plaintextSecretProblem(name, value)).toBe(NAME);
  });

  it.each([
    ['DB_PASSWORD', ''],
    ['DB_PASSWORD', '   '],
    ['TOKEN_REFRESH', 'false'],
    ['USE_SECRET_STORE', 'true'],
    ['API_KEY_REQUIRED', 'yes'],
    ['DB_PASSWORD', '$(SHARED_PASSWORD)'],
    ['DB_PASSWORD', '${SHARED_PASSWORD}'],
    ['DB_PASSWORD_FILE', 'secrets/db-password'],
    ['TOKEN_PATH', 'token.txt'],
    ['SECRET_NAME', 'shop-db'],
    ['TOKEN_TTL', '3600'],
    ['DB_PASSWORD', '/run/secrets/db-password'],
    ['API_KEY', './keys/api'],
    ['GOOGLE_APPLICATION_CREDENTIALS', '/var/run/gcp/key.json'],
    ['SECRET', 'password.txt'],
    ['TLS_PRIVATE_KEY', 'tls.key'],
    ['TOKEN_ISSUER', 'https://auth.example.com/'],
    ['OAUTH_TOKEN', 'https://auth.example.com/token'],
    ['LOG_LEVEL', 'info'],
    ['DATABASE_URL', 'postgres://db:5432/shop'],
    ['DATABASE_URL', 'postgres://shop@db:5432/shop'],
  ])('passes %s=%s', (name, value) => {
    expect(plaintextSecretProblem(name, value)).toBeUndefined();
  });

  it('flags a URL with a password and private-key material whatever the name', () => {
    expect(plaintextSecretProblem('DATABASE_URL', 'postgres://shop:hunter2@db:5432/shop')).toBe('is a URL with a password in it');
    expect(plaintextSecretProblem('UPSTREAM', 'https://user:pass@example.com')).toBe('is a URL with a password in it');
    expect(plaintextSecretProblem('CERT', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----')).toBe('holds private-key material');
    expect(plaintextSecretProblem('CERT', '-----BEGIN OPENSSH PRIVATE KEY-----')).toBe('holds private-key material');
    expect(plaintextSecretProblem('CA_CERT', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')).toBeUndefined();
  });

  const container = (a: any) => a.deployment.spec.template.spec.containers[0];

  it('passes references to Secrets and plain settings in the hand-written app', () => {
    const result = check(manifests((a) => {
      container(a).env = [
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'DB_PASSWORD_FILE', value: '/run/secrets/db' },
        { name: 'FEATURE_TOKENS', value: 'false' },
      ];
    }), { externalSecrets: ['db'] });
    expect(violationsOf(result, 'secret-no-plaintext')).toEqual([]);
  });

  it('checks init containers, names the field and the ConfigMap, and honours a skip on the workload', () => {
    const broken = (skip: boolean) => manifests((a) => {
      a.deployment.spec.template.spec.initContainers = [{ ...container(a), name: 'migrate', env: [{ name: 'PGPASSWORD', value: 'hunter2' }] }];
      if (skip) a.deployment.metadata.annotations = { 'guardrails.cdk8s.io/skip.secret-no-plaintext': 'a throw-away test database' };
    });
    const found = violationsOf(check(broken(false)), 'secret-no-plaintext');
    expect(found.map((v) => [v.field, v.message])).toEqual([[
      'spec.template.spec.initContainers[0].env[0]',
      `sets env PGPASSWORD of container migrate from a literal value, which ${NAME}: it ends up in git with the manifests`,
    ]]);
    expect(found[0].fix).toBe('read PGPASSWORD from a Secret made by an ExternalSecret or SealedSecret (the workload\'s secrets prop), or from an existing Secret; '
      + 'if the value is no secret, waive it with the annotation guardrails.cdk8s.io/skip.secret-no-plaintext.env: "PGPASSWORD: <reason>" (a workload\'s skip[\'secret-no-plaintext.env\'])');
    expect(violationsOf(check(broken(true)), 'secret-no-plaintext')).toEqual([]);
  });

  it('counts the Secrets a workload names as existing as provided, and only those', () => {
    const app = (annotation: string) => manifests((a) => {
      a.deployment.metadata.annotations = { 'guardrails.cdk8s.io/existing-secrets': annotation };
      container(a).env = [
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
      ];
    });
    expect(violationsOf(check(app('db,api')), 'secret-no-plaintext')).toEqual([]);
    expect(violationsOf(check(app('db')), 'secret-no-plaintext').map((v) => v.message)).toEqual([
      'uses Secret api, which neither the output nor an ExternalSecret or SealedSecret of the app provides, and which is not declared external',
    ]);
  });

  it('counts an ExternalSecret\'s target and a SealedSecret as the provider of their Secret', () => {
    const labels = { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/managed-by': 'cdk8s' };
    const result = check([
      ...manifests((a) => {
        container(a).env = [
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
          { name: 'TLS_KEY', valueFrom: { secretKeyRef: { name: 'tls', key: 'tls.key' } } },
        ];
      }),
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: 'shop', labels }, spec: { secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, target: { name: 'db-credentials' }, data: [{ secretKey: 'password', remoteRef: { key: 'shop/db' } }] } },
      { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'tls', namespace: 'shop', labels }, spec: { encryptedData: { 'tls.key': sealed('tls.key') } } },
    ]);
    expect(violationsOf(result, 'secret-no-plaintext')).toEqual([]);
  });
});
