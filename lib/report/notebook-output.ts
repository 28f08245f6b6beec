/**
 * Notebook outputs a reader meets first: claims emitted as HTML (a notebook that is not trusted
 * drops `text/markdown` outputs but shows sanitized HTML), and a run log that keeps the notebook
 * short (every line goes to results/logs/<name>.log; the notebook shows a line a minute and a
 * one-line summary, so the table in the next cell is not buried under progress lines).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FsvaeInputError } from '../util/assert';
import { resultsDir } from './table';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The inline markdown the generated claims use (**bold**, `code`), as HTML; everything else escaped. */
export function inlineMarkdownHtml(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
    .replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** A titled list of generated claims or findings as HTML; a leading "- " or "* " of a line is dropped. */
export function claimsHtml(title: string, lines: readonly string[]): string {
  const items = lines.map((l) => `<li>${inlineMarkdownHtml(l.replace(/^\s*[-*]\s+/, ''))}</li>`).join('\n');
  const body = lines.length ? `<ul>\n${items}\n</ul>` : '<p>(none)</p>';
  return `<div class="fsvae-claims"><p><b>${inlineMarkdownHtml(title)}</b></p>\n${body}</div>`;
}

export interface RunLog {
  /** appends the line to the log file; prints it too when the last printed line is a minute old. */
  (line: string): void;
  /** the log file (results/logs/<name>.log). */
  readonly file: string;
  /** lines written since the log was opened. */
  readonly lines: number;
  /** prints one summary line for the phase that just ended (returns nothing: a notebook would show it twice); the next phase starts now. */
  done(summary: string): void;
}

export interface RunLogOptions {
  /** at most one progress line per this many seconds in the notebook (default 60; 0 prints every line). */
  everySeconds?: number;
  /** where notebook lines go (default console.log). */
  print?: (line: string) => void;
  /** folder of the log file (default results/logs). */
  dir?: string;
  /** clock in milliseconds (tests). */
  now?: () => number;
}

/** Opens results/logs/<name>.log afresh and returns the logger a notebook passes to long runs. */
export function runLog(name: string, opts: RunLogOptions = {}): RunLog {
  if (!/^[\w.-]+$/.test(name)) throw new FsvaeInputError(`runLog: name "${name}" must be a plain file name (letters, digits, . _ -).`);
  const every = opts.everySeconds ?? 60;
  if (!(every >= 0)) throw new FsvaeInputError(`runLog(${name}): everySeconds must be ≥ 0, got ${every}.`);
  const print = opts.print ?? ((l: string) => console.log(l));
  const now = opts.now ?? Date.now;
  const dir = opts.dir ?? path.join(resultsDir(), 'logs');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.log`);
  fs.writeFileSync(file, '');
  let lines = 0;
  let phaseStart = now();
  let lastPrinted = -Infinity;
  const seconds = () => ((now() - phaseStart) / 1000).toFixed(0);
  const shown = () => path.relative(path.dirname(resultsDir()), file).split(path.sep).join('/');
  const log = ((line: string) => {
    fs.appendFileSync(file, line.endsWith('\n') ? line : `${line}\n`);
    lines++;
    if (now() - lastPrinted >= every * 1000) {
      lastPrinted = now();
      print(`[${seconds()} s] ${line}`);
    }
  }) as RunLog;
  Object.defineProperty(log, 'file', { value: file });
  Object.defineProperty(log, 'lines', { get: () => lines });
  log.done = (summary: string) => {
    const text = `${summary} in ${seconds()} s (full log, ${lines} lines so far: ${shown()})`;
    fs.appendFileSync(file, `${text}\n`);
    print(text);
    phaseStart = now();
    lastPrinted = -Infinity;
  };
  return log;
}
