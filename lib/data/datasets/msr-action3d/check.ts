/** Format check of MSR Action3D as placed on disk (source 'msr-action3d' of lib/data/sources.ts). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceStatus, emptyStatus, finish } from '../../source-status';

/**
 * Checks MSR Action3D placed under `root` (source 'msr-action3d'): at least 557 *_skeleton3D.txt
 * files, 20 lines of 4 numbers per frame (first and last file).
 */
export async function checkMsrAction3d(root: string): Promise<SourceStatus> {
  const s = emptyStatus('msr-action3d');
  const dir = path.join(root, 'msr-action3d');
  s.total = 1;
  if (!fs.existsSync(dir)) {
    s.missing.push('msr-action3d/');
    return finish(s);
  }
  // the reader (./index.ts) reads the real-world *_skeleton3D.txt files
  const NAME = /^a(\d\d)_s(\d\d)_e(\d\d)_skeleton3D\.txt$/;
  const all = fs.readdirSync(dir);
  const names = all.filter((n) => NAME.test(n)).sort();
  const screen = all.filter((n) => /_skeleton\.txt$/.test(n)).length;
  if (screen > 0 && names.length === 0)
    s.notes.push(`msr-action3d/: ${screen} *_skeleton.txt (screen coordinates) files; ` + 'the loader needs the real-world *_skeleton3D.txt files');
  s.notes.push(`msr-action3d/: ${names.length} *_skeleton3D.txt files (the release has 567 sequences; 557 are commonly usable, a13_s09_e02 is all zeros)`);
  let ok = names.length > 0;
  for (const n of names.length === 0 ? [] : [...new Set([names[0], names[names.length - 1]])]) {
    const lines = fs
      .readFileSync(path.join(dir, n), 'latin1')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '');
    const badLine = lines.findIndex((l) => {
      const v = l.trim().split(/\s+/);
      return v.length !== 4 || v.some((x) => !Number.isFinite(Number(x)));
    });
    if (lines.length === 0 || lines.length % 20 !== 0 || badLine >= 0) {
      s.bad.push({
        path: `msr-action3d/${n}`,
        expected: '20 lines (joints) per frame, 4 numbers per line',
        got: badLine >= 0 ? `line ${badLine + 1}: '${lines[badLine]}'` : `${lines.length} lines`,
      });
      ok = false;
    }
  }
  if (names.length < 557) s.missing.push(`msr-action3d/ (${names.length} of at least 557 skeleton files)`);
  s.good = ok && names.length >= 557 ? 1 : 0;
  return finish(s, true);
}
