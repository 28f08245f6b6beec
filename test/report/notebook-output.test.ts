import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { claimsHtml, inlineMarkdownHtml, runLog } from '../../lib/report/notebook-output';
import { tempDir } from '../temp-dirs';

test('claims become an HTML list: markup escaped, **bold** and `code` kept, list markers dropped', () => {
  assert.equal(inlineMarkdownHtml('a < b & **c** `d`'), 'a &lt; b &amp; <b>c</b> <code>d</code>');
  assert.equal(
    claimsHtml('Claims **tested**', ['- "Ours > baseline" — inconclusive', '* p < 0.05']),
    '<div class="fsvae-claims"><p><b>Claims <b>tested</b></b></p>\n<ul>\n' +
      '<li>&quot;Ours &gt; baseline&quot; — inconclusive</li>\n<li>p &lt; 0.05</li>\n</ul></div>',
  );
  assert.match(claimsHtml('Findings', []), /<p>\(none\)<\/p>/);
});

test('the run log keeps every line in its file and prints at most one a minute, then a summary', () => {
  const dir = tempDir('runlog');
  let t = 0;
  const printed: string[] = [];
  const log = runLog('nb', { dir, now: () => t, print: (l) => printed.push(l) });
  for (const [at, line] of [
    [0, 'a'],
    [10_000, 'b'],
    [59_999, 'c'],
    [70_000, 'd'],
    [75_000, 'e'],
  ] as const) {
    t = at;
    log(line);
  }
  t = 90_000;
  assert.equal(log.done('Table 1: 5 cells'), undefined);
  const summary = printed.at(-1)!;
  assert.deepEqual(printed, ['[0 s] a', '[70 s] d', summary]);
  assert.match(summary, /^Table 1: 5 cells in 90 s \(full log, 5 lines so far: .*nb\.log\)$/);
  assert.equal(log.lines, 5);
  assert.deepEqual(fs.readFileSync(log.file, 'utf8').trim().split('\n'), ['a', 'b', 'c', 'd', 'e', summary]);
  // the next phase starts its clock and prints its first line at once
  t = 91_000;
  log('f');
  assert.equal(printed.at(-1), '[1 s] f');
});

test('the run log refuses a name that is not a plain file name', () => {
  assert.throws(() => runLog('../x', { dir: os.tmpdir() }), /plain file name/);
});
