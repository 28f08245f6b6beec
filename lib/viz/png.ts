/**
 * PNG copies of saved figures (results/figures/<name>.html → <name>.png) through a headless
 * Chromium screenshot. Optional: when no Chromium binary is found the renderer returns null with
 * the reason, and nothing else changes. The saved pages load plotly.js from node_modules by a
 * relative file path, so they render offline; --virtual-time-budget gives plotly time to draw.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { FsvaeInputError } from '../util/assert';
import { Figure, figure } from './plotly';

export interface PngRenderOptions {
  /** Chromium binary; default $FSVAE_CHROMIUM, else /usr/bin/chromium, /usr/bin/chromium-browser. */
  chromium?: string;
  /** window size in pixels (default 1000 × 700; taller when the page's figure has a fixed pixel height). */
  width?: number;
  height?: number;
  /** virtual time the page gets before the screenshot, ms (default 5000). */
  virtualTimeBudgetMs?: number;
  /** wall-clock limit for Chromium, ms (default 60000). */
  timeoutMs?: number;
  /** output file (default: the HTML file with .png). */
  out?: string;
}

export interface PngRenderResult {
  png: string | null;
  /** why no PNG was written (absent when png is set). */
  reason?: string;
}

const DEFAULT_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium binary to use, or null with the paths tried. */
export function findChromium(explicit?: string): { path: string | null; tried: string[] } {
  const candidates = explicit !== undefined ? [explicit] : process.env.FSVAE_CHROMIUM ? [process.env.FSVAE_CHROMIUM] : DEFAULT_CHROMIUM;
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return { path: c, tried: candidates };
    } catch {
      // not there or not executable: try the next one
    }
  }
  return { path: null, tried: candidates };
}

/** Runs a program to completion (never rejects): exit code (null when killed or not started), stdout, stderr. */
export function runProgram(bin: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code?: unknown }).code as number) : null) : 0;
      resolve({ code, stdout: String(stdout ?? ''), stderr: String(stderr ?? ''), error: error ?? undefined });
    });
  });
}

/** Headless Chromium flags for a one-shot page load with its own throw-away profile folder. */
export function headlessChromiumArgs(profile: string, virtualTimeBudgetMs: number): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    `--user-data-dir=${profile}`,
    `--virtual-time-budget=${virtualTimeBudgetMs}`,
  ];
}

/** PNG signature and the IHDR width/height (bytes 16-23, big-endian), or null when not a PNG. */
export function pngSize(file: string): { width: number; height: number } | null {
  const buf = fs.readFileSync(file);
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (buf.length < 24 || sig.some((b, i) => buf[i] !== b) || buf.toString('ascii', 12, 16) !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Window height for a saved page whose figure div has a fixed pixel height (animated figures): that height + 20, at least 700; null for other pages. */
export function figurePageHeight(htmlFile: string): number | null {
  const m = /<div id="fig" style="width:100%;height:(\d+)px;?"/.exec(fs.readFileSync(htmlFile, 'utf8').slice(0, 4096));
  return m ? Math.max(700, Number(m[1]) + 20) : null;
}

/** Screenshot of a saved figure page; `png` is null (with `reason`) when Chromium is absent or fails. */
export async function tryRenderFigurePng(htmlFile: string, opts: PngRenderOptions = {}): Promise<PngRenderResult> {
  if (!fs.existsSync(htmlFile))
    throw new FsvaeInputError(
      `renderFigurePng: ${htmlFile} does not exist; ` + 'save the figure first (figure(fig, name) writes results/figures/<name>.html).',
    );
  const chromium = findChromium(opts.chromium);
  if (!chromium.path) return { png: null, reason: `no Chromium binary (tried ${chromium.tried.join(', ')}); install Debian's chromium or set FSVAE_CHROMIUM` };
  const width = opts.width ?? 1000;
  const height = opts.height ?? figurePageHeight(htmlFile) ?? 700;
  const out = path.resolve(opts.out ?? htmlFile.replace(/\.html?$/i, '') + '.png');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-chromium-'));
  try {
    fs.rmSync(out, { force: true });
    const args = [
      ...headlessChromiumArgs(profile, opts.virtualTimeBudgetMs ?? 5000),
      `--screenshot=${out}`,
      `--window-size=${width},${height}`,
      `file://${path.resolve(htmlFile)}`,
    ];
    const r = await runProgram(chromium.path, args, opts.timeoutMs ?? 60000);
    if (!fs.existsSync(out) || fs.statSync(out).size === 0) {
      const tail = r.stderr.trim().split('\n').slice(-3).join(' | ');
      return {
        png: null,
        reason:
          `${chromium.path} wrote no screenshot (exit ${r.code}${r.error?.message ? `, ${r.error.message.split('\n')[0]}` : ''})` +
          `${tail ? `: ${tail}` : ''}`,
      };
    }
    if (!pngSize(out)) return { png: null, reason: `${out} is not a PNG file` };
    return { png: out };
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** renderFigurePng(htmlFile) → the PNG path, or null when it could not be made (see tryRenderFigurePng for the reason). */
export async function renderFigurePng(htmlFile: string, opts: PngRenderOptions = {}): Promise<string | null> {
  return (await tryRenderFigurePng(htmlFile, opts)).png;
}

/** True when FSVAE_FIGURE_PNG is 1/true/yes. */
export function figurePngRequested(): boolean {
  return /^(1|true|yes)$/i.test(process.env.FSVAE_FIGURE_PNG ?? '');
}

/**
 * Renders the PNG of a saved figure when FSVAE_FIGURE_PNG=1 (e.g. `await maybeRenderPng(figure(fig, name))`);
 * otherwise, or when Chromium is absent, returns null. Never throws for a missing Chromium.
 */
export async function maybeRenderPng(saved: { file: string } | string, opts: PngRenderOptions = {}): Promise<string | null> {
  if (!figurePngRequested()) return null;
  return renderFigurePng(typeof saved === 'string' ? saved : saved.file, opts);
}

/** figure(fig, name) plus its PNG when FSVAE_FIGURE_PNG=1 (png: null otherwise or without Chromium). */
export async function figureWithPng(fig: Figure, name: string, opts: PngRenderOptions = {}): Promise<{ html: string; file: string; png: string | null }> {
  const out = figure(fig, name);
  return { ...out, png: await maybeRenderPng(out, opts) };
}
