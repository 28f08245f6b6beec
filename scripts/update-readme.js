#!/usr/bin/env node
// Regenerates the README's results blocks (<!-- evidence:begin --> … <!-- evidence:end --> and
// <!-- expectations:begin --> … <!-- expectations:end -->) from the stored tables (results/*.json). Run by npm run main after the notebooks; a test
// fails when the README block and the result files disagree.
const fs = require('node:fs');
const path = require('node:path');
const { updateReadmeEvidence } = require('../dist/lib/experiments/evidence-tables');
const { updateReadmeExpectations } = require('../dist/lib/experiments/reproducibility');
const file = path.join(__dirname, '..', 'README.md');
const before = fs.readFileSync(file, 'utf8');
const { text } = updateReadmeExpectations(updateReadmeEvidence(before).text);
if (text !== before) fs.writeFileSync(file, text);
console.log(`[readme] results blocks ${text !== before ? 'updated from' : 'already match'} results/*.json`);
