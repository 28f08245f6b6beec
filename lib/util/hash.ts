/** sha256 of files, read in 4 MiB blocks. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

/** Hex sha256 of a file's bytes (synchronous). */
export function sha256FileSync(file: string): string {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 22);
    let n: number;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}
