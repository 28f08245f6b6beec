/**
 * L2-regularised logistic regression fitted by L-BFGS, as the GZSL gate uses it (REFERENCE §1.4):
 * sklearn `LogisticRegression(random_state=0, C=1, solver='lbfgs', multi_class='multinomial',
 * max_iter=5000)`.
 *
 * Multinomial objective (sklearn's `_multinomial_loss` / `LinearModelLoss`, unit sample weights):
 *
 *   f(W, b) = Σ_i [ logsumexp(W x_i + b) − (W x_i + b)_{y_i} ] + ½‖W‖²_F / C
 *
 * with one weight row and one intercept per class (K ≥ 2; the symmetric softmax parametrisation
 * even for K = 2) and the intercepts unpenalised. The optimiser works on f / n, whose gradient
 * infinity norm is the stopping quantity (sklearn ≥ 1.1 passes its `tol` to scipy as `gtol` on this
 * mean-scaled objective); the minimiser is the same as that of f.
 *
 * Two-class equivalence: starting from zero, every gradient keeps w0 + w1 = 0 and b0 + b1 = 0,
 * so the optimum has w0 = −w1. With w = w1 − w0 the penalty ½(‖w0‖² + ‖w1‖²)/C = ½‖w‖²/(2C), and
 * P(y = 1) = σ(w·x + b1 − b0): binary L2 logistic regression with C_eff = 2C. sklearn stores only
 * the class-1 row for two classes (coef_ = w1 = w/2, intercept_ = b1), see `sklearnCoefficients`.
 *
 * L-BFGS: two-loop recursion, history 10 (scipy's default `maxcor`, used by sklearn), strong-Wolfe
 * line search (Nocedal & Wright, Alg. 3.5/3.6, cubic interpolation in the zoom phase).
 */
import { FsvaeInputError } from '../util/assert';

/** A dense row-major matrix; structurally compatible with `Float32Matrix` from lib/data/npy.ts. */
export interface MatrixLike {
  rows: number;
  cols: number;
  /** row-major, rows × cols */
  data: ArrayLike<number>;
}

/** Checks data length and finiteness of a matrix argument; `what` names it in the message. */
export function checkMatrix(m: MatrixLike, what: string): void {
  if (m === null || typeof m !== 'object' || !Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0) {
    throw new FsvaeInputError(
      `${what}: expected a matrix {rows, cols, data}, ` +
        `got ${JSON.stringify(m && { rows: (m as MatrixLike).rows, cols: (m as MatrixLike).cols })}. Pass row-major data with integer rows/cols.`,
    );
  }
  if (!m.data || m.data.length !== m.rows * m.cols) {
    throw new FsvaeInputError(
      `${what}: data has ${m.data ? m.data.length : 'no'} values but rows × cols = ${m.rows} × ${m.cols} = ${m.rows * m.cols}. ` +
        'Fix rows/cols or the data array.',
    );
  }
  for (let i = 0; i < m.data.length; i++) {
    const v = m.data[i];
    if (!Number.isFinite(v)) {
      throw new FsvaeInputError(
        `${what}: value at row ${Math.floor(i / m.cols)}, column ${i % m.cols} is ${v}; NaN/Inf are not allowed. ` + 'Clean the input before calling.',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// L-BFGS

export interface LbfgsOptions {
  /** maximum number of iterations (sklearn: max_iter = 5000 in the gate) */
  maxIter?: number;
  /** stop when ‖∇f‖_∞ ≤ tol (default 1e-10) */
  tol?: number;
  /** stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ ftol (scipy's factr test); 0 disables (default) */
  ftol?: number;
  /** number of (s, y) pairs kept (default 10) */
  history?: number;
  /** maximum function evaluations per line search (default 50, as sklearn passes maxls = 50) */
  maxLineSearch?: number;
  /** Armijo constant (default 1e-4) */
  c1?: number;
  /** curvature constant (default 0.9) */
  c2?: number;
}

export type LbfgsStopReason = 'gtol' | 'ftol' | 'max-iter' | 'line-search';

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  /** ‖∇f(x)‖_∞ at the returned x */
  gradInfNorm: number;
  iterations: number;
  evaluations: number;
  /** true when the gradient test (gtol) or the ftol test stopped the run */
  converged: boolean;
  reason: LbfgsStopReason;
}

/** f and its gradient: writes ∇f(x) into `grad` and returns f(x). */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

/** Minimiser of the cubic through (a, fa, da), (b, fb, db) (N&W eq. 3.59); NaN when it has none. */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  const denom = db - da + 2 * d2;
  if (denom === 0) return NaN;
  return b - ((b - a) * (db + d2 - d1)) / denom;
}

/**
 * Unconstrained minimisation by L-BFGS with a strong-Wolfe line search. Function-value comparisons
 * carry a round-off allowance of 1e-12·(1 + |f|): near the optimum f stops changing measurably
 * while the gradient is still accurate, and there the bracket is updated from the sign of the
 * directional derivative alone (as in Hager & Zhang's approximate Wolfe conditions).
 */
export function minimizeLbfgs(fg: ObjectiveWithGradient, x0: Float64Array, opts: LbfgsOptions = {}): LbfgsResult {
  const maxIter = opts.maxIter ?? 5000;
  const tol = opts.tol ?? 1e-10;
  const ftol = opts.ftol ?? 0;
  const m = opts.history ?? 10;
  const maxLs = opts.maxLineSearch ?? 50;
  const c1 = opts.c1 ?? 1e-4;
  const c2 = opts.c2 ?? 0.9;
  if (!Number.isInteger(maxIter) || maxIter < 0) throw new FsvaeInputError(`minimizeLbfgs: maxIter must be a non-negative integer, got ${maxIter}.`);
  if (!(tol >= 0)) throw new FsvaeInputError(`minimizeLbfgs: tol must be ≥ 0, got ${tol}.`);
  if (!(ftol >= 0)) throw new FsvaeInputError(`minimizeLbfgs: ftol must be ≥ 0, got ${ftol}.`);
  if (!Number.isInteger(m) || m < 1) throw new FsvaeInputError(`minimizeLbfgs: history must be a positive integer, got ${m}.`);
  if (!Number.isInteger(maxLs) || maxLs < 1) throw new FsvaeInputError(`minimizeLbfgs: maxLineSearch must be a positive integer, got ${maxLs}.`);
  if (!(0 < c1 && c1 < c2 && c2 < 1)) throw new FsvaeInputError(`minimizeLbfgs: need 0 < c1 < c2 < 1, got c1 = ${c1}, c2 = ${c2}.`);

  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let evaluations = 1;
  let f = fg(x, g);
  if (!Number.isFinite(f) || !g.every(Number.isFinite)) {
    throw new FsvaeInputError(`minimizeLbfgs: objective or gradient is not finite at the starting point (f = ${f}). Check the inputs.`);
  }

  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const RHO: number[] = [];
  const alphaBuf = new Float64Array(m);
  const d = new Float64Array(n);
  let xt = new Float64Array(n);
  let gt = new Float64Array(n);

  let iterations = 0;
  let reason: LbfgsStopReason = 'max-iter';
  let converged = false;
  if (infNorm(g) <= tol) {
    return { x, f, gradInfNorm: infNorm(g), iterations: 0, evaluations, converged: true, reason: 'gtol' };
  }

  while (iterations < maxIter) {
    // Search direction d = −H g by the two-loop recursion.
    for (let i = 0; i < n; i++) d[i] = -g[i];
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      const a = RHO[j] * dot(S[j], d);
      alphaBuf[j] = a;
      const yj = Y[j];
      for (let i = 0; i < n; i++) d[i] -= a * yj[i];
    }
    if (k > 0) {
      const gamma = dot(S[k - 1], Y[k - 1]) / dot(Y[k - 1], Y[k - 1]);
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      const b = RHO[j] * dot(Y[j], d);
      const sj = S[j];
      const c = alphaBuf[j] - b;
      for (let i = 0; i < n; i++) d[i] += c * sj[i];
    }
    let dphi0 = dot(g, d);
    if (!(dphi0 < 0)) {
      // Not a descent direction (should not happen with s·y > 0): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      RHO.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i];
      dphi0 = dot(g, d);
    }
    const alpha1 = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-dphi0)) : 1;

    // Strong-Wolfe line search along d; the accepted point is always the last one evaluated.
    const f0 = f;
    const slack = 1e-12 * (1 + Math.abs(f0));
    let fLast = NaN;
    const phi = (alpha: number): [number, number] => {
      for (let i = 0; i < n; i++) xt[i] = x[i] + alpha * d[i];
      evaluations++;
      const ft = fg(xt, gt);
      fLast = Number.isFinite(ft) ? ft : Infinity;
      return [fLast, dot(gt, d)];
    };
    const armijo = (alpha: number, ft: number): boolean => ft <= f0 + c1 * alpha * dphi0 + slack;
    const curvature = (dt: number): boolean => Math.abs(dt) <= -c2 * dphi0;
    let evals = 0;
    let accepted = NaN;
    const zoom = (lo: number, flo: number, dlo: number, hi: number, fhi: number, dhi: number): number => {
      while (evals < maxLs) {
        const width = hi - lo;
        let a = cubicMin(lo, flo, dlo, hi, fhi, Number.isFinite(fhi) ? dhi : NaN);
        const lower = Math.min(lo, hi) + 0.1 * Math.abs(width);
        const upper = Math.max(lo, hi) - 0.1 * Math.abs(width);
        if (!Number.isFinite(a) || a < lower || a > upper) a = lo + 0.5 * width;
        if (a === lo || a === hi) return NaN;
        const [fa, da] = phi(a);
        evals++;
        if (!armijo(a, fa) || fa > flo + slack) {
          hi = a;
          fhi = fa;
          dhi = da;
        } else {
          if (curvature(da)) return a;
          if (da * (hi - lo) >= 0) {
            hi = lo;
            fhi = flo;
            dhi = dlo;
          }
          lo = a;
          flo = fa;
          dlo = da;
        }
      }
      return NaN;
    };
    {
      let aPrev = 0;
      let fPrev = f0;
      let dPrev = dphi0;
      let a = alpha1;
      while (evals < maxLs) {
        const [fa, da] = phi(a);
        evals++;
        if (!armijo(a, fa) || (evals > 1 && fa > fPrev + slack)) {
          accepted = zoom(aPrev, fPrev, dPrev, a, fa, da);
          break;
        }
        if (curvature(da)) {
          accepted = a;
          break;
        }
        if (da >= 0) {
          accepted = zoom(a, fa, da, aPrev, fPrev, dPrev);
          break;
        }
        aPrev = a;
        fPrev = fa;
        dPrev = da;
        a = 2 * a;
      }
    }

    if (!Number.isFinite(accepted)) {
      if (S.length > 0) {
        // Drop the curvature memory and retry once along −g.
        S.length = 0;
        Y.length = 0;
        RHO.length = 0;
        continue;
      }
      reason = 'line-search';
      break;
    }

    iterations++;
    // xt, gt hold the accepted point.
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xt[i] - x[i];
      y[i] = gt[i] - g[i];
    }
    const fNew = fLast;
    const fOld = f;
    [x, xt] = [xt, x];
    [g, gt] = [gt, g];
    f = fNew;
    const sy = dot(s, y);
    if (sy > 1e-12 * dot(y, y)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        RHO.shift();
      }
      S.push(s);
      Y.push(y);
      RHO.push(1 / sy);
    }
    if (infNorm(g) <= tol) {
      reason = 'gtol';
      converged = true;
      break;
    }
    if (ftol > 0 && (fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      reason = 'ftol';
      converged = true;
      break;
    }
  }
  return { x, f, gradInfNorm: infNorm(g), iterations, evaluations, converged, reason };
}

// ---------------------------------------------------------------------------------------------
// Multinomial and binary logistic regression

export interface LogisticFitOptions {
  /** inverse regularisation strength (sklearn C; the gate uses 1) */
  C?: number;
  /** L-BFGS iteration cap (the gate uses 5000) */
  maxIter?: number;
  /**
   * gradient tolerance on the mean-scaled objective f/n (default 1e-10). sklearn's default is
   * 1e-4, which stops earlier; a tighter value returns the well-defined minimiser instead.
   */
  tol?: number;
}

export interface OptimisationReport {
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: LbfgsStopReason;
  /** value of the sum-form objective f at the solution */
  objective: number;
  /** ‖∇f‖_∞ of the sum-form objective at the solution */
  gradInfNorm: number;
}

export interface MultinomialLogisticModel {
  kind: 'multinomial';
  numClasses: number;
  numFeatures: number;
  C: number;
  /** K × d, row-major: one weight row per class */
  coef: Float64Array;
  /** K intercepts */
  intercept: Float64Array;
  optimisation: OptimisationReport;
}

export interface BinaryLogisticModel {
  kind: 'binary';
  numFeatures: number;
  C: number;
  /** d weights of the class-1 logit */
  coef: Float64Array;
  intercept: number;
  optimisation: OptimisationReport;
}

function checkLabels(y: ArrayLike<number>, n: number, numClasses: number, what: string): void {
  if (!y || y.length !== n) {
    throw new FsvaeInputError(`${what}: ${y ? y.length : 'no'} labels for ${n} rows of X. Pass one label per row.`);
  }
  const seen = new Uint8Array(numClasses);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new FsvaeInputError(`${what}: label #${i} is ${v}; labels must be integers in [0, ${numClasses}). Map class names to 0..K−1 first.`);
    }
    seen[v] = 1;
  }
  const missing: number[] = [];
  for (let k = 0; k < numClasses; k++) if (!seen[k]) missing.push(k);
  if (missing.length > 0) {
    throw new FsvaeInputError(`${what}: class(es) ${missing.join(', ')} have no training rows; every class 0..${numClasses - 1} needs at least one sample.`);
  }
}

function checkC(C: number, what: string): void {
  if (!(Number.isFinite(C) && C > 0)) throw new FsvaeInputError(`${what}: C must be a finite positive number, got ${C}.`);
}

/**
 * Sum-form multinomial objective f(θ) = Σ_i [logsumexp(z_i) − z_{i,y_i}] + ½‖W‖²/C, z_i = W x_i + b,
 * with θ = [W (K × d, row-major), b (K)]. Writes ∇f into `grad` (same layout) and returns f.
 */
export function multinomialObjective(theta: Float64Array, X: MatrixLike, y: ArrayLike<number>, numClasses: number, C: number, grad: Float64Array): number {
  const n = X.rows;
  const d = X.cols;
  const K = numClasses;
  const xs = X.data;
  const bOff = K * d;
  if (theta.length !== K * d + K || grad.length !== theta.length) {
    throw new FsvaeInputError(`multinomialObjective: θ has ${theta.length} values and grad ${grad.length}; expected K·d + K = ${K * d + K}.`);
  }
  grad.fill(0);
  const z = new Float64Array(K);
  let f = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let zmax = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = theta[bOff + k];
      const w = k * d;
      for (let j = 0; j < d; j++) s += theta[w + j] * xs[row + j];
      z[k] = s;
      if (s > zmax) zmax = s;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
      z[k] = Math.exp(z[k] - zmax);
      sum += z[k];
    }
    const yi = y[i];
    // −log p_{y_i} = log Σ exp(z − zmax) − (z_{y_i} − zmax)
    f += Math.log(sum) - Math.log(z[yi]);
    for (let k = 0; k < K; k++) {
      const r = z[k] / sum - (k === yi ? 1 : 0);
      if (r === 0) continue;
      const w = k * d;
      for (let j = 0; j < d; j++) grad[w + j] += r * xs[row + j];
      grad[bOff + k] += r;
    }
  }
  let pen = 0;
  for (let j = 0; j < bOff; j++) {
    pen += theta[j] * theta[j];
    grad[j] += theta[j] / C;
  }
  return f + (0.5 * pen) / C;
}

/**
 * Sum-form binary objective f(w, b) = Σ_i log(1 + exp(−s_i (w·x_i + b))) + ½‖w‖²/C, s_i = 2y_i − 1,
 * with θ = [w (d), b]. Writes ∇f into `grad` and returns f.
 */
export function binaryObjective(theta: Float64Array, X: MatrixLike, y: ArrayLike<number>, C: number, grad: Float64Array): number {
  const n = X.rows;
  const d = X.cols;
  const xs = X.data;
  if (theta.length !== d + 1 || grad.length !== d + 1) {
    throw new FsvaeInputError(`binaryObjective: θ has ${theta.length} values and grad ${grad.length}; expected d + 1 = ${d + 1}.`);
  }
  grad.fill(0);
  let f = 0;
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let t = theta[d];
    for (let j = 0; j < d; j++) t += theta[j] * xs[row + j];
    const s = y[i] === 1 ? 1 : -1;
    const m = s * t;
    // log(1 + e^{−m}) without overflow
    f += m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
    // d/dt = −s σ(−m)
    const sig = m > 0 ? Math.exp(-m) / (1 + Math.exp(-m)) : 1 / (1 + Math.exp(m));
    const r = -s * sig;
    for (let j = 0; j < d; j++) grad[j] += r * xs[row + j];
    grad[d] += r;
  }
  let pen = 0;
  for (let j = 0; j < d; j++) {
    pen += theta[j] * theta[j];
    grad[j] += theta[j] / C;
  }
  return f + (0.5 * pen) / C;
}

function report(res: LbfgsResult, n: number): OptimisationReport {
  return {
    iterations: res.iterations,
    evaluations: res.evaluations,
    converged: res.converged,
    reason: res.reason,
    objective: res.f * n,
    gradInfNorm: res.gradInfNorm * n,
  };
}

/**
 * Fits multinomial L2 logistic regression (sklearn `multi_class='multinomial'`, lbfgs, zero start).
 * Labels are 0..K−1, K = `numClasses` (default max label + 1); every class must occur.
 */
export function fitMultinomialLogistic(X: MatrixLike, y: ArrayLike<number>, opts: LogisticFitOptions & { numClasses?: number } = {}): MultinomialLogisticModel {
  checkMatrix(X, 'fitMultinomialLogistic: X');
  if (X.rows === 0 || X.cols === 0) throw new FsvaeInputError(`fitMultinomialLogistic: X is ${X.rows} × ${X.cols}; need at least one row and one feature.`);
  let K = opts.numClasses;
  if (K === undefined) {
    K = 0;
    for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i])) K = Math.max(K, y[i] + 1);
  }
  if (!Number.isInteger(K) || K < 2)
    throw new FsvaeInputError(`fitMultinomialLogistic: need at least 2 classes, got numClasses = ${K}. ` + 'Provide labels of ≥ 2 classes.');
  checkLabels(y, X.rows, K, 'fitMultinomialLogistic: y');
  const C = opts.C ?? 1;
  checkC(C, 'fitMultinomialLogistic');
  const n = X.rows;
  const d = X.cols;
  const res = minimizeLbfgs(
    (theta, grad) => {
      const f = multinomialObjective(theta, X, y, K!, C, grad);
      for (let i = 0; i < grad.length; i++) grad[i] /= n;
      return f / n;
    },
    new Float64Array(K * d + K),
    { maxIter: opts.maxIter ?? 5000, tol: opts.tol ?? 1e-10 },
  );
  return {
    kind: 'multinomial',
    numClasses: K,
    numFeatures: d,
    C,
    coef: res.x.slice(0, K * d),
    intercept: res.x.slice(K * d),
    optimisation: report(res, n),
  };
}

/** Fits binary L2 logistic regression with an unpenalised intercept; labels are 0/1, both present. */
export function fitBinaryLogistic(X: MatrixLike, y: ArrayLike<number>, opts: LogisticFitOptions = {}): BinaryLogisticModel {
  checkMatrix(X, 'fitBinaryLogistic: X');
  if (X.rows === 0 || X.cols === 0) throw new FsvaeInputError(`fitBinaryLogistic: X is ${X.rows} × ${X.cols}; need at least one row and one feature.`);
  checkLabels(y, X.rows, 2, 'fitBinaryLogistic: y');
  const C = opts.C ?? 1;
  checkC(C, 'fitBinaryLogistic');
  const n = X.rows;
  const d = X.cols;
  const res = minimizeLbfgs(
    (theta, grad) => {
      const f = binaryObjective(theta, X, y, C, grad);
      for (let i = 0; i < grad.length; i++) grad[i] /= n;
      return f / n;
    },
    new Float64Array(d + 1),
    { maxIter: opts.maxIter ?? 5000, tol: opts.tol ?? 1e-10 },
  );
  return { kind: 'binary', numFeatures: d, C, coef: res.x.slice(0, d), intercept: res.x[d], optimisation: report(res, n) };
}

function checkPredictInput(X: MatrixLike, d: number, what: string): void {
  checkMatrix(X, `${what}: X`);
  if (X.cols !== d)
    throw new FsvaeInputError(`${what}: X has ${X.cols} features but the model was fitted on ${d}. ` + 'Build the features the same way as for training.');
}

/** Class probabilities, n × K row-major (softmax of W x + b, max-subtracted). */
export function predictProbaMultinomial(model: MultinomialLogisticModel, X: MatrixLike): Float64Array {
  checkPredictInput(X, model.numFeatures, 'predictProbaMultinomial');
  const { numClasses: K, numFeatures: d, coef, intercept } = model;
  const out = new Float64Array(X.rows * K);
  for (let i = 0; i < X.rows; i++) {
    let zmax = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = intercept[k];
      for (let j = 0; j < d; j++) s += coef[k * d + j] * X.data[i * d + j];
      out[i * K + k] = s;
      if (s > zmax) zmax = s;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(out[i * K + k] - zmax);
      out[i * K + k] = e;
      sum += e;
    }
    for (let k = 0; k < K; k++) out[i * K + k] /= sum;
  }
  return out;
}

/** P(y = 1) per row. */
export function predictProbaBinary(model: BinaryLogisticModel, X: MatrixLike): Float64Array {
  checkPredictInput(X, model.numFeatures, 'predictProbaBinary');
  const d = model.numFeatures;
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let t = model.intercept;
    for (let j = 0; j < d; j++) t += model.coef[j] * X.data[i * d + j];
    out[i] = t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
  }
  return out;
}

/**
 * The coefficients as sklearn stores them: for K = 2 with multi_class='multinomial', coef_ and
 * intercept_ hold only the class-1 row (w1, b1); for K > 2 all K rows.
 */
export function sklearnCoefficients(model: MultinomialLogisticModel): { rows: number; coef: Float64Array; intercept: Float64Array } {
  const { numClasses: K, numFeatures: d } = model;
  if (K === 2) return { rows: 1, coef: model.coef.slice(d, 2 * d), intercept: model.intercept.slice(1, 2) };
  return { rows: K, coef: model.coef.slice(), intercept: model.intercept.slice() };
}
