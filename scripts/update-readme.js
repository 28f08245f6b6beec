#!/usr/bin/env node
// Regenerates the README's results block (<!-- evidence:begin --> … <!-- evidence:end -->) from
// the stored evidence tables (results/*.json). Run by npm run main after the notebooks; a test
// fails when the README block and the result files disagree.
const fs = require('node:fs');
const path = require('node:path');
const { updateReadmeEvidence } = require('../dist/lib/experiments/evidence-tables');
const file = path.join(__dirname, '..', 'README.md');
const { text, changed } = updateReadmeEvidence(fs.readFileSync(file, 'utf8'));
if (changed) fs.writeFileSync(file, text);
console.log(`[readme] results block ${changed ? 'updated from' : 'already matches'} results/*.json`);
