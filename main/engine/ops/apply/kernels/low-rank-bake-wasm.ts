/**
 * The fused bake kernel in WebAssembly SIMD, generated at load time: for a block of rows,
 *   out[o, :] = encode(decode(base[o, :]) + Σ_k up[o, k]·down[k, :])
 * with the rank-R outer products accumulated in f32x4 registers (4 rows × 8 columns per tile, k in order,
 * one f32 multiply and one f32 add per term: no FMA), then decode, add and round-to-nearest-even encode on
 * the bit patterns (simd-float-codecs.ts). One function per (input, output) dtype pair, plus plain casts.
 *
 * Memory layouts (prepared by low-rank-bake.ts):
 * - down, packed in panels of 8 columns: panel p holds, for k = 0..R−1, the 8 f32 down[k, 8p .. 8p+8);
 * - up, packed in tiles of 4 rows: tile t holds, for k = 0..R−1, the 4 f32 up[4t .. 4t+4, k];
 * - base and out: rows of `stride` bytes, 4·tiles rows, each row at least 8·panels elements.
 */
import { FunctionBuilder, I32, V128, encodeModule } from '../../../linalg/kernels/wasm-emitter.js';
import { ConstantPool, KERNEL_DTYPE_BYTES, SimdFloatCodecs, type KernelDType } from './simd-float-codecs.js';

/** The parts of the WebAssembly API used here (main/ compiles without the DOM lib that declares it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/**
 * out = encode(decode(base) + Σ_patches up·down) over `tiles` row tiles × `panels` column panels; `ranks` is
 * the address of `patches` i32 ranks (the packed factors hold the patches one after the other, `rank` in all).
 */
export type BakeBlockFn = (base: number, out: number, up: number, down: number, tiles: number, panels: number, ranks: number, patches: number, rank: number, baseStride: number, outStride: number) => void;
/** out = encode(decode(base)) for `groups` × 8 consecutive elements (no arithmetic: NaN payloads and −0 kept). */
export type CastFn = (base: number, out: number, groups: number) => void;

export interface LowRankBakeKernels {
  readonly memory: WasmMemory;
  /** Memory below this address holds the kernels' constants: data goes above it. */
  readonly dataStart: number;
  bake(inDtype: KernelDType, outDtype: KernelDType): BakeBlockFn;
  cast(inDtype: KernelDType, outDtype: KernelDType): CastFn;
}

export const KERNEL_DTYPES: readonly KernelDType[] = ['F16', 'BF16', 'F32'];
/** Rows per tile and columns per panel of the kernel. */
export const TILE_ROWS = 4;
export const PANEL_COLS = 8;

/** Pushes 8 decoded fp32 values (two f32x4, low half first) of the row segment at the address in `addr`. */
function loadDecoded(f: FunctionBuilder, codecs: SimdFloatCodecs, dtype: KernelDType, addr: number, raw: number): void {
  if (dtype === 'F32') {
    f.get(addr).v128Load(0);
    f.get(addr).v128Load(16);
    return;
  }
  f.get(addr).v128Load(0).set(raw);
  const decode = (): void => (dtype === 'F16' ? codecs.decodeF16() : codecs.decodeBF16());
  f.get(raw).i32x4ExtendLowU16();
  decode();
  f.get(raw).i32x4ExtendHighU16();
  decode();
}

/** Stores the 8 fp32 values in locals lo, hi (bit patterns) as `dtype` at the address in `addr`. */
function storeEncoded(f: FunctionBuilder, codecs: SimdFloatCodecs, dtype: KernelDType, addr: number, lo: number, hi: number): void {
  if (dtype === 'F32') {
    f.get(addr).get(lo).v128Store(0);
    f.get(addr).get(hi).v128Store(16);
    return;
  }
  const encode = (): void => (dtype === 'F16' ? codecs.encodeF16() : codecs.encodeBF16());
  f.get(addr).get(lo);
  encode();
  f.get(hi);
  encode();
  f.i16x8NarrowI32x4U().v128Store(0);
}

/**
 * decode, add, encode and store 8 values when every one of them is ordinary (a normal fp16 base; a result that
 * rounds to a normal fp16 or overflows to Inf; no NaN), with the short forms of the codecs; otherwise leaves
 * by `br 0` without storing, to the general path. Same results as the general path wherever it stays.
 */
function fastEpilogue(f: FunctionBuilder, codecs: SimdFloatCodecs, inDtype: KernelDType, outDtype: KernelDType, inAddr: number, outAddr: number, raw: number, lo: number, hi: number, dLo: number, dHi: number): void {
  if (inDtype === 'F16') {
    f.get(inAddr).v128Load(0).tee(raw);
    codecs.f16AnySpecial8();
    f.brIf(0);
    f.get(raw).i32x4ExtendLowS16();
    codecs.decodeF16NormalSigned();
    f.get(dLo).f32x4Add().set(lo);
    f.get(raw).i32x4ExtendHighS16();
    codecs.decodeF16NormalSigned();
    f.get(dHi).f32x4Add().set(hi);
  } else {
    loadDecoded(f, codecs, inDtype, inAddr, raw);
    f.set(hi).get(dLo).f32x4Add().set(lo);
    f.get(hi).get(dHi).f32x4Add().set(hi);
  }
  if (outDtype === 'F16') {
    // Also rules out NaN, so a NaN base (which the general path quiets explicitly) never stays here.
    f.get(lo);
    codecs.f16NotNormalMask();
    f.get(hi);
    codecs.f16NotNormalMask();
    f.v128Or().v128AnyTrue().brIf(0);
  } else if (outDtype === 'BF16' || inDtype !== 'F16') {
    f.get(lo).get(lo).f32x4Ne();
    f.get(hi).get(hi).f32x4Ne();
    f.v128Or().v128AnyTrue().brIf(0);
  }
  if (outDtype === 'F32') {
    f.get(outAddr).get(lo).v128Store(0);
    f.get(outAddr).get(hi).v128Store(16);
    return;
  }
  const encode = (): void => (outDtype === 'F16' ? codecs.encodeF16Normal() : codecs.encodeBF16NotNaN());
  f.get(outAddr).get(lo);
  encode();
  f.get(hi);
  encode();
  f.i16x8NarrowI32x4U().v128Store(0);
}

function buildBake(inDtype: KernelDType, outDtype: KernelDType, pool: ConstantPool): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [BASE, OUT, UP, DOWN, TILES, PANELS, RANKS, PATCHES, RANK, BSTRIDE, OSTRIDE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const inSize = KERNEL_DTYPE_BYTES[inDtype];
  const outSize = KERNEL_DTYPE_BYTES[outDtype];
  const t = f.local(I32);
  const p = f.local(I32);
  const q = f.local(I32);
  const d = f.local(I32);
  const dEnd = f.local(I32);
  const u = f.local(I32);
  const upTile = f.local(I32);
  const panelBytes = f.local(I32);
  const tileBytes = f.local(I32);
  const inRow = Array.from({ length: TILE_ROWS }, () => f.local(I32));
  const outRow = Array.from({ length: TILE_ROWS }, () => f.local(I32));
  const inAddr = f.local(I32);
  const outAddr = f.local(I32);
  const acc = Array.from({ length: 2 * TILE_ROWS }, () => f.local(V128));
  const tot = Array.from({ length: 2 * TILE_ROWS }, () => f.local(V128));
  const b = [f.local(V128), f.local(V128)];
  const a = f.local(V128);
  const raw = f.local(V128);
  const lo = f.local(V128);
  const hi = f.local(V128);
  const codecs = new SimdFloatCodecs(f, pool);

  f.get(RANK).i32(32).mul().set(panelBytes);
  f.get(RANK).i32(16).mul().set(tileBytes);
  f.forLoop(t, () => f.i32(0), () => f.get(TILES), 1, () => {
    f.get(t).get(tileBytes).mul().get(UP).add().set(upTile);
    for (let i = 0; i < TILE_ROWS; i++) {
      f.get(t).i32(TILE_ROWS).mul().i32(i).add().tee(inAddr).get(BSTRIDE).mul().get(BASE).add().set(inRow[i]!);
      f.get(inAddr).get(OSTRIDE).mul().get(OUT).add().set(outRow[i]!);
    }
    f.forLoop(p, () => f.i32(0), () => f.get(PANELS), 1, () => {
      for (const loc of tot) f.v128Zero().set(loc);
      f.get(upTile).set(u);
      f.get(p).get(panelBytes).mul().get(DOWN).add().set(d);
      // Each patch's Σ_k in order (acc[row] += up[row, k] · down[k, 8 columns]), then the patches summed in
      // order starting from 0: the JS path's matmul per patch and its running sum of the deltas.
      f.forLoop(q, () => f.i32(0), () => f.get(PATCHES), 1, () => {
        for (const loc of acc) f.v128Zero().set(loc);
        f.get(q).i32(2).shl().get(RANKS).add().i32Load().i32(32).mul().get(d).add().set(dEnd);
        f.forLoop(d, () => f.get(d), () => f.get(dEnd), 32, () => {
          f.get(d).v128Load(0).set(b[0]!);
          f.get(d).v128Load(16).set(b[1]!);
          for (let i = 0; i < TILE_ROWS; i++) {
            f.get(u).load32Splat(4 * i).set(a);
            for (let h = 0; h < 2; h++) f.get(acc[2 * i + h]!).get(a).get(b[h]!).f32x4Mul().f32x4Add().set(acc[2 * i + h]!);
          }
          f.get(u).i32(16).add().set(u);
        });
        acc.forEach((loc, j) => f.get(tot[j]!).get(loc).f32x4Add().set(tot[j]!));
      });
      for (let i = 0; i < TILE_ROWS; i++) {
        f.get(p).i32(PANEL_COLS * inSize).mul().get(inRow[i]!).add().set(inAddr);
        f.get(p).i32(PANEL_COLS * outSize).mul().get(outRow[i]!).add().set(outAddr);
        f.block(() => {
          f.block(() => {
            fastEpilogue(f, codecs, inDtype, outDtype, inAddr, outAddr, raw, lo, hi, tot[2 * i]!, tot[2 * i + 1]!);
            f.br(1);
          });
          // Some of the 8 values need the general rules: zero, subnormal, Inf or NaN in or out.
          loadDecoded(f, codecs, inDtype, inAddr, raw);
          f.set(hi).set(lo);
          f.get(lo).get(tot[2 * i]!);
          codecs.addKeepingNaN();
          f.set(lo);
          f.get(hi).get(tot[2 * i + 1]!);
          codecs.addKeepingNaN();
          f.set(hi);
          storeEncoded(f, codecs, outDtype, outAddr, lo, hi);
        });
      }
    });
  });
  return f;
}

function buildCast(inDtype: KernelDType, outDtype: KernelDType, pool: ConstantPool): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32]);
  const [BASE, OUT, GROUPS] = [0, 1, 2];
  const g = f.local(I32);
  const inAddr = f.local(I32);
  const outAddr = f.local(I32);
  const raw = f.local(V128);
  const lo = f.local(V128);
  const hi = f.local(V128);
  const codecs = new SimdFloatCodecs(f, pool);
  f.forLoop(g, () => f.i32(0), () => f.get(GROUPS), 1, () => {
    f.get(g).i32(PANEL_COLS * KERNEL_DTYPE_BYTES[inDtype]).mul().get(BASE).add().set(inAddr);
    f.get(g).i32(PANEL_COLS * KERNEL_DTYPE_BYTES[outDtype]).mul().get(OUT).add().set(outAddr);
    loadDecoded(f, codecs, inDtype, inAddr, raw);
    f.set(hi).set(lo);
    storeEncoded(f, codecs, outDtype, outAddr, lo, hi);
  });
  return f;
}

let instance: LowRankBakeKernels | null | undefined;

/** The compiled kernels, or null where WebAssembly SIMD is unavailable (the JS bake path is used then). */
export function lowRankBakeKernels(): LowRankBakeKernels | null {
  if (instance !== undefined) return instance;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) return (instance = null);
  try {
    const functions: { name: string; fn: FunctionBuilder }[] = [];
    const pool = new ConstantPool();
    for (const i of KERNEL_DTYPES) {
      for (const o of KERNEL_DTYPES) {
        functions.push({ name: `bake_${i}_${o}`, fn: buildBake(i, o, pool) });
        functions.push({ name: `cast_${i}_${o}`, fn: buildCast(i, o, pool) });
      }
    }
    const exports = new api.Instance(new api.Module(encodeModule(functions)), {}).exports as Record<string, unknown>;
    const memory = exports.memory as WasmMemory;
    pool.write(memory.buffer);
    instance = {
      memory,
      dataStart: Math.ceil(pool.bytes / 64) * 64,
      bake: (i, o) => exports[`bake_${i}_${o}`] as BakeBlockFn,
      cast: (i, o) => exports[`cast_${i}_${o}`] as CastFn,
    };
  } catch {
    instance = null;
  }
  return instance;
}

/** The kernels' memory, grown to at least `bytes`; views on it are invalid after the next growth. */
export function kernelMemory(k: LowRankBakeKernels, bytes: number): ArrayBuffer {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / 65536));
  return k.memory.buffer;
}
