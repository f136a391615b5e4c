/**
 * @tensorflow/tfjs-core, loaded on first use: a thread that never reaches a tfjs op (the CLI's main thread
 * during a bake, whose heavy work runs on the workers' own kernels) does not pay the ~20 ms of loading it.
 */
import type * as TfjsCore from '@tensorflow/tfjs-core';

export type Tfjs = typeof TfjsCore;

let loading: Promise<Tfjs> | undefined;

export function loadTfjs(): Promise<Tfjs> {
  loading ??= import('@tensorflow/tfjs-core');
  return loading;
}
