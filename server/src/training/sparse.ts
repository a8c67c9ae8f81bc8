/**
 * Compressed sparse row matrices in typed arrays: the one data layout every feature extractor and model in
 * the training library shares. Row `i` holds `indices[indptr[i]..indptr[i+1])` with matching `values`.
 */
export interface CsrMatrix {
  readonly nRows: number;
  readonly nCols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** Builds a CSR matrix from dense rows (tests and tiny examples; zeros are dropped). */
export function csrFromDense(rows: readonly (readonly number[])[], nCols?: number): CsrMatrix {
  const cols = nCols ?? Math.max(0, ...rows.map((r) => r.length));
  const indptr = new Int32Array(rows.length + 1);
  const indices: number[] = [];
  const values: number[] = [];
  rows.forEach((row, i) => {
    row.forEach((value, j) => {
      if (value !== 0) {
        indices.push(j);
        values.push(value);
      }
    });
    indptr[i + 1] = indices.length;
  });
  return {
    nRows: rows.length,
    nCols: cols,
    indptr,
    indices: Int32Array.from(indices),
    values: Float32Array.from(values),
  };
}

/** The dense form of a CSR matrix (tests and debugging). */
export function csrToDense(m: CsrMatrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.nRows; i++) {
    const row = new Array<number>(m.nCols).fill(0);
    for (let p = m.indptr[i]!; p < m.indptr[i + 1]!; p++) row[m.indices[p]!] = m.values[p]!;
    out.push(row);
  }
  return out;
}

/** The rows of `m` listed in `rows`, in that order. */
export function selectRows(m: CsrMatrix, rows: ArrayLike<number>): CsrMatrix {
  let nnz = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    nnz += m.indptr[i + 1]! - m.indptr[i]!;
  }
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let q = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r]!;
    const start = m.indptr[i]!;
    const end = m.indptr[i + 1]!;
    indices.set(m.indices.subarray(start, end), q);
    values.set(m.values.subarray(start, end), q);
    q += end - start;
    indptr[r + 1] = q;
  }
  return { nRows: rows.length, nCols: m.nCols, indptr, indices, values };
}

/**
 * `X · W + b` for a feature-major weight matrix (`W[j * k + c]`, `nCols × k`): the scores of every row for
 * every class, row-major (`out[i * k + c]`). Feature-major keeps the inner loop over classes contiguous.
 */
export function linearScores(
  x: CsrMatrix,
  weights: ArrayLike<number>,
  bias: ArrayLike<number>,
  k: number,
): Float64Array {
  const out = new Float64Array(x.nRows * k);
  for (let i = 0; i < x.nRows; i++) {
    const o = i * k;
    for (let c = 0; c < k; c++) out[o + c] = bias[c]!;
    for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) {
      const j = x.indices[p]!;
      const v = x.values[p]!;
      const w = j * k;
      for (let c = 0; c < k; c++) out[o + c]! += v * weights[w + c]!;
    }
  }
  return out;
}

/** Encodes a float array as base64 of little-endian float32 (compact JSON for model artifacts). */
export function encodeFloat32(values: ArrayLike<number>): string {
  const f32 =
    values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64');
}

/** Decodes what {@link encodeFloat32} produced. */
export function decodeFloat32(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.byteLength % 4 !== 0)
    throw new Error('decodeFloat32: byte length is not a multiple of 4');
  // Copy into a fresh, aligned buffer: Buffer.from may hand back a slice of a shared pool at any offset.
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
