import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { figurePageHeight, figureWithPng, findChromium, maybeRenderPng, pngSize, renderFigurePng, tryRenderFigurePng } from '../../lib/viz/png';
import { saveAnimatedFigureHtml, skeletonGridFigure } from '../../lib/viz/skeleton';
import { makeSequence } from '../../lib/data/skeleton';
import { saveFigureHtml } from '../../lib/viz/plotly';
import { FsvaeInputError } from '../../lib/util/assert';

/** Fraction of pixels of an 8-bit, non-interlaced RGB/RGBA PNG within ±8 of `rgb` (decoder for the test only). */
function colourFraction(file: string, rgb: [number, number, number]): number {
  const buf = fs.readFileSync(file);
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      assert.equal(body[8], 8, 'bit depth');
      assert.equal(body[12], 0, 'interlace');
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      assert.ok(channels, `colour type ${body[9]}`);
    } else if (type === 'IDAT') idat.push(body);
    pos += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const prev = new Uint8Array(stride);
  const cur = new Uint8Array(stride);
  let hits = 0;
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      cur[i] = (line[i] + pred) & 255;
    }
    for (let x = 0; x < width; x++) {
      const o = x * channels;
      if (Math.abs(cur[o] - rgb[0]) <= 8 && Math.abs(cur[o + 1] - rgb[1]) <= 8 && Math.abs(cur[o + 2] - rgb[2]) <= 8) hits++;
    }
    prev.set(cur);
  }
  return hits / (width * height);
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'fsvae-png-'));
}

function savedFigure(dir: string): string {
  return saveFigureHtml({ data: [{ type: 'bar', x: ['a', 'b', 'c'], y: [3, 1, 2] }], layout: { title: { text: 'probe' } } }, 'probe', dir);
}

describe('PNG rendering through headless Chromium', () => {
  test('a missing Chromium binary skips cleanly: null with the reason, no file written', async () => {
    const dir = tmpDir();
    try {
      const html = savedFigure(dir);
      const bogus = path.join(dir, 'no-such-chromium');
      assert.deepEqual(findChromium(bogus), { path: null, tried: [bogus] });
      const r = await tryRenderFigurePng(html, { chromium: bogus });
      assert.equal(r.png, null);
      assert.match(r.reason ?? '', /no Chromium binary \(tried .*no-such-chromium\)/);
      assert.equal(await renderFigurePng(html, { chromium: bogus }), null);
      assert.equal(fs.existsSync(path.join(dir, 'probe.png')), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a non-executable file is not taken for Chromium', () => {
    const dir = tmpDir();
    try {
      const f = path.join(dir, 'chromium');
      fs.writeFileSync(f, 'not a program', { mode: 0o644 });
      assert.equal(findChromium(f).path, null);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing page is an input error; maybeRenderPng does nothing unless FSVAE_FIGURE_PNG=1', async () => {
    await assert.rejects(tryRenderFigurePng('/nonexistent/figure.html'), FsvaeInputError);
    const prev = process.env.FSVAE_FIGURE_PNG;
    delete process.env.FSVAE_FIGURE_PNG;
    try {
      assert.equal(await maybeRenderPng({ file: '/nonexistent/figure.html' }), null);
      process.env.FSVAE_FIGURE_PNG = '1';
      assert.equal(await maybeRenderPng('/nonexistent/x.html', { chromium: '/nonexistent/chromium' }).catch((e) => e.name), 'FsvaeInputError');
    } finally {
      if (prev === undefined) delete process.env.FSVAE_FIGURE_PNG;
      else process.env.FSVAE_FIGURE_PNG = prev;
    }
  });

  test('window height: plotly.ts pages (90vh) keep the default, animated grids get their pixel height + 20; figureWithPng', async () => {
    const dir = tmpDir();
    const prev = process.env.FSVAE_RESULTS;
    const prevPng = process.env.FSVAE_FIGURE_PNG;
    try {
      assert.equal(figurePageHeight(savedFigure(dir)), null);
      const seq = makeSequence({
        id: 's',
        label: 0,
        layout: 'kinect-v1-20',
        bodies: 1,
        frames: 3,
        joints: 20,
        data: new Float32Array(3 * 20 * 3).map((_, i) => (i % 7) / 10),
      });
      // 12 panels in 2 columns = 6 rows of 170 px: 6·170 + 150 = 1170 px, window 1190
      const page = saveAnimatedFigureHtml(skeletonGridFigure(Array(12).fill(seq), { columns: 2 }), 'grid', dir);
      assert.equal(figurePageHeight(page), 1190);
      process.env.FSVAE_RESULTS = dir;
      delete process.env.FSVAE_FIGURE_PNG;
      const out = await figureWithPng({ data: [{ type: 'bar', x: [1], y: [1] }] }, 'plain');
      assert.equal(out.png, null, 'no PNG unless FSVAE_FIGURE_PNG=1');
      assert.equal(out.file, path.join(dir, 'figures', 'plain.html'));
      assert.ok(fs.existsSync(out.file));
    } finally {
      if (prev === undefined) delete process.env.FSVAE_RESULTS;
      else process.env.FSVAE_RESULTS = prev;
      if (prevPng !== undefined) process.env.FSVAE_FIGURE_PNG = prevPng;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('pngSize reads the IHDR chunk (width, height big-endian at bytes 16-23)', () => {
    const dir = tmpDir();
    try {
      const f = path.join(dir, 'h.png');
      const b = Buffer.alloc(33);
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
      b.writeUInt32BE(13, 8);
      b.write('IHDR', 12, 'ascii');
      b.writeUInt32BE(1000, 16);
      b.writeUInt32BE(700, 20);
      fs.writeFileSync(f, b);
      assert.deepEqual(pngSize(f), { width: 1000, height: 700 });
      fs.writeFileSync(f, 'GIF89a not a png at all, padding padding');
      assert.equal(pngSize(f), null);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('with Chromium present: a 1000×700 PNG next to the page, showing the drawn bars', async (t) => {
    const c = findChromium();
    if (!c.path) {
      t.skip(`no Chromium (tried ${c.tried.join(', ')})`);
      return;
    }
    const dir = tmpDir();
    try {
      const html = savedFigure(dir);
      const png = await renderFigurePng(html);
      assert.equal(png, path.join(dir, 'probe.png'));
      assert.deepEqual(pngSize(png!), { width: 1000, height: 700 });
      const blank = path.join(dir, 'blank.html');
      fs.writeFileSync(blank, '<!doctype html><html><body></body></html>');
      const blankPng = await renderFigurePng(blank);
      assert.ok(blankPng);
      // plotly's first colour #1f77b4 = (31, 119, 180): the three bars (heights 3, 1, 2) cover a
      // good part of the window once plotly has drawn; the blank page has none of it
      const bars = colourFraction(png!, [31, 119, 180]);
      assert.ok(bars > 0.1 && bars < 0.6, `bar pixels ${bars}`);
      assert.equal(colourFraction(blankPng!, [31, 119, 180]), 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
