/**
 * Progress of counted work (training steps, sequences): `label [####------] 40% 680/1700 12.3 it/s eta 1m05s | extra`.
 * On a TTY one line is redrawn (at most every 200 ms); elsewhere (logs, notebooks, CI) a line is
 * printed each time another 10 % is done, so logs stay short.
 */
export interface StepProgressOptions {
  label: string;
  total: number;
  stream?: { write(s: string): unknown; isTTY?: boolean };
  tty?: boolean;
  logStep?: number;
}

function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const m = Math.floor(s / 60);
  const sec = Math.round(s - 60 * m);
  return m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

export class StepProgress {
  private firstDone: number | null = null;
  private firstTime = 0;
  private lastDraw = 0;
  private lastStep = -1;
  private readonly stream: { write(s: string): unknown; isTTY?: boolean };
  private readonly tty: boolean;
  private readonly logStep: number;

  constructor(private readonly opts: StepProgressOptions) {
    this.stream = opts.stream ?? process.stdout;
    this.tty = opts.tty ?? Boolean(this.stream.isTTY);
    this.logStep = opts.logStep ?? 0.1;
  }

  line(done: number, extra = ''): string {
    const total = Math.max(1, this.opts.total);
    const f = Math.min(1, done / total);
    const width = 20;
    const filled = Math.round(f * width);
    // the rate is measured from the first update (work may have started before the bar was made)
    if (this.firstDone === null) {
      this.firstDone = done;
      this.firstTime = Date.now();
    }
    const secs = (Date.now() - this.firstTime) / 1000;
    const rate = secs > 0.5 ? (done - this.firstDone) / secs : NaN;
    const eta = Number.isFinite(rate) && rate > 0 ? (total - done) / rate : NaN;
    const rateText = Number.isFinite(rate) ? `${rate.toFixed(1)} it/s` : '? it/s';
    return (
      `${this.opts.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(100 * f).toFixed(0).padStart(3)}% ${done}/${total} ` +
      `${rateText} eta ${duration(eta)}${extra ? ` | ${extra}` : ''}`
    );
  }

  update(done: number, extra = ''): void {
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 200 && done < this.opts.total) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.line(done, extra)}\x1b[K`);
      return;
    }
    const step = Math.floor(done / Math.max(1, this.opts.total) / this.logStep);
    if (step > this.lastStep) {
      this.lastStep = step;
      this.stream.write(`${this.line(done, extra)}\n`);
    }
  }

  done(extra = ''): void {
    if (this.tty) this.stream.write(`\r${this.line(this.opts.total, extra)}\x1b[K\n`);
    else if (this.lastStep < Math.floor(1 / this.logStep)) this.stream.write(`${this.line(this.opts.total, extra)}\n`);
  }
}
