/**
 * A minimal WebAssembly binary writer: just enough (i32 arithmetic, loops, f32/f64 loads and stores, and the
 * f64x2 SIMD ops) to generate the fp64 kernels in this folder at run time, so no toolchain or binary blob
 * has to be shipped. Opcodes are from the WebAssembly core + fixed-width SIMD specifications.
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
  v128Load(): this {
    return this.emit(SIMD, 0x00, 3, 0);
  }
  v128Store(): this {
    return this.emit(SIMD, 0x0b, 3, 0);
  }
  v128Zero(): this {
    return this.emit(SIMD, 0x0c, ...new Array<number>(16).fill(0));
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
