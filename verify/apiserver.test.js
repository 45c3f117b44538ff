// The synthesized manifests against a real kube-apiserver (and etcd), for every entry of
// verify/versions.json with `apiServer: true`:
//   - the CRDs kept in crds/ install and become established;
//   - every object is accepted by server-side dry-run with strict field validation;
//   - a Pod made from every workload's pod template is admitted in namespaces that enforce
//     Pod Security "restricted", at every listed Kubernetes version the server knows;
//   - applied for real in a fresh namespace, every object reads back with each field we set
//     unchanged, and applying it again changes nothing;
//   - each output folder, read as `kubectl apply -f <folder>` reads it, holds only manifests,
//     and server-side dry-run accepts all of them;
//   - broken objects are rejected, so these tests can fail.
// Run: node --test verify/apiserver.test.js   (after tools/build.sh; dist/ from npm run synth)
'use strict';
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const lib = require('./lib');
const { startControlPlane } = require('./control-plane');

const distDir = path.resolve(process.env.VERIFY_DIST ?? path.join(lib.root, 'dist'));
const groups = lib.manifestGroups(distDir).map((g) => ({ ...g, objects: lib.loadObjects(g.files).map((o) => o.obj) }));
const releases = lib.versions().filter((k) => k.apiServer);
const minor = (v) => Number(/^v?1\.(\d+)/.exec(v)[1]);

/** The files that `kubectl apply -f <folder>` reads (k8s.io/cli-runtime: FileExtensions). */
const KUBECTL_READS = /\.(json|ya?ml)$/;
const clone = (o) => JSON.parse(JSON.stringify(o));
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 30) || 'root';
const ok = (r) => r.status >= 200 && r.status < 300;
const why = (r) => `HTTP ${r.status}: ${typeof r.body === 'object' ? r.body.message : r.body}`;

function podTemplate(obj) {
  if (obj.kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'].includes(obj.kind)) return obj.spec?.template;
  return undefined;
}

/**
 * The Pod that a workload's controller would create from its template, named `name` in
 * `namespace`. The StatefulSet controller adds a volume per claim template, bound to the pod's
 * own claim `<template>-<statefulset>-<ordinal>`.
 */
function podFrom(obj, name, namespace) {
  const t = podTemplate(obj);
  const spec = clone(t.spec);
  if (obj.kind === 'StatefulSet') {
    const ordinal = obj.spec.ordinals?.start ?? 0;
    for (const c of obj.spec.volumeClaimTemplates ?? []) {
      spec.volumes = [...(spec.volumes ?? []), { name: c.metadata.name, persistentVolumeClaim: { claimName: `${c.metadata.name}-${obj.metadata.name}-${ordinal}` } }];
    }
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels: t.metadata?.labels, annotations: t.metadata?.annotations }, spec };
}

/**
 * Differences between what we sent and what the server returned, for the fields we sent:
 * every key we set must come back with the same value; lists must keep their length and order.
 */
function diff(sent, got, at = '') {
  if (Array.isArray(sent)) {
    if (!Array.isArray(got)) return [`${at}: sent ${JSON.stringify(sent)}, read back ${JSON.stringify(got)}`];
    if (sent.length !== got.length) return [`${at}: sent ${sent.length} items, read back ${got.length}`];
    return sent.flatMap((s, i) => diff(s, got[i], `${at}[${i}]`));
  }
  if (sent !== null && typeof sent === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return [`${at}: sent ${JSON.stringify(sent)}, read back ${JSON.stringify(got)}`];
    return Object.keys(sent).flatMap((k) => diff(sent[k], got[k], at ? `${at}.${k}` : k));
  }
  return sent === got ? [] : [`${at}: sent ${JSON.stringify(sent)}, read back ${JSON.stringify(got)}`];
}

const isZero = (v) => v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0)
  || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

/** diff(), with fields the API does not store because they hold their type's zero value told apart. */
function readBackDiff(sent, got) {
  return diff(sent, got).map((d) => {
    const m = /^(.*): sent (.*), read back undefined$/.exec(d);
    return m && isZero(JSON.parse(m[2])) ? `${m[1]}: ${m[2]} is not stored (the API omits this zero value): leave it out of the output` : d;
  });
}

async function mustApply(client, obj, what) {
  const r = await client.apply(obj);
  assert.ok(ok(r), `${what} ${lib.describe(obj)}: ${why(r)}`);
  return r;
}

async function createNamespace(cp, name, labels = {}) {
  await mustApply(cp.admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }, 'namespace');
  // The service-account controller would make this one; ServiceAccount admission needs it.
  await mustApply(cp.admin, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } }, 'service account');
}

const restrictedLabels = (version) => Object.fromEntries(['enforce', 'warn', 'audit'].flatMap((mode) => [
  [`pod-security.kubernetes.io/${mode}`, 'restricted'],
  [`pod-security.kubernetes.io/${mode}-version`, `v1.${minor(version)}`],
]));

/**
 * The parts of kube-controller-manager the tests need, done by hand: a new namespace gets its
 * `default` ServiceAccount, and a ResourceQuota gets the status the quota controller computes
 * (quota admission refuses every pod while a quota has none).
 */
async function controllerDuties(cp, obj) {
  if (obj.kind === 'Namespace') {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: obj.metadata.name } };
    if ((await cp.admin.get(sa)).status === 404) await mustApply(cp.admin, sa, 'service account');
  } else if (obj.kind === 'ResourceQuota') {
    const hard = obj.spec?.hard ?? {};
    const status = { hard, used: Object.fromEntries(Object.keys(hard).map((k) => [k, '0'])) };
    const r = await cp.admin.request('PATCH', `${await cp.admin.pathOf(obj)}/status`, { status }, { contentType: 'application/merge-patch+json' });
    assert.ok(ok(r), `quota status: ${why(r)}`);
  }
}

/** Installs every CustomResourceDefinition in crds/ and waits until each is served. */
async function installCrds(cp) {
  const crds = lib.crdDirs().flatMap((d) => fs.readdirSync(d).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(d, f)))
    .flatMap((f) => lib.loadObjects([f]).map((o) => o.obj)).filter((o) => o.kind === 'CustomResourceDefinition');
  for (const crd of crds) await mustApply(cp.admin, crd, 'CRD');
  for (const crd of crds) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await cp.admin.get(crd);
      const established = r.body.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      const version = crd.spec.versions.find((v) => v.served);
      let served = false;
      if (established) {
        served = await cp.admin.resourceFor(`${crd.spec.group}/${version.name}`, crd.spec.names.kind, { refresh: true }).then(() => true, () => false);
      }
      if (served) break;
      assert.ok(Date.now() < deadline, `CRD ${crd.metadata.name} not established after 60s`);
      await new Promise((r2) => setTimeout(r2, 200));
    }
  }
  return crds;
}

for (const k of releases) {
  describe(`kube-apiserver ${k.release}`, () => {
    let cp;
    let crds = [];
    const usedNamespaces = new Set();
    const releasePsaVersions = lib.versions().map((v) => v.version).filter((v) => minor(v) <= minor(k.release));

    before(async () => {
      cp = await startControlPlane(k.release);
      crds = await installCrds(cp);
    }, { timeout: 300_000 });
    after(async () => {
      await cp?.stop();
    }, { timeout: 60_000 });

    test('serves the release it was built from, with the CRDs from crds/ established', () => {
      assert.equal(cp.version.gitVersion, k.release);
      assert.ok(crds.length > 0, 'no CRD found under crds/');
    });

    /** The object placed in `ns` when it is namespaced and names no namespace, with `rename` applied. */
    const place = async (obj, ns, rename = (n) => n) => {
      const o = clone(obj);
      const { namespaced } = await cp.admin.resourceFor(o.apiVersion, o.kind);
      if (namespaced) o.metadata.namespace = rename(o.metadata.namespace ?? ns);
      if (o.kind === 'Namespace') o.metadata.name = rename(o.metadata.name);
      return o;
    };

    for (const g of groups) {
      // A folder synthesized for a newer Kubernetes than this release is not its to judge.
      if (!lib.fits(g.objects, k.release)) {
        test(`${path.relative(lib.root, g.dir)}: synthesized for Kubernetes ${lib.targetOf(g.objects)}, skipped on ${k.release}`, () => {});
        continue;
      }
      describe(`${path.relative(lib.root, g.dir)}`, () => {
        // Pod Security at the versions the folder fits, up to this release.
        const psaVersions = releasePsaVersions.filter((v) => lib.fits(g.objects, v));
        const base = `verify-${slug(g.name)}`;
        const ownNamespaces = [...new Set(g.objects.flatMap((o) => [o.metadata?.namespace, o.kind === 'Namespace' ? o.metadata.name : undefined]).filter(Boolean))];

        describe('server-side dry-run, strict field validation', () => {
          // The namespaces must exist first: the manifests' own Namespace objects are created for
          // real (strict validation too); the others are made here.
          const defined = new Set(g.objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
          before(async () => {
            for (const ns of [`${base}-dry`, ...ownNamespaces.filter((n) => !defined.has(n))]) {
              if (!usedNamespaces.has(ns)) await createNamespace(cp, ns);
              usedNamespaces.add(ns);
            }
          });
          for (const obj of [...g.objects].sort((a, b) => (b.kind === 'Namespace') - (a.kind === 'Namespace'))) {
            test(lib.describe(obj), async () => {
              const o = await place(obj, `${base}-dry`);
              let r = await cp.user.create(o, { dryRun: o.kind !== 'Namespace' });
              if (r.status === 409) r = await cp.user.apply(o, { dryRun: true }); // made by an earlier folder
              assert.ok(ok(r), why(r));
              assert.deepEqual(r.warnings, [], 'the server warned');
              if (o.kind === 'Namespace') usedNamespaces.add(o.metadata.name);
            });
          }
          // `kubectl apply -f <folder>` reads every .json, .yaml and .yml file of the folder: the
          // report and any other file beside the manifests must not be one of them.
          test(`the whole folder, as kubectl apply -f ${path.relative(lib.root, g.dir)} reads it`, async () => {
            const read = fs.readdirSync(g.dir).filter((f) => KUBECTL_READS.test(f)).sort().map((f) => path.join(g.dir, f));
            assert.deepEqual(read, [...g.files].sort(), 'kubectl would read files that are not manifests');
            for (const { file, obj } of lib.loadObjects(read)) {
              assert.ok(obj.apiVersion && obj.kind, `${file}: apiVersion or kind not set`);
              const r = await cp.user.apply(await place(obj, `${base}-dry`), { dryRun: true });
              assert.ok(ok(r), `${lib.describe(obj)} in ${file}: ${why(r)}`);
            }
          });
        });

        describe('Pod Security "restricted" admits a Pod made from each pod template', () => {
          // A workload whose namespace, declared in the same folder, enforces a lower level (a
          // node agent with hostPath) is admitted at that level below ("in its namespace as
          // declared"); here restricted must refuse it, or the lower level is not needed.
          const declaredLevel = (o) => g.objects.find((n) => n.kind === 'Namespace' && n.metadata.name === o.metadata?.namespace)
            ?.metadata.labels?.['pod-security.kubernetes.io/enforce'] ?? 'restricted';
          const workloads = g.objects.filter((o) => podTemplate(o) && declaredLevel(o) === 'restricted');
          const lowered = g.objects.filter((o) => podTemplate(o) && declaredLevel(o) !== 'restricted');
          before(async () => {
            for (const v of psaVersions) {
              const ns = `${base}-psa-${v.replace('.', '-')}`;
              await createNamespace(cp, ns, restrictedLabels(v));
              for (const sa of g.objects.filter((o) => o.kind === 'ServiceAccount')) await mustApply(cp.user, { ...clone(sa), metadata: { ...sa.metadata, namespace: ns } }, 'service account');
            }
          });
          for (const obj of workloads) {
            test(`${lib.describe(obj)} at Pod Security ${psaVersions[0]} to ${psaVersions.at(-1)}`, async () => {
              const failures = [];
              for (const v of psaVersions) {
                const pod = podFrom(obj, `${obj.metadata.name}-${obj.kind.toLowerCase()}`, `${base}-psa-${v.replace('.', '-')}`);
                const r = await cp.user.create(pod, { dryRun: true });
                if (!ok(r)) failures.push(`v${v}: ${why(r)}`);
                else if (r.warnings.length) failures.push(`v${v}: warned: ${r.warnings.join('; ')}`);
              }
              assert.deepEqual(failures, []);
            });
          }
          for (const obj of lowered) {
            test(`${lib.describe(obj)} is refused at Pod Security ${psaVersions.at(-1)}: its namespace enforces "${declaredLevel(obj)}" on purpose`, async () => {
              const v = psaVersions.at(-1);
              const pod = podFrom(obj, `${obj.metadata.name}-${obj.kind.toLowerCase()}`, `${base}-psa-${v.replace('.', '-')}`);
              const r = await cp.user.create(pod, { dryRun: true });
              assert.equal(r.status, 403, `expected Pod Security to refuse it: ${why(r)}`);
            });
          }
          if (workloads.length === 0 && lowered.length === 0) test('no workload in this folder', () => {});
        });

        describe('applied for real in a fresh namespace, read back unchanged', () => {
          const renamed = new Map();
          const rename = (ns) => renamed.get(ns) ?? ns;
          before(async () => {
            const fresh = `${base}-apply`;
            await createNamespace(cp, fresh, restrictedLabels(psaVersions.at(-1)));
            // A namespace the manifests name is used as is, unless an earlier folder has it.
            for (const ns of ownNamespaces) renamed.set(ns, usedNamespaces.has(ns) ? `${ns}-${slug(g.name)}`.slice(0, 63) : ns);
            for (const ns of ownNamespaces) {
              if (!g.objects.some((o) => o.kind === 'Namespace' && o.metadata.name === ns)) await createNamespace(cp, rename(ns));
            }
          });
          const order = (o) => (o.kind === 'Namespace' ? 0 : o.kind === 'ServiceAccount' ? 1 : 2);
          for (const obj of [...g.objects].sort((a, b) => order(a) - order(b))) {
            test(lib.describe(obj), async () => {
              const o = await place(obj, `${base}-apply`, rename);
              const client = cp.user;
              const r = await client.apply(o);
              assert.ok(ok(r), why(r));
              assert.deepEqual(r.warnings, [], 'the server warned');
              if (o.kind === 'Namespace') await controllerDuties(cp, o);
              if (o.kind === 'ResourceQuota') await controllerDuties(cp, o);
              const got = await client.get(o);
              assert.equal(got.status, 200, why(got));
              assert.deepEqual(readBackDiff(o, got.body), [], 'fields the server did not keep as sent');
              const again = await client.apply(o);
              assert.ok(ok(again), why(again));
              if (again.body.metadata.resourceVersion !== got.body.metadata.resourceVersion) {
                assert.deepEqual(reapplyChanges(got.body, again.body), [], 'applying the same object again changed it');
              }
            });
          }
          // What a ReplicaSet or Job controller would ask for next: a Pod from each template, in
          // the namespace as applied (its quota, LimitRange and Pod Security labels), unchanged.
          for (const obj of g.objects.filter(podTemplate)) {
            test(`a Pod from ${lib.describe(obj)} is admitted in its namespace as declared`, async () => {
              const o = await place(obj, `${base}-apply`, rename);
              const t = podTemplate(o);
              const pod = podFrom(o, `${o.metadata.name}-${o.kind.toLowerCase()}`, o.metadata.namespace);
              const r = await cp.user.create(pod, { dryRun: true });
              assert.ok(ok(r), why(r));
              assert.deepEqual(r.warnings, [], 'the server warned');
              const added = [];
              for (const kind of ['initContainers', 'containers']) {
                (t.spec[kind] ?? []).forEach((c, i) => {
                  const had = c.resources ?? {};
                  const now = r.body.spec[kind][i].resources ?? {};
                  for (const part of ['requests', 'limits']) {
                    for (const [res, v] of Object.entries(now[part] ?? {})) {
                      if (had[part]?.[res] === undefined) added.push(`${kind}[${i}] (${c.name}) ${part}.${res}: ${v} added by the namespace (LimitRange default)`);
                    }
                  }
                });
              }
              assert.deepEqual(added, [], 'admission changed the declared resources');
            });
          }
        });
      });
    }

    describe('broken objects are rejected', () => {
      const ns = 'verify-negative';
      before(async () => {
        await createNamespace(cp, ns, restrictedLabels(releasePsaVersions.at(-1)));
      });
      const deployment = () => ({
        apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'broken', namespace: ns },
        spec: {
          selector: { matchLabels: { app: 'broken' } },
          template: { metadata: { labels: { app: 'broken' } }, spec: { containers: [{ name: 'app', image: 'registry.example/app:1.0.0' }] } },
        },
      });
      test('an unknown field (strict field validation), by create and by server-side apply', async () => {
        const d = deployment();
        d.spec.replicaz = 2;
        const r = await cp.user.create(d, { dryRun: true });
        assert.equal(r.status, 400, why(r));
        assert.match(r.body.message, /unknown field "spec.replicaz"/);
        const a = await cp.user.apply(d, { dryRun: true }); // the API server answers 500 here
        assert.ok(!ok(a), why(a));
        assert.match(a.body.message, /\.spec\.replicaz: field not declared in schema/);
      });
      test('an invalid value (selector does not match the pod labels)', async () => {
        const d = deployment();
        d.spec.template.metadata.labels.app = 'other';
        const r = await cp.user.create(d, { dryRun: true });
        assert.equal(r.status, 422, why(r));
      });
      test('a Pod that breaks Pod Security "restricted"', async () => {
        const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'broken', namespace: ns }, spec: deployment().spec.template.spec };
        const r = await cp.user.create(pod, { dryRun: true });
        assert.equal(r.status, 403, why(r));
        assert.match(r.body.message, /violates PodSecurity "restricted/);
      });
      test('RBAC: a user bound to no role may not create the objects', async () => {
        const r = await cp.nobody.create({ ...deployment(), metadata: { name: 'rbac', namespace: ns } }, { dryRun: true });
        assert.equal(r.status, 403, why(r));
      });
      test('a custom resource with an unknown field', async () => {
        const sm = {
          apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'broken', namespace: ns },
          spec: { selector: { matchLabels: { app: 'broken' } }, endpoints: [{ portName: 'metrics' }] },
        };
        const r = await cp.user.create(sm, { dryRun: true });
        assert.equal(r.status, 400, why(r));
        assert.match(r.body.message, /unknown field "spec.endpoints\[0\].portName"/);
      });
    });
  });
}

if (releases.length === 0) test('no kube-apiserver version listed in verify/versions.json', () => {});
if (groups.length === 0) test(`manifests under ${distDir}`, () => assert.fail('none found: run npm run synth first'));
// keep YAML in scope for ad-hoc debugging of a failing object: YAML.stringify(obj)
void YAML;

/**
 * What a second apply of the same manifest changed, as dotted paths. One change is the API
 * server's own, not the manifest's: the PVC protection admission plugin adds the
 * `kubernetes.io/pvc-protection` finalizer on create and the apply that follows hands it back
 * to the server, whatever the manifest says.
 */
function reapplyChanges(before, after) {
  const skip = new Set(['metadata.resourceVersion', 'metadata.managedFields', 'metadata.generation']);
  if (after.kind === 'PersistentVolumeClaim') skip.add('metadata.finalizers');
  const out = [];
  const walk = (a, b, path) => {
    if (skip.has(path)) return;
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], path ? `${path}.${k}` : k);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(`${path}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
    }
  };
  walk(before, after, '');
  return out;
}
