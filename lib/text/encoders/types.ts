/**
 * The common interface of text encoders (class label / description → embedding, paper Sec. 3.3).
 */
import { FsvaeInputError } from '../../util/assert';

export interface TextEncoder {
  /** short name used in file paths and reports: 'use-lite', 'clip-vit-b32', 'clip-vit-b16'. */
  readonly id: string;
  /**
   * Full identity of the weights and preprocessing (package version, model-file digest, ...):
   * two encoders with the same `identity` give the same embeddings. Caches key on it.
   */
  readonly identity: string;
  /** embedding width. */
  readonly dim: number;
  /** n texts → n × dim row-major float32 matrix, raw (not normalised). */
  encode(texts: string[]): Promise<Float32Array>;
  /** frees model memory; the encoder cannot be used afterwards. */
  dispose?(): Promise<void> | void;
}

/** Checks the texts handed to `encode`: an array of non-empty strings. */
export function checkTexts(texts: unknown, who: string): asserts texts is string[] {
  if (!Array.isArray(texts)) throw new FsvaeInputError(`${who}.encode: texts must be an array of strings, got ${typeof texts}.`);
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new FsvaeInputError(`${who}.encode: texts[${i}] is ${typeof t}, not a string.`);
    if (t.trim().length === 0) throw new FsvaeInputError(`${who}.encode: texts[${i}] is empty; every class needs a non-empty text.`);
  });
}

/** Checks an encoder's output: n × dim values, all finite. */
export function checkEmbeddings(out: Float32Array, n: number, dim: number, who: string): void {
  if (out.length !== n * dim) throw new FsvaeInputError(`${who}: produced ${out.length} values for ${n} texts, expected ${n}×${dim}.`);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new FsvaeInputError(`${who}: non-finite value ${out[i]} in the embedding of text ${Math.floor(i / dim)}; the model files may be damaged.`);
    }
  }
}

/** `require` that the compiler does not follow: optional packages are loaded at run time only. */
export function optionalRequire<T>(pkg: string, purpose: string, version: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return (require as (id: string) => unknown)(pkg) as T;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes(pkg)) {
      throw new FsvaeInputError(
        `${purpose} needs the npm package ${pkg}, which is not installed. ` + `Run \`npm install\` (it is a dependency, ${pkg}@${version}).`,
      );
    }
    throw e;
  }
}

/** Resolves a file inside an installed package, or null when the package is not installed. */
export function resolvePackageFile(pkg: string, file: string): string | null {
  try {
    return require.resolve(`${pkg}/${file}`);
  } catch {
    return null;
  }
}
