// A throw-away Kubernetes control plane on loopback, in the style of controller-runtime's envtest:
// etcd and kube-apiserver (built by tools/build.sh), RBAC on, static bearer tokens for an
// administrator and a test user, service-account signing keys generated at start. No
// controller-manager, scheduler or kubelet: objects are stored and admitted, never run.
'use strict';
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { spawn } = require('child_process');
const lib = require('./lib');
const { Kube } = require('./kube');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(what, fn, { timeoutMs = 120_000, procs = [] } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    for (const p of procs) {
      if (p.exitCode !== null) throw new Error(`${what}: ${p.spawnargs[0]} exited with ${p.exitCode}; see ${p.logFile}`);
    }
    try {
      if (await fn()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not ready after ${timeoutMs / 1000}s${last ? ` (${last.message})` : ''}`);
}

function startProcess(bin, args, logFile) {
  const log = fs.openSync(logFile, 'a');
  const p = spawn(bin, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  p.logFile = logFile;
  return p;
}

async function stopProcess(p, graceMs = 15_000) {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts etcd and kube-apiserver `release` (e.g. v1.37.2). Resolves to
 * { release, version, url, admin, user, nobody (Kube clients), dir, stop() }.
 * `admin` is in system:masters; `user` (verify-user) is bound to cluster-admin by RBAC;
 * `nobody` (verify-nobody) is authenticated and bound to nothing.
 */
async function startControlPlane(release) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-control-plane-'));
  const procs = [];
  const killAll = () => procs.forEach((p) => p.exitCode === null && p.kill('SIGKILL'));
  process.once('exit', killAll); // never leave a server behind, even when the tests crash
  const stop = async () => {
    process.removeListener('exit', killAll);
    for (const p of procs.reverse()) await stopProcess(p); // kube-apiserver first, then etcd
    if (!process.env.VERIFY_KEEP_CONTROL_PLANE) fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];

    const etcd = startProcess(lib.tool('etcd'), [
      '--data-dir', path.join(dir, 'etcd'),
      '--listen-client-url', `http://127.0.0.1:${etcdPort}`,
      '--listen-peer-url', `http://127.0.0.1:${peerPort}`,
    ], path.join(dir, 'etcd.log'));
    procs.push(etcd);
    await waitFor('etcd', async () => (await fetch(`http://127.0.0.1:${etcdPort}/health`)).ok, { procs });

    // Service-account token signing keys, new for every run.
    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(path.join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    fs.writeFileSync(path.join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    // Static bearer tokens: token,user,uid,"groups".
    const [adminToken, userToken, nobodyToken] = [1, 2, 3].map(() => crypto.randomBytes(24).toString('hex'));
    fs.writeFileSync(path.join(dir, 'tokens.csv'), [
      `${adminToken},verify-admin,verify-admin,"system:masters"`,
      `${userToken},verify-user,verify-user,"verify:users"`,
      `${nobodyToken},verify-nobody,verify-nobody,"verify:nobody"`,
    ].join('\n') + '\n', { mode: 0o600 });

    const apiserver = startProcess(lib.tool(`kube-apiserver-${release}`), [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      '--endpoint-reconciler-type=none', // no kubernetes Service endpoints: loopback is not allowed there
      `--secure-port=${apiPort}`,
      `--cert-dir=${path.join(dir, 'pki')}`, // a self-signed serving certificate is generated here
      '--authorization-mode=RBAC',
      '--anonymous-auth=false',
      `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${path.join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=false',
      '--v=1',
    ], path.join(dir, 'kube-apiserver.log'));
    procs.push(apiserver);

    const url = `https://127.0.0.1:${apiPort}`;
    const certFile = path.join(dir, 'pki', 'apiserver.crt');
    await waitFor('kube-apiserver serving certificate', () => fs.existsSync(certFile), { procs });
    const ca = fs.readFileSync(certFile);
    const admin = new Kube(url, ca, adminToken);
    const user = new Kube(url, ca, userToken);
    const nobody = new Kube(url, ca, nobodyToken);
    await waitFor('kube-apiserver', async () => (await admin.request('GET', '/readyz')).status === 200, { procs, timeoutMs: 180_000 });
    const version = (await admin.request('GET', '/version')).body;
    // The test user is what deploys the manifests, as a GitOps controller would: RBAC grants it
    // cluster-admin through a binding. verify-nobody has no binding at all.
    const bind = await admin.apply({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'verify-user' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'verify-user' }],
    });
    if (bind.status !== 200 && bind.status !== 201) throw new Error(`binding verify-user: HTTP ${bind.status}`);
    return { release, version, url, admin, user, nobody, dir, stop };
  } catch (e) {
    const logs = procs.map((p) => `--- ${p.logFile}\n${tail(p.logFile)}`).join('\n');
    await stop();
    e.message += `\n${logs}`;
    throw e;
  }
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

module.exports = { startControlPlane };
