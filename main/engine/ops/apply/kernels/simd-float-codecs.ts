/**
 * The dtypes the bake kernel reads and writes. The fp16 / bf16 ⇄ fp32 codecs themselves (the SIMD twins of
 * tensor-io's fp16.ts / bf16.ts, equal to them bit for bit) are in assembly/float-codecs.ts, compiled into
 * the kernel (see README.md § Source and build).
 */
export type KernelDType = 'F16' | 'BF16' | 'F32';

/** Bytes per element. */
export const KERNEL_DTYPE_BYTES: Readonly<Record<KernelDType, number>> = { F16: 2, BF16: 2, F32: 4 };
