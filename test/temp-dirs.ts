/** Temporary folders for tests, removed when the test process exits (also after a failed assertion). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh folder under the system's temp folder, named fsvae-<tag>-XXXXXX. */
export function tempDir(tag: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `fsvae-${tag}-`));
  made.push(d);
  return d;
}
