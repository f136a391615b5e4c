/**
 * The WebGPU device for tests: whatever adapter Dawn finds (on CI and dev machines without a GPU, Mesa's
 * software Vulkan adapter llvmpipe, installed by .ci/run). Tests that need it skip with a message when there is
 * none; LORA_STUDIO_REQUIRE_WEBGPU=1 (set by .ci/run) turns that skip into a failure.
 */
import { openGpu, type GpuContext } from '../../main/engine/compute/webgpu/gpu-device.js';

export interface TestGpu {
  gpu: GpuContext | undefined;
  /** Why there is none (for the skip message). */
  reason: string;
}

export async function testGpu(): Promise<TestGpu> {
  const opened = await openGpu();
  if (opened.ok) return { gpu: opened.gpu, reason: '' };
  const reason = `no WebGPU adapter: ${opened.reason}`;
  if (process.env.LORA_STUDIO_REQUIRE_WEBGPU === '1') throw new Error(`${reason} (LORA_STUDIO_REQUIRE_WEBGPU=1: CI must have Mesa's llvmpipe Vulkan driver; see .ci/run)`);
  console.warn(`skipping WebGPU tests: ${reason}`);
  return { gpu: undefined, reason };
}

/** The adapter's device name as a RegExp source, to match the CLI's stderr lines that name it. */
export const devicePattern = (gpu: GpuContext): string => gpu.adapter.device.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 16-bit patterns as ordered integers (−0 = +0), for ulp distances. */
export const ordered16 = (h: number): number => (h & 0x8000 ? -(h & 0x7fff) : h);

/** Fails unless every element of two outputs of `dtype` agrees: 16-bit within 1 ulp, F32 within `rel` relative (or 1e-30 absolute). */
export function withinUlp(got: Uint8Array, want: Uint8Array, dtype: 'F16' | 'BF16' | 'F32', what: string, rel = 1e-6): { maxUlp: number; differing: number } {
  if (got.byteLength !== want.byteLength) throw new Error(`${what}: ${got.byteLength} bytes vs ${want.byteLength}`);
  let maxUlp = 0;
  let differing = 0;
  if (dtype === 'F32') {
    const a = new Float32Array(got.buffer, got.byteOffset, got.byteLength / 4);
    const b = new Float32Array(want.buffer, want.byteOffset, want.byteLength / 4);
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      differing++;
      if (!(Math.abs(a[i]! - b[i]!) <= rel * Math.abs(b[i]!) + 1e-30)) throw new Error(`${what}: element ${i}: ${a[i]} vs ${b[i]} (more than ${rel} relative)`);
    }
    return { maxUlp: 0, differing };
  }
  const a = new Uint16Array(got.buffer, got.byteOffset, got.byteLength / 2);
  const b = new Uint16Array(want.buffer, want.byteOffset, want.byteLength / 2);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    differing++;
    const d = Math.abs(ordered16(a[i]!) - ordered16(b[i]!));
    maxUlp = Math.max(maxUlp, d);
    if (d > 1) throw new Error(`${what}: element ${i}: ${a[i]!.toString(16)} vs ${b[i]!.toString(16)} (${d} ulp)`);
  }
  return { maxUlp, differing };
}
