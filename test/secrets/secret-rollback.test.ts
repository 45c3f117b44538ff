import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ExternalSecretSource, SafeDeployment, SealedSecretSource, SecretStoreRef } from '../../lib';
import { synth } from '../helpers';
import { sealed } from './sealed';

/**
 * Secrets under GitOps (docs/migrating-from-helm.md, "GitOps output"): no construct names a
 * Secret by its content, so a new value keeps every object's name, and nothing a rollback
 * needs drops out of the output for a pruning sync to delete. What a release changes is the
 * content of the same objects, and the pods' `guardrails.cdk8s.io/secret-versions`; a rollback
 * is a revert in Git, which brings the previous content back.
 */
function release(db: { remoteVersion: string }, tlsKey: string): any[] {
  const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
  const dbSecret = new ExternalSecretSource(chart, 'db', {
    store: SecretStoreRef.clusterSecretStore('vault'), data: [{ secretKey: 'password', remoteKey: 'shop/db', remoteVersion: db.remoteVersion }],
  });
  const tls = new SealedSecretSource(chart, 'tls', { encryptedData: { 'tls.key': tlsKey } });
  new SafeDeployment(chart, 'web', {
    image: 'ghcr.io/acme/web:1.4.2', port: 8080,
    secrets: [{ source: dbSecret, env: { DB_PASSWORD: 'password' } }, { source: tls, mountPath: '/etc/tls' }],
  });
  return synth(chart);
}

const names = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
const secretOf = (objects: any[], kind: string) => objects.find((o) => o.kind === kind);
const versions = (objects: any[]) => secretOf(objects, 'Deployment').spec.template.metadata.annotations['guardrails.cdk8s.io/secret-versions'];

describe('secret sources across a change and a rollback', () => {
  const v1 = release({ remoteVersion: '6' }, sealed('key v1'));
  const v2 = release({ remoteVersion: '7' }, sealed('key v2'));

  it('a new value keeps every name: no Secret is content-named, so a pruning sync drops nothing', () => {
    expect(names(v2)).toEqual(names(v1));
    expect(secretOf(v2, 'ExternalSecret').spec.target.name).toBe('db');
    expect(secretOf(v2, 'SealedSecret').spec.template.metadata.name).toBe('tls');
  });

  it('the change is in the objects\' content and rolls the pods; reverting it restores both', () => {
    expect(secretOf(v2, 'ExternalSecret').spec.data[0].remoteRef.version).toBe('7');
    expect(secretOf(v2, 'SealedSecret').spec.encryptedData).not.toEqual(secretOf(v1, 'SealedSecret').spec.encryptedData);
    expect(versions(v2)).not.toBe(versions(v1));
    // The rollback: the previous commit's output, byte for byte.
    expect(release({ remoteVersion: '6' }, sealed('key v1'))).toEqual(v1);
  });
});
