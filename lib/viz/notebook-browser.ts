/**
 * The notebooks as their user sees them: a Jupyter Notebook server on a free localhost port, every
 * saved notebook opened in headless Chromium (puppeteer-core driving the system browser, nothing
 * downloaded), and a probe of what is on screen — each figure drawn (interactive, or its static
 * image), each results table and claims list visible without scrolling inside an output box and
 * not buried under log lines, no output dropped as untrusted, no error output. One notebook is also
 * run through the UI (Cell → Run All), sampling the kernel indicator while cells run.
 * Used by scripts/check-notebooks-browser.js (npm run main) and test/notebooks/browser.test.ts.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { findChromium } from './png';
import { notebookFigureIds } from './html-export';

export interface PageProbe {
  /** Jupyter's own verdict on the notebook's signature. */
  trusted: boolean;
  /** figures whose static image or interactive plot shows; ids of the others. */
  figures: number;
  figuresDrawn: number;
  /** of those, drawn by plotly.js (only in a trusted notebook: an untrusted one runs no script). */
  figuresInteractive: number;
  blankFigures: string[];
  /** results tables and claims lists on the page, and those hidden or inside a scrolled output box. */
  tables: number;
  claims: number;
  hiddenResults: string[];
  /** the most log (stream) lines printed above a table or claims list in its own cell's output. */
  maxLogLinesAbove: number;
  errorOutputs: string[];
  /** outputs Jupyter refused to render because the notebook is not trusted (its console messages). */
  droppedUntrusted: number;
}

export interface NotebookBrowserCheck extends PageProbe {
  notebook: string;
  /** how the page was reached: the saved file, as the project's trust store or a new user sees it, or after Run All. */
  view: 'saved (trusted store)' | 'saved (new user)' | 'after Run All';
  /** figure outputs stored in the saved notebook (static-image ids). */
  figuresInFile: number;
  problems: string[];
  /** Run All only: seconds, indicator samples while a cell ran, and those that showed the kernel idle. */
  run?: { seconds: number; samples: number; idleWhileRunning: number; longestIdleRunSamples: number };
}

export interface BrowserCheckOptions {
  root: string;
  notebooks: string[];
  /** notebook run through the UI (Run All); null skips it. */
  runAll?: string | null;
  python?: string;
  chromium?: string;
  /** a saved notebook not trusted by the project's store is a problem (default true: npm run main signs what it runs). */
  requireTrusted?: boolean;
  /** ms to wait for one Run All (default 15 min). */
  runAllTimeoutMs?: number;
  log?: (line: string) => void;
}

/** The most log lines allowed above a results table or claims list in its cell's output. */
export const MAX_LOG_LINES_ABOVE_RESULTS = 5;

/** Why the check cannot run here, or null when Chromium, Jupyter and puppeteer-core are present. */
export function browserCheckUnavailable(python = process.env.FSVAE_JUPYTER_PYTHON ?? '/usr/bin/python3'): string | null {
  const chromium = findChromium();
  if (!chromium.path) return `no Chromium (tried ${chromium.tried.join(', ')}; install it with: sudo apt-get install chromium)`;
  try {
    execFileSync(python, ['-c', 'import notebook.notebookapp'], { stdio: 'ignore' });
  } catch {
    return `no Jupyter Notebook on ${python} (bash scripts/ensure-system.sh installs it)`;
  }
  try {
    require.resolve('puppeteer-core');
  } catch {
    return 'puppeteer-core is not installed (npm install)';
  }
  return null;
}

/** Outputs of a saved notebook that an untrusted notebook would not show (no HTML, text or image form). */
export function trustOnlyOutputs(notebookFile: string): string[] {
  const safe = ['text/plain', 'text/html', 'image/png', 'image/jpeg', 'image/gif', 'image/svg+xml', 'text/latex'];
  const nb = JSON.parse(fs.readFileSync(notebookFile, 'utf8')) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
  const out: string[] = [];
  nb.cells.forEach((c, i) =>
    (c.outputs ?? []).forEach((o) => {
      const types = Object.keys(o.data ?? {});
      if (types.length && !types.some((t) => safe.includes(t))) out.push(`cell ${i + 1}: ${types.join(', ')}`);
    }),
  );
  return out;
}

/** Problems of one probed page against the bar of issue "notebook as its user sees it". */
export function pageProblems(p: PageProbe, figuresInFile: number): string[] {
  const problems: string[] = [];
  if (p.blankFigures.length) problems.push(`figures not drawn: ${p.blankFigures.join(', ')}`);
  if (p.figures < figuresInFile) problems.push(`${figuresInFile - p.figures} of ${figuresInFile} saved figures missing from the page`);
  if (p.hiddenResults.length) problems.push(`results hidden or in a scroll box: ${p.hiddenResults.join('; ')}`);
  const most = MAX_LOG_LINES_ABOVE_RESULTS;
  if (p.maxLogLinesAbove > most) problems.push(`${p.maxLogLinesAbove} log lines above a result (at most ${most})`);
  if (p.errorOutputs.length) problems.push(`error outputs: ${p.errorOutputs.join('; ')}`);
  if (p.droppedUntrusted) problems.push(`${p.droppedUntrusted} output(s) dropped as untrusted`);
  return problems;
}

/** Runs in the page (a string: the library is compiled without DOM types): what a reader of the open notebook sees. */
const PROBE_PAGE = `(() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' && el.offsetParent !== null;
  };
  const cellIndex = (el) => Array.prototype.indexOf.call(document.querySelectorAll('.cell'), el.closest('.cell')) + 1;
  const figures = Array.from(document.querySelectorAll('img[id$="-static"]'));
  const blankFigures = [];
  let figuresInteractive = 0;
  for (const img of figures) {
    const div = document.getElementById(img.id.replace(/-static$/, ''));
    const marks = div ? div.querySelectorAll('.main-svg .trace, .gl-container canvas, .heatmaplayer image').length : 0;
    const interactive = !!div && visible(div) && marks > 0;
    const staticShown = img.complete && img.naturalWidth > 0 && visible(img);
    if (interactive) figuresInteractive++;
    if (!interactive && !staticShown) blankFigures.push('cell ' + cellIndex(img) + ' ' + img.id);
  }
  const results = Array.from(document.querySelectorAll('.output_subarea table, .output_subarea .fsvae-claims'));
  const hiddenResults = [];
  let maxLogLinesAbove = 0;
  for (const el of results) {
    const what = el.matches('table') ? 'table' : 'claims';
    if (!visible(el)) hiddenResults.push('cell ' + cellIndex(el) + ' ' + what + ' not visible');
    else if (el.closest('.output_scroll')) hiddenResults.push('cell ' + cellIndex(el) + ' ' + what + ' inside a scrolled output box');
    let lines = 0;
    for (let a = el.closest('.output_area')?.previousElementSibling; a; a = a.previousElementSibling) {
      const stream = a.querySelector('.output_stream');
      if (stream) lines += (stream.textContent || '').replace(/\\n$/, '').split('\\n').length;
    }
    maxLogLinesAbove = Math.max(maxLogLinesAbove, lines);
  }
  const errorOutputs = [];
  document.querySelectorAll('.output_error').forEach((e) => errorOutputs.push('cell ' + cellIndex(e) + ': ' + (e.textContent || '').slice(0, 160)));
  document.querySelectorAll('.output_stderr').forEach((e) => {
    const m = (e.textContent || '').match(/^.*(\\b\\w*Error\\b|error TS\\d+).*$/m);
    if (m) errorOutputs.push('cell ' + cellIndex(e) + ' stderr: ' + m[0].slice(0, 160));
  });
  return {
    trusted: Jupyter.notebook.trusted, figures: figures.length, figuresDrawn: figures.length - blankFigures.length, figuresInteractive, blankFigures,
    tables: results.filter((e) => e.matches('table')).length, claims: results.filter((e) => !e.matches('table')).length,
    hiddenResults, maxLogLinesAbove, errorOutputs, droppedUntrusted: 0,
  };
})()`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Server {
  url: string;
  token: string;
  proc: ChildProcess;
  tmp: string;
}

/** Jupyter with the project's kernels; `newUser` gives it an empty trust store (nothing signed). */
async function startServer(root: string, python: string, newUser: boolean): Promise<Server> {
  // the project's kernels (a fresh clone has none until they are registered; skips fast when they are)
  execFileSync('bash', [path.join(root, 'scripts/register-kernel.sh')], { stdio: 'ignore' });
  const printed = execFileSync('bash', [path.join(root, 'scripts/register-kernel.sh'), '--print-env'], { encoding: 'utf8' });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const m of printed.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = execFileSync('bash', ['-c', `printf %s ${m[2]}`], { encoding: 'utf8' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-browser-'));
  env.JUPYTER_RUNTIME_DIR = path.join(tmp, 'runtime');
  if (newUser) env.JUPYTER_DATA_DIR = path.join(tmp, 'data');
  env.FSVAE_RESULTS = path.join(tmp, 'results'); // a Run All through the UI leaves results/ as it was
  const port = await freePort();
  const token = Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  const args = [
    '-m',
    'notebook',
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--port-retries=0',
    `--NotebookApp.token=${token}`,
    `--notebook-dir=${root}`,
    '--NotebookApp.open_browser=False',
  ];
  if (process.getuid?.() === 0) args.push('--allow-root');
  const proc = spawn(python, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (proc.exitCode !== null) throw new Error(`Jupyter exited (${proc.exitCode}):\n${stderr}`);
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      if (r.ok) return { url, token, proc, tmp };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  stopServer({ url, token, proc, tmp });
  throw new Error(`Jupyter did not answer on ${url} within 60 s:\n${stderr}`);
}

function stopServer(s: Server): void {
  try {
    process.kill(-s.proc.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
  fs.rmSync(s.tmp, { recursive: true, force: true });
}

async function shutdownKernels(s: Server): Promise<void> {
  const sessions = (await (await fetch(`${s.url}/api/sessions?token=${s.token}`)).json()) as Array<{ id: string }>;
  for (const x of sessions) await fetch(`${s.url}/api/sessions/${x.id}?token=${s.token}`, { method: 'DELETE' });
}

type Page = import('puppeteer-core').Page;

async function openNotebook(page: Page, s: Server, root: string, file: string): Promise<{ dropped: () => number }> {
  let dropped = 0;
  page.removeAllListeners('console');
  page.on('console', (m) => {
    if (/Ignoring untrusted/.test(m.text())) dropped++;
  });
  const rel = path.relative(root, file).split(path.sep).map(encodeURIComponent).join('/');
  await page.goto(`${s.url}/notebooks/${rel}?token=${s.token}`, { waitUntil: 'load', timeout: 120_000 });
  await page.waitForFunction('window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded', { timeout: 120_000 });
  await settle(page);
  return { dropped: () => dropped };
}

/** Waits until the page stops fetching (plotly.js from the server) and figures had time to draw. */
async function settle(page: Page): Promise<void> {
  await page.waitForNetworkIdle({ idleTime: 1000, timeout: 60_000 }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1500));
}

/** Cell → Run All in the menu, then polls until no cell shows In [*]; samples the kernel indicator meanwhile. */
async function runAllThroughUi(page: Page, timeoutMs: number): Promise<NonNullable<NotebookBrowserCheck['run']>> {
  await page.waitForFunction("document.querySelector('#kernel_indicator_icon')?.className === 'kernel_idle_icon'", { timeout: 120_000 });
  await page.click('#celllink');
  await page.click('#run_all_cells > a');
  const t0 = Date.now();
  let samples = 0;
  let idleWhileRunning = 0;
  let streak = 0;
  let longest = 0;
  await new Promise((r) => setTimeout(r, 1000));
  for (;;) {
    const s = (await page.evaluate(`({
      running: Array.from(document.querySelectorAll('.input_prompt')).some((p) => /\\[\\*\\]/.test(p.textContent || '')),
      idle: document.querySelector('#kernel_indicator_icon')?.className === 'kernel_idle_icon',
    })`)) as { running: boolean; idle: boolean };
    if (!s.running) break;
    samples++;
    if (s.idle) {
      idleWhileRunning++;
      longest = Math.max(longest, ++streak);
    } else streak = 0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`Run All did not finish within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  await settle(page);
  return { seconds: (Date.now() - t0) / 1000, samples, idleWhileRunning, longestIdleRunSamples: longest };
}

/** Longest run of consecutive idle samples (250 ms apart) tolerated while a cell runs: status flips are instantaneous. */
export const MAX_IDLE_SAMPLES_WHILE_RUNNING = 2;

/** Opens every notebook as the project's trust store and as a new user sees it, then runs one through the UI. */
export async function checkNotebooksInBrowser(opts: BrowserCheckOptions): Promise<NotebookBrowserCheck[]> {
  const python = opts.python ?? process.env.FSVAE_JUPYTER_PYTHON ?? '/usr/bin/python3';
  const log = opts.log ?? (() => undefined);
  const chromium = opts.chromium ?? findChromium().path;
  if (!chromium) throw new Error('checkNotebooksInBrowser: no Chromium (install it with: sudo apt-get install chromium)');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const puppeteer = require('puppeteer-core') as typeof import('puppeteer-core');
  const browserArgs = ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  if (process.getuid?.() === 0) browserArgs.push('--no-sandbox');
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: browserArgs, defaultViewport: { width: 1280, height: 900 } });
  const checks: NotebookBrowserCheck[] = [];
  try {
    for (const newUser of [false, true]) {
      const view = newUser ? 'saved (new user)' : 'saved (trusted store)';
      const server = await startServer(opts.root, python, newUser);
      try {
        const page = await browser.newPage();
        for (const file of opts.notebooks) {
          const t0 = Date.now();
          const opened = await openNotebook(page, server, opts.root, file);
          const probe = { ...((await page.evaluate(PROBE_PAGE)) as PageProbe), droppedUntrusted: opened.dropped() };
          const figuresInFile = notebookFigureIds(file).length;
          const problems = pageProblems(probe, figuresInFile);
          const trustOnly = trustOnlyOutputs(file);
          if (trustOnly.length) problems.push(`outputs shown only when trusted: ${trustOnly.join('; ')}`);
          if (!newUser && !probe.trusted && opts.requireTrusted !== false) {
            problems.push('not trusted for the user who executed it (run it with npm run main or npm run notebooks)');
          }
          checks.push({ notebook: path.basename(file), view, figuresInFile, problems, ...probe });
          const seen =
            `${probe.figuresDrawn}/${figuresInFile} figures (${probe.figuresInteractive} interactive), ${probe.tables} tables, ` +
            `${probe.claims} claims lists`;
          const verdict = problems.length ? `PROBLEMS: ${problems.join('; ')}` : 'ok';
          log(`[browser] ${path.basename(file)} (${view}): ${seen}, ${verdict} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
          await shutdownKernels(server);
        }
        if (!newUser && opts.runAll) {
          log(`[browser] ${path.basename(opts.runAll)}: Cell → Run All through the UI ...`);
          const opened = await openNotebook(page, server, opts.root, opts.runAll);
          const run = await runAllThroughUi(page, opts.runAllTimeoutMs ?? 15 * 60_000);
          const probe = { ...((await page.evaluate(PROBE_PAGE)) as PageProbe), droppedUntrusted: opened.dropped() };
          const figuresInFile = notebookFigureIds(opts.runAll).length;
          const problems = pageProblems(probe, figuresInFile);
          if (run.longestIdleRunSamples > MAX_IDLE_SAMPLES_WHILE_RUNNING) {
            problems.push(`kernel indicator idle for ${run.longestIdleRunSamples} samples in a row while a cell ran`);
          }
          checks.push({ notebook: path.basename(opts.runAll), view: 'after Run All', figuresInFile, problems, run, ...probe });
          log(
            `[browser] ${path.basename(opts.runAll)} (after Run All, ${run.seconds.toFixed(0)} s; indicator idle in ${run.idleWhileRunning} of ` +
              `${run.samples} samples while running): ${problems.length ? `PROBLEMS: ${problems.join('; ')}` : 'ok'}`,
          );
          await page.evaluate('Jupyter.notebook.set_dirty(false)');
          await shutdownKernels(server);
        }
        await page.close();
      } finally {
        stopServer(server);
      }
    }
  } finally {
    await browser.close();
  }
  return checks;
}

/** results/notebook_browser_check.md: one row per notebook and view, then what was checked. */
export function browserCheckReport(checks: readonly NotebookBrowserCheck[], chromium: string): string {
  const user = os.userInfo().username;
  const lines = [
    '# The notebooks in a real browser',
    '',
    '| notebook | view | trusted | figures drawn (interactive) | tables | claims lists | log lines above a result | problems |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of checks) {
    const run = c.run ? ` (Run All ${c.run.seconds.toFixed(0)} s; kernel shown idle in ${c.run.idleWhileRunning}/${c.run.samples} samples while running)` : '';
    const figures = `${c.figuresDrawn}/${c.figuresInFile} (${c.figuresInteractive})`;
    const problems = c.problems.length ? c.problems.join('; ').replace(/\|/g, '\\|') : '—';
    const trusted = c.trusted ? 'yes' : 'no';
    lines.push(`| ${c.notebook} | ${c.view}${run} | ${trusted} | ${figures} | ${c.tables} | ${c.claims} | ${c.maxLogLinesAbove} | ${problems} |`);
  }
  lines.push(
    '',
    `- Jupyter Notebook started on a free localhost port, each notebook opened in headless Chromium (${chromium}) through puppeteer-core,`,
    '  first with the project\'s trust store (.jupyter-home/, signed by npm run main), then as a new user (empty store: "Not Trusted").',
    '- A figure counts when its interactive plot has drawn marks or its static image decoded and is on screen; a table or claims list',
    `  counts when it is visible, not inside a scrolled output box, and has at most ${MAX_LOG_LINES_ABOVE_RESULTS} log lines above it in its cell.`,
    `- Run All: Cell → Run All clicked in the menu; the kernel indicator is sampled every 250 ms while a cell shows In [*]`,
    `  (at most ${MAX_IDLE_SAMPLES_WHILE_RUNNING} idle samples in a row tolerated); the run writes its files to a temporary results folder.`,
    `- user: ${user}${process.getuid?.() === 0 ? ' (root)' : ''}; date: ${new Date().toISOString()}`,
  );
  return lines.join('\n') + '\n';
}
