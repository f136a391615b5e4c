// AssemblyScript (https://www.assemblyscript.org), compiled to dist/kernels/linalg-kernels.wasm by
// scripts/wasm-kernels.mjs; loaded by ../wasm-kernels.ts. See ../../README.md § Kernels.
//
// fp64 kernels in WebAssembly SIMD (f64x2). Every address is a byte offset into this module's memory, which
// the caller lays out from 0 (this module has no static data). Every sum is accumulated in the order written
// here, one rounded multiply and one rounded add per term (no FMA), so results do not depend on the engine.

/**
 * G[rp×rp] += X·Xᵀ over columns [i0, i1) for X = rp rows of stride `np` f32 (rp % 4 == 0; np, i0, i1 even).
 * Upper 4×2 tiles (the diagonal tiles also fill a few entries below the diagonal). fp32 inputs are widened
 * on load, so every product is exact and only the fp64 sums round.
 */
export function gramRows(x: usize, rp: i32, np: i32, i0: i32, i1: i32, g: usize): void {
  const rowBytes = np << 2;
  const end = (i1 - i0) << 2;
  const start = x + <usize>(i0 << 2);
  for (let p = 0; p < rp; p += 4) {
    const a0 = start + <usize>(p * rowBytes);
    const a1 = start + <usize>((p + 1) * rowBytes);
    const a2 = start + <usize>((p + 2) * rowBytes);
    const a3 = start + <usize>((p + 3) * rowBytes);
    for (let j = p; j < rp; j += 2) {
      const b0 = start + <usize>(j * rowBytes);
      const b1 = start + <usize>((j + 1) * rowBytes);
      // acc<t><u>: two partial sums (even and odd columns) of row p+t · row j+u.
      let acc00 = f64x2.splat(0), acc01 = f64x2.splat(0), acc10 = f64x2.splat(0), acc11 = f64x2.splat(0);
      let acc20 = f64x2.splat(0), acc21 = f64x2.splat(0), acc30 = f64x2.splat(0), acc31 = f64x2.splat(0);
      for (let o = 0; o < end; o += 8) {
        const va0 = f32PairAsF64x2(a0 + o);
        const va1 = f32PairAsF64x2(a1 + o);
        const va2 = f32PairAsF64x2(a2 + o);
        const va3 = f32PairAsF64x2(a3 + o);
        const vb0 = f32PairAsF64x2(b0 + o);
        acc00 = f64x2.add(acc00, f64x2.mul(va0, vb0));
        acc10 = f64x2.add(acc10, f64x2.mul(va1, vb0));
        acc20 = f64x2.add(acc20, f64x2.mul(va2, vb0));
        acc30 = f64x2.add(acc30, f64x2.mul(va3, vb0));
        const vb1 = f32PairAsF64x2(b1 + o);
        acc01 = f64x2.add(acc01, f64x2.mul(va0, vb1));
        acc11 = f64x2.add(acc11, f64x2.mul(va1, vb1));
        acc21 = f64x2.add(acc21, f64x2.mul(va2, vb1));
        acc31 = f64x2.add(acc31, f64x2.mul(va3, vb1));
      }
      addLanesTo(g + <usize>((p * rp + j) << 3), acc00);
      addLanesTo(g + <usize>((p * rp + j + 1) << 3), acc01);
      addLanesTo(g + <usize>(((p + 1) * rp + j) << 3), acc10);
      addLanesTo(g + <usize>(((p + 1) * rp + j + 1) << 3), acc11);
      addLanesTo(g + <usize>(((p + 2) * rp + j) << 3), acc20);
      addLanesTo(g + <usize>(((p + 2) * rp + j + 1) << 3), acc21);
      addLanesTo(g + <usize>(((p + 3) * rp + j) << 3), acc30);
      addLanesTo(g + <usize>(((p + 3) * rp + j + 1) << 3), acc31);
    }
  }
}

/** G[rp×rp] += Xᵀ·X over rows [i0, i1) for X = rows of `rp` f32 (rp % 4 == 0). Upper 4×4 tiles. */
export function gramCols(x: usize, rp: i32, i0: i32, i1: i32, g: usize): void {
  const rowBytes = <usize>(rp << 2);
  for (let p = 0; p < rp; p += 4) {
    const pBytes = <usize>(p << 2);
    for (let j = p; j < rp; j += 4) {
      const jBytes = <usize>(j << 2);
      // acc<t><h>: G[p+t][j+2h .. j+2h+2).
      let acc00 = f64x2.splat(0), acc01 = f64x2.splat(0), acc10 = f64x2.splat(0), acc11 = f64x2.splat(0);
      let acc20 = f64x2.splat(0), acc21 = f64x2.splat(0), acc30 = f64x2.splat(0), acc31 = f64x2.splat(0);
      // Row i of X: its columns p .. p+4 (each in both lanes) and j .. j+4 (two pairs).
      let at = x + <usize>(i0 * rowBytes);
      for (let i = i0; i < i1; i++, at += rowBytes) {
        const va0 = f64x2.splat(<f64>load<f32>(at + pBytes));
        const va1 = f64x2.splat(<f64>load<f32>(at + pBytes, 4));
        const va2 = f64x2.splat(<f64>load<f32>(at + pBytes, 8));
        const va3 = f64x2.splat(<f64>load<f32>(at + pBytes, 12));
        const vb0 = f32PairAsF64x2(at + jBytes);
        const vb1 = f32PairAsF64x2(at + jBytes + 8);
        acc00 = f64x2.add(acc00, f64x2.mul(va0, vb0));
        acc01 = f64x2.add(acc01, f64x2.mul(va0, vb1));
        acc10 = f64x2.add(acc10, f64x2.mul(va1, vb0));
        acc11 = f64x2.add(acc11, f64x2.mul(va1, vb1));
        acc20 = f64x2.add(acc20, f64x2.mul(va2, vb0));
        acc21 = f64x2.add(acc21, f64x2.mul(va2, vb1));
        acc30 = f64x2.add(acc30, f64x2.mul(va3, vb0));
        acc31 = f64x2.add(acc31, f64x2.mul(va3, vb1));
      }
      addTo(g + <usize>((p * rp + j) << 3), acc00);
      addTo(g + <usize>((p * rp + j + 2) << 3), acc01);
      addTo(g + <usize>(((p + 1) * rp + j) << 3), acc10);
      addTo(g + <usize>(((p + 1) * rp + j + 2) << 3), acc11);
      addTo(g + <usize>(((p + 2) * rp + j) << 3), acc20);
      addTo(g + <usize>(((p + 2) * rp + j + 2) << 3), acc21);
      addTo(g + <usize>(((p + 3) * rp + j) << 3), acc30);
      addTo(g + <usize>(((p + 3) * rp + j + 2) << 3), acc31);
    }
  }
}

/** gemm's flags: which products are known to be zero. */
const A_UPPER = 1; // A[i][l] = 0 for l < i
const B_LOWER = 2; // B[l][j] = 0 for l < j
const C_UPPER_ONLY = 4; // C is symmetric: only the 4×4 tiles on or above its diagonal are computed

/** C[m×n] = A[m×k]·B[k×n], all fp64 row-major; m, n multiples of 4. `flags` skip known zeros (above). */
export function gemm(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, flags: i32): void {
  const kBytes = k << 3;
  const nBytes = n << 3;
  for (let i = 0; i < m; i += 4) {
    for (let j = flags & C_UPPER_ONLY ? i : 0; j < n; j += 4) {
      // acc<t><h>: C[i+t][j+2h .. j+2h+2).
      let acc00 = f64x2.splat(0), acc01 = f64x2.splat(0), acc10 = f64x2.splat(0), acc11 = f64x2.splat(0);
      let acc20 = f64x2.splat(0), acc21 = f64x2.splat(0), acc30 = f64x2.splat(0), acc31 = f64x2.splat(0);
      const l0 = max<u32>(flags & A_UPPER ? i : 0, flags & B_LOWER ? j : 0);
      // arow → A[i][l], bcol → B[l][j]; both advance by one step of l.
      let arow = a + <usize>(i * kBytes) + <usize>(l0 << 3);
      let bcol = b + <usize>(l0 * nBytes) + <usize>(j << 3);
      for (let l = <i32>l0; l < k; l++) {
        const va0 = f64x2.splat(load<f64>(arow));
        const va1 = f64x2.splat(load<f64>(arow + kBytes));
        const va2 = f64x2.splat(load<f64>(arow + 2 * kBytes));
        const va3 = f64x2.splat(load<f64>(arow + 3 * kBytes));
        const vb0 = v128.load(bcol);
        const vb1 = v128.load(bcol, 16);
        acc00 = f64x2.add(acc00, f64x2.mul(va0, vb0));
        acc01 = f64x2.add(acc01, f64x2.mul(va0, vb1));
        acc10 = f64x2.add(acc10, f64x2.mul(va1, vb0));
        acc11 = f64x2.add(acc11, f64x2.mul(va1, vb1));
        acc20 = f64x2.add(acc20, f64x2.mul(va2, vb0));
        acc21 = f64x2.add(acc21, f64x2.mul(va2, vb1));
        acc30 = f64x2.add(acc30, f64x2.mul(va3, vb0));
        acc31 = f64x2.add(acc31, f64x2.mul(va3, vb1));
        arow += 8;
        bcol += nBytes;
      }
      const c0 = c + <usize>(i * nBytes) + <usize>(j << 3);
      v128.store(c0, acc00);
      v128.store(c0, acc01, 16);
      v128.store(c0 + nBytes, acc10);
      v128.store(c0 + nBytes, acc11, 16);
      v128.store(c0 + 2 * nBytes, acc20);
      v128.store(c0 + 2 * nBytes, acc21, 16);
      v128.store(c0 + 3 * nBytes, acc30);
      v128.store(c0 + 3 * nBytes, acc31, 16);
    }
  }
}

/**
 * p += S·v for the m×m symmetric S stored in the upper triangle at s (row stride `stride` elements), reading
 * pairs from the diagonal on: element (i, m) and v[m] must exist and be 0 (a padding column and entry).
 */
export function symvUpper(s: usize, stride: i32, m: i32, v: usize, p: usize): void {
  for (let i = 0; i < m; i++) {
    const row = s + <usize>((i * stride) << 3);
    const vi = f64x2.splat(load<f64>(v + <usize>(i << 3)));
    // Row i of the upper triangle dotted with v (into acc), and added, times v_i, to p (column i of S).
    // sj, vj, pj walk S[i][j], v[j], p[j] from j = i, two elements a step.
    let acc = f64x2.splat(0);
    let sj = row + <usize>(i << 3);
    let vj = v + <usize>(i << 3);
    let pj = p + <usize>(i << 3);
    for (let j = i; j < m; j += 2, sj += 16, vj += 16, pj += 16) {
      const sv = v128.load(sj);
      acc = f64x2.add(acc, f64x2.mul(sv, v128.load(vj)));
      v128.store(pj, f64x2.add(v128.load(pj), f64x2.mul(sv, vi)));
    }
    // p_i also received S_ii·v_i from the second stream; the row sum holds it once more.
    const diag = load<f64>(row + <usize>(i << 3)) * f64x2.extract_lane(vi, 0);
    const pi = p + <usize>(i << 3);
    store<f64>(pi, load<f64>(pi) + f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1) - diag);
  }
}

/** S ← S − v·pᵀ − p·vᵀ on the upper triangle (same layout as symvUpper; v[m] = p[m] = 0). */
export function syr2Upper(s: usize, stride: i32, m: i32, v: usize, p: usize): void {
  for (let i = 0; i < m; i++) {
    const row = s + <usize>((i * stride) << 3);
    const vi = f64x2.splat(load<f64>(v + <usize>(i << 3)));
    const pi = f64x2.splat(load<f64>(p + <usize>(i << 3)));
    // sj, vj, pj walk S[i][j], v[j], p[j] from j = i, two elements a step.
    let sj = row + <usize>(i << 3);
    let vj = v + <usize>(i << 3);
    let pj = p + <usize>(i << 3);
    for (let j = i; j < m; j += 2, sj += 16, vj += 16, pj += 16) {
      const update = f64x2.add(f64x2.mul(vi, v128.load(pj)), f64x2.mul(pi, v128.load(vj)));
      v128.store(sj, f64x2.sub(v128.load(sj), update));
    }
  }
}

/** A ← (I − τ·v·vᵀ)·A for the len×width block at a (row stride `stride`, width even); w: width scratch. */
export function reflect(v: usize, tau: f64, a: usize, stride: i32, len: i32, width: i32, w: usize): void {
  for (let j = 0; j < width; j += 2) v128.store(w + <usize>(j << 3), f64x2.splat(0));
  // w = vᵀ·A
  for (let i = 0; i < len; i++) {
    const row = a + <usize>((i * stride) << 3);
    const vi = f64x2.splat(load<f64>(v + <usize>(i << 3)));
    for (let j = 0; j < width; j += 2) {
      const wj = w + <usize>(j << 3);
      v128.store(wj, f64x2.add(v128.load(wj), f64x2.mul(vi, v128.load(row + <usize>(j << 3)))));
    }
  }
  // A −= (τ·v)·w
  for (let i = 0; i < len; i++) {
    const row = a + <usize>((i * stride) << 3);
    const vi = f64x2.splat(load<f64>(v + <usize>(i << 3)) * tau);
    for (let j = 0; j < width; j += 2) {
      const aj = row + <usize>(j << 3);
      v128.store(aj, f64x2.sub(v128.load(aj), f64x2.mul(vi, v128.load(w + <usize>(j << 3)))));
    }
  }
}

/** Two consecutive f32 at `at`, widened to an f64x2. */
// @ts-ignore: decorator
@inline function f32PairAsF64x2(at: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(at));
}

/** *at += lane 0 + lane 1 (in that order). */
// @ts-ignore: decorator
@inline function addLanesTo(at: usize, acc: v128): void {
  store<f64>(at, load<f64>(at) + f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1));
}

/** The f64x2 at `at` += acc. */
// @ts-ignore: decorator
@inline function addTo(at: usize, acc: v128): void {
  v128.store(at, f64x2.add(v128.load(at), acc));
}
