/**
 * A zip reader for downloaded archives (PKWARE APPNOTE 6.3): the central directory (with Zip64
 * sizes and offsets), stored and deflated members, CRC-32 checked while streaming. Members are
 * handed to the same `onEntry(entry) → sink | null` callback as the tar reader of download.ts.
 */
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { DownloadError } from './download/errors';
import { TarEntry, TarSink } from './download/tar';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as zip and gzip use) of `b`, continuing from `crc` (0 to start). */
export function crc32(b: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

interface ZipMember {
  path: string;
  method: number;
  flags: number;
  crc: number;
  compressed: number;
  size: number;
  localOffset: number;
}

function readAt(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  const n = fs.readSync(fd, b, 0, len, pos);
  return b.subarray(0, n);
}

/** The central directory of `file`; throws DownloadError('archive') when it is not a readable zip. */
export function readZipDirectory(file: string): ZipMember[] {
  const bad = (why: string): DownloadError => new DownloadError(`${file}: not a readable zip archive (${why}); delete it and download again`, 'archive');
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    // the end record sits in the last 22 + 65535 (comment) bytes
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = readAt(fd, size - tailLen, tailLen);
    let e = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        e = i;
        break;
      }
    }
    if (e < 0) throw bad('no end-of-central-directory record: truncated, or not a zip');
    let count = tail.readUInt16LE(e + 10);
    let cdSize = tail.readUInt32LE(e + 12);
    let cdOffset = tail.readUInt32LE(e + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const locAt = size - tailLen + e - 20;
      const loc = locAt >= 0 ? readAt(fd, locAt, 20) : Buffer.alloc(0);
      if (loc.length < 20 || loc.readUInt32LE(0) !== ZIP64_LOCATOR) throw bad('Zip64 sizes without a Zip64 locator');
      const recAt = Number(loc.readBigUInt64LE(8));
      const rec = readAt(fd, recAt, 56);
      if (rec.length < 56 || rec.readUInt32LE(0) !== ZIP64_EOCD) throw bad('Zip64 end record missing');
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size) throw bad(`central directory at ${cdOffset}+${cdSize} lies past the end (${size} bytes): truncated`);
    const cd = readAt(fd, cdOffset, cdSize);
    const members: ZipMember[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw bad(`central directory entry ${k + 1} of ${count} is damaged`);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      let compressed = cd.readUInt32LE(p + 20);
      let usize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen);
      // Zip64 extra field: the 64-bit values of the fields that hold 0xFFFFFFFF, in this order
      let x = p + 46 + nameLen;
      const xEnd = x + extraLen;
      while (x + 4 <= xEnd) {
        const id = cd.readUInt16LE(x);
        const len = cd.readUInt16LE(x + 2);
        if (id === 0x0001) {
          let q = x + 4;
          if (usize === 0xffffffff) (usize = Number(cd.readBigUInt64LE(q))), (q += 8);
          if (compressed === 0xffffffff) (compressed = Number(cd.readBigUInt64LE(q))), (q += 8);
          if (localOffset === 0xffffffff) localOffset = Number(cd.readBigUInt64LE(q));
        }
        x += 4 + len;
      }
      members.push({ path: name.replace(/\\/g, '/'), method, flags, crc, compressed, size: usize, localOffset });
      p = xEnd + commentLen;
    }
    return members;
  } finally {
    fs.closeSync(fd);
  }
}

/** Streams the members of a zip through `onEntry`, as readTarArchive does for tar; returns the member count. */
export async function readZipArchive(file: string, onEntry: (e: TarEntry) => Promise<TarSink | null> | TarSink | null): Promise<number> {
  const members = readZipDirectory(file);
  for (const m of members) {
    const dir = m.path.endsWith('/');
    const sink = await onEntry({ path: m.path, type: dir ? 'directory' : 'file', size: dir ? 0 : m.size });
    if (!sink || dir) continue;
    const what = `${file}: member '${m.path}'`;
    if (m.flags & 0x1) throw new DownloadError(`${what} is encrypted; this reader cannot open it`, 'archive');
    if (m.method !== 0 && m.method !== 8)
      throw new DownloadError(`${what} uses compression method ${m.method}; only stored (0) and deflate (8) are read`, 'archive');
    const fd = fs.openSync(file, 'r');
    let start: number;
    try {
      const lh = readAt(fd, m.localOffset, 30);
      if (lh.length < 30 || lh.readUInt32LE(0) !== LOCAL)
        throw new DownloadError(`${what}: local header missing at byte ${m.localOffset}; the archive is damaged`, 'archive');
      start = m.localOffset + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
    } finally {
      fs.closeSync(fd);
    }
    let crc = 0;
    let n = 0;
    const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
      for await (const c of source) {
        crc = crc32(c, crc);
        n += c.length;
        await sink.write(c);
      }
    };
    try {
      if (m.compressed > 0) {
        const raw = fs.createReadStream(file, { start, end: start + m.compressed - 1 });
        if (m.method === 8) await pipeline(raw, zlib.createInflateRaw(), consume);
        else await pipeline(raw, consume);
      }
    } catch (e) {
      if (e instanceof DownloadError) throw e;
      throw new DownloadError(`${what}: cannot be decompressed (${(e as Error).message}); the archive is damaged`, 'archive');
    }
    if (n !== m.size || crc >>> 0 !== m.crc >>> 0) {
      throw new DownloadError(
        `${what}: ${
          n !== m.size ? `${n} bytes, the directory says ${m.size}` : `CRC-32 ${(crc >>> 0).toString(16)} != ${m.crc.toString(16)}`
        }; the archive is damaged`,
        'archive',
      );
    }
    await sink.end();
  }
  return members.length;
}

/** 'zip', 'tar.gz', 'tar' or null, from the first bytes of `file`. */
export function sniffArchive(file: string): 'zip' | 'tar.gz' | 'tar' | null {
  const fd = fs.openSync(file, 'r');
  try {
    const head = readAt(fd, 0, 512);
    if (head.length >= 4 && (head.readUInt32LE(0) === LOCAL || head.readUInt32LE(0) === EOCD)) return 'zip';
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
    if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
