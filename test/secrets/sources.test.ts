import { Chart, Duration, Testing } from 'cdk8s';
import { sealed } from './sealed';
import { describe, expect, it } from 'vitest';
import {
  ExistingSecret, ExternalSecretCreationPolicy, ExternalSecretDeletionPolicy, ExternalSecretSource, SealedSecretScope, SealedSecretSource,
  SecretStoreRef,
} from '../../lib';
import { errorOf, one, synth } from '../helpers';

const LABELS = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'cdk8s' });
const shop = () => new Chart(Testing.app(), 'test', { namespace: 'shop' });
const STORE = SecretStoreRef.clusterSecretStore('vault');
const DATA = [{ secretKey: 'password', remoteKey: 'shop/db', remoteProperty: 'password' }];
// What kubeseal writes: base64 of the encrypted bytes.
const SEALED = sealed('tls.key');
const SEALED_CRT = sealed('tls.crt');

describe('ExternalSecretSource', () => {
  it('writes an ExternalSecret with the documented defaults: refresh 1h, Owner, Retain, target named like the source', () => {
    const chart = shop();
    const db = new ExternalSecretSource(chart, 'db', { store: STORE, data: DATA });
    expect(one(synth(chart), 'ExternalSecret')).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: 'shop', labels: LABELS('db') },
      spec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
        refreshInterval: '1h',
        target: { name: 'db', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: [{ secretKey: 'password', remoteRef: { key: 'shop/db', property: 'password' } }],
      },
    });
    expect(db.secretName).toBe('db');
    expect(db.secretKeys).toEqual(['password']);
    expect(db.existing).toBe(false);
    expect(db.versionHash).toMatch(/^[0-9a-f]{16}$/);
    expect(db.externalSecret.name).toBe('db');
  });

  it('takes every option: name, labels, a namespaced store, remote versions, refresh interval and policies', () => {
    const chart = shop();
    const src = new ExternalSecretSource(chart, 'db', {
      name: 'db-credentials',
      labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db-prod', 'app.kubernetes.io/managed-by': 'cdk8s', team: 'shop' },
      store: SecretStoreRef.secretStore('shop-vault'),
      data: [
        { secretKey: 'username', remoteKey: 'shop/db', remoteProperty: 'user', remoteVersion: '3' },
        { secretKey: 'password', remoteKey: 'shop/db-password' },
      ],
      refreshInterval: Duration.minutes(15),
      creationPolicy: ExternalSecretCreationPolicy.ORPHAN,
      deletionPolicy: ExternalSecretDeletionPolicy.DELETE,
    });
    const m = one(synth(chart), 'ExternalSecret');
    expect(m.metadata).toEqual({
      name: 'db-credentials', namespace: 'shop',
      labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db-prod', 'app.kubernetes.io/managed-by': 'cdk8s', team: 'shop' },
    });
    expect(m.spec).toEqual({
      secretStoreRef: { kind: 'SecretStore', name: 'shop-vault' },
      refreshInterval: '15m',
      target: { name: 'db-credentials', creationPolicy: 'Orphan', deletionPolicy: 'Delete' },
      data: [
        { secretKey: 'username', remoteRef: { key: 'shop/db', property: 'user', version: '3' } },
        { secretKey: 'password', remoteRef: { key: 'shop/db-password' } },
      ],
    });
    expect(src.secretKeys).toEqual(['password', 'username']);
  });

  it.each([
    [Duration.seconds(0), '0s'], [Duration.seconds(90), '90s'], [Duration.minutes(5), '5m'], [Duration.hours(24), '24h'],
  ])('renders the refresh interval %s as a Go duration', (interval, text) => {
    const chart = shop();
    new ExternalSecretSource(chart, 'db', { store: STORE, data: DATA, refreshInterval: interval });
    expect(one(synth(chart), 'ExternalSecret').spec.refreshInterval).toBe(text);
  });

  it('changes its version hash with the store, a remote key, a remote version or the version set; not with the refresh interval', () => {
    const hash = (props: any) => new ExternalSecretSource(shop(), 'db', { store: STORE, data: DATA, ...props }).versionHash;
    const base = hash({});
    expect(hash({ refreshInterval: Duration.minutes(5) })).toBe(base);
    const others = [
      hash({ store: SecretStoreRef.clusterSecretStore('aws') }),
      hash({ store: SecretStoreRef.secretStore('vault') }),
      hash({ data: [{ ...DATA[0], remoteKey: 'shop/db2' }] }),
      hash({ data: [{ ...DATA[0], remoteVersion: '2' }] }),
      hash({ version: '2026-11-01' }),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
  });

  const at = "ExternalSecretSource at 'test/db': ";
  it.each([
    ['no store', { data: DATA }, `${at}invalid store (undefined); expected a SecretStoreRef such as SecretStoreRef.secretStore('<name>'): store is required.`],
    ['a store name that is not a DNS subdomain', { store: SecretStoreRef.secretStore('My Vault'), data: DATA }, `${at}invalid store.name "My Vault"; expected`],
    ['no data', { store: STORE, data: [] }, `${at}invalid data []; expected at least one key: [{ secretKey: 'password', remoteKey: '<key in the store>' }].`],
    ['a secretKey that is not a Secret key', { store: STORE, data: [{ secretKey: 'db password', remoteKey: 'shop/db' }] },
      `${at}invalid data[0].secretKey "db password"; expected a Secret key of at most 253 characters: letters, digits, '-', '_' and '.', other than "." and ".." and not starting with "..".`],
    ['a secretKey twice', { store: STORE, data: [DATA[0], { secretKey: 'password', remoteKey: 'x' }] }, `${at}invalid data[1].secretKey "password"; expected each key of the Secret once.`],
    ['an empty remoteKey', { store: STORE, data: [{ secretKey: 'password', remoteKey: '' }] }, `${at}invalid data[0].remoteKey ""; expected the key of the value in the store, e.g. 'prod/shop/db'.`],
    ['an empty remoteProperty', { store: STORE, data: [{ ...DATA[0], remoteProperty: '' }] }, `${at}invalid data[0].remoteProperty ""; expected a non-empty string, or leave it out.`],
    ['a refresh interval in fractions of a second', { store: STORE, data: DATA, refreshInterval: Duration.millis(1500) }, `${at}invalid refreshInterval "1500ms"; expected a Duration of whole seconds, 0 (read once) or more.`],
    ['Delete with creationPolicy Merge', { store: STORE, data: DATA, creationPolicy: ExternalSecretCreationPolicy.MERGE, deletionPolicy: ExternalSecretDeletionPolicy.DELETE },
      `${at}invalid deletionPolicy "Delete"; expected RETAIN or MERGE with creationPolicy Merge: the operator deletes only a Secret it created.`],
    ['Merge with creationPolicy None', { store: STORE, data: DATA, creationPolicy: ExternalSecretCreationPolicy.NONE, deletionPolicy: ExternalSecretDeletionPolicy.MERGE },
      `${at}invalid deletionPolicy "Merge"; expected RETAIN with creationPolicy None: the operator writes no Secret to merge into.`],
    ['an empty version', { store: STORE, data: DATA, version: '' }, `${at}invalid version ""; expected a non-empty string, e.g. the date of the last rotation; leave it out when the source alone identifies the content.`],
  ])('refuses %s', (_title, props, message) => {
    const text = errorOf(() => new ExternalSecretSource(shop(), 'db', props as any));
    expect(text.startsWith(message)).toBe(true);
    if (!message.endsWith('expected')) expect(text).toBe(message);
  });

  it('refuses a name that is not a DNS subdomain, naming the construct id as its source', () => {
    expect(errorOf(() => new ExternalSecretSource(shop(), 'DB', { store: STORE, data: DATA })))
      .toMatch(/^ExternalSecretSource at 'test\/DB': invalid name \(taken from the construct id\) "DB"; expected/);
  });
});

describe('SealedSecretSource', () => {
  it('writes a SealedSecret, strict by default, with the labels on the object and the unsealed Secret', () => {
    const chart = shop();
    const tls = new SealedSecretSource(chart, 'tls', { encryptedData: { 'tls.key': SEALED, 'tls.crt': SEALED_CRT } });
    expect(one(synth(chart), 'SealedSecret')).toEqual({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'tls', namespace: 'shop', labels: LABELS('tls') },
      spec: {
        encryptedData: { 'tls.crt': SEALED_CRT, 'tls.key': SEALED },
        template: { metadata: { name: 'tls', labels: LABELS('tls') }, type: 'Opaque' },
      },
    });
    expect(tls.secretKeys).toEqual(['tls.crt', 'tls.key']);
    expect(tls.existing).toBe(false);
    expect(tls.sealedSecret.name).toBe('tls');
  });

  it.each([
    [SealedSecretScope.NAMESPACE_WIDE, 'sealedsecrets.bitnami.com/namespace-wide'],
    [SealedSecretScope.CLUSTER_WIDE, 'sealedsecrets.bitnami.com/cluster-wide'],
  ])('marks the scope %s with its annotation on the object and the template', (scope, annotation) => {
    const chart = shop();
    new SealedSecretSource(chart, 'tls', { encryptedData: { 'tls.key': SEALED, 'tls.crt': SEALED_CRT }, scope, type: 'kubernetes.io/tls', name: 'shop-tls' });
    const m = one(synth(chart), 'SealedSecret');
    expect(m.metadata.annotations).toEqual({ [annotation]: 'true' });
    expect(m.spec.template).toEqual({ metadata: { name: 'shop-tls', labels: LABELS('shop-tls'), annotations: { [annotation]: 'true' } }, type: 'kubernetes.io/tls' });
  });

  it('changes its version hash with the sealed data, the scope or the version set', () => {
    const hash = (props: any) => new SealedSecretSource(shop(), 'tls', { encryptedData: { key: SEALED }, ...props }).versionHash;
    const base = hash({});
    expect(hash({ scope: SealedSecretScope.STRICT })).toBe(base);
    const others = [hash({ encryptedData: { key: SEALED_CRT } }), hash({ scope: SealedSecretScope.CLUSTER_WIDE }), hash({ version: '2' })];
    expect(new Set([base, ...others]).size).toBe(4);
  });

  const at = "SealedSecretSource at 'test/tls': ";
  it.each([
    ['no data', { encryptedData: {} }, `${at}invalid encryptedData {}; expected a map of Secret keys to the values kubeseal encrypted, with at least one key.`],
    ['a key that is not a Secret key', { encryptedData: { 'a/b': SEALED } },
      `${at}invalid encryptedData "a/b"; expected a Secret key of at most 253 characters: letters, digits, '-', '_' and '.', other than "." and ".." and not starting with "..".`],
    ['a plain value', { encryptedData: { password: 'hunter2!' } },
      `${at}invalid encryptedData.password "(8 characters, not shown)"; expected the base64 text kubeseal wrote for this key; this value is not standard base64 (8 characters). Seal the value with \`kubeseal --raw --scope <scope> --namespace <ns> --name <name>\` (never put the plain value here).`],
    ['a plain value that happens to be base64', { encryptedData: { token: 'password' } },
      `${at}invalid encryptedData.token "(8 characters, not shown)"; expected the base64 text kubeseal wrote for this key; this value decodes to 6 bytes, and kubeseal's output is at least 274 (a 2-byte length, a 256-byte RSA ciphertext, a 16-byte AES-GCM tag). Seal`],
    ['a plain value in base64', { encryptedData: { token: 'aHVudGVyMg==' } },
      `${at}invalid encryptedData.token "(12 characters, not shown)"; expected the base64 text kubeseal wrote for this key; this value decodes to 7 bytes`],
    ['a long base64 value that does not start with an RSA length', { encryptedData: { token: Buffer.alloc(400, 'a').toString('base64') } },
      `${at}invalid encryptedData.token "(536 characters, not shown)"; expected the base64 text kubeseal wrote for this key; this value decodes to 400 bytes that do not start with the length of an RSA ciphertext (256 to 1024 bytes).`],
    ['a value cut short after the RSA ciphertext', { encryptedData: { token: Buffer.from(sealed('x'), 'base64').subarray(0, 270).toString('base64') } },
      `${at}invalid encryptedData.token "(360 characters, not shown)"; expected the base64 text kubeseal wrote for this key; this value decodes to 270 bytes, and kubeseal's output is at least 274`],
    ['base64 with a wrong length', { encryptedData: { password: 'QUJDR' } }, `${at}invalid encryptedData.password "(5 characters, not shown)"; expected the base64 text`],
    ['an empty value', { encryptedData: { password: '' } }, `${at}invalid encryptedData.password "(0 characters, not shown)"; expected the base64 text`],
    ['a TLS Secret without tls.crt', { encryptedData: { 'tls.key': SEALED }, type: 'kubernetes.io/tls' },
      `${at}invalid type "kubernetes.io/tls"; expected a type that fits the keys of encryptedData (tls.key): a Secret of type kubernetes.io/tls needs the keys tls.crt and tls.key; tls.crt missing; seal the missing keys or use type 'Opaque'.`],
    ['a dockerconfigjson Secret without .dockerconfigjson', { encryptedData: { config: SEALED }, type: 'kubernetes.io/dockerconfigjson' },
      `${at}invalid type "kubernetes.io/dockerconfigjson"; expected a type that fits the keys of encryptedData (config): a Secret of type kubernetes.io/dockerconfigjson needs the keys .dockerconfigjson; .dockerconfigjson missing;`],
    ['a basic-auth Secret without username or password', { encryptedData: { user: SEALED }, type: 'kubernetes.io/basic-auth' },
      `${at}invalid type "kubernetes.io/basic-auth"; expected a type that fits the keys of encryptedData (user): a Secret of type kubernetes.io/basic-auth needs the key username or password;`],
    ['an ssh-auth Secret without ssh-privatekey', { encryptedData: { id_rsa: SEALED }, type: 'kubernetes.io/ssh-auth' },
      `${at}invalid type "kubernetes.io/ssh-auth"; expected a type that fits the keys of encryptedData (id_rsa): a Secret of type kubernetes.io/ssh-auth needs the keys ssh-privatekey; ssh-privatekey missing;`],
    ['an unknown scope', { encryptedData: { password: SEALED }, scope: 'wide' }, `${at}invalid scope "wide"; expected SealedSecretScope.STRICT, NAMESPACE_WIDE or CLUSTER_WIDE ("strict", "namespace-wide", "cluster-wide").`],
    ['an empty type', { encryptedData: { password: SEALED }, type: '' }, `${at}invalid type ""; expected a Secret type such as 'Opaque'.`],
  ])('refuses %s', (_title, props, message) => {
    expect(errorOf(() => new SealedSecretSource(shop(), 'tls', props as any)).startsWith(message)).toBe(true);
  });

  it('never shows a refused value in the error', () => {
    expect(errorOf(() => new SealedSecretSource(shop(), 'tls', { encryptedData: ['hunter2'] as any }))).toBe(
      `${at}invalid encryptedData (a list, not shown); expected a map of string keys to strings (a map of keys to values, not a list).`);
    expect(errorOf(() => new SealedSecretSource(shop(), 'tls', { encryptedData: { password: 7 } as any }))).toBe(
      `${at}invalid encryptedData.password (number, not shown); expected a string.`);
    for (const value of ['hunter2', 'aHVudGVyMg==', `${'x'.repeat(99)}!`]) {
      const text = errorOf(() => new SealedSecretSource(shop(), 'tls', { encryptedData: { k: value } }));
      expect(text).toContain('invalid encryptedData.k "(');
      expect(text).not.toContain(value);
      expect(text).not.toContain(value.slice(0, 6));
    }
  });

  it('accepts the keys each Secret type needs', () => {
    for (const [type, keys] of [['kubernetes.io/tls', ['tls.crt', 'tls.key']], ['kubernetes.io/basic-auth', ['password']],
      ['kubernetes.io/dockerconfigjson', ['.dockerconfigjson']], ['kubernetes.io/ssh-auth', ['ssh-privatekey', 'known_hosts']], ['example.com/custom', ['x']]] as const) {
      const data = Object.fromEntries(keys.map((k) => [k, sealed(k)]));
      expect(new SealedSecretSource(shop(), 'tls', { encryptedData: data, type }).secretKeys).toEqual([...keys].sort());
    }
  });

  it('refuses two sources that make the same Secret in one namespace, and allows it across namespaces', () => {
    const chart = shop();
    new SealedSecretSource(chart, 'db', { encryptedData: { password: SEALED } });
    expect(errorOf(() => new ExternalSecretSource(chart, 'db2', { name: 'db', store: STORE, data: DATA }))).toBe(
      'ExternalSecretSource at \'test/db2\': invalid name "db"; expected a Secret name no other source of namespace "shop" makes: test/db also makes Secret "db", and the two would overwrite each other; give one source another name.');
    // Merge and None write no Secret of their own.
    new ExternalSecretSource(chart, 'db3', { name: 'db', store: STORE, data: DATA, creationPolicy: ExternalSecretCreationPolicy.MERGE });
    const other = new Chart(chart.node.scope!, 'other', { namespace: 'payments' });
    expect(new SealedSecretSource(other, 'db', { encryptedData: { password: SEALED } }).secretName).toBe('db');
  });
});

describe('ExistingSecret', () => {
  it('writes no object and names the Secret, with or without keys', () => {
    const chart = shop();
    const api = new ExistingSecret(chart, 'api', { keys: ['token', 'id'] });
    const db = new ExistingSecret(chart, 'db', { name: 'shop-db' });
    expect(synth(chart)).toEqual([]);
    expect([api.secretName, api.secretKeys, api.existing]).toEqual(['api', ['id', 'token'], true]);
    expect([db.secretName, db.secretKeys]).toEqual(['shop-db', []]);
  });

  it('changes its version hash only with its name or the version set', () => {
    const hash = (props: any) => new ExistingSecret(shop(), 'api', props).versionHash;
    expect(hash({ keys: ['a'] })).toBe(hash({}));
    expect(new Set([hash({}), hash({ version: '2' }), hash({ name: 'other' })]).size).toBe(3);
  });

  it.each([
    ['a key twice', { keys: ['a', 'a'] }, "ExistingSecret at 'test/api': invalid keys \"a\"; expected each key once."],
    ['an invalid key', { keys: ['a b'] }, "ExistingSecret at 'test/api': invalid keys \"a b\"; expected a Secret key"],
    ['an empty keys list', { keys: [] }, "ExistingSecret at 'test/api': invalid keys []; expected at least one key: an empty list lets no workload read the Secret; leave keys out when the keys are not known."],
    ['keys that are not a list', { keys: 'a' }, "ExistingSecret at 'test/api': invalid keys \"a\"; expected a list of strings."],
    ['labels', { labels: { team: 'x' } }, "ExistingSecret at 'test/api': invalid labels {\"team\":\"x\"}; expected no labels: an ExistingSecret writes no object; label the Secret where it is made."],
  ])('refuses %s', (_title, props, message) => {
    expect(errorOf(() => new ExistingSecret(shop(), 'api', props as any)).startsWith(message)).toBe(true);
  });
});

describe('ExternalSecretSource store references', () => {
  const stores = (declare: (chart: Chart, other: Chart) => void) => {
    const app = Testing.app();
    const chart = new Chart(app, 'test', { namespace: 'shop' });
    const other = new Chart(app, 'platform', { namespace: 'platform' });
    declare(chart, other);
    return chart;
  };
  const at = "ExternalSecretSource at 'test/db': ";
  const source = (chart: Chart, store: SecretStoreRef) => new ExternalSecretSource(chart, 'db', { store, data: DATA });

  it('refuses a SecretStore declared only as a ClusterSecretStore or only in another namespace', async () => {
    const { crds } = await import('../../lib');
    const cluster = stores((chart) => {
      new crds.ClusterSecretStore(chart, 'vault', { metadata: { name: 'vault' }, spec: {} as any });
      source(chart, SecretStoreRef.secretStore('vault'));
    });
    expect(errorOf(() => Testing.synth(cluster))).toContain(
      `${at}invalid store "SecretStore vault"; expected a SecretStore the app declares in namespace "shop"; vault is a ClusterSecretStore: use SecretStoreRef.clusterSecretStore('vault').`);
    const elsewhere = stores((chart, other) => {
      new crds.SecretStore(other, 'vault', { metadata: { name: 'vault' }, spec: {} as any });
      source(chart, SecretStoreRef.secretStore('vault'));
    });
    expect(errorOf(() => Testing.synth(elsewhere))).toContain(
      `${at}invalid store "SecretStore vault"; expected a SecretStore the app declares in namespace "shop"; vault is a SecretStore of namespace "platform", which an ExternalSecret of namespace "shop" cannot read.`);
    const wrongKind = stores((chart) => {
      new crds.SecretStore(chart, 'vault', { metadata: { name: 'vault' }, spec: {} as any });
      source(chart, SecretStoreRef.clusterSecretStore('vault'));
    });
    expect(errorOf(() => Testing.synth(wrongKind))).toContain(
      `${at}invalid store "ClusterSecretStore vault"; expected a ClusterSecretStore the app declares (none); vault is a SecretStore in namespace "shop": use SecretStoreRef.secretStore('vault') from that namespace.`);
  });

  it('accepts a store the app declares where the reference looks, and any store when the app declares none', async () => {
    const { crds } = await import('../../lib');
    const ok = [
      stores((chart) => { new crds.SecretStore(chart, 'vault', { metadata: { name: 'vault' }, spec: {} as any }); source(chart, SecretStoreRef.secretStore('vault')); }),
      stores((chart, other) => { new crds.ClusterSecretStore(other, 'vault', { metadata: { name: 'vault' }, spec: {} as any }); source(chart, SecretStoreRef.clusterSecretStore('vault')); }),
      stores((chart) => { source(chart, SecretStoreRef.secretStore('vault')); }),
    ];
    for (const chart of ok) expect(Testing.synth(chart).filter((m: any) => m.kind === 'ExternalSecret')).toHaveLength(1);
  });
});

describe('the crds submodule', () => {
  it('exports the generated classes users declare next to the constructs', async () => {
    const { crds } = await import('../../lib');
    for (const name of ['ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'SealedSecret', 'Certificate', 'ServiceMonitor', 'PodMonitor', 'PrometheusRule']) {
      expect(typeof (crds as any)[name], name).toBe('function');
    }
    const chart = shop();
    new crds.PrometheusRule(chart, 'alerts', {
      metadata: { name: 'shop', labels: LABELS('shop') },
      spec: { groups: [{ name: 'shop', rules: [{ alert: 'ShopDown', expr: crds.PrometheusRuleSpecGroupsRulesExpr.fromString('up == 0') }] }] },
    });
    expect(one(synth(chart), 'PrometheusRule')).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', metadata: { name: 'shop' } });
  });
});
