/** Objective for {@link minimizeLbfgs}: returns f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  readonly maxIter?: number;
  /** Stop when max |∇f| falls below this. */
  readonly gradTol?: number;
  /** Stop when the relative decrease of f in one iteration falls below this. */
  readonly fTol?: number;
  /** How many correction pairs to keep. */
  readonly memory?: number;
  readonly onIteration?: (iteration: number, f: number) => void;
}

/** What {@link minimizeLbfgs} found. */
export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Limited-memory BFGS (Nocedal & Wright, "Numerical Optimization", algorithms 7.4 and 7.5) with a
 * backtracking Armijo line search. A pair (s, y) is kept only when sᵀy > 0, which keeps the inverse-Hessian
 * approximation positive definite without a full Wolfe search. Small and dependency-free: the npm
 * optimisers found (e.g. ml-optimize-lm) are dense least-squares methods, not this.
 */
export function minimizeLbfgs(
  objective: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const maxIter = options.maxIter ?? 300;
  const gradTol = options.gradTol ?? 1e-5;
  const fTol = options.fTol ?? 1e-10;
  const memory = options.memory ?? 10;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = objective(x, g);
  const s: Float64Array[] = [];
  const yv: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  let converged = maxAbs(g) <= gradTol;
  let iter = 0;
  while (!converged && iter < maxIter) {
    // Two-loop recursion: d = −H∇f.
    d.set(g);
    for (let m = s.length - 1; m >= 0; m--) {
      alpha[m] = rho[m]! * dot(s[m]!, d);
      axpy(-alpha[m]!, yv[m]!, d);
    }
    if (s.length > 0) {
      const last = s.length - 1;
      scale(d, dot(s[last]!, yv[last]!) / dot(yv[last]!, yv[last]!));
    } else {
      scale(d, 1 / Math.max(1e-12, Math.sqrt(dot(g, g))));
    }
    for (let m = 0; m < s.length; m++) {
      const beta = rho[m]! * dot(yv[m]!, d);
      axpy(alpha[m]! - beta, s[m]!, d);
    }
    scale(d, -1);
    let slope = dot(g, d);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      s.length = 0;
      yv.length = 0;
      rho.length = 0;
      d.set(g);
      scale(d, -1 / Math.max(1e-12, Math.sqrt(dot(g, g))));
      slope = dot(g, d);
    }
    let step = 1;
    let fNew = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * d[i]!;
      fNew = objective(xNew, gNew);
      if (fNew <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < f)) break; // the line search failed: we are at the precision limit
    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sNew[i] = xNew[i]! - x[i]!;
      yNew[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      if (s.length === memory) {
        s.shift();
        yv.shift();
        rho.shift();
      }
      s.push(sNew);
      yv.push(yNew);
      rho.push(1 / sy);
    }
    const decrease = (f - fNew) / Math.max(Math.abs(f), Math.abs(fNew), 1);
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    iter++;
    options.onIteration?.(iter, f);
    converged = maxAbs(g) <= gradTol || decrease <= fTol;
  }
  return { x, f, iterations: iter, converged };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}

function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i]! *= a;
}

function maxAbs(x: Float64Array): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]!));
  return max;
}
