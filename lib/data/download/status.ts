/**
 * The state of a data source on disk (present / missing / partial / corrupt, with the bad files),
 * for `fsvae download --list / --verify`, and where archive mode keeps a repository's tar.gz.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BadFile, DataSource, DriveSource, GithubRepo, SourceStatus, loadManifest, sha256File, verifyFetchManifest } from '../sources';
import { statSize } from './http';

export interface StatusOptions {
  /** hash every present file (default true); false checks sizes only. */
  hash?: boolean;
}

export function repoKey(r: GithubRepo): string {
  return `${r.owner}-${r.name}-${r.ref}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

export function archivePath(dataDir: string, r: GithubRepo): string {
  return path.join(dataDir, '.downloads', `${repoKey(r)}.tar.gz`);
}

/** present / missing / partial / corrupt (with the bad files) of one source under `dataDir`. */
export async function sourceStatus(source: DataSource, dataDir: string, opts: StatusOptions = {}): Promise<SourceStatus> {
  if (source.kind === 'manual') return source.check(dataDir);
  if (source.kind === 'gdrive') return driveStatus(source, dataDir, opts);
  const manifest = loadManifest(source);
  const s: SourceStatus = { name: source.name, kind: 'download', state: 'missing', total: 0, good: 0, missing: [], bad: [], partFiles: [], notes: [] };
  for (const [rel, entry] of Object.entries(manifest.files)) {
    s.total++;
    const p = path.join(dataDir, rel);
    if (fs.existsSync(`${p}.part`)) s.partFiles.push(`${rel}.part`);
    const size = statSize(p);
    if (size < 0) {
      s.missing.push(rel);
      continue;
    }
    if (entry.bytes !== undefined && size !== entry.bytes) {
      s.bad.push({ path: rel, expected: `${entry.bytes} bytes`, got: `${size} bytes` });
      continue;
    }
    if (opts.hash !== false) {
      const got = await sha256File(p);
      if (got !== entry.sha256) {
        s.bad.push({ path: rel, expected: `sha256 ${entry.sha256}`, got: `sha256 ${got}` });
        continue;
      }
    }
    s.good++;
  }
  for (const part of source.parts) {
    const a = archivePath(dataDir, part.repo);
    if (fs.existsSync(`${a}.part`)) s.partFiles.push(path.relative(dataDir, `${a}.part`).split(path.sep).join('/'));
  }
  s.partFiles = [...new Set(s.partFiles)];
  if (s.bad.length > 0) s.state = 'corrupt';
  else if (s.good === s.total) s.state = 'present';
  else if (s.good === 0 && s.partFiles.length === 0) s.state = 'missing';
  else s.state = 'partial';
  return s;
}

/**
 * A Drive source: its format check, then the sha256 of every file its download recorded (a copy
 * placed by hand has no record and gets the format check only).
 */
async function driveStatus(source: DriveSource, dataDir: string, opts: StatusOptions): Promise<SourceStatus> {
  const s = await source.check(dataDir);
  s.kind = 'gdrive';
  const m = await verifyFetchManifest(dataDir, source.name, opts.hash !== false);
  const work = path.join(dataDir, '.downloads', source.name);
  if (fs.existsSync(work)) {
    for (const f of fs.readdirSync(work)) if (f.endsWith('.part') || f.endsWith('.download')) s.partFiles.push(`.downloads/${source.name}/${f}`);
  }
  if (m === null) {
    if (s.state !== 'missing') s.notes.push('no download record (placed by hand?): checked by format only');
    return s;
  }
  s.bad.push(...m.bad);
  s.missing.push(...m.missing);
  s.notes.push(`${m.good} file(s) match the sha256 recorded when they were fetched (${m.fetchedAt})`);
  if (m.bad.length > 0) s.state = 'corrupt';
  else if (m.missing.length > 0 && s.state === 'present') s.state = 'partial';
  return s;
}

/** 'present', 'missing', 'partial' or 'corrupt (3 bad files)'. */
export function describeSourceState(s: SourceStatus): string {
  if (s.state === 'corrupt') return `corrupt (${s.bad.length} bad file${s.bad.length === 1 ? '' : 's'})`;
  return s.state;
}

/** Formats the bad files of a status, one line each. */
export function describeBadFiles(bad: BadFile[], max = 10): string[] {
  const lines = bad.slice(0, max).map((b) => `  ${b.path}: expected ${b.expected}, got ${b.got}`);
  if (bad.length > max) lines.push(`  ... and ${bad.length - max} more`);
  return lines;
}
