import type { CsrMatrix } from '../sparse.ts';
import { SVM_KERNELS_WASM } from './svm-kernels.wasm.ts';

/**
 * The SVM solver's passes over one matrix (svm.ts, `solveBinary`): the arrays one binary problem works on, and
 * {@link SparseKernels.pass}, one pass of the dual coordinate descent over the active examples `index[0..active)`.
 * Two implementations with the same results up to rounding: WebAssembly (svm-kernels.wat, the whole pass, with the
 * matrix copied into its memory; on Banking77 about 0.6 of the CPU time of the JavaScript, see docs/training.md)
 * and plain JavaScript, the fallback for a matrix too large for a 32-bit WebAssembly memory.
 */
export interface SparseKernels {
  readonly kind: 'wasm' | 'js';
  /** The weights, the intercept last (`nCols + 1`). */
  readonly w: Float64Array;
  /** The order of the visits: the active examples first. */
  readonly index: Int32Array;
  /** The dual variables, one per row. */
  readonly alpha: Float64Array;
  /** ±1 per row: the binary problem's labels. */
  readonly signs: Float64Array;
  /** `‖xᵢ‖² + 1` per row (the intercept is a constant feature). */
  readonly sqNorm: Float64Array;
  /**
   * One pass over `index[0..active)`: shrinks the examples at the bound whose gradient exceeds `pgMaxOld`, steps the
   * others, and returns the new active size; the pass's largest and smallest projected gradients are then in
   * `pgMax` and `pgMin`.
   */
  pass(active: number, pgMaxOld: number, diag: number): number;
  readonly pgMax: number;
  readonly pgMin: number;
}

let compiled: WebAssembly.Module | null = null;
const PAGE = 65536;
/** Stay well inside wasm32's 4 GiB (and V8's own limit on a memory). */
const MAX_WASM_BYTES = 2 ** 31;

interface WasmExports {
  pass(
    active: number,
    pgMaxOld: number,
    diag: number,
    index: number,
    indptr: number,
    signs: number,
    sqNorm: number,
    alpha: number,
    w: number,
    wBias: number,
    ip: number,
    vp: number,
    narrow: number,
  ): number;
  pgMax: WebAssembly.Global;
  pgMin: WebAssembly.Global;
}

/** Kernels for the rows of `x`, their arrays zeroed. The WebAssembly ones copy the matrix (10-12 bytes per entry). */
export function sparseKernels(x: CsrMatrix, prefer: 'wasm' | 'js' = 'wasm'): SparseKernels {
  const n = x.nRows;
  const nnz = x.indices.length;
  // Column indices take 2 bytes instead of 4 when every column fits in 16 bits (Banking77's `best`: 43,948).
  const narrow = x.nCols <= 65536;
  const align4 = (bytes: number) => Math.ceil(bytes / 4) * 4;
  // Float64 arrays first (8-byte aligned), then the 4-byte ones.
  const w = 0;
  const signs = w + (x.nCols + 1) * 8;
  const sqNorm = signs + n * 8;
  const alpha = sqNorm + n * 8;
  const indptr = alpha + n * 8;
  const index = indptr + (n + 1) * 4;
  const ip = index + n * 4;
  const vp = ip + align4(nnz * (narrow ? 2 : 4));
  const bytes = vp + nnz * 4;
  if (prefer === 'js' || bytes > MAX_WASM_BYTES) return jsKernels(x);
  compiled ??= new WebAssembly.Module(Buffer.from(SVM_KERNELS_WASM, 'base64'));
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) || 1 });
  const exports = new WebAssembly.Instance(compiled, { env: { memory } })
    .exports as unknown as WasmExports;
  const { buffer } = memory;
  new Int32Array(buffer, indptr, n + 1).set(x.indptr);
  if (narrow) new Uint16Array(buffer, ip, nnz).set(x.indices);
  else new Int32Array(buffer, ip, nnz).set(x.indices);
  new Float32Array(buffer, vp, nnz).set(x.values);
  const wBias = w + x.nCols * 8;
  const flag = narrow ? 1 : 0;
  return {
    kind: 'wasm',
    w: new Float64Array(buffer, w, x.nCols + 1),
    signs: new Float64Array(buffer, signs, n),
    sqNorm: new Float64Array(buffer, sqNorm, n),
    alpha: new Float64Array(buffer, alpha, n),
    index: new Int32Array(buffer, index, n),
    pass: (active, pgMaxOld, diag) =>
      exports.pass(
        active,
        pgMaxOld,
        diag,
        index,
        indptr,
        signs,
        sqNorm,
        alpha,
        w,
        wBias,
        ip,
        vp,
        flag,
      ),
    get pgMax() {
      return exports.pgMax.value as number;
    },
    get pgMin() {
      return exports.pgMin.value as number;
    },
  };
}

function jsKernels(x: CsrMatrix): SparseKernels {
  const { indptr, indices, values } = x;
  const n = x.nRows;
  const biasIndex = x.nCols;
  const w = new Float64Array(x.nCols + 1);
  const index = new Int32Array(n);
  const alpha = new Float64Array(n);
  const signs = new Float64Array(n);
  const sqNorm = new Float64Array(n);
  let pgMax = 0;
  let pgMin = 0;
  const pass = (activeIn: number, pgMaxOld: number, diag: number) => {
    let active = activeIn;
    let pgMaxNew = Number.NEGATIVE_INFINITY;
    let pgMinNew = Number.POSITIVE_INFINITY;
    for (let s = 0; s < active; s++) {
      const i = index[s]!;
      const yi = signs[i]!;
      const start = indptr[i]!;
      const end = indptr[i + 1]!;
      // Unrolled by four, with four partial sums: one chain of dependent additions stalls on each add's
      // latency, and V8 does not unroll or vectorise this loop itself.
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      let p = start;
      for (const last = end - 3; p < last; p += 4) {
        d0 += w[indices[p]!]! * values[p]!;
        d1 += w[indices[p + 1]!]! * values[p + 1]!;
        d2 += w[indices[p + 2]!]! * values[p + 2]!;
        d3 += w[indices[p + 3]!]! * values[p + 3]!;
      }
      for (; p < end; p++) d0 += w[indices[p]!]! * values[p]!;
      const dot = w[biasIndex]! + (d0 + d1 + (d2 + d3));
      const a = alpha[i]!;
      const g = yi * dot - 1 + a * diag;
      let pg = 0;
      if (a === 0) {
        if (g > pgMaxOld) {
          // Shrinking: this example sat at the bound with a gradient pushing outward; skip it until the
          // final check, as liblinear does.
          active--;
          index[s] = index[active]!;
          index[active] = i;
          s--;
          continue;
        }
        if (g < 0) pg = g;
      } else {
        pg = g;
      }
      if (pg > pgMaxNew) pgMaxNew = pg;
      if (pg < pgMinNew) pgMinNew = pg;
      if (Math.abs(pg) > 1e-12) {
        const next = Math.max(a - g / (sqNorm[i]! + diag), 0);
        alpha[i] = next;
        const d = (next - a) * yi;
        let q = start;
        for (const last = end - 3; q < last; q += 4) {
          w[indices[q]!]! += d * values[q]!;
          w[indices[q + 1]!]! += d * values[q + 1]!;
          w[indices[q + 2]!]! += d * values[q + 2]!;
          w[indices[q + 3]!]! += d * values[q + 3]!;
        }
        for (; q < end; q++) w[indices[q]!]! += d * values[q]!;
        w[biasIndex]! += d;
      }
    }
    pgMax = pgMaxNew;
    pgMin = pgMinNew;
    return active;
  };
  return {
    kind: 'js',
    w,
    index,
    alpha,
    signs,
    sqNorm,
    pass,
    get pgMax() {
      return pgMax;
    },
    get pgMin() {
      return pgMin;
    },
  };
}
