/**
 * A small text progress bar for long transfers: bytes and files.
 *
 * On a TTY it redraws one line in place (at most every `minIntervalMs`). Elsewhere (CI logs,
 * pipes) it prints a full line only when the overall fraction crosses the next `logStep`
 * (default every 10 %) and once at the end, so a log gets about a dozen lines, not thousands.
 */

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  label: string;
  /** total bytes, when known (0 or undefined: unknown, only the count is shown). */
  totalBytes?: number;
  /** total files, when known. */
  totalFiles?: number;
  /** where to draw; process.stdout by default. */
  stream?: ProgressStream;
  /** overrides stream.isTTY. */
  tty?: boolean;
  /** TTY redraw interval (ms), default 100. */
  minIntervalMs?: number;
  /** non-TTY: print when the fraction crosses a multiple of this (default 0.1). */
  logStep?: number;
  /** clock in ms (injectable for tests); Date.now by default. */
  now?: () => number;
}

/** 1536 -> '1.5 KiB'; binary units, one decimal. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return `${n} B`;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

export class ProgressBar {
  bytes = 0;
  files = 0;
  totalBytes: number;
  totalFiles: number;
  private readonly label: string;
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly minIntervalMs: number;
  private readonly logStep: number;
  private readonly now: () => number;
  private lastDraw = -Infinity;
  private lastLoggedStep = -1;
  private drawn = false;
  private finished = false;
  /** number of writes made so far (lines on a non-TTY). */
  writes = 0;

  constructor(opts: ProgressOptions) {
    this.label = opts.label;
    this.totalBytes = opts.totalBytes ?? 0;
    this.totalFiles = opts.totalFiles ?? 0;
    this.stream = opts.stream ?? process.stdout;
    this.tty = opts.tty ?? Boolean(this.stream.isTTY);
    this.minIntervalMs = opts.minIntervalMs ?? 100;
    this.logStep = opts.logStep ?? 0.1;
    this.now = opts.now ?? Date.now;
  }

  /** Adds transferred bytes (may be negative when a restarted transfer discards what it had). */
  addBytes(n: number): void {
    this.bytes = Math.max(0, this.bytes + n);
    this.tick();
  }

  /** Counts finished files. */
  addFiles(n = 1): void {
    this.files += n;
    this.tick();
  }

  /** Fraction done in [0, 1]: by bytes when their total is known, else by files; null if neither. */
  fraction(): number | null {
    if (this.totalBytes > 0) return Math.min(1, this.bytes / this.totalBytes);
    if (this.totalFiles > 0) return Math.min(1, this.files / this.totalFiles);
    return null;
  }

  /** The text of the current state, without line control characters. */
  render(width = 24): string {
    const f = this.fraction();
    const bytes = this.totalBytes > 0 ? `${formatBytes(this.bytes)}/${formatBytes(this.totalBytes)}` : formatBytes(this.bytes);
    const files = this.totalFiles > 0 ? `${this.files}/${this.totalFiles} files` : `${this.files} files`;
    if (f === null) return `${this.label} ${bytes}, ${files}`;
    const fill = Math.round(f * width);
    const bar = '#'.repeat(fill) + '-'.repeat(width - fill);
    return `${this.label} [${bar}] ${(f * 100).toFixed(0).padStart(3)}% ${bytes}, ${files}`;
  }

  private tick(): void {
    if (this.finished) return;
    if (this.tty) {
      const t = this.now();
      if (t - this.lastDraw < this.minIntervalMs) return;
      this.lastDraw = t;
      this.draw();
      return;
    }
    const f = this.fraction();
    if (f === null) return; // unknown totals: only the final line
    const step = Math.floor(f / this.logStep + 1e-9);
    if (step > this.lastLoggedStep && f < 1) {
      this.lastLoggedStep = step;
      this.write(`${this.render()}\n`);
    }
  }

  private draw(): void {
    const cols = this.stream.columns ?? 100;
    const text = this.render().slice(0, Math.max(20, cols - 1));
    this.write(`\r${text}\x1b[K`);
    this.drawn = true;
  }

  private write(s: string): void {
    this.stream.write(s);
    this.writes++;
  }

  /** Prints the final state once (and ends the TTY line). */
  done(message?: string): void {
    if (this.finished) return;
    this.finished = true;
    const text = message ? `${this.render()} ${message}` : this.render();
    if (this.tty) this.write(`\r${text}\x1b[K\n`);
    else this.write(`${text}\n`);
    this.drawn = false;
  }

  /** Clears a TTY line without printing a final state (e.g. before an error message). */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.tty && this.drawn) this.write('\r\x1b[K');
  }
}
