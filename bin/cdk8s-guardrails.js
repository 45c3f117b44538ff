#!/usr/bin/env node
// The command-line checker. Runs the compiled library (build/, made by `npm run build`),
// or the TypeScript sources through ts-node when build/ is absent (a fresh clone).
// `synth` (bin/synth.js) loads nothing else.
if (process.argv[2] === 'synth') return void (process.exitCode = require('./synth.js').main(process.argv.slice(3)));
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
let cli;
if (fs.existsSync(path.join(root, 'build', 'cli', 'main.js'))) {
  cli = require('../build/cli/main.js');
} else {
  require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.dev.json') });
  cli = require('../lib/cli/main.ts');
}
process.exitCode = cli.main(process.argv.slice(2));
