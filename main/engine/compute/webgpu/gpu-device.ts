/// <reference types="@webgpu/types" />
/**
 * The WebGPU device of this thread, from Dawn's Node binding (npm package `webgpu`), loaded lazily: the
 * package's native binary (dawn.node) is only read when the webgpu backend is tried. One adapter and one
 * device per thread (the CLI process, the app's engine utilityProcess, each worker thread).
 */
import type { AdapterInfoLike, GpuAdapterSummary } from './adapter-summary.js';
import { summarizeAdapter } from './adapter-summary.js';
import { dawnBinary } from './dawn-binary.js';

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

interface FoundAdapter {
  mod: WebGpuModule;
  /** Kept referenced: once the GPU object is collected, Dawn's instance goes and the process aborts. */
  instance: GPU;
  adapter: GPUAdapter;
  summary: GpuAdapterSummary;
}

export type GpuAdapterResult = { ok: true; adapter: GpuAdapterSummary } | { ok: false; reason: string };

const adapters = new Map<string, Promise<FoundAdapter | { reason: string }>>();
const opened = new Map<string, Promise<GpuOpenResult>>();
let active: GpuContext | undefined;

/**
 * The adapter Dawn offers, without a device (once per thread): enough to refuse a software one under `auto`
 * without paying for a device on it.
 */
export async function probeGpuAdapter(specifier = WEBGPU_PACKAGE): Promise<GpuAdapterResult> {
  const found = await findAdapter(specifier);
  return 'reason' in found ? { ok: false, reason: found.reason } : { ok: true, adapter: found.summary };
}

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

function findAdapter(specifier: string): Promise<FoundAdapter | { reason: string }> {
  let result = adapters.get(specifier);
  if (!result) adapters.set(specifier, (result = requestAdapter(specifier)));
  return result;
}

async function requestAdapter(specifier: string): Promise<FoundAdapter | { reason: string }> {
  let mod: WebGpuModule;
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as WebGpuModule;
  } catch (err) {
    return { reason: `Dawn's binding (${specifier}) failed to load: ${errorText(err)}${specifier === WEBGPU_PACKAGE ? binaryNote() : ''}` };
  }
  try {
    const instance = mod.create([]);
    const adapter = await instance.requestAdapter();
    if (!adapter) return { reason: 'no WebGPU adapter (no Vulkan/Metal/D3D12 driver Dawn accepts; on Linux install a recent mesa-vulkan-drivers or the GPU vendor driver)' };
    // GPUAdapter.info is newer than the @webgpu/types this repo resolves; Dawn has it.
    const summary = summarizeAdapter((adapter as unknown as { info: AdapterInfoLike }).info);
    return { mod, instance, adapter, summary };
  } catch (err) {
    return { reason: `requestAdapter failed: ${errorText(err)}` };
  }
}

async function open(specifier: string): Promise<GpuOpenResult> {
  const found = await findAdapter(specifier);
  if ('reason' in found) return { ok: false, reason: found.reason };
  const { mod, adapter, summary } = found;
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
  const gpu: GpuContext = { device, adapter: summary, maxBinding, maxBuffer, maxWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension, usage, mapRead: mapMode.READ };
  // Keeps the instance alive as long as the context (see FoundAdapter.instance).
  instances.set(gpu, found.instance);
  return { ok: true, gpu };
}

const instances = new WeakMap<GpuContext, GPU>();

/** Where the binary should be, when it is not there (a package installed for another platform, a bad packaging). */
function binaryNote(): string {
  try {
    const binary = dawnBinary();
    return binary.exists ? '' : ` (${binary.file} is missing)`;
  } catch {
    return '';
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}
