/**
 * Checks fetched bytes against their pinned size and sha256 before they take their final name: a
 * downloaded `.part` (verifyPart), and the members extracted from a GitHub archive (extractWanted).
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChecksumEntry, sha256File } from '../sources';
import { ChecksumMismatchError, DownloadError } from './errors';
import { statSize, unlinkQuiet } from './http';
import { TarSink, readTarArchive } from './tar';

/** null when `part` matches `entry`, else what was expected and found. */
export async function verifyPart(part: string, entry: ChecksumEntry): Promise<{ expected: string; got: string } | null> {
  const size = statSize(part);
  if (entry.bytes !== undefined && size !== entry.bytes) {
    return { expected: `${entry.bytes} bytes (sha256 ${entry.sha256})`, got: `${size} bytes` };
  }
  const got = await sha256File(part);
  return got === entry.sha256 ? null : { expected: `sha256 ${entry.sha256}`, got: `sha256 ${got}` };
}

/** A sink that writes `final.part`, hashes it, and renames it only if the checksum matches. */
class VerifiedFileSink implements TarSink {
  private readonly hash = createHash('sha256');
  private readonly ws: fs.WriteStream;
  private bytes = 0;
  readonly part: string;
  result: { ok: true } | { ok: false; expected: string; got: string } | null = null;

  constructor(
    readonly final: string,
    readonly entry: ChecksumEntry,
  ) {
    fs.mkdirSync(path.dirname(final), { recursive: true });
    this.part = `${final}.part`;
    this.ws = fs.createWriteStream(this.part);
  }

  async write(chunk: Buffer): Promise<void> {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.ws.write(chunk)) await once(this.ws, 'drain');
  }

  async end(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.ws.on('error', reject);
      this.ws.end(() => resolve());
    });
    const got = this.hash.digest('hex');
    if (this.entry.bytes !== undefined && this.bytes !== this.entry.bytes) {
      this.result = { ok: false, expected: `${this.entry.bytes} bytes (sha256 ${this.entry.sha256})`, got: `${this.bytes} bytes` };
    } else if (got !== this.entry.sha256) {
      this.result = { ok: false, expected: `sha256 ${this.entry.sha256}`, got: `sha256 ${got}` };
    } else this.result = { ok: true };
    if (this.result.ok) fs.renameSync(this.part, this.final);
    else unlinkQuiet(this.part);
  }

  abort(): void {
    this.ws.destroy();
    unlinkQuiet(this.part);
  }
}

export interface ExtractWanted {
  /** path inside the repository (after the archive's top folder). */
  remote: string;
  /** path relative to the data root. */
  local: string;
  entry: ChecksumEntry;
}

/**
 * Extracts the `wanted` files of a GitHub archive (top folder `<repo>-<ref>/` stripped) under
 * `dataDir`, each verified; other members are skipped. Throws ChecksumMismatchError for bad
 * members and DownloadError('archive') for members that are not in the archive.
 */
export async function extractWanted(archive: string, dataDir: string, wanted: ExtractWanted[], onFile: () => void = () => {}): Promise<string[]> {
  const byRemote = new Map(wanted.map((w) => [w.remote, w]));
  const done: string[] = [];
  const bad: Array<{ local: string; expected: string; got: string }> = [];
  let current: VerifiedFileSink | null = null;
  try {
    await readTarArchive(archive, (e) => {
      if (e.type !== 'file') return null;
      const slash = e.path.indexOf('/');
      const inRepo = slash >= 0 ? e.path.slice(slash + 1) : e.path;
      const w = byRemote.get(inRepo);
      if (!w) return null;
      byRemote.delete(inRepo);
      const sink = new VerifiedFileSink(path.join(dataDir, w.local), w.entry);
      current = sink;
      return {
        write: (c: Buffer) => sink.write(c),
        end: async () => {
          await sink.end();
          current = null;
          if (sink.result && !sink.result.ok) bad.push({ local: w.local, expected: sink.result.expected, got: sink.result.got });
          else done.push(w.local);
          onFile();
        },
      };
    });
  } catch (e) {
    (current as VerifiedFileSink | null)?.abort();
    throw e;
  }
  if (bad.length > 0) throw new ChecksumMismatchError(bad[0].local, bad[0].expected, bad[0].got, undefined, bad.length - 1);
  if (byRemote.size > 0) {
    const names = [...byRemote.keys()];
    throw new DownloadError(
      `${archive}: ${names.length} expected file(s) are not in the archive, e.g. '${names[0]}' (the pinned folder moved?); try --mode files`,
      'archive',
      undefined,
      byRemote.get(names[0])!.local,
    );
  }
  return done;
}
