/**
 * What people and the backend choice need to know about a WebGPU adapter: who made it, what it is, and
 * whether it is a software rasterizer (llvmpipe, SwiftShader, WARP), which `auto` never takes because our
 * WebAssembly kernels are faster than a CPU pretending to be a GPU.
 */
export interface GpuAdapterSummary {
  vendor: string;
  device: string;
  description: string;
  /** A software adapter (CPU emulation), not a GPU. */
  software: boolean;
  /** "vendor device (software|hardware)" for one line of output. */
  label: string;
}

/** The adapter info fields we read (GPUAdapterInfo; isFallbackAdapter is newer than some typings). */
export interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

export function isSoftwareAdapter(info: AdapterInfoLike): boolean {
  if (info.isFallbackAdapter === true) return true;
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  return SOFTWARE_NAMES.test(text) || info.architecture === 'software';
}

export function summarizeAdapter(info: AdapterInfoLike): GpuAdapterSummary {
  const vendor = clean(info.vendor) || 'unknown vendor';
  const device = clean(info.device) || clean(info.description) || clean(info.architecture) || 'unknown device';
  const software = isSoftwareAdapter(info);
  return { vendor, device, description: clean(info.description), software, label: `${vendor} ${device} (${software ? 'software' : 'hardware'})` };
}

/** Adapter strings come from the driver: keep printable ASCII only, so nothing odd reaches a terminal. */
function clean(s: string | undefined): string {
  return (s ?? '').replace(/[^\x20-\x7e]/g, '').trim().slice(0, 120);
}
