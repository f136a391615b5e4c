/**
 * The heavy products on the active backend: with webgpu, our WGSL kernels on the thread's GPU device (sizes past
 * its limits on the tfjs backend beside it); otherwise tfjs's matMul on the active tfjs backend (tensorflow with
 * CUDA for node-gpu, native TensorFlow for node, WebAssembly, plain JS).
 */
import type { MatMul } from './matmul.js';
import { tfjsMatMul } from './tfjs-matmul.js';
import { tfjsOperator, type DisposableOperator } from './tfjs-operator.js';
import { activeGpu } from './webgpu/gpu-device.js';
import { gpuMatMul, gpuOperator } from './webgpu/gpu-matmul.js';

/** Looks up the backend on every product, so a worker passes it around before its backend is chosen. */
export const backendMatMul: MatMul = {
  matmul(a, b, m, k, n, opts) {
    const gpu = activeGpu();
    return gpu ? gpuMatMul(gpu, tfjsMatMul).matmul(a, b, m, k, n, opts) : tfjsMatMul.matmul(a, b, m, k, n, opts);
  },
  resident: (a, rows, cols, signal) => backendOperator(a, rows, cols, signal),
};

/** A rows×cols matrix kept on the active backend for repeated products (randomized SVD). */
export function backendOperator(a: Float32Array, rows: number, cols: number, signal?: AbortSignal): DisposableOperator {
  const gpu = activeGpu();
  return gpu ? gpuOperator(gpu, a, rows, cols, () => tfjsOperator(a, rows, cols), signal) : tfjsOperator(a, rows, cols);
}
