/**
 * Stands in for @tensorflow/tfjs-node-gpu (which cannot be installed on these machines) in routing tests: it
 * registers a 'tensorflow' backend that is tfjs's plain-JS CPU backend under that name, as the real package
 * registers its native one. Tests then see the engine choose node-gpu and route the heavy ops through tfjs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

if (!tf.findBackendFactory('tensorflow')) {
  for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: 'tensorflow' });
  tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
}
