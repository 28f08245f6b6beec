/**
 * Format checks of the NTU RGB+D skeleton release as placed on disk: the .skeleton text parsed
 * fully, and the whole release (source 'ntu-rgbd' of lib/data/sources.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceStatus, emptyStatus, finish, sha256File } from '../../source-status';

/** An NTU sample file name, SsssCcccPpppRrrrAaaa.skeleton. */
const NTU_FILE_RE = /^S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})\.skeleton$/;

/**
 * Parses an NTU .skeleton text fully: frame count; per frame a body count, per body one line of
 * 10 values, a joint count (25) and 25 lines of 12 values. Returns a problem, or null.
 */
export function checkNtuSkeletonText(text: string): string | null {
  const lines = text.split(/\r?\n/);
  let i = 0;
  const next = (): string | undefined => lines[i++];
  const frames = Number(next());
  if (!Number.isInteger(frames) || frames <= 0) return `line 1 is '${lines[0]}', expected a positive frame count`;
  for (let f = 0; f < frames; f++) {
    const bodies = Number(next());
    if (!Number.isInteger(bodies) || bodies < 0) return `line ${i}: expected the body count of frame ${f + 1}`;
    for (let b = 0; b < bodies; b++) {
      const info = next()?.trim().split(/\s+/) ?? [];
      if (info.length !== 10) return `line ${i}: body info has ${info.length} values, expected 10`;
      const joints = Number(next());
      if (joints !== 25) return `line ${i}: joint count ${joints}, expected 25`;
      for (let j = 0; j < 25; j++) {
        const v = next()?.trim().split(/\s+/) ?? [];
        if (v.length !== 12 || v.some((x) => !Number.isFinite(Number(x))))
          return `line ${i}: joint line has ${v.length} values ` + '(or a non-number), expected 12 numbers';
      }
    }
  }
  if (lines.slice(i).some((l) => l.trim() !== '')) return `extra content after frame ${frames} (line ${i + 1})`;
  return null;
}

/**
 * Checks the NTU RGB+D release placed under `root` (source 'ntu-rgbd'): file names and setups per
 * folder, a full parse of the first, middle and last file, and the sha256 of the genuine samples
 * pinned by 'ntu-samples' (`known`: path → sha256, relative to the data root).
 */
export async function checkNtuSkeletons(root: string, known: Readonly<Record<string, { sha256: string }>>): Promise<SourceStatus> {
  const s = emptyStatus('ntu-rgbd');
  const parts = [
    {
      dir: 'ntu-rgbd/nturgb+d_skeletons',
      setups: [1, 17],
      min: 56578,
      max: 56880,
      optional: false,
      what: 'NTU RGB+D 60 (nturgbd_skeletons_s001_to_s017.zip)',
    },
    {
      dir: 'ntu-rgbd/nturgb+d_skeletons120',
      setups: [18, 32],
      min: 57367,
      max: 57600,
      optional: true,
      what: 'NTU RGB+D 120 extra setups (nturgbd_skeletons_s018_to_s032.zip)',
    },
  ];
  let anyFound = false;
  for (const part of parts) {
    const dir = path.join(root, part.dir);
    if (!part.optional) s.total += 1;
    if (!fs.existsSync(dir)) {
      if (!part.optional) s.missing.push(`${part.dir}/`);
      else s.notes.push(`${part.dir}/ not present (only needed for NTU-120)`);
      continue;
    }
    if (part.optional) s.total += 1;
    const names = fs
      .readdirSync(dir)
      .filter((n) => !n.startsWith('.'))
      .sort();
    const skel = names.filter((n) => NTU_FILE_RE.test(n));
    const strange = names.filter((n) => !NTU_FILE_RE.test(n));
    const outOfRange = skel.filter((n) => {
      const setup = Number(NTU_FILE_RE.exec(n)![1]);
      return setup < part.setups[0] || setup > part.setups[1];
    });
    let problems = 0;
    if (strange.length > 0) s.notes.push(`${part.dir}/: ${strange.length} names that are not SxxxCxxxPxxxRxxxAxxx.skeleton (e.g. ${strange[0]})`);
    if (outOfRange.length > 0) {
      s.bad.push({
        path: `${part.dir}/${outOfRange[0]}`,
        expected: `setups S${String(part.setups[0]).padStart(3, '0')}-S${String(part.setups[1]).padStart(3, '0')} in this folder`,
        got: `${outOfRange.length} files of other setups`,
      });
      problems++;
    }
    // full structural parse of the first, middle and last file
    const probe = skel.length === 0 ? [] : [...new Set([skel[0], skel[Math.floor(skel.length / 2)], skel[skel.length - 1]])];
    for (const n of probe) {
      const err = checkNtuSkeletonText(fs.readFileSync(path.join(dir, n), 'latin1'));
      if (err) {
        s.bad.push({ path: `${part.dir}/${n}`, expected: 'NTU .skeleton text format', got: err });
        problems++;
      }
    }
    // the genuine samples whose sha256 is pinned (ntu-samples)
    for (const [p, e] of Object.entries(known)) {
      const base = p.split('/').pop()!;
      if (!base.endsWith('.skeleton') || !skel.includes(base)) continue;
      const got = await sha256File(path.join(dir, base));
      if (got !== e.sha256) {
        s.bad.push({ path: `${part.dir}/${base}`, expected: `sha256 ${e.sha256}`, got: `sha256 ${got}` });
        problems++;
      } else s.notes.push(`${part.dir}/${base}: sha256 matches the pinned sample`);
    }
    s.notes.push(`${part.dir}/: ${skel.length} .skeleton files (${part.what}; the full release has ${part.min}-${part.max})`);
    if (skel.length < part.min) s.missing.push(`${part.dir}/ (${skel.length} of at least ${part.min} files)`);
    else if (skel.length > part.max) s.notes.push(`${part.dir}/: more files than the release (${skel.length} > ${part.max})`);
    if (problems === 0 && skel.length >= part.min) s.good += 1;
    anyFound = true;
  }
  return finish(s, anyFound);
}
