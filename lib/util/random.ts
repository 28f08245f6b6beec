/** Deterministic pseudo-random numbers (no Math.random anywhere in the library). */

/** A seeded generator: uniform floats in [0, 1) from mulberry32, normals by Box-Muller. */
export class Random {
  private state: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Random: seed must be a finite number, got ${seed}`);
    this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal. */
  normal(): number {
    if (this.spareNormal !== null) {
      const s = this.spareNormal;
      this.spareNormal = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Array of n standard normals. */
  normals(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /** Full internal state, for checkpoints: restoring it continues the exact same stream. */
  getState(): { state: number; spareNormal: number | null } {
    return { state: this.state, spareNormal: this.spareNormal };
  }

  setState(s: { state: number; spareNormal: number | null }): void {
    this.state = s.state >>> 0;
    this.spareNormal = s.spareNormal;
  }

  /** k distinct indices drawn uniformly from [0, n) (partial Fisher-Yates), e.g. a minibatch. */
  sampleWithoutReplacement(n: number, k: number): Int32Array {
    if (k > n) throw new Error(`cannot draw ${k} distinct indices from ${n}`);
    const pool = new Int32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.slice(0, k);
  }

  /** A random permutation of [0, n). */
  permutation(n: number): Int32Array {
    return this.sampleWithoutReplacement(n, n);
  }

  /** A seed for a child generator, so sub-tasks get independent but reproducible streams. */
  fork(): Random {
    return new Random(Math.floor(this.uniform() * 2 ** 31));
  }
}
