#!/usr/bin/env node
// Synthesizes every example app (examples/<name>/main.ts) to dist/<name>/.
// Type-checking belongs to `npm test`; synthesis only transpiles.
const fs = require('fs');
const path = require('path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', 'tsconfig.dev.json') });

const root = path.join(__dirname, '..');
const examples = fs.readdirSync(path.join(root, 'examples')).filter((d) => fs.existsSync(path.join(root, 'examples', d, 'main.ts'))).sort();
for (const name of examples) {
  const outdir = path.join(root, 'dist', name);
  fs.rmSync(outdir, { recursive: true, force: true });
  process.env.CDK8S_OUTDIR = outdir;
  require(path.join(root, 'examples', name, 'main.ts'));
  console.log(`synthesized examples/${name} -> ${path.relative(root, outdir)}/`);
}
