/**
 * A cheap look, before loading Dawn, for whether this machine has a GPU `auto` could use. On Linux a hardware
 * Vulkan driver needs a device node: a DRM render node (/dev/dri/renderD*: AMD, Intel, NVIDIA with nvidia-drm,
 * most others), NVIDIA's /dev/nvidia0, or WSL2's /dev/dxg. Without one, the only adapter Dawn could find is a
 * software one, which `auto` refuses anyway: skipping the probe saves loading Dawn and the Vulkan driver in
 * every worker thread (time, ~70 MB, and Dawn's notices on stderr). Other systems: always probe.
 */
import { existsSync, readdirSync } from 'node:fs';

export interface GpuPresence {
  likely: boolean;
  /** Why not, for the backend's skip reason. */
  reason?: string;
}

export function hardwareGpuPresence(platform: NodeJS.Platform = process.platform, root = '/dev'): GpuPresence {
  if (platform !== 'linux') return { likely: true };
  let render = false;
  try {
    render = readdirSync(`${root}/dri`).some((n) => n.startsWith('renderD'));
  } catch {
    render = false;
  }
  if (render || existsSync(`${root}/nvidia0`) || existsSync(`${root}/dxg`)) return { likely: true };
  return { likely: false, reason: `no GPU device on this machine (none of ${root}/dri/renderD*, ${root}/nvidia0, ${root}/dxg); auto does not look for a software adapter, --backend webgpu does` };
}
