/** The compute backend as the PlatformApi reports it: active backend, why the others were not used, machine. */
import os from 'node:os';
import type { BackendInfo as ApiBackendInfo, ComputeBackend } from '../../../shared/ipc/system.js';
import { BACKEND_ORDER, type BackendInfo, type BackendName } from '../compute/backend.js';

const API_NAME: Record<BackendName, ComputeBackend> = { webgpu: 'webgpu', 'node-gpu': 'tfjs-node-gpu', node: 'tfjs-node', wasm: 'wasm', cpu: 'cpu' };

export function describeBackend(info: BackendInfo, workers: number): ApiBackendInfo {
  const activeIndex = BACKEND_ORDER.indexOf(info.name);
  const candidates = BACKEND_ORDER.map((name, i) => {
    if (name === info.name) return { backend: API_NAME[name], status: 'active' as const };
    const skipped = info.skipped.find((s) => s.name === name);
    if (skipped) return { backend: API_NAME[name], status: 'skipped' as const, reason: skipped.reason };
    return { backend: API_NAME[name], status: 'available' as const, reason: i > activeIndex ? `not tried: ${info.name} comes first` : undefined };
  });
  const cpus = os.cpus();
  return {
    active: API_NAME[info.name],
    detail: `${info.detail}; ${workers} worker thread${workers === 1 ? '' : 's'}`,
    ...(info.adapter ? { adapter: { vendor: info.adapter.vendor, device: info.adapter.device, software: info.adapter.software } } : {}),
    candidates,
    workers,
    cpu: { model: cpus[0]?.model.trim() || 'unknown', cores: Math.max(1, os.availableParallelism()) },
    memory: { totalBytes: os.totalmem(), freeBytes: os.freemem() },
    platform: `${process.platform}-${process.arch}`,
    nodeVersion: process.version,
  };
}
