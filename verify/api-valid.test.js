// The checker's rule api-valid against a real kube-apiserver: for every object of
// verify/canary/api-valid-cases.js, api-valid flags it exactly when one of the API servers of
// verify/versions.json (`apiServer: true`) refuses it or warns about it (server-side dry-run,
// strict field validation). Where versions differ, the rule follows the stricter one. A case
// that targets a newer Kubernetes (annotation guardrails.cdk8s.io/kubernetes-version) is judged
// only by the servers of that version and newer, as the checker reads it.
// Run: node --test verify/api-valid.test.js   (after tools/build.sh)
'use strict';
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const lib = require('./lib');
const { startControlPlane } = require('./control-plane');
const { ns, cases } = require('./canary/api-valid-cases');

const servers = lib.versions().filter((k) => k.apiServer);
const releases = servers.map((k) => k.release);
const key = (o) => `${o.kind} ${o.metadata?.name}`;

/** `kind name` of every object the checker's api-valid flags. */
function flaggedByChecker() {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'api-valid-')), 'cases.json');
  fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: cases.map(([, o]) => o) }));
  const r = spawnSync(process.execPath, [path.join(lib.root, 'bin', 'cdk8s-guardrails.js'), 'check', '--json', file], { encoding: 'utf8', maxBuffer: 1 << 28 }); // every rule's findings: megabytes
  assert.ok(r.status === 0 || r.status === 1, `check exited ${r.status}: ${r.stderr}`);
  return new Set(JSON.parse(r.stdout).violations.filter((v) => v.rule === 'api-valid').map((v) => `${v.kind} ${v.name}`));
}

/** Case title -> what each server said. */
const verdicts = new Map(cases.map(([title]) => [title, []]));

for (const { release, version } of servers) {
  test(`kube-apiserver ${release} judges every case`, async () => {
    const cp = await startControlPlane(release);
    try {
      const made = await cp.admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      assert.ok(made.status === 201, `namespace ${ns}: HTTP ${made.status}`);
      for (const [title, obj] of cases) {
        if (!lib.fits([obj], version)) continue;
        const r = await cp.admin.create(obj, { dryRun: true });
        const accepted = r.status >= 200 && r.status < 300;
        verdicts.get(title).push({ release, refused: !accepted || r.warnings.length > 0, why: accepted ? r.warnings.join('; ') : r.body?.message ?? r.body });
      }
    } finally {
      await cp.stop();
    }
  });
}

test('api-valid flags exactly what an API server refuses or warns about', () => {
  const flagged = flaggedByChecker();
  // Both sides: cases the servers accept, cases they refuse.
  assert.ok(flagged.size > 10 && flagged.size < cases.length - 10, `api-valid flags ${flagged.size} of ${cases.length} cases`);
  const wrong = [];
  for (const [title, obj] of cases) {
    const said = verdicts.get(title);
    if (said.length === 0) continue; // no server ran
    const refused = said.filter((v) => v.refused);
    if (refused.length > 0 !== flagged.has(key(obj))) {
      wrong.push(`${title}: api-valid ${flagged.has(key(obj)) ? 'flags' : 'passes'} it; ${said.map((v) => `${v.release} ${v.refused ? `refuses (${v.why})` : 'accepts'}`).join(', ')}`);
    }
  }
  assert.deepEqual(wrong, []);
});

before(() => assert.ok(releases.length > 0, 'no entry of verify/versions.json has apiServer: true'));
