/**
 * The streaming tar reader of lib/data/download.ts (POSIX.1-1988 ustar blocks, pax 'x'/'g' extended
 * headers, GNU 'L' long names), for a .tar.gz or a plain .tar.
 */
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { DownloadError } from './errors';

export interface TarEntry {
  /** member path as stored (GitHub archives start with `<repo>-<ref>/`). */
  path: string;
  type: 'file' | 'directory' | 'other';
  size: number;
}

export interface TarSink {
  write(chunk: Buffer): Promise<void> | void;
  end(): Promise<void> | void;
}

function cstring(b: Buffer, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const z = s.indexOf(0);
  return s.toString('utf8', 0, z < 0 ? len : z);
}

function parseNumeric(b: Buffer, off: number, len: number): number {
  if (b[off] & 0x80) {
    // GNU base-256 for sizes >= 8 GiB: big-endian, first byte's high bit is the flag
    let v = b[off] & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i];
    return v;
  }
  const t = cstring(b, off, len).trim();
  return t === '' ? 0 : parseInt(t, 8);
}

/** Feeds tar bytes in, calls `onEntry` per member; members get a sink, or null to skip. */
export class TarReader {
  private buf: Buffer = Buffer.alloc(0);
  private state: 'header' | 'data' | 'done' = 'header';
  private remaining = 0;
  private padding = 0;
  private sink: TarSink | null = null;
  private meta: Buffer[] | null = null;
  private metaType = '';
  private paxPath?: string;
  private paxSize?: number;
  private longName?: string;
  private zeroBlocks = 0;
  private offset = 0;
  entries = 0;

  constructor(
    private readonly onEntry: (e: TarEntry) => Promise<TarSink | null> | TarSink | null,
    private readonly what: string,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      if (this.state === 'done') {
        pos = this.buf.length;
        break;
      }
      if (this.state === 'header') {
        if (this.buf.length - pos < 512) break;
        const h = this.buf.subarray(pos, pos + 512);
        pos += 512;
        this.offset += 512;
        await this.header(h);
        continue;
      }
      // data of the current member, then its padding to the 512-byte block
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, this.buf.length - pos);
        if (n === 0) break;
        const piece = this.buf.subarray(pos, pos + n);
        pos += n;
        this.offset += n;
        this.remaining -= n;
        if (this.meta) this.meta.push(Buffer.from(piece));
        else if (this.sink) await this.sink.write(piece);
        if (this.remaining > 0) break;
        await this.memberDone();
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, this.buf.length - pos);
        pos += n;
        this.offset += n;
        this.padding -= n;
        if (this.padding > 0) break;
      }
      this.state = 'header';
    }
    this.buf = this.buf.subarray(pos);
  }

  /** Call at the end of input; throws when the archive stopped inside a member. */
  async end(): Promise<void> {
    if (this.state === 'data' && (this.remaining > 0 || this.padding > 0)) {
      throw new DownloadError(`${this.what}: archive truncated inside a member (at byte ${this.offset}); delete it and download again`, 'archive');
    }
    if (this.state === 'header' && this.buf.length > 0 && this.buf.some((x) => x !== 0)) {
      throw new DownloadError(`${this.what}: archive truncated inside a header (at byte ${this.offset})`, 'archive');
    }
  }

  private async memberDone(): Promise<void> {
    if (this.meta) {
      const body = Buffer.concat(this.meta);
      this.meta = null;
      if (this.metaType === 'x') this.parsePax(body);
      else if (this.metaType === 'L') this.longName = cstring(body, 0, body.length);
      // 'g' (global pax: GitHub stores the commit id there) and 'K' (long link name) are not needed
    } else if (this.sink) {
      const s = this.sink;
      this.sink = null;
      await s.end();
    }
  }

  private parsePax(body: Buffer): void {
    let p = 0;
    while (p < body.length) {
      const sp = body.indexOf(0x20, p);
      if (sp < 0) break;
      const len = parseInt(body.toString('ascii', p, sp), 10);
      if (!Number.isFinite(len) || len <= 0) break;
      const rec = body.toString('utf8', sp + 1, p + len - 1); // drop the trailing '\n'
      const eq = rec.indexOf('=');
      if (eq > 0) {
        const key = rec.slice(0, eq);
        const value = rec.slice(eq + 1);
        if (key === 'path') this.paxPath = value;
        else if (key === 'size') this.paxSize = Number(value);
      }
      p += len;
    }
  }

  private async header(h: Buffer): Promise<void> {
    if (h.every((x) => x === 0)) {
      if (++this.zeroBlocks >= 2) this.state = 'done';
      return;
    }
    this.zeroBlocks = 0;
    const stored = parseNumeric(h, 148, 8);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
    if (stored !== sum) {
      throw new DownloadError(
        `${this.what}: not a tar archive or damaged (header checksum ${stored} != ${sum} at byte ${this.offset - 512}); delete it and download again`,
        'archive',
      );
    }
    const typeflag = h[156] === 0 ? '0' : String.fromCharCode(h[156]);
    let size = parseNumeric(h, 124, 12);
    const ustar = h.toString('latin1', 257, 262) === 'ustar';
    const name = cstring(h, 0, 100);
    const prefix = ustar ? cstring(h, 345, 155) : '';
    if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
      this.meta = [];
      this.metaType = typeflag;
      this.startData(size);
      return;
    }
    const full = this.paxPath ?? this.longName ?? (prefix ? `${prefix}/${name}` : name);
    if (this.paxSize !== undefined) size = this.paxSize;
    this.paxPath = undefined;
    this.paxSize = undefined;
    this.longName = undefined;
    this.entries++;
    const type: TarEntry['type'] = typeflag === '0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'directory' : 'other';
    const sink = await this.onEntry({ path: full, type, size: type === 'file' ? size : 0 });
    this.sink = type === 'file' ? sink : null;
    // hard/symbolic links and devices carry no data; directories may declare 0
    this.startData(type === 'file' || type === 'directory' ? size : typeflag === '1' || typeflag === '2' ? 0 : size);
    if (this.remaining === 0) await this.memberDone();
  }

  private startData(size: number): void {
    this.remaining = size;
    this.padding = (512 - (size % 512)) % 512;
    this.state = 'data';
  }
}

/** Streams a .tar.gz (or plain .tar) through a TarReader. */
export async function readTarArchive(file: string, onEntry: (e: TarEntry) => Promise<TarSink | null> | TarSink | null): Promise<number> {
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(2);
  fs.readSync(fd, magic, 0, 2, 0);
  fs.closeSync(fd);
  const gz = magic[0] === 0x1f && magic[1] === 0x8b;
  const reader = new TarReader(onEntry, file);
  const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const c of source) await reader.write(c);
    await reader.end();
  };
  try {
    if (gz) await pipeline(fs.createReadStream(file), zlib.createGunzip(), consume);
    else await pipeline(fs.createReadStream(file), consume);
  } catch (e) {
    if (e instanceof DownloadError) throw e;
    throw new DownloadError(`${file}: cannot read the archive (${(e as Error).message}); delete it and download again`, 'archive');
  }
  return reader.entries;
}
