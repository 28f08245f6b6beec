/**
 * What checking a data source on disk reports (SourceStatus), and the small helpers the checkers
 * share: lib/data/sources.ts and the dataset folders' check.ts (datasets/<id>/check.ts) build
 * their statuses with them.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type SourceState = 'present' | 'missing' | 'partial' | 'corrupt';

export interface BadFile {
  /** path relative to the data root. */
  path: string;
  /** what was expected and what was found (sha256, size or structure). */
  expected: string;
  got: string;
}

export interface SourceStatus {
  name: string;
  kind: 'download' | 'manual' | 'gdrive';
  state: SourceState;
  /** items checked (files for scripted sources; files/folders for manual ones). */
  total: number;
  good: number;
  missing: string[];
  bad: BadFile[];
  /** leftover `.part` files of an interrupted download (relative to the data root). */
  partFiles: string[];
  /** facts found on the way (counts, warnings that do not fail the check). */
  notes: string[];
}

/** Streams a file through sha256. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    const s = fs.createReadStream(file);
    s.on('data', (c) => h.update(c));
    s.on('error', reject);
    s.on('end', () => resolve(h.digest('hex')));
  });
}

/** A fresh status of a manual source: nothing checked, nothing found. */
export function emptyStatus(name: string): SourceStatus {
  return { name, kind: 'manual', state: 'missing', total: 0, good: 0, missing: [], bad: [], partFiles: [], notes: [] };
}

/** corrupt if anything is bad; missing if nothing was found; present if all is good; else partial. */
export function finish(s: SourceStatus, anyFound = s.good > 0): SourceStatus {
  if (s.bad.length > 0) s.state = 'corrupt';
  else if (!anyFound) s.state = 'missing';
  else if (s.good >= s.total && s.missing.length === 0) s.state = 'present';
  else s.state = 'partial';
  return s;
}

/** `p` relative to `root`, '/'-separated. */
export function rel(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/');
}
