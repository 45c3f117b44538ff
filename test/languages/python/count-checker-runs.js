// Preloaded (NODE_OPTIONS=--require) into the Node.js process that the jsii runtime of another
// language starts: appends a line `check` to $GUARDRAILS_RUNS_FILE each time the practices
// checker of the library runs, so that a test can count the runs per synthesis.
'use strict';
const fs = require('fs');
const Module = require('module');
const path = require('path');

const out = process.env.GUARDRAILS_RUNS_FILE;
const engineFile = path.join('cdk8s-guardrails', 'build', 'practices', 'enforce.js');
const loadJs = Module._extensions['.js'];
Module._extensions['.js'] = function (module, filename) {
  loadJs.call(this, module, filename);
  if (out && filename.endsWith(engineFile)) {
    const proto = module.exports.Engine.prototype;
    const compute = proto.compute;
    if (typeof compute !== 'function') throw new Error(`${filename}: Engine.prototype.compute is gone; update ${__filename}`);
    proto.compute = function (...args) {
      fs.appendFileSync(out, 'check\n');
      return compute.apply(this, args);
    };
  }
};
