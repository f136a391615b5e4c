/**
 * The webgpu step of the backend chain on the adapter Dawn finds here (llvmpipe on CI): `auto` refuses a
 * software adapter and says so, `webgpu` takes it and names it; which adapters count as software.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/compute/backend.js';
import { isSoftwareAdapter, summarizeAdapter } from '../../../../main/engine/compute/webgpu/adapter-summary.js';
import { activeGpu } from '../../../../main/engine/compute/webgpu/gpu-device.js';
import { hardwareGpuPresence } from '../../../../main/engine/compute/webgpu/gpu-presence.js';
import { describeBackend } from '../../../../main/engine/service/backend-info.js';
import { backendInfoSchema } from '../../../../shared/ipc/system.js';
import { testGpu } from '../../../helpers/webgpu.js';

const found = await testGpu();

describe('isSoftwareAdapter', () => {
  it('knows the software rasterizers and the fallback flag', () => {
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa 25.0.7' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'google', device: 'SwiftShader Device (Subzero)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', device: 'x', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', device: '0x2335', description: 'NVIDIA H100 80GB HBM3' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3', description: 'Apple M2' })).toBe(false);
  });

  it('summarizes for one line of output, without control characters from the driver', () => {
    const s = summarizeAdapter({ vendor: 'amd\u001b[31m', architecture: 'rdna-3', device: '', description: 'AMD Radeon RX 7900 XTX' });
    expect(s).toEqual({ vendor: 'amd[31m', device: 'AMD Radeon RX 7900 XTX', description: 'AMD Radeon RX 7900 XTX', software: false, label: 'amd[31m AMD Radeon RX 7900 XTX (hardware)' });
  });
});

describe('hardwareGpuPresence (Linux device nodes, before loading Dawn)', () => {
  const devRoot = (...nodes: string[]): string => {
    const root = mkdtempSync(path.join(tmpdir(), 'ls-dev-'));
    for (const n of nodes) {
      mkdirSync(path.dirname(path.join(root, n)), { recursive: true });
      writeFileSync(path.join(root, n), '');
    }
    return root;
  };

  it('a render node, an NVIDIA device or WSL2 counts; card nodes alone or nothing do not', () => {
    expect(hardwareGpuPresence('linux', devRoot('dri/renderD128')).likely).toBe(true);
    expect(hardwareGpuPresence('linux', devRoot('nvidia0')).likely).toBe(true);
    expect(hardwareGpuPresence('linux', devRoot('dxg')).likely).toBe(true);
    const none = hardwareGpuPresence('linux', devRoot('dri/card0'));
    expect(none.likely).toBe(false);
    expect(none.reason).toMatch(/^no GPU device on this machine .*--backend webgpu does$/);
    expect(hardwareGpuPresence('darwin', devRoot()).likely).toBe(true);
    expect(hardwareGpuPresence('win32', devRoot()).likely).toBe(true);
  });
});

describe.skipIf(!found.gpu)(`the webgpu backend (${found.gpu?.adapter.label ?? 'no adapter'})`, () => {
  it('--backend webgpu takes the adapter it finds and names it', async () => {
    const info = await selectBackend({ prefer: 'webgpu' });
    expect(info.name).toBe('webgpu');
    expect(info.adapter).toEqual(found.gpu!.adapter);
    expect(info.detail).toBe(`WebGPU on ${found.gpu!.adapter.label}; tfjs ops on wasm`);
    expect(activeGpu()?.device).toBe(found.gpu!.device);
    // What the app's run panel gets: the backend and the adapter, valid by the IPC schema.
    const api = backendInfoSchema.parse(describeBackend(info, 2));
    expect(api.active).toBe('webgpu');
    expect(api.adapter).toEqual({ vendor: found.gpu!.adapter.vendor, device: found.gpu!.adapter.device, software: found.gpu!.adapter.software });
    expect(api.candidates[0]).toEqual({ backend: 'webgpu', status: 'active' });
  });

  it('auto refuses a software adapter with the reason, and no GPU stays active', async () => {
    const info = await selectBackend({ prefer: 'auto' });
    if (found.gpu!.adapter.software) {
      expect(info.name).not.toBe('webgpu');
      const probed = `only a software adapter (${found.gpu!.adapter.label}); auto never takes one, --backend webgpu does`;
      const reason = hardwareGpuPresence().likely ? probed : hardwareGpuPresence().reason;
      expect(info.skipped[0]).toEqual({ name: 'webgpu', reason });
      expect(activeGpu()).toBeUndefined();
    } else {
      expect(info.name).toBe('webgpu');
    }
  });
});
