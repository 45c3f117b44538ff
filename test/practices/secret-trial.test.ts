import { describe, expect, it } from 'vitest';
import { plaintextSecretProblem } from '../../lib/practices/rules/secret';
import { configEntryProblem } from '../../lib/practices/rules/secret-values';
import { sealed } from '../secrets/sealed';
import { App, LABELS, NS, check, manifests, violationsOf } from './helpers';

const RULE = 'secret-no-plaintext';
const NAME = 'has a name that says it is a secret and a literal value';
const container = (a: App) => a.deployment.spec.template.spec.containers[0];
const meta = (name: string) => ({ name, namespace: NS, labels: { ...LABELS } });
/** `Kind name field: message` of the rule's violations. */
const found = (list: any[], options?: any) => violationsOf(check(list, options), RULE).map((v) => `${v.kind} ${v.name} ${v.field}: ${v.message}`);
const GH = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
const PEM = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----\n';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('secret-no-plaintext: names and formats', () => {
  it.each([
    ['MYSQL_PWD', 'hunter2'], ['DB_PASS', 'hunter2'], ['REDIS_AUTH', 'hunter2'], ['SIGNING_KEY', 'k3y'], ['ENCRYPTION_KEY', 'k3y'],
    ['SESSION_KEY', 'k3y'], ['DB_CREDS', 'shop:hunter2'], ['TOKEN_URL', 'hunter2'], ['DB_PASSWORD_FILE', 'hunter2'], ['DB_PASSWORD', '123456'],
    ['dbPassword', 'hunter2'],
  ])('flags %s=%s by its name', (name, value) => {
    expect(plaintextSecretProblem(name, value)).toBe(name.endsWith('_URL') || name.endsWith('_FILE')
      ? 'has a name that points at a secret and a value that is no path, file name or URL' : NAME);
  });

  it.each([
    ['CONFIG', GH, 'holds a GitHub token'],
    ['CONFIG', `github_pat_${'A1b2C3d4E5'.repeat(3)}`, 'holds a GitHub token'],
    ['PAYMENTS', 'sk_live_51HxQabcdEFGH', 'holds a Stripe live key'],
    ['AWS_ID', 'AKIAIOSFODNN7EXAMPLE', 'holds an AWS access key'],
    ['SLACK', 'xoxb-123456789012-abcdef', 'holds a Slack token'],
    ['UPSTREAM_HEADER', `Basic ${Buffer.from('shop:hunter2').toString('base64')}`, 'holds an HTTP Authorization credential'],
    ['UPSTREAM_HEADER', 'Bearer 8f2k1m9x0q7w3e5r', 'holds an HTTP Authorization credential'],
    ['CERT', PEM, 'holds private-key material'],
    ['SESSION', JWT, 'holds a JSON Web Token'],
    ['DB', 'jdbc:postgresql://db:5432/shop?user=shop&password=hunter2', 'is a connection string with a password in it'],
    ['DB', 'Server=db;Database=shop;User Id=shop;Password=hunter2;', 'is a connection string with a password in it'],
    ['TOKEN_URL', 'redis://u:hunter2@redis:6379', 'is a URL with a password in it'],
  ])('flags %s by the format of its value (%s)', (name, value, problem) => {
    expect(plaintextSecretProblem(name, value)).toBe(problem);
  });

  it.each([
    ['MAX_TOKENS', '4096'], ['TOKEN_LIFETIME_SECONDS', '3600'], ['PASSWORD_MIN_LEN', '12'], ['JWT_SECRET_ROTATION_DAYS', '30'],
    ['PASSWORD_RESET_EXPIRATION', '1h'], ['ENABLE_TOKEN_AUTH', '1'], ['TOKEN_ENDPOINT_AUTH_METHOD', 'client_secret_basic'],
    ['SECRET_BACKEND', 'vault'], ['SECRETS_PROVIDER', 'aws'], ['TOKENIZER', 'bert-base-uncased'], ['GITHUB_TOKEN_SCOPES', 'repo,read:org'],
    ['CSRF_TOKEN_COOKIE', 'csrftoken'], ['PASSWORD_HASHER', 'argon2'], ['VAULT_TOKEN_ROLE', 'shop'],
    ['API_TOKEN_TIMEOUT', '30s'], ['SECRET_NAME', 'shop-db'], ['TOKEN_URL', 'https://auth.example.com/token'], ['JWT_ALG', 'HS256'],
    ['DB', 'jdbc:postgresql://db:5432/shop?user=shop&password=${DB_PASSWORD}'], ['DOCS', 'Bearer tokens expire after an hour'],
    ['DOCS', 'Basic authentication is off'], ['DATABASE_URL', 'postgres://shop:$(DB_PASSWORD)@db/shop'],
  ])('passes %s=%s', (name, value) => {
    expect(plaintextSecretProblem(name, value)).toBeUndefined();
  });

  it.each([
    ['application.properties', 'server.port=8080\ndb.password=hunter2\n', 'sets db.password on line 2, which has a name that says it is a secret and a literal value'],
    ['.env', '# local\nexport DB_PASSWORD="hunter2"\n', 'sets DB_PASSWORD on line 2, which has a name that says it is a secret and a literal value'],
    ['config.yaml', `github:\n  org: acme\n  token: ${GH}\n`, 'sets token on line 3, which holds a GitHub token'],
    ['ca.b64', Buffer.from(PEM).toString('base64'), 'holds private-key material in base64'],
    ['DB_PASSWORD', 'hunter2', NAME],
    ['settings.json', '{\n  "db": {\n    "password": "hunter2",\n    "port": 5432\n  }\n}\n', 'sets password on line 3, which has a name that says it is a secret and a literal value'],
  ])('flags a ConfigMap entry %s', (key, value, problem) => {
    expect(configEntryProblem(key, value)).toBe(problem);
  });

  it.each([
    ['application.properties', 'server.port=8080\ndb.password=${DB_PASSWORD}\ndb.password.min-length=12\n'],
    ['config.yaml', 'auth:\n  tokenTtl: 1h\n  secretBackend: vault\n  grpcAuth: tls\n'],
    ['settings.json', '{ "passwordMinLength": 12, "tokenIssuer": "https://auth.example.com" }'],
    ['ca.crt', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'],
  ])('passes a ConfigMap entry %s', (key, value) => {
    expect(configEntryProblem(key, value)).toBeUndefined();
  });
});

describe('secret-no-plaintext: objects of the app', () => {
  it('passes the hand-written app', () => {
    expect(found(manifests())).toEqual([]);
  });

  it('flags a SealedSecret whose data was never sealed, without the value; passes real-looking output', () => {
    const ss = (data: any) => ({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: meta('db'), spec: { encryptedData: data } });
    expect(found([...manifests(), ss({ token: 'password', other: 'aHVudGVyMg==' })])).toEqual([
      'SealedSecret db spec.encryptedData.other: encryptedData key other cannot be kubeseal\'s output: it decodes to 7 bytes, and kubeseal\'s output is at least 274 (a 2-byte length, a 256-byte RSA ciphertext, a 16-byte AES-GCM tag); it is probably a plain value that was never sealed',
      'SealedSecret db spec.encryptedData.token: encryptedData key token cannot be kubeseal\'s output: it decodes to 6 bytes, and kubeseal\'s output is at least 274 (a 2-byte length, a 256-byte RSA ciphertext, a 16-byte AES-GCM tag); it is probably a plain value that was never sealed',
    ]);
    expect(found([...manifests(), ss({ token: sealed('token') })])).toEqual([]);
  });

  const SOPS = { mac: 'ENC[AES256_GCM,data:abc=,iv:aXY=,tag:dGFn,type:str]', lastmodified: '2026-11-29T10:00:00Z', age: [{ recipient: 'age1xyz', enc: '...' }] };
  const ENC = 'ENC[AES256_GCM,data:aHVudGVy,iv:aXZpdml2,tag:dGFndGFn,type:str]';
  const secret = (extra: any) => ({ apiVersion: 'v1', kind: 'Secret', metadata: meta('db'), ...extra });

  it('exempts only values that SOPS really encrypted, with SOPS metadata', () => {
    expect(found([...manifests(), secret({ stringData: { password: ENC }, sops: SOPS })])).toEqual([]);
    expect(found([...manifests(), secret({ stringData: { password: 'hunter2' }, sops: {} })])).toEqual([
      'Secret db sops: has a sops block without the MAC, lastmodified and key group of SOPS metadata, so its values are not taken as encrypted',
      'Secret db stringData: has literal values in stringData (keys: password), which end up in git with the manifests',
    ]);
    expect(found([...manifests(), secret({ stringData: { password: 'ENC[hunter2]', user: ENC }, sops: SOPS })])).toEqual([
      'Secret db stringData: has literal values in stringData (keys: password), which SOPS did not encrypt, which end up in git with the manifests',
    ]);
    expect(found([...manifests(), secret({ stringData: { password: ENC } })])).toEqual([
      'Secret db stringData: has literal values in stringData (keys: password), which end up in git with the manifests',
    ]);
  });

  it('flags secrets in a ConfigMap that a pod reads with envFrom or configMapKeyRef, or that holds config files', () => {
    const list = manifests((a) => {
      a.configMap.data = { 'LOG_LEVEL': 'info', 'DB_PASSWORD': 'hunter2', 'MAX_TOKENS': '4096' };
      container(a).env = [{ name: 'API_TOKEN', valueFrom: { configMapKeyRef: { name: a.configMap.metadata.name, key: 'DB_PASSWORD' } } }];
    });
    const files = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('files'), data: { 'application.properties': 'db.password=hunter2\n', 'notes.txt': 'nothing here' }, binaryData: { 'key.pem': Buffer.from(PEM).toString('base64') } };
    expect(found([...list, files])).toEqual([
      `Deployment web spec.template.spec.containers[0].env[0]: sets env API_TOKEN of container app from ConfigMap web-config-3f2a9c81d0 key DB_PASSWORD, which ${NAME}: it ends up in git with the manifests`,
      `Deployment web spec.template.spec.containers[0].envFrom[0]: sets env DB_PASSWORD of container app from ConfigMap web-config-3f2a9c81d0 key DB_PASSWORD (envFrom), which ${NAME}: it ends up in git with the manifests`,
      'ConfigMap files binaryData.key.pem: binaryData key key.pem holds private-key material in base64',
      `ConfigMap files data.application.properties: key application.properties sets db.password on line 1, which ${NAME}: a ConfigMap is no place for a secret, and it ends up in git with the manifests`,
    ]);
  });

  it('flags secrets in args and annotations, and passes settings there', () => {
    const list = manifests((a) => {
      container(a).args = ['--db-password=hunter2', '--token', 'hunter2', '--max-tokens=4096', '--log-level', 'info', GH];
      a.service.metadata.annotations = { 'example.com/upstream-auth': `Bearer 8f2k1m9x0q7w3e5r`, 'example.com/note': 'Bearer tokens are checked' };
      a.ingress.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', stringData: { password: 'hunter2' } });
    });
    expect(found(list)).toEqual([
      `Deployment web spec.template.spec.containers[0].args[0]: passes a secret on the command line of container app (args[0] --db-password), which ${NAME}: it ends up in git with the manifests and in the process list`,
      `Deployment web spec.template.spec.containers[0].args[1]: passes a secret on the command line of container app (args[1] --token), which ${NAME}: it ends up in git with the manifests and in the process list`,
      'Deployment web spec.template.spec.containers[0].args[6]: passes a secret on the command line of container app (args[6]), which holds a GitHub token: it ends up in git with the manifests and in the process list',
      'Service web metadata.annotations.example.com/upstream-auth: annotation example.com/upstream-auth holds an HTTP Authorization credential, which ends up in git with the manifests',
      'Ingress web metadata.annotations.kubectl.kubernetes.io/last-applied-configuration: annotation kubectl.kubernetes.io/last-applied-configuration holds a copy of a Secret with its values (keys: password), which ends up in git with the manifests',
    ]);
  });

  const es = (name: string, spec: any) => ({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: meta(name), spec: { secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, ...spec } });
  const ss = (name: string, spec: any) => ({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: meta(name), spec });

  it('flags literal secrets in templates and stores, and passes template expressions', () => {
    const store = {
      apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'vault', labels: { ...LABELS } },
      spec: { provider: { fake: { data: [{ key: 'db', value: 'hunter2' }] } } },
    };
    const hook = {
      apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: meta('hook'),
      spec: { provider: { webhook: { url: 'https://vault.example.com', headers: { 'Authorization': 'Token hunter2', 'X-Api-Key': '{{ .apikey }}', 'Content-Type': 'application/json' } } } },
    };
    const list = [...manifests(), store, hook,
      es('db', { target: { name: 'db', template: { data: { url: 'postgres://shop:{{ .password }}@db/shop', admin: 'postgres://admin:hunter2@db/shop' } } }, data: [{ secretKey: 'password', remoteRef: { key: 'db' } }] }),
      ss('tls', { encryptedData: { token: sealed('t') }, template: { data: { 'config.yaml': `token: ${GH}\n`, 'plain.txt': '{{ index . "token" }}' } } }),
    ];
    expect(found(list)).toEqual([
      'ClusterSecretStore vault spec.provider.fake.data[0]: the fake provider holds the literal value of key db, which ends up in git with the manifests',
      'SecretStore hook spec.provider.webhook.headers.Authorization: webhook header Authorization holds a literal credential, which ends up in git with the manifests',
      'ExternalSecret db spec.target.template.data.admin: template key admin is a URL with a password in it: a literal in the template ends up in git with the manifests',
      'SealedSecret tls spec.template.data.config.yaml: template key config.yaml sets token on line 1, which holds a GitHub token: a literal in the template ends up in git with the manifests',
    ]);
  });

  it('takes the SealedSecret\'s own name as the Secret it provides, and no Secret from creationPolicy None', () => {
    const reads = (name: string) => manifests((a) => { container(a).env = [{ name: 'X', valueFrom: { secretKeyRef: { name, key: 'x' } } }]; });
    expect(found([...reads('tls'), ss('tls', { encryptedData: { x: sealed('x') }, template: { metadata: { name: 'other' } } })])).toEqual([]);
    expect(found([...reads('other'), ss('tls', { encryptedData: { x: sealed('x') }, template: { metadata: { name: 'other' } } })])).toEqual([
      'Deployment web spec.template.spec.containers[0].env[0]: uses Secret other, which neither the output nor an ExternalSecret or SealedSecret of the app provides, and which is not declared external',
    ]);
    expect(found([...reads('db'), es('db', { target: { name: 'db', creationPolicy: 'None' }, data: [{ secretKey: 'x', remoteRef: { key: 'db' } }] })])).toEqual([
      'Deployment web spec.template.spec.containers[0].env[0]: uses Secret db, which neither the output nor an ExternalSecret or SealedSecret of the app provides (ExternalSecret db has creationPolicy None, so it writes no Secret), and which is not declared external',
    ]);
  });

  it('flags two sources of one Secret in one namespace, and passes them in two namespaces', () => {
    const two = [es('db', { target: { name: 'db' }, data: [{ secretKey: 'x', remoteRef: { key: 'db' } }] }), ss('db', { encryptedData: { x: sealed('x') } })];
    expect(found([...manifests(), ...two])).toEqual([
      'SealedSecret db undefined: makes Secret db, which ExternalSecret db also makes: the two overwrite each other\'s values',
    ]);
    const elsewhere = { ...two[1], metadata: { ...two[1].metadata, namespace: 'payments' } };
    expect(found([...manifests(), two[0], elsewhere]).filter((m) => m.includes('overwrite'))).toEqual([]);
  });

  it('flags a store reference that names no store of the app, when the app declares stores', () => {
    const store = (kind: string, name: string, namespace?: string) => ({ apiVersion: 'external-secrets.io/v1', kind, metadata: { name, ...(namespace ? { namespace } : {}), labels: { ...LABELS } }, spec: {} });
    const ref = (kind: string) => es('db', { secretStoreRef: { name: 'vault', kind }, target: { name: 'db' }, data: [{ secretKey: 'x', remoteRef: { key: 'db' } }] });
    expect(found([...manifests(), ref('SecretStore'), store('ClusterSecretStore', 'vault')])).toEqual([
      'ExternalSecret db spec.secretStoreRef: reads SecretStore vault, which the app does not declare in namespace "shop" (it declares vault as a ClusterSecretStore): a SecretStore is read only from its own namespace',
    ]);
    expect(found([...manifests(), ref('SecretStore'), store('SecretStore', 'vault', 'payments')])).toEqual([
      'ExternalSecret db spec.secretStoreRef: reads SecretStore vault, which the app does not declare in namespace "shop" (it declares vault in namespace "payments"): a SecretStore is read only from its own namespace',
    ]);
    expect(found([...manifests(), ref('ClusterSecretStore'), store('SecretStore', 'vault', NS)])).toEqual([
      'ExternalSecret db spec.secretStoreRef: reads ClusterSecretStore vault, which the app does not declare (it declares a SecretStore of that name in namespace "shop")',
    ]);
    expect(found([...manifests(), ref('SecretStore'), store('SecretStore', 'vault', NS)])).toEqual([]);
    expect(found([...manifests(), ref('ClusterSecretStore'), store('ClusterSecretStore', 'vault')])).toEqual([]);
    expect(found([...manifests(), ref('SecretStore')])).toEqual([]); // stores set up by the platform
  });

  it('flags a key the provider does not make, and passes the keys it makes', () => {
    const reads = (key: string) => manifests((a) => {
      container(a).env = [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key } } }];
      a.deployment.spec.template.spec.volumes = [{ name: 'tls', secret: { secretName: 'tls', items: [{ key: key === 'password' ? 'tls.key' : 'ca.crt', path: 'k' }] } }];
    });
    const sources = [es('db', { target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key: 'db' } }] }), ss('tls', { encryptedData: { 'tls.key': sealed('k') } })];
    expect(found([...reads('password'), ...sources])).toEqual([]);
    expect(found([...reads('passwd'), ...sources])).toEqual([
      'Deployment web spec.template.spec.containers[0].env[0]: reads key passwd of Secret db, which ExternalSecret db does not make (it makes password): the pod does not start',
      'Deployment web spec.template.spec.volumes[0]: reads key ca.crt of Secret tls, which SealedSecret tls does not make (it makes tls.key): the pod does not start',
    ]);
  });

  it('flags a source whose keys do not fit its Secret type', () => {
    const tls = (keys: string[]) => ss('tls', { encryptedData: Object.fromEntries(keys.map((k) => [k, sealed(k)])), template: { type: 'kubernetes.io/tls' } });
    expect(found([...manifests(), tls(['tls.key'])])).toEqual([
      'SealedSecret tls spec.template.type: makes a Secret the API server refuses: a Secret of type kubernetes.io/tls needs the keys tls.crt and tls.key; tls.crt missing',
    ]);
    expect(found([...manifests(), tls(['tls.key', 'tls.crt'])])).toEqual([]);
    const docker = es('pull', { target: { name: 'pull', template: { type: 'kubernetes.io/dockerconfigjson' } }, data: [{ secretKey: 'config', remoteRef: { key: 'r' } }] });
    expect(found([...manifests(), docker])).toEqual([
      'ExternalSecret pull spec.target.template.type: makes a Secret the API server refuses: a Secret of type kubernetes.io/dockerconfigjson needs the keys .dockerconfigjson; .dockerconfigjson missing',
    ]);
  });
});

describe('secret-no-plaintext: the per-variable exception', () => {
  const KEY = 'guardrails.cdk8s.io/skip.secret-no-plaintext.env';
  const app = (annotation?: string) => manifests((a) => {
    container(a).env = [{ name: 'LICENSE_KEY', value: 'community' }, { name: 'DB_PASSWORD', value: 'hunter2' }];
    if (annotation !== undefined) a.deployment.metadata.annotations = { [KEY]: annotation };
  });

  it('waives the variables it names, counts them, and leaves the others flagged', () => {
    const result = check(app('LICENSE_KEY: the community edition needs no key'));
    expect(violationsOf(result, RULE).map((v) => v.field)).toEqual(['spec.template.spec.containers[0].env[1]']);
    expect(result.suppressions).toEqual([expect.objectContaining({ rule: RULE, scope: 'env LICENSE_KEY', reason: 'the community edition needs no key', suppressed: 1 })]);
    expect(result.warnings).toEqual([]);
  });

  it('warns about a line that waives nothing', () => {
    const result = check(app('LICENSE_KEY'));
    expect(violationsOf(result, RULE)).toHaveLength(2);
    expect(result.warnings).toEqual([
      `Deployment shop/web (raw/Deployment-web): skip annotation ${KEY}: the line "LICENSE_KEY" is not "<VARIABLE>[, <VARIABLE>...]: <reason>"; it waives nothing`,
    ]);
  });
});
