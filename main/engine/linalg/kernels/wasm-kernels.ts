/**
 * fp64 kernels in WebAssembly SIMD (f64x2), generated at load time: the Gram matrices of fp32 factors (widened
 * on load, so every product is exact and only the fp64 sums round) and a small fp64 matrix product. Same
 * accuracy as plain fp64 loops, about 3× their speed (measured in test/bench/linalg.bench.ts).
 */
import { F64, FunctionBuilder, I32, V128, encodeModule } from './wasm-emitter.js';

/** The parts of the WebAssembly API used here (main/ compiles without the DOM lib that declares it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

export interface WasmKernels {
  memory: WasmMemory;
  /**
   * G[rp×rp] += X·Xᵀ over columns [i0, i1) for X = rp rows of stride `np` f32 (rp % 4 == 0, np, i0, i1 even).
   * Upper 4×2 tiles (the diagonal tiles also fill a few entries below the diagonal).
   */
  gramRows(x: number, rp: number, np: number, i0: number, i1: number, g: number): void;
  /** G[rp×rp] += Xᵀ·X over rows [i0, i1) for X = rows of `rp` f32 (rp % 4 == 0). Upper 4×4 tiles. */
  gramCols(x: number, rp: number, i0: number, i1: number, g: number): void;
  /**
   * C[m×n] = A[m×k]·B[k×n], all fp64 row-major; m, n multiples of 4. Flags skip known zeros: 1 = A upper
   * triangular, 2 = B lower triangular, 4 = only the 4×4 tiles on or above C's diagonal (C symmetric).
   */
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, flags: number): void;
  /**
   * p += S·v for the m×m symmetric S stored in the upper triangle at s (row stride `stride` elements), reading
   * pairs from the diagonal on: element (i, m) and v[m] must exist and be 0 (a padding column and entry).
   */
  symvUpper(s: number, stride: number, m: number, v: number, p: number): void;
  /** S ← S − v·pᵀ − p·vᵀ on the upper triangle (same layout; v[m] = p[m] = 0). */
  syr2Upper(s: number, stride: number, m: number, v: number, p: number): void;
  /** A ← (I − τ·v·vᵀ)·A for the len×width block at a (row stride `stride`, width even); w: width scratch. */
  reflect(v: number, tau: number, a: number, stride: number, len: number, width: number, w: number): void;
}

function buildGramRows(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32]);
  const [X, RP, NP, I0, I1, G] = [0, 1, 2, 3, 4, 5];
  const p = f.local(I32);
  const j = f.local(I32);
  const o = f.local(I32);
  const end = f.local(I32);
  const rowBytes = f.local(I32);
  const a = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const b = [f.local(I32), f.local(I32)];
  const av = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const bv = f.local(V128);
  const acc = Array.from({ length: 8 }, () => f.local(V128));
  const ga = f.local(I32);
  f.get(NP).i32(2).shl().set(rowBytes);
  f.get(I1).get(I0).sub().i32(2).shl().set(end);
  const rowStart = (row: () => void, target: number): void => {
    row();
    f.get(rowBytes).mul().get(I0).i32(2).shl().add().get(X).add().set(target);
  };
  f.forLoop(p, () => f.i32(0), () => f.get(RP), 4, () => {
    a.forEach((loc, t) => rowStart(() => f.get(p).i32(t).add(), loc));
    f.forLoop(j, () => f.get(p), () => f.get(RP), 2, () => {
      b.forEach((loc, u) => rowStart(() => f.get(j).i32(u).add(), loc));
      for (const loc of acc) f.v128Zero().set(loc);
      f.forLoop(o, () => f.i32(0), () => f.get(end), 8, () => {
        a.forEach((loc, t) => f.get(loc).get(o).add().f32PairAsF64x2().set(av[t]!));
        b.forEach((loc, u) => {
          f.get(loc).get(o).add().f32PairAsF64x2().set(bv);
          av.forEach((va, t) => f.get(acc[t * 2 + u]!).get(va).get(bv).f64x2Mul().f64x2Add().set(acc[t * 2 + u]!));
        });
      });
      for (let t = 0; t < 4; t++) {
        for (let u = 0; u < 2; u++) {
          f.get(p).i32(t).add().get(RP).mul().get(j).add().i32(u).add().i32(3).shl().get(G).add().tee(ga);
          f.get(ga).f64Load().get(acc[t * 2 + u]!).lane(0).f64Add().get(acc[t * 2 + u]!).lane(1).f64Add().f64Store();
        }
      }
    });
  });
  return f;
}

function buildGramCols(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32]);
  const [X, RP, I0, I1, G] = [0, 1, 2, 3, 4];
  const p = f.local(I32);
  const j = f.local(I32);
  const i = f.local(I32);
  const row = f.local(I32);
  const ga = f.local(I32);
  const av = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const bv = [f.local(V128), f.local(V128)];
  const acc = Array.from({ length: 8 }, () => f.local(V128));
  f.forLoop(p, () => f.i32(0), () => f.get(RP), 4, () => {
    f.forLoop(j, () => f.get(p), () => f.get(RP), 4, () => {
      for (const loc of acc) f.v128Zero().set(loc);
      f.forLoop(i, () => f.get(I0), () => f.get(I1), 1, () => {
        f.get(i).get(RP).mul().i32(2).shl().get(X).add().set(row);
        av.forEach((loc, t) => f.get(row).get(p).i32(t).add().i32(2).shl().add().f32AsF64().splat().set(loc));
        bv.forEach((loc, h) => f.get(row).get(j).i32(2 * h).add().i32(2).shl().add().f32PairAsF64x2().set(loc));
        av.forEach((va, t) => bv.forEach((vb, h) => f.get(acc[t * 2 + h]!).get(va).get(vb).f64x2Mul().f64x2Add().set(acc[t * 2 + h]!)));
      });
      for (let t = 0; t < 4; t++) {
        for (let h = 0; h < 2; h++) {
          f.get(p).i32(t).add().get(RP).mul().get(j).add().i32(2 * h).add().i32(3).shl().get(G).add().tee(ga);
          f.get(ga).v128Load().get(acc[t * 2 + h]!).f64x2Add().v128Store();
        }
      }
    });
  });
  return f;
}

function buildGemm(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32]);
  const [A, B, C, M, K, N, FLAGS] = [0, 1, 2, 3, 4, 5, 6];
  const l0 = f.local(I32);
  const i = f.local(I32);
  const j = f.local(I32);
  const l = f.local(I32);
  const arow = f.local(I32);
  const bcol = f.local(I32);
  const av = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  const bv = [f.local(V128), f.local(V128)];
  const acc = Array.from({ length: 8 }, () => f.local(V128));
  const kBytes = f.local(I32);
  const nBytes = f.local(I32);
  f.get(K).i32(3).shl().set(kBytes);
  f.get(N).i32(3).shl().set(nBytes);
  // (flag ? x : 0) for the loop starts.
  const when = (bit: number, x: number): void => {
    f.get(x).i32(0).get(FLAGS).i32(bit).and().select();
  };
  f.forLoop(i, () => f.i32(0), () => f.get(M), 4, () => {
    f.forLoop(j, () => when(4, i), () => f.get(N), 4, () => {
      for (const loc of acc) f.v128Zero().set(loc);
      when(1, i);
      when(2, j);
      f.maxU().set(l0);
      // arow → A[i][l0], bcol → B[l0][j]; both advance by one element of the l loop.
      f.get(i).get(kBytes).mul().get(l0).i32(3).shl().add().get(A).add().set(arow);
      f.get(l0).get(nBytes).mul().get(j).i32(3).shl().add().get(B).add().set(bcol);
      f.forLoop(l, () => f.get(l0), () => f.get(K), 1, () => {
        av.forEach((loc, t) => f.get(arow).get(kBytes).i32(t).mul().add().f64Load().splat().set(loc));
        bv.forEach((loc, h) => f.get(bcol).i32(16 * h).add().v128Load().set(loc));
        av.forEach((va, t) => bv.forEach((vb, h) => f.get(acc[t * 2 + h]!).get(va).get(vb).f64x2Mul().f64x2Add().set(acc[t * 2 + h]!)));
        f.get(arow).i32(8).add().set(arow);
        f.get(bcol).get(nBytes).add().set(bcol);
      });
      for (let t = 0; t < 4; t++) {
        for (let h = 0; h < 2; h++) {
          f.get(i).i32(t).add().get(nBytes).mul().get(j).i32(2 * h).add().i32(3).shl().add().get(C).add();
          f.get(acc[t * 2 + h]!).v128Store();
        }
      }
    });
  });
  return f;
}

function buildSymvUpper(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32]);
  const [S, STRIDE, M, V, P] = [0, 1, 2, 3, 4];
  const i = f.local(I32);
  const j = f.local(I32);
  const row = f.local(I32);
  const vi = f.local(V128);
  const acc = f.local(V128);
  const sv = f.local(V128);
  const pa = f.local(I32);
  const diag = f.local(F64);
  f.forLoop(i, () => f.i32(0), () => f.get(M), 1, () => {
    f.get(i).get(STRIDE).mul().i32(3).shl().get(S).add().set(row);
    f.get(V).get(i).i32(3).shl().add().f64Load().splat().set(vi);
    f.v128Zero().set(acc);
    f.forLoop(j, () => f.get(i), () => f.get(M), 2, () => {
      f.get(row).get(j).i32(3).shl().add().v128Load().set(sv);
      f.get(acc).get(sv).get(V).get(j).i32(3).shl().add().v128Load().f64x2Mul().f64x2Add().set(acc);
      f.get(P).get(j).i32(3).shl().add().tee(pa);
      f.get(pa).v128Load().get(sv).get(vi).f64x2Mul().f64x2Add().v128Store();
    });
    // p_i also received S_ii·v_i from the second stream; the row sum holds it once more.
    f.get(row).get(i).i32(3).shl().add().f64Load().get(vi).lane(0).f64Mul().set(diag);
    f.get(P).get(i).i32(3).shl().add().tee(pa);
    f.get(pa).f64Load().get(acc).lane(0).f64Add().get(acc).lane(1).f64Add().get(diag).f64Sub().f64Store();
  });
  return f;
}

function buildSyr2Upper(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32]);
  const [S, STRIDE, M, V, P] = [0, 1, 2, 3, 4];
  const i = f.local(I32);
  const j = f.local(I32);
  const row = f.local(I32);
  const vi = f.local(V128);
  const pi = f.local(V128);
  const sa = f.local(I32);
  f.forLoop(i, () => f.i32(0), () => f.get(M), 1, () => {
    f.get(i).get(STRIDE).mul().i32(3).shl().get(S).add().set(row);
    f.get(V).get(i).i32(3).shl().add().f64Load().splat().set(vi);
    f.get(P).get(i).i32(3).shl().add().f64Load().splat().set(pi);
    f.forLoop(j, () => f.get(i), () => f.get(M), 2, () => {
      f.get(row).get(j).i32(3).shl().add().tee(sa);
      f.get(sa).v128Load();
      f.get(vi).get(P).get(j).i32(3).shl().add().v128Load().f64x2Mul();
      f.get(pi).get(V).get(j).i32(3).shl().add().v128Load().f64x2Mul();
      f.f64x2Add().f64x2Sub().v128Store();
    });
  });
  return f;
}

function buildReflect(): FunctionBuilder {
  const f = new FunctionBuilder([I32, F64, I32, I32, I32, I32, I32]);
  const [V, TAU, A, STRIDE, LEN, WIDTH, W] = [0, 1, 2, 3, 4, 5, 6];
  const i = f.local(I32);
  const j = f.local(I32);
  const row = f.local(I32);
  const wa = f.local(I32);
  const vi = f.local(V128);
  f.forLoop(j, () => f.i32(0), () => f.get(WIDTH), 2, () => {
    f.get(W).get(j).i32(3).shl().add().v128Zero().v128Store();
  });
  f.forLoop(i, () => f.i32(0), () => f.get(LEN), 1, () => {
    f.get(i).get(STRIDE).mul().i32(3).shl().get(A).add().set(row);
    f.get(V).get(i).i32(3).shl().add().f64Load().splat().set(vi);
    f.forLoop(j, () => f.i32(0), () => f.get(WIDTH), 2, () => {
      f.get(W).get(j).i32(3).shl().add().tee(wa);
      f.get(wa).v128Load().get(vi).get(row).get(j).i32(3).shl().add().v128Load().f64x2Mul().f64x2Add().v128Store();
    });
  });
  f.forLoop(i, () => f.i32(0), () => f.get(LEN), 1, () => {
    f.get(i).get(STRIDE).mul().i32(3).shl().get(A).add().set(row);
    f.get(V).get(i).i32(3).shl().add().f64Load().get(TAU).f64Mul().splat().set(vi);
    f.forLoop(j, () => f.i32(0), () => f.get(WIDTH), 2, () => {
      f.get(row).get(j).i32(3).shl().add().tee(wa);
      f.get(wa).v128Load().get(vi).get(W).get(j).i32(3).shl().add().v128Load().f64x2Mul().f64x2Sub().v128Store();
    });
  });
  return f;
}

let instance: WasmKernels | null | undefined;

/** The compiled kernels, or null where WebAssembly SIMD is unavailable (the JS kernels are used then). */
export function wasmKernels(): WasmKernels | null {
  if (instance !== undefined) return instance;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) return (instance = null);
  try {
    const bytes = encodeModule([
      { name: 'gramRows', fn: buildGramRows() },
      { name: 'gramCols', fn: buildGramCols() },
      { name: 'gemm', fn: buildGemm() },
      { name: 'symvUpper', fn: buildSymvUpper() },
      { name: 'syr2Upper', fn: buildSyr2Upper() },
      { name: 'reflect', fn: buildReflect() },
    ]);
    const exports = new api.Instance(new api.Module(bytes), {}).exports as unknown as WasmKernels;
    instance = exports;
  } catch {
    instance = null;
  }
  return instance;
}

/** The kernels' memory, grown to at least `bytes`; views on it are invalid after the next growth. */
export function wasmMemory(k: WasmKernels, bytes: number): ArrayBuffer {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
  return k.memory.buffer;
}
