/** The errors of lib/data/download.ts: DownloadError with its code (retryable or not) and ChecksumMismatchError. */

/**
 * not-found: 404/410; http: other refusals; http-retry: 5xx/408/429 (retried); timeout, network: retried;
 * checksum: wrong bytes; archive: not a readable archive; quota / permission: a Google Drive page
 * instead of the file; listing: a Drive folder page that cannot be read; format: fetched files that
 * fail the format check of their source.
 */
export type DownloadErrorCode =
  | 'not-found'
  | 'http'
  | 'http-retry'
  | 'timeout'
  | 'network'
  | 'checksum'
  | 'archive'
  | 'quota'
  | 'permission'
  | 'listing'
  | 'format'
  | 'io';

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly code: DownloadErrorCode,
    readonly url?: string,
    /** the file (relative to the data root) it concerns, when one. */
    readonly file?: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
  get retryable(): boolean {
    return this.code === 'timeout' || this.code === 'network' || this.code === 'http-retry';
  }
}

export class ChecksumMismatchError extends DownloadError {
  readonly expected: string;
  readonly got: string;
  constructor(file: string, expected: string, got: string, url?: string, more = 0) {
    super(
      `${file}: checksum mismatch, expected ${expected}, got ${got}${url ? ` (from ${url})` : ''}` +
        `${more > 0 ? `; and ${more} more file(s)` : ''}. The bad bytes were discarded; nothing was written under the final name. ` +
        'Run the command again (a transient proxy or mirror error), or report it if it persists (the pinned source changed).',
      'checksum',
      url,
      file,
    );
    this.name = 'ChecksumMismatchError';
    this.expected = expected;
    this.got = got;
  }
}
