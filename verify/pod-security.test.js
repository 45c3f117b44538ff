// The checker's ns-pod-security against a real kube-apiserver's Pod Security admission: for
// every pod of the cases below, in namespaces that enforce "baseline" or "restricted" at
// versions from v1.22 to latest, the rule flags the pod exactly when the API server refuses it.
// Each pod skips rule pod-security (as a workload that waives the catalog's opinion would), so
// that ns-pod-security alone reports what admission refuses. Each pod records the server's
// version as its target Kubernetes version: admission applies no standards newer than its own
// (a namespace pinned to v1.34 on a 1.30 server, or to latest, gets those of 1.30).
// Run: node --test verify/pod-security.test.js   (after tools/build.sh)
'use strict';
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const lib = require('./lib');
const { startControlPlane } = require('./control-plane');

const releases = lib.versions().filter((k) => k.apiServer).map((k) => k.release);
const minorOf = (release) => Number(/^v1\.(\d+)\./.exec(release)[1]);

const pod = (mutate) => {
  const p = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { annotations: { 'guardrails.cdk8s.io/skip.pod-security': 'admission is what is checked here' } },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'app', image: 'ghcr.io/acme/web:1.4.2', ports: [{ containerPort: 8080 }],
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
  mutate(p, p.spec.containers[0]);
  return p;
};

/** Pod name -> the pod; both sides: pods every level admits, and pods one level or version refuses. */
const CASES = {
  'good': pod(() => {}),
  'writable-root-uid-1000': pod((p, c) => { p.spec.securityContext.runAsUser = 1000; c.securityContext.readOnlyRootFilesystem = false; }),
  'run-as-user-0': pod((p) => { p.spec.securityContext.runAsUser = 0; }),
  'pod-run-as-non-root-false': pod((p) => { p.spec.securityContext.runAsNonRoot = false; }),
  'host-path': pod((p) => { p.spec.volumes = [{ name: 'h', hostPath: { path: '/var/log' } }]; }),
  'nfs-volume': pod((p) => { p.spec.volumes = [{ name: 'n', nfs: { server: 'nfs.example.com', path: '/x' } }]; }),
  'host-network': pod((p) => { p.spec.hostNetwork = true; }),
  'host-port': pod((_p, c) => { c.ports[0].hostPort = 8080; }),
  'sysctl-keepalive': pod((p) => { p.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }]; }),
  'sysctl-reserved-ports': pod((p) => { p.spec.securityContext.sysctls = [{ name: 'net.ipv4.ip_local_reserved_ports', value: '8080' }]; }),
  'sysctl-rmem': pod((p) => { p.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }]; }),
  'probe-host': pod((_p, c) => { c.readinessProbe = { httpGet: { host: '10.0.0.1', path: '/', port: 8080 } }; }),
  'pre-stop-host': pod((_p, c) => { c.lifecycle = { preStop: { httpGet: { host: '10.0.0.1', path: '/', port: 8080 } } }; }),
  'apparmor-annotation': pod((p) => { p.metadata.annotations['container.apparmor.security.beta.kubernetes.io/app'] = 'unconfined'; }),
  'apparmor-field': pod((p) => { p.spec.securityContext.appArmorProfile = { type: 'Unconfined' }; }),
  'cap-sys-admin': pod((_p, c) => { c.securityContext.capabilities.add = ['SYS_ADMIN']; }),
  'cap-chown': pod((_p, c) => { c.securityContext.capabilities.add = ['CHOWN']; }),
  'seccomp-unconfined': pod((_p, c) => { c.securityContext.seccompProfile = { type: 'Unconfined' }; }),
  'no-seccomp': pod((p) => { delete p.spec.securityContext.seccompProfile; }),
  'no-drop-all': pod((_p, c) => { delete c.securityContext.capabilities; }),
  'privilege-escalation': pod((_p, c) => { delete c.securityContext.allowPrivilegeEscalation; }),
  'selinux-user': pod((_p, c) => { c.securityContext.seLinuxOptions = { user: 'system_u' }; }),
  'windows': pod((p, c) => {
    p.spec.os = { name: 'windows' };
    delete p.spec.securityContext.runAsUser; delete p.spec.securityContext.seccompProfile;
    delete c.securityContext.capabilities; delete c.securityContext.allowPrivilegeEscalation; delete c.securityContext.readOnlyRootFilesystem;
  }),
};
const VERSIONS = ['v1.22', 'v1.23', 'v1.24', 'v1.25', 'v1.27', 'v1.29', 'v1.30', 'v1.32', 'v1.34', 'latest'];
const LEVELS = ['baseline', 'restricted'];

/** The namespaces and pods one API server judges. */
function objectsFor(release) {
  const out = [];
  for (const level of LEVELS) {
    for (const version of VERSIONS) {
      const ns = `${level}-${version.replace('.', '-')}`;
      out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': version } } });
      for (const [name, p] of Object.entries(CASES)) {
        const annotations = { ...p.metadata.annotations, 'guardrails.cdk8s.io/kubernetes-version': `1.${minorOf(release)}` };
        out.push({ ...p, metadata: { ...p.metadata, name, namespace: ns, annotations } });
      }
    }
  }
  return out;
}

/** `namespace/name` of every Pod the checker's ns-pod-security flags. */
function flaggedByChecker(objects) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pod-security-')), 'cases.json');
  fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  const r = spawnSync(process.execPath, [path.join(lib.root, 'bin', 'cdk8s-guardrails.js'), 'check', '--json', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `check exited ${r.status}: ${r.stderr}`);
  return new Set(JSON.parse(r.stdout).violations.filter((v) => v.rule === 'ns-pod-security' && v.kind === 'Pod').map((v) => `${v.namespace}/${v.name}`));
}

for (const release of releases) {
  test(`ns-pod-security flags exactly the pods kube-apiserver ${release} refuses`, async () => {
    const objects = objectsFor(release);
    const flagged = flaggedByChecker(objects);
    const cp = await startControlPlane(release);
    const wrong = [];
    let refusedCount = 0;
    try {
      for (const o of objects.filter((x) => x.kind === 'Namespace')) {
        assert.equal((await cp.admin.create(o)).status, 201, `namespace ${o.metadata.name}`);
        assert.equal((await cp.admin.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: o.metadata.name } })).status, 201);
      }
      for (const o of objects.filter((x) => x.kind === 'Pod')) {
        const r = await cp.admin.create(o, { dryRun: true });
        const refused = r.status === 403 && JSON.stringify(r.body).includes('PodSecurity');
        assert.ok(refused || (r.status >= 200 && r.status < 300), `${o.metadata.namespace}/${o.metadata.name}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        if (refused) refusedCount++;
        const key = `${o.metadata.namespace}/${o.metadata.name}`;
        if (refused !== flagged.has(key)) wrong.push(`${key}: ns-pod-security ${flagged.has(key) ? 'flags' : 'passes'} it; the server ${refused ? `refuses it (${r.body.message})` : 'admits it'}`);
      }
    } finally {
      await cp.stop();
    }
    const pods = objects.filter((x) => x.kind === 'Pod').length;
    assert.ok(refusedCount > 20 && refusedCount < pods - 20, `the server refuses ${refusedCount} of ${pods} pods: both sides must be well represented`);
    assert.deepEqual(wrong, []);
  });
}

before(() => assert.ok(releases.length > 0, 'no entry of verify/versions.json has apiServer: true'));
