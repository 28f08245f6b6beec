/** Provenance stamped on every result: code version, machine, backend, time. */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { repoRoot } from '../data/paths';

export interface Provenance {
  gitCommit: string;
  gitDirty: boolean;
  date: string;
  node: string;
  cpu: string;
  cores: number;
  backend: string;
  wallSeconds?: number;
  [key: string]: string | number | boolean | undefined;
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: repoRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/**
 * Whether `git status --porcelain` lines show a changed tracked file that is not a product of the
 * runs themselves (results/ and the executed notebooks' outputs are rewritten by every run).
 */
export function codeDirty(porcelain: string | null): boolean {
  if (!porcelain) return false;
  return porcelain
    .split('\n')
    .filter((l) => l.trim())
    .some((l) => !/^..\s*"?(results|notebooks)\//.test(l));
}

export function provenance(backend: string, extra: Record<string, string | number | boolean | undefined> = {}): Provenance {
  const commit = git(['rev-parse', '--short=12', 'HEAD']);
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    gitCommit: commit ?? 'unknown (not a git checkout)',
    // changes to tracked code (results/ and notebooks/, which the runs rewrite, do not count)
    gitDirty: codeDirty(status),
    date: new Date().toISOString(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    backend,
    ...extra,
  };
}
