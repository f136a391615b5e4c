/** A dense fp64 matrix, row-major: element (i, j) is data[i * cols + j]. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0]!.length;
  const m = zeros(r, c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new RangeError(`fromRows: row ${i} has ${row.length} values, expected ${c}`);
    m.data.set(row, i * c);
  });
  return m;
}

/** Wraps (copies into fp64) row-major values of any float array. */
export function fromArray(values: ArrayLike<number>, rows: number, cols: number): Matrix {
  if (values.length !== rows * cols) throw new RangeError(`fromArray: ${values.length} values do not fill ${rows}×${cols}`);
  return { rows, cols, data: Float64Array.from(values) };
}

export function toFloat32(m: Matrix): Float32Array {
  return Float32Array.from(m.data);
}

export function clone(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.slice() };
}

export function get(m: Matrix, i: number, j: number): number {
  return m.data[i * m.cols + j]!;
}

export function transpose(m: Matrix): Matrix {
  const t = zeros(m.cols, m.rows);
  const { rows, cols, data } = m;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t.data[j * rows + i] = data[i * cols + j]!;
  return t;
}

/** C = A·B (fp64). */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`multiply: ${a.rows}×${a.cols} · ${b.rows}×${b.cols}`);
  const c = zeros(a.rows, b.cols);
  const n = b.cols;
  const ad = a.data;
  const bd = b.data;
  const cd = c.data;
  for (let i = 0; i < a.rows; i++) {
    const crow = i * n;
    for (let p = 0; p < a.cols; p++) {
      const av = ad[i * a.cols + p]!;
      if (av === 0) continue;
      const brow = p * n;
      for (let j = 0; j < n; j++) cd[crow + j] += av * bd[brow + j]!;
    }
  }
  return c;
}

/** Aᵀ·B without forming Aᵀ. */
export function multiplyTransposeA(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw new RangeError(`multiplyTransposeA: (${a.rows}×${a.cols})ᵀ · ${b.rows}×${b.cols}`);
  const c = zeros(a.cols, b.cols);
  const n = b.cols;
  for (let p = 0; p < a.rows; p++) {
    const arow = p * a.cols;
    const brow = p * n;
    for (let i = 0; i < a.cols; i++) {
      const av = a.data[arow + i]!;
      if (av === 0) continue;
      const crow = i * n;
      for (let j = 0; j < n; j++) c.data[crow + j] += av * b.data[brow + j]!;
    }
  }
  return c;
}

export function frobeniusNorm(m: Matrix): number {
  let scale = 0;
  for (const v of m.data) scale = Math.max(scale, Math.abs(v));
  if (scale === 0) return 0;
  let s = 0;
  for (const v of m.data) s += (v / scale) ** 2;
  return scale * Math.sqrt(s);
}

/** Columns [from, to) as a new matrix. */
export function sliceColumns(m: Matrix, from: number, to: number): Matrix {
  const out = zeros(m.rows, to - from);
  for (let i = 0; i < m.rows; i++) out.data.set(m.data.subarray(i * m.cols + from, i * m.cols + to), i * out.cols);
  return out;
}

/** max |(AᵀA − I)_ij|: how far the columns of A are from orthonormal. */
export function orthogonalityError(a: Matrix): number {
  const g = multiplyTransposeA(a, a);
  let err = 0;
  for (let i = 0; i < g.rows; i++) for (let j = 0; j < g.cols; j++) err = Math.max(err, Math.abs(g.data[i * g.cols + j]! - (i === j ? 1 : 0)));
  return err;
}
