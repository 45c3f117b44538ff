#!/usr/bin/env node
// npm run docs:practices: writes docs/practices.md from the rule catalog (lib/practices/catalog.ts).
// test/docs/practices.test.ts fails when the file in the repository differs from what this writes.
'use strict';
const fs = require('fs');
const path = require('path');
require('./synth.js').register();
const { practicesMarkdown, PRACTICES_DOC } = require('../lib/practices/catalog-docs');

const file = path.join(__dirname, '..', PRACTICES_DOC);
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, practicesMarkdown());
console.log(`wrote ${PRACTICES_DOC}`);
