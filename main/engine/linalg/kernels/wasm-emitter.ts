/**
 * A minimal WebAssembly binary writer: just enough (i32 arithmetic, loops, f32/f64 loads and stores, the
 * f64x2 SIMD ops, and the f32x4/i32x4/i16x8 ops of the bake kernel in ops/apply/kernels) to generate kernels
 * at run time, so no toolchain or binary blob has to be shipped. Opcodes are from the WebAssembly core +
 * fixed-width SIMD specifications.
 */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

const SIMD = 0xfd;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** Emits one function body; locals are numbered after the parameters. */
export class FunctionBuilder {
  private readonly code: number[] = [];
  private readonly extra: ValType[] = [];

  constructor(readonly params: readonly ValType[]) {}

  local(type: ValType): number {
    this.extra.push(type);
    return this.params.length + this.extra.length - 1;
  }

  get(i: number): this {
    return this.emit(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.emit(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.emit(0x22, ...uleb(i));
  }
  i32(v: number): this {
    return this.emit(0x41, ...sleb(v));
  }
  add(): this {
    return this.emit(0x6a);
  }
  sub(): this {
    return this.emit(0x6b);
  }
  mul(): this {
    return this.emit(0x6c);
  }
  shl(): this {
    return this.emit(0x74);
  }
  and(): this {
    return this.emit(0x71);
  }
  /** i32: [a] → a == 0 */
  eqz(): this {
    return this.emit(0x45);
  }
  /** A block (no result): `br(0)` / `brIf(0)` inside `body` jump to its end. */
  block(body: () => void): this {
    this.emit(0x02, 0x40);
    body();
    return this.emit(0x0b);
  }
  /** Jump to the end of the enclosing block `depth` levels out (0 = innermost). */
  br(depth: number): this {
    return this.emit(0x0c, ...uleb(depth));
  }
  /** [cond: i32] → jump as br(depth) when cond ≠ 0. */
  brIf(depth: number): this {
    return this.emit(0x0d, ...uleb(depth));
  }
  /** [a, b, cond] → cond ? a : b */
  select(): this {
    return this.emit(0x1b);
  }
  /** [a, b] → max(a, b) for unsigned i32. */
  maxU(): this {
    const a = this.local(I32);
    const b = this.local(I32);
    return this.set(b).set(a).get(a).get(b).get(a).get(b).emit(0x4b).select(); // i32.gt_u
  }
  /** i32 load at the address on the stack. */
  i32Load(offset = 0): this {
    return this.emit(0x28, 2, ...uleb(offset));
  }
  /** f32 load at the address on the stack, widened to f64. */
  f32AsF64(): this {
    return this.emit(0x2a, 2, 0, 0xbb);
  }
  /** Two consecutive f32 at the address on the stack, widened to an f64x2. */
  f32PairAsF64x2(): this {
    return this.emit(SIMD, 0x5d, 3, 0, SIMD, 0x5f);
  }
  f64Load(): this {
    return this.emit(0x2b, 3, 0);
  }
  f64Store(): this {
    return this.emit(0x39, 3, 0);
  }
  f64Add(): this {
    return this.emit(0xa0);
  }
  f64Sub(): this {
    return this.emit(0xa1);
  }
  f64Mul(): this {
    return this.emit(0xa2);
  }
  /** v128 load at the address on the stack plus a constant byte offset. */
  v128Load(offset = 0): this {
    return this.emit(SIMD, 0x00, 3, ...uleb(offset));
  }
  /** [address, value] → memory; the constant byte offset is added to the address. */
  v128Store(offset = 0): this {
    return this.emit(SIMD, 0x0b, 3, ...uleb(offset));
  }
  v128Zero(): this {
    return this.emit(SIMD, 0x0c, ...new Array<number>(16).fill(0));
  }
  /** An i32x4 constant with the same value in every lane. */
  i32x4Const(v: number): this {
    const lane = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
    return this.emit(SIMD, 0x0c, ...lane, ...lane, ...lane, ...lane);
  }
  /** One f32 at the address on the stack (plus offset), in all four lanes. */
  load32Splat(offset = 0): this {
    return this.emit(SIMD, 0x09, 2, ...uleb(offset));
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  /** [a, b] → a & ~b */
  v128AndNot(): this {
    return this.simd(0x4f);
  }
  v128Or(): this {
    return this.simd(0x50);
  }
  /** [a, b, mask] → (a & mask) | (b & ~mask) */
  v128Bitselect(): this {
    return this.simd(0x52);
  }
  /** [v] → 1 if any bit is set, else 0 (i32). */
  v128AnyTrue(): this {
    return this.simd(0x53);
  }
  /** [v] → 1 if every i32 lane is non-zero, else 0 (i32). */
  i32x4AllTrue(): this {
    return this.simd(163);
  }
  i16x8LtS(): this {
    return this.simd(0x2f);
  }
  i16x8Add(): this {
    return this.simd(142);
  }
  i32x4Eq(): this {
    return this.simd(0x37);
  }

  i32x4LtS(): this {
    return this.simd(0x39);
  }
  i32x4GtS(): this {
    return this.simd(0x3b);
  }
  /** [v, count: i32] → lanes shifted left. */
  i32x4Shl(): this {
    return this.simd(171);
  }
  /** [v, count: i32] → lanes shifted right, zero-filled. */
  i32x4ShrU(): this {
    return this.simd(173);
  }
  i32x4Add(): this {
    return this.simd(174);
  }
  i32x4Sub(): this {
    return this.simd(177);
  }
  /** The low four i16 lanes of an i16x8, sign-extended. */
  i32x4ExtendLowS16(): this {
    return this.simd(167);
  }
  i32x4ExtendHighS16(): this {
    return this.simd(168);
  }
  /** The low four u16 lanes of an i16x8, zero-extended. */
  i32x4ExtendLowU16(): this {
    return this.simd(169);
  }
  i32x4ExtendHighU16(): this {
    return this.simd(170);
  }
  /** [lo, hi] i32x4 → i16x8, each lane saturated to [0, 65535] (exact for lanes already in range). */
  i16x8NarrowI32x4U(): this {
    return this.simd(134);
  }
  f32x4Ne(): this {
    return this.simd(0x42);
  }
  f32x4Add(): this {
    return this.simd(228);
  }
  f32x4Sub(): this {
    return this.simd(229);
  }
  f32x4Mul(): this {
    return this.simd(230);
  }
  splat(): this {
    return this.emit(SIMD, 0x14);
  }
  lane(i: 0 | 1): this {
    return this.emit(SIMD, 0x21, i);
  }
  f64x2Add(): this {
    return this.emit(SIMD, 0xf0, 0x01);
  }
  f64x2Sub(): this {
    return this.emit(SIMD, 0xf1, 0x01);
  }
  f64x2Mul(): this {
    return this.emit(SIMD, 0xf2, 0x01);
  }

  /** for (counter = start; counter < limit; counter += step) body — start and limit push one i32 each. */
  forLoop(counter: number, start: () => void, limit: () => void, step: number, body: () => void): this {
    start();
    this.set(counter);
    this.emit(0x02, 0x40, 0x03, 0x40);
    this.get(counter);
    limit();
    this.emit(0x4e, 0x0d, 1); // i32.ge_s; br_if 1 (leave the block)
    body();
    this.get(counter).i32(step).add().set(counter);
    this.emit(0x0c, 0, 0x0b, 0x0b); // br 0 (next iteration); end loop; end block
    return this;
  }

  /** A SIMD instruction without immediates (its opcode is a LEB128 u32 after the 0xfd prefix). */
  simd(op: number): this {
    return this.emit(SIMD, ...uleb(op));
  }

  emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  encode(): number[] {
    const groups: number[][] = [];
    for (const t of this.extra) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]!++;
      else groups.push([1, t]);
    }
    const body = [...vec(groups.map(([count, t]) => [...uleb(count!), t!])), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** A module of void functions exported by name, plus an exported memory named "memory". */
export function encodeModule(functions: ReadonlyArray<{ name: string; fn: FunctionBuilder }>): Uint8Array {
  const types = functions.map(({ fn }) => [0x60, ...vec(fn.params.map((p) => [p])), ...vec([])]);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(1)]])),
    ...section(7, vec([...functions.map(({ name: n }, i) => [...name(n), 0x00, ...uleb(i)]), [...name('memory'), 0x02, 0]])),
    ...section(10, vec(functions.map(({ fn }) => fn.encode()))),
  ];
  return Uint8Array.from(bytes);
}
