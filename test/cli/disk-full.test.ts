/**
 * Commands on a full disk: each command below writes onto a 32 KiB tmpfs filled to the last byte
 * and must exit 1 with ONE stderr line naming a path on that file system and ENOSPC (no stack),
 * leaving nothing there that it created. Needs root (mount); skipped with the reason otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../lib/cli/main.js');

/** Every entry below `dir`, as relative paths, sorted. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

/** Writes zeros to `file` until the file system refuses. */
function fill(file: string): void {
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4096);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (e) {
    assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    fs.closeSync(fd);
  }
}

function cli(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('commands on a full disk: exit 1, one line naming the file and ENOSPC, nothing left behind', { timeout: 240_000 }, async (t) => {
  if (process.getuid?.() !== 0) return t.skip('not root: cannot mount a small tmpfs');
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-full-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32k', 'tmpfs', mnt]).status !== 0) {
    fs.rmSync(mnt, { recursive: true, force: true });
    return t.skip('mount -t tmpfs -o size=32k failed (no CAP_SYS_ADMIN here)');
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-full-inputs-'));
  try {
    // inputs on a disk with room: a small generated benchmark, and a warm stage-1 feature cache
    const cache = path.join(work, 'cache');
    const env = { FSVAE_CACHE: cache };
    const feat = path.join(work, 'feat');
    assert.equal(cli(['generate-features', '--out', feat, '--train-per-class', '10', '--test-per-class', '5'], env).status, 0);
    const stage1 = ['--dataset', 'generated', '--split', 'generated-35/5', '--stage1', 'dct-descriptor'];
    assert.equal(cli(['extract', ...stage1], env).status, 0);
    fill(path.join(mnt, 'pad'));
    const before = tree(mnt);
    assert.deepEqual(before, ['pad']);

    const tiny = ['--seeds', '1', '--cycles', '1', '--steps', '20', '--quiet'];
    const stage2 = ['--features', path.join(feat, 'sk_feats'), '--text', feat, '--split', 'ntu60-55/5', '--preset', 'quick', ...tiny];
    const cases: { name: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [
      { name: 'generate-features --out', args: ['generate-features', '--out', path.join(mnt, 'feat'), '--train-per-class', '10', '--test-per-class', '5'] },
      { name: 'run --out', args: ['run', ...stage2, '--out', path.join(mnt, 'r.json')] },
      { name: 'run --checkpoint-dir', args: ['run', ...stage2, '--checkpoint-dir', path.join(mnt, 'ck')] },
      { name: 'extract --out', args: ['extract', ...stage1, '--out', path.join(mnt, 'x')] },
      { name: 'pipeline --out', args: ['pipeline', ...stage1, '--variants', 'ours', ...tiny, '--out', path.join(mnt, 'p.json')] },
      { name: 'extract, stage-1 feature cache on the full disk', args: ['extract', ...stage1], env: { FSVAE_CACHE: mnt } },
      { name: 'embed, text cache on the full disk', args: ['embed', '--dataset', 'generated', '--out', path.join(work, 'embed')], env: { FSVAE_CACHE: mnt } },
    ];
    for (const c of cases) {
      await t.test(c.name, () => {
        const r = cli(c.args, { ...env, ...c.env });
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(r.status, 1, `exit code (stderr: ${r.stderr})`);
        assert.equal(lines.length, 1, `one stderr line, got:\n${r.stderr}`);
        const cmd = c.args[0];
        const re = new RegExp(`^fsvae ${cmd}: cannot write (\\S+): no space left on device \\(ENOSPC\\); free space on that file system or write elsewhere`);
        const m = re.exec(lines[0]);
        assert.ok(m, lines[0]);
        assert.ok(m[1].startsWith(mnt + path.sep), `names a path on the full file system: ${m[1]}`);
        assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack frames');
        assert.deepEqual(tree(mnt), before, 'nothing left on the full file system');
      });
    }
  } finally {
    spawnSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
});
