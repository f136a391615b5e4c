/// <reference types="@webgpu/types" />
/**
 * The WebGPU device of this thread, from Dawn's Node binding (npm package `webgpu`), loaded lazily: the
 * package's native binary (dawn.node) is only read when the webgpu backend is tried. One adapter and one
 * device per thread (the CLI process, the app's engine utilityProcess, each worker thread).
 */
import type { AdapterInfoLike, GpuAdapterSummary } from './adapter-summary.js';
import { summarizeAdapter } from './adapter-summary.js';

/** What the kernels need from the device: the device, its limits and the usage/map flags of the binding. */
export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapter: GpuAdapterSummary;
  /** Largest storage buffer binding and buffer, in bytes (the adapter's limits, requested in full). */
  readonly maxBinding: number;
  readonly maxBuffer: number;
  readonly maxWorkgroupsPerDimension: number;
  readonly usage: { readonly STORAGE: number; readonly COPY_SRC: number; readonly COPY_DST: number; readonly MAP_READ: number; readonly UNIFORM: number };
  readonly mapRead: number;
}

export type GpuOpenResult = { ok: true; gpu: GpuContext } | { ok: false; reason: string };

/** The module specifier of Dawn's binding; a computed import so that bundlers leave it external. */
export const WEBGPU_PACKAGE = 'webgpu';

interface WebGpuModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

const opened = new Map<string, Promise<GpuOpenResult>>();
let active: GpuContext | undefined;
let instance: GPU | undefined;

/** Opens (once per thread) the first adapter Dawn offers and a device with its full buffer limits. */
export function openGpu(specifier = WEBGPU_PACKAGE): Promise<GpuOpenResult> {
  let result = opened.get(specifier);
  if (!result) opened.set(specifier, (result = open(specifier)));
  return result;
}

/** The device when this thread's compute backend is webgpu (set by the backend chain), else undefined. */
export function activeGpu(): GpuContext | undefined {
  return active;
}

export function setActiveGpu(gpu: GpuContext | undefined): void {
  active = gpu;
}

async function open(specifier: string): Promise<GpuOpenResult> {
  let mod: WebGpuModule;
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as WebGpuModule;
  } catch (err) {
    return { ok: false, reason: `Dawn's binding (${specifier}) failed to load: ${errorText(err)}` };
  }
  let adapter: GPUAdapter | null;
  try {
    // The GPU object must outlive the device: once it is collected Dawn's instance goes and the process aborts.
    instance = mod.create([]);
    adapter = await instance.requestAdapter();
  } catch (err) {
    return { ok: false, reason: `requestAdapter failed: ${errorText(err)}` };
  }
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter (no Vulkan/Metal/D3D12 driver Dawn accepts; on Linux install a recent mesa-vulkan-drivers or the GPU vendor driver)' };
  // GPUAdapter.info is newer than the @webgpu/types this repo resolves; Dawn has it.
  const summary = summarizeAdapter((adapter as unknown as { info: AdapterInfoLike }).info);
  const limits = adapter.limits;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      },
    });
  } catch (err) {
    return { ok: false, reason: `requestDevice on ${summary.label} failed: ${errorText(err)}` };
  }
  const usage = mod.globals.GPUBufferUsage as GpuContext['usage'];
  const mapMode = mod.globals.GPUMapMode as { READ: number };
  // The device's own limits (what was granted), capped so a block's index fits a u32 element count.
  const maxBinding = Math.min(device.limits.maxStorageBufferBindingSize, 2 ** 31);
  const maxBuffer = Math.min(device.limits.maxBufferSize, 2 ** 31);
  return { ok: true, gpu: { device, adapter: summary, maxBinding, maxBuffer, maxWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension, usage, mapRead: mapMode.READ } };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}
