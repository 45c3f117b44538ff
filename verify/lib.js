// Shared helpers for the verify scripts: paths, the version setting, the synthesized
// manifests and the official OpenAPI documents of a Kubernetes release.
'use strict';
const fs = require('fs');
const path = require('path');
const http = require('http');
const { execFileSync } = require('child_process');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const toolsBin = path.join(root, '.tools', 'bin');
const cacheDir = process.env.VERIFY_CACHE
  ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(require('os').homedir(), '.cache'), 'cdk8s-guardrails');

function tool(name) {
  const p = path.join(toolsBin, name);
  if (!fs.existsSync(p)) throw new Error(`${p} is missing: run tools/build.sh`);
  return p;
}

/** The one setting: verify/versions.json. */
function versions() {
  return require('./versions.json').kubernetes;
}

/** Every synthesized manifest file under dist/, grouped by folder (one app or environment). */
function manifestGroups(distDir = path.join(root, 'dist')) {
  const groups = new Map();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.name.startsWith('.')) continue; // caches and other tools' state
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.k8s.yaml')) {
        if (!groups.has(dir)) groups.set(dir, []);
        groups.get(dir).push(p);
      }
    }
  };
  if (fs.existsSync(distDir)) walk(distDir);
  return [...groups].map(([dir, files]) => ({ dir, name: path.relative(distDir, dir) || '.', files }));
}

/** Parsed objects of some manifest files, each with the file it came from. */
function loadObjects(files) {
  const out = [];
  for (const file of files) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      const obj = doc.toJS();
      if (obj) out.push({ file, obj });
    }
  }
  return out;
}

/** The annotation with which a workload records the Kubernetes version it was synthesized for. */
const TARGET_ANNOTATION = 'guardrails.cdk8s.io/kubernetes-version';
const minorOf = (v) => Number(/^v?1\.(\d+)/.exec(v)[1]);

/**
 * The oldest Kubernetes version some objects fit: the highest target an object records
 * (`guardrails.cdk8s.io/kubernetes-version`), or undefined when none does (any version).
 */
function targetOf(objects) {
  const targets = objects.map((o) => o?.metadata?.annotations?.[TARGET_ANNOTATION]).filter((v) => typeof v === 'string' && /^1\.\d+$/.test(v));
  return targets.length === 0 ? undefined : targets.sort((a, b) => minorOf(b) - minorOf(a))[0];
}

/**
 * Whether a group of objects is validated at `version`: only at or above the version they were
 * synthesized for (a 1.30 target may use native sidecars and the sleep action, which older
 * schemas and API servers refuse or drop).
 */
function fits(objects, version) {
  const target = targetOf(objects);
  return target === undefined || minorOf(version) >= minorOf(target);
}

function describe(obj) {
  const ns = obj.metadata?.namespace ? `${obj.metadata.namespace}/` : '';
  return `${obj.kind}/${ns}${obj.metadata?.name}`;
}

/** The CRD folders kept in the repo (crds/<project>/). */
function crdDirs() {
  const dir = path.join(root, 'crds');
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name)).sort();
}

/**
 * The folder of api/openapi-spec/v3 in the k8s.io/kubernetes module at `release`, fetched
 * through the Go module proxy (checked against the checksum database) and kept in Go's module
 * cache. These are the files the Kubernetes project publishes for that release.
 */
function openapiSpecDir(release) {
  const json = execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${release}`], {
    cwd: cacheDir, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
  });
  const dir = path.join(JSON.parse(json).Dir, 'api', 'openapi-spec', 'v3');
  if (!fs.existsSync(dir)) throw new Error(`no api/openapi-spec/v3 in k8s.io/kubernetes@${release}`);
  return dir;
}

/**
 * Serves a release's OpenAPI v3 documents on loopback the way an API server does
 * (GET /openapi/v3, then each group-version), so that kubectl-validate can use them through a
 * kubeconfig exactly as it would use a live cluster of that version.
 * Returns { server, kubeconfig } once listening; close with server.close().
 */
async function serveOpenAPI(specDir, workDir) {
  const files = {};
  for (const f of fs.readdirSync(specDir)) {
    const m = /^(.*)_openapi\.json$/.exec(f);
    if (m && m[1].includes('__')) files[m[1].split('__').join('/')] = path.join(specDir, f); // api/v1, apis/apps/v1
  }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const p = url.pathname.replace(/^\/openapi\/v3\/?/, '');
    if (url.pathname === '/openapi/v3') {
      const paths = {};
      for (const k of Object.keys(files)) paths[k] = { serverRelativeURL: `/openapi/v3/${k}` };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ paths }));
    } else if (files[p]) {
      res.writeHead(200, { 'content-type': 'application/json' });
      fs.createReadStream(files[p]).pipe(res);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' }));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kubeconfig = path.join(workDir, `openapi-${server.address().port}.kubeconfig`);
  fs.writeFileSync(kubeconfig, YAML.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'openapi',
    clusters: [{ name: 'openapi', cluster: { server: `http://127.0.0.1:${server.address().port}` } }],
    users: [{ name: 'none', user: {} }],
    contexts: [{ name: 'openapi', context: { cluster: 'openapi', user: 'none' } }],
  }));
  return { server, kubeconfig };
}

module.exports = { root, cacheDir, tool, versions, manifestGroups, loadObjects, describe, crdDirs, openapiSpecDir, serveOpenAPI, targetOf, fits };
