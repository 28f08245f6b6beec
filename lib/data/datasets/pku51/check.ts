/** Format check of PKU-MMD Part I as placed on disk (source 'pku-mmd' of lib/data/sources.ts). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceStatus, emptyStatus, finish, rel } from '../../source-status';

/**
 * Checks PKU-MMD Part I placed under `root` (source 'pku-mmd'): both folders with their 1076
 * files, 150 values per skeleton line and label lines 'label,start,end,confidence' (first and last file).
 */
export async function checkPkuMmd(root: string): Promise<SourceStatus> {
  const s = emptyStatus('pku-mmd');
  const skelDir = path.join(root, 'pku-mmd', 'PKU_Skeleton_Renew');
  const labelDir = path.join(root, 'pku-mmd', 'Train_Label_PKU_final');
  const NAME = /^\d{4}-[LMR]\.txt$/;
  s.total = 2;
  const list = (d: string): string[] | null =>
    fs.existsSync(d)
      ? fs
          .readdirSync(d)
          .filter((n) => NAME.test(n))
          .sort()
      : null;
  const sk = list(skelDir);
  const lb = list(labelDir);
  for (const [d, names, what] of [
    [skelDir, sk, 'skeleton'],
    [labelDir, lb, 'label'],
  ] as const) {
    if (names === null) s.missing.push(`${rel(root, d)}/`);
    else {
      s.notes.push(`${rel(root, d)}/: ${names.length} ${what} files (Part I has 1076)`);
      if (names.length < 1076) s.missing.push(`${rel(root, d)}/ (${names.length} of 1076 files)`);
    }
  }
  let skelOk = sk !== null && sk.length > 0;
  for (const n of sk === null ? [] : [sk[0], sk[sk.length - 1]].filter((x) => x !== undefined)) {
    const first = fs.readFileSync(path.join(skelDir, n), 'latin1').split(/\r?\n/, 1)[0].trim().split(/\s+/);
    if (first.length !== 150 || first.some((x) => !Number.isFinite(Number(x)))) {
      s.bad.push({
        path: rel(root, path.join(skelDir, n)),
        expected: '150 numbers per line (2 bodies x 25 joints x xyz)',
        got: `${first.length} values on line 1`,
      });
      skelOk = false;
    }
  }
  let labelOk = lb !== null && lb.length > 0;
  for (const n of lb === null ? [] : [lb[0], lb[lb.length - 1]].filter((x) => x !== undefined)) {
    const lines = fs
      .readFileSync(path.join(labelDir, n), 'latin1')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '');
    const badLine = lines.findIndex((l) => {
      const v = l.split(',').map((x) => Number(x.trim()));
      return v.length !== 4 || v.some((x) => !Number.isFinite(x)) || !Number.isInteger(v[0]) || v[0] < 1 || v[0] > 51;
    });
    if (lines.length === 0 || badLine >= 0) {
      s.bad.push({
        path: rel(root, path.join(labelDir, n)),
        expected: "lines 'label,start,end,confidence' with label in 1..51",
        got: lines.length === 0 ? 'empty file' : `line ${badLine + 1}: '${lines[badLine]}'`,
      });
      labelOk = false;
    }
  }
  if (sk && lb) {
    const unpaired = sk.filter((n) => !lb.includes(n));
    if (unpaired.length > 0) s.notes.push(`${unpaired.length} skeleton files have no label file (e.g. ${unpaired[0]})`);
  }
  s.good = (skelOk && sk!.length >= 1076 ? 1 : 0) + (labelOk && lb!.length >= 1076 ? 1 : 0);
  return finish(s, sk !== null || lb !== null);
}
