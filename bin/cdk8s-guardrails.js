#!/usr/bin/env node
// The command-line checker. Runs the compiled library (build/, made by `npm run build`),
// or the TypeScript sources through ts-node when build/ is absent (a fresh clone).
// `synth` (bin/synth.js) loads nothing else.
if (process.argv[2] === 'synth') return void (process.exitCode = require('./synth.js').main(process.argv.slice(3)));
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const compiled = fs.existsSync(path.join(root, 'build', 'cli', 'main.js'));
if (!compiled) require('ts-node').register({ transpileOnly: true, project: path.join(root, 'tsconfig.dev.json') });
const load = (name) => require(compiled ? `../build/cli/${name}.js` : `../lib/cli/${name}.ts`);
const args = process.argv.slice(2);
if (args[0] === 'traffic') {
  // Renders its picture asynchronously (Graphviz in WebAssembly).
  load('traffic').traffic(args.slice(1), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) })
    .then((code) => { process.exitCode = code; });
} else {
  load('main').run(args).then((code) => { process.exitCode = code; });
}
